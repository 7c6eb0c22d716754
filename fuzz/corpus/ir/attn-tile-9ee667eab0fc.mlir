func.func @key_padding(%q: tensor<?x4x?x64xf32>, %k: tensor<?x4x?x64xf32>,
                       %v: tensor<?x4x?x64xf32>, %len: tensor<?xi32>)
    -> tensor<?x4x?x64xf32> {
  %o = attn.attention %q, %k, %v key_lengths(%len : tensor<?xi32>)
      : tensor<?x4x?x64xf32>, tensor<?x4x?x64xf32>, tensor<?x4x?x64xf32>
      -> tensor<?x4x?x64xf32>
  return %o : tensor<?x4x?x64xf32>
}
