func.func @main(%x: tensor<?x?x?x64xf32>,
                %ww: tensor<64x32xf32>, %bw: tensor<32xf32>,
                %uw: tensor<32xf32>,
                %ws: tensor<64x32xf32>, %bs: tensor<32xf32>,
                %us: tensor<32xf32>)
    -> tensor<?x64xf32> {
  %s = attn.feed_forward_pool %x, %ww, %bw, %uw
      : tensor<?x?x?x64xf32>, tensor<64x32xf32>, tensor<32xf32>,
        tensor<32xf32> -> tensor<?x?x64xf32>
  %y = attn.feed_forward_pool %s, %ws, %bs, %us
      : tensor<?x?x64xf32>, tensor<64x32xf32>, tensor<32xf32>,
        tensor<32xf32> -> tensor<?x64xf32>
  return %y : tensor<?x64xf32>
}
