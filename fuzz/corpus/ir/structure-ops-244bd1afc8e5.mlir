func.func @causal_self_attention(%x: tensor<2x16x32xf32>,
                                 %w: tensor<32x32xf32>) -> tensor<2x16x32xf32> {
  %y = attn.multi_head %x, %x, %w, %w, %w, %w {num_heads = 4 : i64, causal}
      : tensor<2x16x32xf32>, tensor<2x16x32xf32>, tensor<32x32xf32>,
        tensor<32x32xf32>, tensor<32x32xf32>, tensor<32x32xf32>
      -> tensor<2x16x32xf32>
  return %y : tensor<2x16x32xf32>
}
