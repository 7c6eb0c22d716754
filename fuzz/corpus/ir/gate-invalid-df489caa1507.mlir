func.func @eca_dynamic_k(%x: tensor<2x64x5x5xf32>, %w: tensor<?xf32>) -> tensor<2x64x5x5xf32> {
  %y = attn.eca %x, %w : tensor<2x64x5x5xf32>, tensor<?xf32> -> tensor<2x64x5x5xf32>
  return %y : tensor<2x64x5x5xf32>
}
