func.func @ffp_b(%h: tensor<?x?x64xf32>, %w: tensor<64x32xf32>, %b: tensor<16xf32>, %u: tensor<32xf32>) -> tensor<?x64xf32> {
  %c = attn.feed_forward_pool %h, %w, %b, %u
      : tensor<?x?x64xf32>, tensor<64x32xf32>, tensor<16xf32>, tensor<32xf32> -> tensor<?x64xf32>
  return %c : tensor<?x64xf32>
}
