func.func @ffp_dynamic_e(%h: tensor<?x?x?xf32>, %w: tensor<64x32xf32>, %b: tensor<32xf32>, %u: tensor<32xf32>) -> tensor<?x64xf32> {
  %c = attn.feed_forward_pool %h, %w, %b, %u
      : tensor<?x?x?xf32>, tensor<64x32xf32>, tensor<32xf32>, tensor<32xf32> -> tensor<?x64xf32>
  return %c : tensor<?x64xf32>
}
