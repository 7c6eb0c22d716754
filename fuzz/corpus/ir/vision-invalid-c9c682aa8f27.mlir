func.func @cs_dynamic_w(%x: tensor<?x?x8x?xf32>, %g: tensor<1xf32>) -> tensor<?x?x8x?xf32> {
  %y = attn.channel_self %x, %g : tensor<?x?x8x?xf32>, tensor<1xf32> -> tensor<?x?x8x?xf32>
  return %y : tensor<?x?x8x?xf32>
}
