func.func @feed_forward_pool_static_batch(%h: tensor<3x?x?x16xf32>, %w: tensor<16x8xf32>,
                                          %b: tensor<8xf32>, %u: tensor<8xf32>)
    -> tensor<3x?x16xf32> {
  %c = attn.feed_forward_pool %h, %w, %b, %u
      : tensor<3x?x?x16xf32>, tensor<16x8xf32>, tensor<8xf32>, tensor<8xf32>
      -> tensor<3x?x16xf32>
  return %c : tensor<3x?x16xf32>
}
