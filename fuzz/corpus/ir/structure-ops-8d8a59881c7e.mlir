func.func @attention_over_attention(%d: tensor<2x10x8xf32>, %q: tensor<2x3x8xf32>)
    -> tensor<2x10xf32> {
  %s = attn.attention_over_attention %d, %q
      : tensor<2x10x8xf32>, tensor<2x3x8xf32> -> tensor<2x10xf32>
  return %s : tensor<2x10xf32>
}
