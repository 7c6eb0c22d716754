func.func @mixed_element_types(%q: tensor<1x4x8x16xf16>, %k: tensor<1x4x8x16xf16>,
                               %v: tensor<1x4x8x16xbf16>) -> tensor<1x4x8x16xf16> {
  %o = attn.attention %q, %k, %v
      : tensor<1x4x8x16xf16>, tensor<1x4x8x16xf16>, tensor<1x4x8x16xbf16>
      -> tensor<1x4x8x16xf16>
  return %o : tensor<1x4x8x16xf16>
}
