func.func @lse_shape(%q: tensor<1x4x8x16xf32>, %k: tensor<1x4x8x16xf32>,
                     %v: tensor<1x4x8x16xf32>)
    -> (tensor<1x4x8x16xf32>, tensor<1x4x8x1xf32>) {
  %o, %lse = attn.attention %q, %k, %v
      : tensor<1x4x8x16xf32>, tensor<1x4x8x16xf32>, tensor<1x4x8x16xf32>
      -> tensor<1x4x8x16xf32>, tensor<1x4x8x1xf32>
  return %o, %lse : tensor<1x4x8x16xf32>, tensor<1x4x8x1xf32>
}
