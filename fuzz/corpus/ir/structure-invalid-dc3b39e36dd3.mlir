func.func @co_rank(%a: tensor<?x64xf32>, %b: tensor<2x?x64xf32>) -> (tensor<2x?x64xf32>, tensor<2x?x64xf32>) {
  %a2, %b2 = attn.co_attention %a, %b : tensor<?x64xf32>, tensor<2x?x64xf32> -> tensor<2x?x64xf32>, tensor<2x?x64xf32>
  return %a2, %b2 : tensor<2x?x64xf32>, tensor<2x?x64xf32>
}
