func.func @score_additive(%q: tensor<?x1x?x32xf32>, %k: tensor<?x1x?x32xf32>,
                          %v: tensor<?x1x?x32xf32>, %wq: tensor<32x16xf32>,
                          %wk: tensor<32x16xf32>, %va: tensor<16xf32>)
    -> tensor<?x1x?x32xf32> {
  %o = attn.attention %q, %k, %v
      score_operands(%wq, %wk, %va
                     : tensor<32x16xf32>, tensor<32x16xf32>, tensor<16xf32>)
      {score = #attn.score<additive>, scale = 1.0 : f32}
      : tensor<?x1x?x32xf32>, tensor<?x1x?x32xf32>, tensor<?x1x?x32xf32>
      -> tensor<?x1x?x32xf32>
  return %o : tensor<?x1x?x32xf32>
}
