func.func @same_name(%a: tensor<4xf32> {attn.name = "x"},
                     %b: tensor<4xf32> {attn.name = "x"}) {
  return
}
