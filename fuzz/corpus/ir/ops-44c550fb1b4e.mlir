func.func @relative_clip_zero(%q: tensor<1x1x4x8xf32>, %k: tensor<1x1x4x8xf32>,
                              %v: tensor<1x1x4x8xf32>, %ak: tensor<1x8xf32>,
                              %av: tensor<1x8xf32>) -> tensor<1x1x4x8xf32> {
  %o = attn.attention %q, %k, %v
      position_operands(%ak, %av : tensor<1x8xf32>, tensor<1x8xf32>)
      {relative_clip = 0}
      : tensor<1x1x4x8xf32>, tensor<1x1x4x8xf32>, tensor<1x1x4x8xf32>
      -> tensor<1x1x4x8xf32>
  return %o : tensor<1x1x4x8xf32>
}
