func.func @bf16_f32_bias(%q: tensor<?x8x?x64xbf16>, %k: tensor<?x8x?x64xbf16>,
                         %v: tensor<?x8x?x64xbf16>, %b: tensor<?x8x?x?xf32>)
    -> tensor<?x8x?x64xbf16> {
  %o = attn.attention %q, %k, %v bias(%b : tensor<?x8x?x?xf32>)
      : tensor<?x8x?x64xbf16>, tensor<?x8x?x64xbf16>, tensor<?x8x?x64xbf16>
      -> tensor<?x8x?x64xbf16>
  return %o : tensor<?x8x?x64xbf16>
}
