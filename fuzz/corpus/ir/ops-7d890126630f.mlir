func.func @score_multi_dimensional(%q: tensor<?x1x?x64xf32>,
                                   %k: tensor<?x1x?x64xf32>,
                                   %v: tensor<?x1x?x32xf32>,
                                   %w1: tensor<64x32xf32>, %w2: tensor<64x32xf32>,
                                   %b: tensor<32xf32>) -> tensor<?x1x?x32xf32> {
  %o = attn.attention %q, %k, %v
      score_operands(%w1, %w2, %b
                     : tensor<64x32xf32>, tensor<64x32xf32>, tensor<32xf32>)
      {score = #attn.score<multi_dimensional>}
      : tensor<?x1x?x64xf32>, tensor<?x1x?x64xf32>, tensor<?x1x?x32xf32>
      -> tensor<?x1x?x32xf32>
  return %o : tensor<?x1x?x32xf32>
}
