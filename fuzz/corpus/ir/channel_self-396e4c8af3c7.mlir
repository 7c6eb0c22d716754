func.func @main(%x: tensor<?x?x8x8xf32>, %gamma: tensor<1xf32>)
    -> tensor<?x?x8x8xf32> {
  %y = attn.channel_self %x, %gamma
      : tensor<?x?x8x8xf32>, tensor<1xf32> -> tensor<?x?x8x8xf32>
  return %y : tensor<?x?x8x8xf32>
}
