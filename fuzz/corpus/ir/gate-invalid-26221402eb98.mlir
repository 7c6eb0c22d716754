func.func @eca_w_rank(%x: tensor<2x64x5x5xf32>, %w: tensor<1x3xf32>) -> tensor<2x64x5x5xf32> {
  %y = attn.eca %x, %w : tensor<2x64x5x5xf32>, tensor<1x3xf32> -> tensor<2x64x5x5xf32>
  return %y : tensor<2x64x5x5xf32>
}
