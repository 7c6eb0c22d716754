func.func @additive_count(%q: tensor<1x4x8x16xf32>, %k: tensor<1x4x8x16xf32>,
                          %v: tensor<1x4x8x16xf32>, %wq: tensor<16x8xf32>,
                          %wk: tensor<16x8xf32>) -> tensor<1x4x8x16xf32> {
  %o = attn.attention %q, %k, %v
      score_operands(%wq, %wk : tensor<16x8xf32>, tensor<16x8xf32>)
      {score = #attn.score<additive>}
      : tensor<1x4x8x16xf32>, tensor<1x4x8x16xf32>, tensor<1x4x8x16xf32>
      -> tensor<1x4x8x16xf32>
  return %o : tensor<1x4x8x16xf32>
}
