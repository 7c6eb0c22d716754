func.func @negative_gaussian_window(%q: tensor<1x4x8x16xf32>, %k: tensor<1x4x8x16xf32>,
                                    %v: tensor<1x4x8x16xf32>, %p: tensor<1x4x8xf32>)
    -> tensor<1x4x8x16xf32> {
  %o = attn.attention %q, %k, %v position_operands(%p : tensor<1x4x8xf32>)
      {gaussian_window = -3, gaussian_sigma = 1.0 : f32}
      : tensor<1x4x8x16xf32>, tensor<1x4x8x16xf32>, tensor<1x4x8x16xf32>
      -> tensor<1x4x8x16xf32>
  return %o : tensor<1x4x8x16xf32>
}
