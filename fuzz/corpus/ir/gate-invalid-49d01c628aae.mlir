func.func @cbam_w2(%x: tensor<2x64x5x5xf32>, %w1: tensor<64x16xf32>, %b1: tensor<16xf32>, %w2: tensor<8x64xf32>, %b2: tensor<64xf32>, %ws: tensor<1x2x7x7xf32>, %bs: tensor<1xf32>) -> tensor<2x64x5x5xf32> {
  %y = attn.cbam %x, %w1, %b1, %w2, %b2, %ws, %bs
      : tensor<2x64x5x5xf32>, tensor<64x16xf32>, tensor<16xf32>, tensor<8x64xf32>, tensor<64xf32>,
        tensor<1x2x7x7xf32>, tensor<1xf32> -> tensor<2x64x5x5xf32>
  return %y : tensor<2x64x5x5xf32>
}
