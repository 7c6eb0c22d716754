func.func @gated_gqa(%x: tensor<?x?x64xf32>, %w: tensor<64x64xf32>,
                     %wkv: tensor<64x16xf32>, %g: tensor<8xf32>)
    -> tensor<?x?x64xf32> {
  %y = attn.multi_head %x, %x, %w, %wkv, %wkv, %w head_gates(%g : tensor<8xf32>)
      {num_heads = 8 : i64, num_kv_heads = 2 : i64}
      : tensor<?x?x64xf32>, tensor<?x?x64xf32>, tensor<64x64xf32>,
        tensor<64x16xf32>, tensor<64x16xf32>, tensor<64x64xf32>
      -> tensor<?x?x64xf32>
  return %y : tensor<?x?x64xf32>
}
