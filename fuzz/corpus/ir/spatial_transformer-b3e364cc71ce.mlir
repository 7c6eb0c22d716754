func.func @main(%x: tensor<?x?x?x?xf32>, %theta: tensor<?x2x3xf32>)
    -> tensor<?x?x?x?xf32> {
  %y = attn.spatial_transformer %x, %theta
      : tensor<?x?x?x?xf32>, tensor<?x2x3xf32> -> tensor<?x?x?x?xf32>
  return %y : tensor<?x?x?x?xf32>
}
