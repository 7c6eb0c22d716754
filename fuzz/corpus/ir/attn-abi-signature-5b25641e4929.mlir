func.func @spaced_name(%a: tensor<4xf32> {attn.name = "two words"}) {
  return
}
