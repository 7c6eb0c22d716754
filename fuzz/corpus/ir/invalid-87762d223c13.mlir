func.func @relative_value_table(%q: tensor<1x4x8x16xf32>, %k: tensor<1x4x8x16xf32>,
                                %v: tensor<1x4x8x32xf32>, %ak: tensor<9x16xf32>,
                                %av: tensor<9x16xf32>) -> tensor<1x4x8x32xf32> {
  %o = attn.attention %q, %k, %v
      position_operands(%ak, %av : tensor<9x16xf32>, tensor<9x16xf32>)
      {relative_clip = 4}
      : tensor<1x4x8x16xf32>, tensor<1x4x8x16xf32>, tensor<1x4x8x32xf32>
      -> tensor<1x4x8x32xf32>
  return %o : tensor<1x4x8x32xf32>
}
