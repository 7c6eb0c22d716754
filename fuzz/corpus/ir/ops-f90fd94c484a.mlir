func.func @score_additive_dynamic_a(%q: tensor<?x1x?x32xf32>,
                                    %k: tensor<?x1x?x32xf32>,
                                    %v: tensor<?x1x?x32xf32>,
                                    %wq: tensor<32x?xf32>, %wk: tensor<32x?xf32>,
                                    %va: tensor<?xf32>) -> tensor<?x1x?x32xf32> {
  %o = attn.attention %q, %k, %v
      score_operands(%wq, %wk, %va
                     : tensor<32x?xf32>, tensor<32x?xf32>, tensor<?xf32>)
      {score = #attn.score<additive>}
      : tensor<?x1x?x32xf32>, tensor<?x1x?x32xf32>, tensor<?x1x?x32xf32>
      -> tensor<?x1x?x32xf32>
  return %o : tensor<?x1x?x32xf32>
}
