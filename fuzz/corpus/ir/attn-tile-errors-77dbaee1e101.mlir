func.func @relative_general(%q: tensor<1x2x8x16xf32>, %k: tensor<1x2x8x16xf32>,
                            %v: tensor<1x2x8x16xf32>, %w: tensor<16x16xf32>,
                            %a: tensor<33x16xf32>) -> tensor<1x2x8x16xf32> {
  %o = attn.attention %q, %k, %v score_operands(%w : tensor<16x16xf32>)
      position_operands(%a, %a : tensor<33x16xf32>, tensor<33x16xf32>)
      {relative_clip = 16 : i64, score = #attn.score<general>}
      : tensor<1x2x8x16xf32>, tensor<1x2x8x16xf32>, tensor<1x2x8x16xf32>
      -> tensor<1x2x8x16xf32>
  return %o : tensor<1x2x8x16xf32>
}
