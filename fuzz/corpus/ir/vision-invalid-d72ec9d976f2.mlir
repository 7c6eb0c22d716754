func.func @st_output(%x: tensor<?x3x?x?xf32>, %t: tensor<?x2x3xf32>) -> tensor<?x4x?x?xf32> {
  %y = attn.spatial_transformer %x, %t : tensor<?x3x?x?xf32>, tensor<?x2x3xf32> -> tensor<?x4x?x?xf32>
  return %y : tensor<?x4x?x?xf32>
}
