func.func @channel_self_static(%x: tensor<1x3x1x1xf32>, %g: tensor<1xf32>)
    -> tensor<1x3x1x1xf32> {
  %y = attn.channel_self %x, %g
      : tensor<1x3x1x1xf32>, tensor<1xf32> -> tensor<1x3x1x1xf32>
  return %y : tensor<1x3x1x1xf32>
}
