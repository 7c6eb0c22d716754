func.func @spatial_transformer_static(%x: tensor<2x3x4x5xf32>,
                                      %t: tensor<2x2x3xf32>)
    -> tensor<2x3x4x5xf32> {
  %y = attn.spatial_transformer %x, %t
      : tensor<2x3x4x5xf32>, tensor<2x2x3xf32> -> tensor<2x3x4x5xf32>
  return %y : tensor<2x3x4x5xf32>
}
