func.func @key_lengths_shape(%q: tensor<2x4x8x16xf32>, %k: tensor<2x4x8x16xf32>,
                             %v: tensor<2x4x8x16xf32>, %len: tensor<3xi32>)
    -> tensor<2x4x8x16xf32> {
  %o = attn.attention %q, %k, %v key_lengths(%len : tensor<3xi32>)
      : tensor<2x4x8x16xf32>, tensor<2x4x8x16xf32>, tensor<2x4x8x16xf32>
      -> tensor<2x4x8x16xf32>
  return %o : tensor<2x4x8x16xf32>
}
