func.func @unknown_region_keyword(%q: tensor<1x4x8x16xf32>, %k: tensor<1x4x8x16xf32>,
                                  %v: tensor<1x4x8x16xf32>) -> tensor<1x4x8x16xf32> {
  %o = attn.attention %q, %k, %v
      : tensor<1x4x8x16xf32>, tensor<1x4x8x16xf32>, tensor<1x4x8x16xf32>
      -> tensor<1x4x8x16xf32>
      bias_mod {
      ^bb0(%s: f32):
        attn.yield %s : f32
      }
  return %o : tensor<1x4x8x16xf32>
}
