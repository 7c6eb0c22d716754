func.func @aoa_scores(%d: tensor<2x9x64xf32>, %q: tensor<2x?x64xf32>) -> tensor<2x9x1xf32> {
  %s = attn.attention_over_attention %d, %q : tensor<2x9x64xf32>, tensor<2x?x64xf32> -> tensor<2x9x1xf32>
  return %s : tensor<2x9x1xf32>
}
