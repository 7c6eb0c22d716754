func.func @mh_gates(%xq: tensor<2x?x64xf32>, %xkv: tensor<2x?x64xf32>, %wq: tensor<64x64xf32>, %wk: tensor<64x64xf32>, %wv: tensor<64x64xf32>, %wo: tensor<64x64xf32>, %g: tensor<4xf32>) -> tensor<2x?x64xf32> {
  %y = attn.multi_head %xq, %xkv, %wq, %wk, %wv, %wo head_gates(%g : tensor<4xf32>) {num_heads = 8 : i64}
      : tensor<2x?x64xf32>, tensor<2x?x64xf32>, tensor<64x64xf32>,
        tensor<64x64xf32>, tensor<64x64xf32>, tensor<64x64xf32> -> tensor<2x?x64xf32>
  return %y : tensor<2x?x64xf32>
}
