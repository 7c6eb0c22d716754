func.func @hard_sample_without_u(%q: tensor<1x4x8x16xf32>, %k: tensor<1x4x8x16xf32>,
                                 %v: tensor<1x4x8x16xf32>) -> tensor<1x4x8x16xf32> {
  %o = attn.attention %q, %k, %v {normalizer = #attn.normalizer<hard_sample>}
      : tensor<1x4x8x16xf32>, tensor<1x4x8x16xf32>, tensor<1x4x8x16xf32>
      -> tensor<1x4x8x16xf32>
  return %o : tensor<1x4x8x16xf32>
}
