func.func @f16_lse(%q: tensor<1x4x8x16xf16>, %k: tensor<1x4x8x16xf16>,
                   %v: tensor<1x4x8x16xf16>)
    -> (tensor<1x4x8x16xf16>, tensor<1x4x8xf16>) {
  %o, %lse = attn.attention %q, %k, %v
      : tensor<1x4x8x16xf16>, tensor<1x4x8x16xf16>, tensor<1x4x8x16xf16>
      -> tensor<1x4x8x16xf16>, tensor<1x4x8xf16>
  return %o, %lse : tensor<1x4x8x16xf16>, tensor<1x4x8xf16>
}
