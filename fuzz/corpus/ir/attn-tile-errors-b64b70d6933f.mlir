func.func @multi_dimensional_scale(%q: tensor<1x2x8x16xf32>,
                                   %k: tensor<1x2x8x16xf32>,
                                   %v: tensor<1x2x8x16xf32>,
                                   %w: tensor<16x16xf32>, %b: tensor<16xf32>)
    -> tensor<1x2x8x16xf32> {
  %o = attn.attention %q, %k, %v
      score_operands(%w, %w, %b
          : tensor<16x16xf32>, tensor<16x16xf32>, tensor<16xf32>)
      {score = #attn.score<multi_dimensional>, scale = 50.0 : f32}
      : tensor<1x2x8x16xf32>, tensor<1x2x8x16xf32>, tensor<1x2x8x16xf32>
      -> tensor<1x2x8x16xf32>
  return %o : tensor<1x2x8x16xf32>
}
