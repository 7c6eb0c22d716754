func.func @causal_bf16(%q: tensor<1x2x8x16xbf16>, %k: tensor<1x2x8x16xbf16>,
                       %v: tensor<1x2x8x16xbf16>) -> tensor<1x2x8x16xbf16> {
  %o = attn.attention %q, %k, %v {causal}
      : tensor<1x2x8x16xbf16>, tensor<1x2x8x16xbf16>, tensor<1x2x8x16xbf16>
      -> tensor<1x2x8x16xbf16>
  return %o : tensor<1x2x8x16xbf16>
}
