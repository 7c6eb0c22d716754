func.func @multi_head(%xq: tensor<?x?x64xf32>, %xkv: tensor<?x?x64xf32>,
                      %w: tensor<64x64xf32>) -> tensor<?x?x64xf32> {
  %y = attn.multi_head %xq, %xkv, %w, %w, %w, %w {num_heads = 8 : i64}
      : tensor<?x?x64xf32>, tensor<?x?x64xf32>, tensor<64x64xf32>,
        tensor<64x64xf32>, tensor<64x64xf32>, tensor<64x64xf32>
      -> tensor<?x?x64xf32>
  return %y : tensor<?x?x64xf32>
}
