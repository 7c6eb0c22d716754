func.func @decode(%q: tensor<?x8x1x128xbf16>, %k: tensor<?x2x?x128xbf16>,
                  %v: tensor<?x2x?x128xbf16>) -> tensor<?x8x1x128xbf16> {
  %o = attn.attention %q, %k, %v {causal}
      : tensor<?x8x1x128xbf16>, tensor<?x2x?x128xbf16>, tensor<?x2x?x128xbf16>
      -> tensor<?x8x1x128xbf16>
  return %o : tensor<?x8x1x128xbf16>
}
