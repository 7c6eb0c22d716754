func.func @i64_key_lengths(%q: tensor<1x4x8x16xf32>, %k: tensor<1x4x8x16xf32>,
                           %v: tensor<1x4x8x16xf32>, %len: tensor<1xi64>)
    -> tensor<1x4x8x16xf32> {
  %o = attn.attention %q, %k, %v key_lengths(%len : tensor<1xi64>)
      : tensor<1x4x8x16xf32>, tensor<1x4x8x16xf32>, tensor<1x4x8x16xf32>
      -> tensor<1x4x8x16xf32>
  return %o : tensor<1x4x8x16xf32>
}
