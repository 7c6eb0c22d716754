func.func @score_general(%q: tensor<?x8x?x64xf32>, %k: tensor<?x8x?x64xf32>,
                         %v: tensor<?x8x?x64xf32>, %w: tensor<64x64xf32>)
    -> tensor<?x8x?x64xf32> {
  %o = attn.attention %q, %k, %v score_operands(%w : tensor<64x64xf32>)
      {score = #attn.score<general>, scale = 1.0 : f32}
      : tensor<?x8x?x64xf32>, tensor<?x8x?x64xf32>, tensor<?x8x?x64xf32>
      -> tensor<?x8x?x64xf32>
  return %o : tensor<?x8x?x64xf32>
}
