func.func @negative_relative_clip(%q: tensor<1x4x8x16xf32>, %k: tensor<1x4x8x16xf32>,
                                  %v: tensor<1x4x8x16xf32>) -> tensor<1x4x8x16xf32> {
  %o = attn.attention %q, %k, %v {relative_clip = -1}
      : tensor<1x4x8x16xf32>, tensor<1x4x8x16xf32>, tensor<1x4x8x16xf32>
      -> tensor<1x4x8x16xf32>
  return %o : tensor<1x4x8x16xf32>
}
