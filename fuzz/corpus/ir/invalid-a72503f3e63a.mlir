func.func @multi_dimensional_bias(%q: tensor<1x1x8x16xf32>, %k: tensor<1x1x8x16xf32>,
                                  %v: tensor<1x1x8x32xf32>, %w1: tensor<16x32xf32>,
                                  %w2: tensor<16x32xf32>, %b: tensor<16xf32>)
    -> tensor<1x1x8x32xf32> {
  %o = attn.attention %q, %k, %v
      score_operands(%w1, %w2, %b
                     : tensor<16x32xf32>, tensor<16x32xf32>, tensor<16xf32>)
      {score = #attn.score<multi_dimensional>}
      : tensor<1x1x8x16xf32>, tensor<1x1x8x16xf32>, tensor<1x1x8x32xf32>
      -> tensor<1x1x8x32xf32>
  return %o : tensor<1x1x8x32xf32>
}
