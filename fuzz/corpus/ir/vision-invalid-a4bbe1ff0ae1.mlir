func.func @st_input_rank(%x: tensor<?x?x?xf32>, %t: tensor<?x2x3xf32>) -> tensor<?x?x?xf32> {
  %y = attn.spatial_transformer %x, %t : tensor<?x?x?xf32>, tensor<?x2x3xf32> -> tensor<?x?x?xf32>
  return %y : tensor<?x?x?xf32>
}
