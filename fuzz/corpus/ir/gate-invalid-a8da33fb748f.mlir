func.func @sk_u1_rank(%u1: tensor<?x64x?xf32>, %u2: tensor<?x64x?x?xf32>, %wfc: tensor<64x32xf32>, %bfc: tensor<32xf32>, %wa: tensor<32x64xf32>, %wb: tensor<32x64xf32>) -> tensor<?x64x?x?xf32> {
  %y = attn.selective_kernel %u1, %u2, %wfc, %bfc, %wa, %wb
      : tensor<?x64x?xf32>, tensor<?x64x?x?xf32>, tensor<64x32xf32>, tensor<32xf32>,
        tensor<32x64xf32>, tensor<32x64xf32> -> tensor<?x64x?x?xf32>
  return %y : tensor<?x64x?x?xf32>
}
