func.func @lse_with_sigmoid(%q: tensor<1x4x8x16xf32>, %k: tensor<1x4x8x16xf32>,
                            %v: tensor<1x4x8x16xf32>)
    -> (tensor<1x4x8x16xf32>, tensor<1x4x8xf32>) {
  %o, %lse = attn.attention %q, %k, %v {normalizer = #attn.normalizer<sigmoid>}
      : tensor<1x4x8x16xf32>, tensor<1x4x8x16xf32>, tensor<1x4x8x16xf32>
      -> tensor<1x4x8x16xf32>, tensor<1x4x8xf32>
  return %o, %lse : tensor<1x4x8x16xf32>, tensor<1x4x8xf32>
}
