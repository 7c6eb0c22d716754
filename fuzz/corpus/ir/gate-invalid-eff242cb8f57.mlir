func.func @sp_input_rank(%x: tensor<2x64x5x5x1xf32>, %ws: tensor<1x2x7x7xf32>, %bs: tensor<1xf32>) -> tensor<2x64x5x5xf32> {
  %y = attn.spatial_gate %x, %ws, %bs
      : tensor<2x64x5x5x1xf32>, tensor<1x2x7x7xf32>, tensor<1xf32> -> tensor<2x64x5x5xf32>
  return %y : tensor<2x64x5x5xf32>
}
