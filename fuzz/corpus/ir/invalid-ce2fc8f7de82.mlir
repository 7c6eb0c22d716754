func.func @position_operand_type(%q: tensor<1x2x8x16xf32>, %k: tensor<1x2x8x16xf32>, %v: tensor<1x2x8x16xf32>, %p: tensor<1x2x8xf16>) -> tensor<1x2x8x16xf32> {
  %o = attn.attention %q, %k, %v position_operands(%p : tensor<1x2x8xf16>) {gaussian_window = 8 : i64, gaussian_sigma = 4.0 : f32} : tensor<1x2x8x16xf32>, tensor<1x2x8x16xf32>, tensor<1x2x8x16xf32> -> tensor<1x2x8x16xf32>
  return %o : tensor<1x2x8x16xf32>
}
