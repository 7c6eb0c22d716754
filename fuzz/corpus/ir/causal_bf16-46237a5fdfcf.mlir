func.func @main(%q: tensor<?x4x?x64xbf16>,
                %k: tensor<?x4x?x64xbf16>,
                %v: tensor<?x4x?x64xbf16>)
    -> tensor<?x4x?x64xbf16> {
  %o = attn.attention %q, %k, %v {causal}
      : tensor<?x4x?x64xbf16>, tensor<?x4x?x64xbf16>, tensor<?x4x?x64xbf16>
      -> tensor<?x4x?x64xbf16>
  return %o : tensor<?x4x?x64xbf16>
}
