func.func @aoa_query(%d: tensor<2x?x64xf32>, %q: tensor<3x?x64xf32>) -> tensor<2x?xf32> {
  %s = attn.attention_over_attention %d, %q : tensor<2x?x64xf32>, tensor<3x?x64xf32> -> tensor<2x?xf32>
  return %s : tensor<2x?xf32>
}
