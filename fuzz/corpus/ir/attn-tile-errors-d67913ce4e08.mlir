func.func @relative_sigmoid(%q: tensor<1x2x8x16xf32>, %k: tensor<1x2x8x16xf32>,
                            %v: tensor<1x2x8x16xf32>, %a: tensor<33x16xf32>)
    -> tensor<1x2x8x16xf32> {
  %o = attn.attention %q, %k, %v
      position_operands(%a, %a : tensor<33x16xf32>, tensor<33x16xf32>)
      {relative_clip = 16 : i64, normalizer = #attn.normalizer<sigmoid>}
      : tensor<1x2x8x16xf32>, tensor<1x2x8x16xf32>, tensor<1x2x8x16xf32>
      -> tensor<1x2x8x16xf32>
  return %o : tensor<1x2x8x16xf32>
}
