func.func @eca_input_rank(%x: tensor<64x5x5xf32>, %w: tensor<3xf32>) -> tensor<64x5x5xf32> {
  %y = attn.eca %x, %w : tensor<64x5x5xf32>, tensor<3xf32> -> tensor<64x5x5xf32>
  return %y : tensor<64x5x5xf32>
}
