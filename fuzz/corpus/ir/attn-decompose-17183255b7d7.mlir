func.func @multi_head_gated_gqa(%xq: tensor<?x?x16xf32>, %xkv: tensor<?x?x16xf32>,
                                %wq: tensor<16x16xf32>, %wkv: tensor<16x8xf32>,
                                %wo: tensor<16x16xf32>, %g: tensor<4xf32>)
    -> tensor<?x?x16xf32> {
  %y = attn.multi_head %xq, %xkv, %wq, %wkv, %wkv, %wo head_gates(%g : tensor<4xf32>)
      {num_heads = 4 : i64, num_kv_heads = 2 : i64, causal}
      : tensor<?x?x16xf32>, tensor<?x?x16xf32>, tensor<16x16xf32>,
        tensor<16x8xf32>, tensor<16x8xf32>, tensor<16x16xf32>
      -> tensor<?x?x16xf32>
  return %y : tensor<?x?x16xf32>
}
