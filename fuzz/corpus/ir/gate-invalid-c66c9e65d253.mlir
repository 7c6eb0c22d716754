func.func @eca_even(%x: tensor<2x64x5x5xf32>, %w: tensor<4xf32>) -> tensor<2x64x5x5xf32> {
  %y = attn.eca %x, %w : tensor<2x64x5x5xf32>, tensor<4xf32> -> tensor<2x64x5x5xf32>
  return %y : tensor<2x64x5x5xf32>
}
