func.func @bias_element_type(%q: tensor<1x4x8x16xbf16>, %k: tensor<1x4x8x16xbf16>,
                             %v: tensor<1x4x8x16xbf16>, %b: tensor<1x4x8x8xf16>)
    -> tensor<1x4x8x16xbf16> {
  %o = attn.attention %q, %k, %v bias(%b : tensor<1x4x8x8xf16>)
      : tensor<1x4x8x16xbf16>, tensor<1x4x8x16xbf16>, tensor<1x4x8x16xbf16>
      -> tensor<1x4x8x16xbf16>
  return %o : tensor<1x4x8x16xbf16>
}
