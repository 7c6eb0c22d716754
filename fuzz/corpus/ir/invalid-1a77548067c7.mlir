func.func @huge_relative_clip(%q: tensor<1x2x8x16xf32>, %k: tensor<1x2x8x16xf32>, %v: tensor<1x2x8x16xf32>, %a: tensor<3x16xf32>) -> tensor<1x2x8x16xf32> {
  %o = attn.attention %q, %k, %v position_operands(%a, %a : tensor<3x16xf32>, tensor<3x16xf32>) {relative_clip = 9223372036854775807 : i64} : tensor<1x2x8x16xf32>, tensor<1x2x8x16xf32>, tensor<1x2x8x16xf32> -> tensor<1x2x8x16xf32>
  return %o : tensor<1x2x8x16xf32>
}
