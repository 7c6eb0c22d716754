func.func @feed_forward_pool_rank4(%h: tensor<3x?x?x16xf32>, %w: tensor<16x?xf32>,
                                   %b: tensor<?xf32>, %u: tensor<?xf32>)
    -> tensor<3x?x16xf32> {
  %c = attn.feed_forward_pool %h, %w, %b, %u
      : tensor<3x?x?x16xf32>, tensor<16x?xf32>, tensor<?xf32>, tensor<?xf32>
      -> tensor<3x?x16xf32>
  return %c : tensor<3x?x16xf32>
}
