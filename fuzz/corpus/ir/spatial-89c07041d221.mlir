func.func @main(%x: tensor<?x64x?x?xf32>, %ws: tensor<1x2x7x7xf32>,
                %bs: tensor<1xf32>) -> tensor<?x64x?x?xf32> {
  %y = attn.spatial_gate %x, %ws, %bs
      : tensor<?x64x?x?xf32>, tensor<1x2x7x7xf32>, tensor<1xf32>
      -> tensor<?x64x?x?xf32>
  return %y : tensor<?x64x?x?xf32>
}
