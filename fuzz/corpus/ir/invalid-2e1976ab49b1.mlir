func.func @key_batch(%q: tensor<2x4x8x16xf32>, %k: tensor<3x4x8x16xf32>,
                     %v: tensor<3x4x8x16xf32>) -> tensor<2x4x8x16xf32> {
  %o = attn.attention %q, %k, %v
      : tensor<2x4x8x16xf32>, tensor<3x4x8x16xf32>, tensor<3x4x8x16xf32>
      -> tensor<2x4x8x16xf32>
  return %o : tensor<2x4x8x16xf32>
}
