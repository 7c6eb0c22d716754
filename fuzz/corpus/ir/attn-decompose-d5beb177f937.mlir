func.func @multi_head_self_static(%x: tensor<2x5x16xf32>, %w: tensor<16x16xf32>)
    -> tensor<2x5x16xf32> {
  %y = attn.multi_head %x, %x, %w, %w, %w, %w {num_heads = 2 : i64}
      : tensor<2x5x16xf32>, tensor<2x5x16xf32>, tensor<16x16xf32>,
        tensor<16x16xf32>, tensor<16x16xf32>, tensor<16x16xf32>
      -> tensor<2x5x16xf32>
  return %y : tensor<2x5x16xf32>
}
