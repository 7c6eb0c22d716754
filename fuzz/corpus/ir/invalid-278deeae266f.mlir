func.func @score_operand_type(%q: tensor<1x2x8x16xf32>, %k: tensor<1x2x8x16xf32>, %v: tensor<1x2x8x16xf32>, %w: tensor<16x16xbf16>) -> tensor<1x2x8x16xf32> {
  %o = attn.attention %q, %k, %v score_operands(%w : tensor<16x16xbf16>) {score = #attn.score<general>} : tensor<1x2x8x16xf32>, tensor<1x2x8x16xf32>, tensor<1x2x8x16xf32> -> tensor<1x2x8x16xf32>
  return %o : tensor<1x2x8x16xf32>
}
