func.func @st_theta_batch(%x: tensor<4x?x?x?xf32>, %t: tensor<3x2x3xf32>) -> tensor<4x?x?x?xf32> {
  %y = attn.spatial_transformer %x, %t : tensor<4x?x?x?xf32>, tensor<3x2x3xf32> -> tensor<4x?x?x?xf32>
  return %y : tensor<4x?x?x?xf32>
}
