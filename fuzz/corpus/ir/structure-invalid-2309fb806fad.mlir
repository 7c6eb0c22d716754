func.func @aoa_dynamic_d(%d: tensor<2x?x?xf32>, %q: tensor<2x?x64xf32>) -> tensor<2x?xf32> {
  %s = attn.attention_over_attention %d, %q : tensor<2x?x?xf32>, tensor<2x?x64xf32> -> tensor<2x?xf32>
  return %s : tensor<2x?xf32>
}
