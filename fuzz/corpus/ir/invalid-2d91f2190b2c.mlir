func.func @relative_without_tables(%q: tensor<1x4x8x16xf32>, %k: tensor<1x4x8x16xf32>,
                                   %v: tensor<1x4x8x16xf32>) -> tensor<1x4x8x16xf32> {
  %o = attn.attention %q, %k, %v {relative_clip = 4}
      : tensor<1x4x8x16xf32>, tensor<1x4x8x16xf32>, tensor<1x4x8x16xf32>
      -> tensor<1x4x8x16xf32>
  return %o : tensor<1x4x8x16xf32>
}
