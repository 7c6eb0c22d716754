func.func @cs_bf16(%x: tensor<?x?x8x8xf32>, %g: tensor<1xbf16>) -> tensor<?x?x8x8xf32> {
  %y = attn.channel_self %x, %g : tensor<?x?x8x8xf32>, tensor<1xbf16> -> tensor<?x?x8x8xf32>
  return %y : tensor<?x?x8x8xf32>
}
