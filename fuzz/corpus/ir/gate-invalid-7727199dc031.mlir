func.func @sp_output(%x: tensor<2x64x5x5xf32>, %ws: tensor<1x2x7x7xf32>, %bs: tensor<1xf32>) -> tensor<3x64x5x5xf32> {
  %y = attn.spatial_gate %x, %ws, %bs
      : tensor<2x64x5x5xf32>, tensor<1x2x7x7xf32>, tensor<1xf32> -> tensor<3x64x5x5xf32>
  return %y : tensor<3x64x5x5xf32>
}
