func.func @relative_table_dynamic_rows(%q: tensor<1x4x8x16xf32>, %k: tensor<1x4x8x16xf32>,
                                       %v: tensor<1x4x8x16xf32>, %ak: tensor<?x16xf32>,
                                       %av: tensor<?x16xf32>) -> tensor<1x4x8x16xf32> {
  %o = attn.attention %q, %k, %v
      position_operands(%ak, %av : tensor<?x16xf32>, tensor<?x16xf32>)
      {relative_clip = 4}
      : tensor<1x4x8x16xf32>, tensor<1x4x8x16xf32>, tensor<1x4x8x16xf32>
      -> tensor<1x4x8x16xf32>
  return %o : tensor<1x4x8x16xf32>
}
