func.func @sp_ws_not_square(%x: tensor<2x64x5x5xf32>, %ws: tensor<1x2x7x5xf32>, %bs: tensor<1xf32>) -> tensor<2x64x5x5xf32> {
  %y = attn.spatial_gate %x, %ws, %bs
      : tensor<2x64x5x5xf32>, tensor<1x2x7x5xf32>, tensor<1xf32> -> tensor<2x64x5x5xf32>
  return %y : tensor<2x64x5x5xf32>
}
