func.func @missing_mask_type(%q: tensor<1x4x8x16xf32>, %k: tensor<1x4x8x16xf32>,
                             %v: tensor<1x4x8x16xf32>, %m: tensor<1x1x8x8xi1>)
    -> tensor<1x4x8x16xf32> {
  %o = attn.attention %q, %k, %v mask(%m)
      : tensor<1x4x8x16xf32>, tensor<1x4x8x16xf32>, tensor<1x4x8x16xf32>
      -> tensor<1x4x8x16xf32>
  return %o : tensor<1x4x8x16xf32>
}
