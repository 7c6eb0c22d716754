func.func @sk_u2(%u1: tensor<2x64x5x5xf32>, %u2: tensor<2x64x5x7xf32>, %wfc: tensor<64x32xf32>, %bfc: tensor<32xf32>, %wa: tensor<32x64xf32>, %wb: tensor<32x64xf32>) -> tensor<2x64x5x5xf32> {
  %y = attn.selective_kernel %u1, %u2, %wfc, %bfc, %wa, %wb
      : tensor<2x64x5x5xf32>, tensor<2x64x5x7xf32>, tensor<64x32xf32>, tensor<32xf32>,
        tensor<32x64xf32>, tensor<32x64xf32> -> tensor<2x64x5x5xf32>
  return %y : tensor<2x64x5x5xf32>
}
