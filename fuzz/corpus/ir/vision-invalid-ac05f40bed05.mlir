func.func @cs_output(%x: tensor<2x?x8x8xf32>, %g: tensor<1xf32>) -> tensor<3x?x8x8xf32> {
  %y = attn.channel_self %x, %g : tensor<2x?x8x8xf32>, tensor<1xf32> -> tensor<3x?x8x8xf32>
  return %y : tensor<3x?x8x8xf32>
}
