// Scaled dot-product attention with B, Sq and Skv dynamic: the manifest has
// size symbols s0 = B (arg0.d0), s1 = Sq (arg0.d2), s2 = Skv (arg1.d2).
func.func @main(%q: tensor<?x4x?x64xf32>, %k: tensor<?x4x?x64xf32>,
                %v: tensor<?x4x?x64xf32>) -> tensor<?x4x?x64xf32> {
  %o = attn.attention %q, %k, %v
      : tensor<?x4x?x64xf32>, tensor<?x4x?x64xf32>, tensor<?x4x?x64xf32>
      -> tensor<?x4x?x64xf32>
  return %o : tensor<?x4x?x64xf32>
}

// A second entry with static shapes and bf16 values, for --entry.
func.func @causal_bf16(%q: tensor<1x2x8x16xbf16>, %k: tensor<1x2x8x16xbf16>,
                       %v: tensor<1x2x8x16xbf16>) -> tensor<1x2x8x16xbf16> {
  %o = attn.attention %q, %k, %v {causal}
      : tensor<1x2x8x16xbf16>, tensor<1x2x8x16xbf16>, tensor<1x2x8x16xbf16>
      -> tensor<1x2x8x16xbf16>
  return %o : tensor<1x2x8x16xbf16>
}
