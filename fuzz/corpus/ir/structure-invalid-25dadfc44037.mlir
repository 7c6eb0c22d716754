func.func @co_b_out(%a: tensor<2x?x64xf32>, %b: tensor<2x7x64xf32>) -> (tensor<2x?x64xf32>, tensor<2x5x64xf32>) {
  %a2, %b2 = attn.co_attention %a, %b : tensor<2x?x64xf32>, tensor<2x7x64xf32> -> tensor<2x?x64xf32>, tensor<2x5x64xf32>
  return %a2, %b2 : tensor<2x?x64xf32>, tensor<2x5x64xf32>
}
