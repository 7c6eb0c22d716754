func.func @se_b2_c_from_weights(%x: tensor<2x?x5x5xf32>, %w1: tensor<64x16xf32>, %b1: tensor<16xf32>, %w2: tensor<16x64xf32>, %b2: tensor<32xf32>) -> tensor<2x?x5x5xf32> {
  %y = attn.squeeze_excite %x, %w1, %b1, %w2, %b2
      : tensor<2x?x5x5xf32>, tensor<64x16xf32>, tensor<16xf32>, tensor<16x64xf32>, tensor<32xf32> -> tensor<2x?x5x5xf32>
  return %y : tensor<2x?x5x5xf32>
}
