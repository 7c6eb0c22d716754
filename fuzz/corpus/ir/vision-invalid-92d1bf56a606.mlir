func.func @st_theta_dynamic(%x: tensor<?x?x?x?xf32>, %t: tensor<?x2x?xf32>) -> tensor<?x?x?x?xf32> {
  %y = attn.spatial_transformer %x, %t : tensor<?x?x?x?xf32>, tensor<?x2x?xf32> -> tensor<?x?x?x?xf32>
  return %y : tensor<?x?x?x?xf32>
}
