func.func @cs_empty_w(%x: tensor<?x?x8x0xf32>, %g: tensor<1xf32>) -> tensor<?x?x8x0xf32> {
  %y = attn.channel_self %x, %g : tensor<?x?x8x0xf32>, tensor<1xf32> -> tensor<?x?x8x0xf32>
  return %y : tensor<?x?x8x0xf32>
}
