func.func @nan_scale(%q: tensor<1x4x8x16xf32>, %k: tensor<1x4x8x16xf32>,
                     %v: tensor<1x4x8x16xf32>) -> tensor<1x4x8x16xf32> {
  %o = attn.attention %q, %k, %v {scale = 0x7FC00000 : f32}
      : tensor<1x4x8x16xf32>, tensor<1x4x8x16xf32>, tensor<1x4x8x16xf32>
      -> tensor<1x4x8x16xf32>
  return %o : tensor<1x4x8x16xf32>
}
