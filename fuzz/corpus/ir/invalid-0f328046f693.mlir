func.func @output_element_type(%q: tensor<1x4x8x16xbf16>, %k: tensor<1x4x8x16xbf16>,
                               %v: tensor<1x4x8x16xbf16>) -> tensor<1x4x8x16xf32> {
  %o = attn.attention %q, %k, %v
      : tensor<1x4x8x16xbf16>, tensor<1x4x8x16xbf16>, tensor<1x4x8x16xbf16>
      -> tensor<1x4x8x16xf32>
  return %o : tensor<1x4x8x16xf32>
}
