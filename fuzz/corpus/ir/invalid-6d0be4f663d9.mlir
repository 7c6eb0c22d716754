func.func @f64_query(%q: tensor<1x4x8x16xf64>, %k: tensor<1x4x8x16xf64>,
                     %v: tensor<1x4x8x16xf64>) -> tensor<1x4x8x16xf64> {
  %o = attn.attention %q, %k, %v
      : tensor<1x4x8x16xf64>, tensor<1x4x8x16xf64>, tensor<1x4x8x16xf64>
      -> tensor<1x4x8x16xf64>
  return %o : tensor<1x4x8x16xf64>
}
