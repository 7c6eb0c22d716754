// The dense twin of examples/variants/paged_decode.mlir: the same math on
// keys and values gathered into [B, 2, Skv, 64].
func.func @main(%q: tensor<?x8x?x64xf32>, %k: tensor<?x2x?x64xf32>,
                %v: tensor<?x2x?x64xf32>, %len: tensor<?xi32>)
    -> tensor<?x8x?x64xf32> {
  %o = attn.attention %q, %k, %v key_lengths(%len : tensor<?xi32>)
      : tensor<?x8x?x64xf32>, tensor<?x2x?x64xf32>, tensor<?x2x?x64xf32>
      -> tensor<?x8x?x64xf32>
  return %o : tensor<?x8x?x64xf32>
}
