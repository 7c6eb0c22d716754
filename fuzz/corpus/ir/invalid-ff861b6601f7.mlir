func.func @query_rank(%q: tensor<4x8x16xf32>, %k: tensor<1x4x8x16xf32>,
                      %v: tensor<1x4x8x16xf32>) -> tensor<1x4x8x16xf32> {
  %o = attn.attention %q, %k, %v
      : tensor<4x8x16xf32>, tensor<1x4x8x16xf32>, tensor<1x4x8x16xf32>
      -> tensor<1x4x8x16xf32>
  return %o : tensor<1x4x8x16xf32>
}
