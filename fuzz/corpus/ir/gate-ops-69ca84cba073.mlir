func.func @spatial_gate(%x: tensor<2x16x5x7xf32>, %ws: tensor<1x2x3x3xf32>,
                        %bs: tensor<1xf32>) -> tensor<2x16x5x7xf32> {
  %y = attn.spatial_gate %x, %ws, %bs
      : tensor<2x16x5x7xf32>, tensor<1x2x3x3xf32>, tensor<1xf32>
      -> tensor<2x16x5x7xf32>
  return %y : tensor<2x16x5x7xf32>
}
