func.func @static_defaults(%q: tensor<2x4x16x32xf32>, %k: tensor<2x4x24x32xf32>,
                           %v: tensor<2x4x24x48xf32>) -> tensor<2x4x16x48xf32> {
  %o = attn.attention %q, %k, %v
      : tensor<2x4x16x32xf32>, tensor<2x4x24x32xf32>, tensor<2x4x24x48xf32>
      -> tensor<2x4x16x48xf32>
  return %o : tensor<2x4x16x48xf32>
}
