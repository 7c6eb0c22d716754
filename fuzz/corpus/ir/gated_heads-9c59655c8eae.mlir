func.func @main(%xq: tensor<?x?x64xf32>, %xkv: tensor<?x?x64xf32>,
                %wq: tensor<64x64xf32>, %wk: tensor<64x64xf32>,
                %wv: tensor<64x64xf32>, %wo: tensor<64x64xf32>,
                %g: tensor<8xf32>)
    -> tensor<?x?x64xf32> {
  %y = attn.multi_head %xq, %xkv, %wq, %wk, %wv, %wo
      head_gates(%g : tensor<8xf32>) {num_heads = 8 : i64}
      : tensor<?x?x64xf32>, tensor<?x?x64xf32>, tensor<64x64xf32>,
        tensor<64x64xf32>, tensor<64x64xf32>, tensor<64x64xf32>
      -> tensor<?x?x64xf32>
  return %y : tensor<?x?x64xf32>
}
