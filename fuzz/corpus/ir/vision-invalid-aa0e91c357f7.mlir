func.func @cs_gamma_scalar(%x: tensor<?x?x8x8xf32>, %g: tensor<f32>) -> tensor<?x?x8x8xf32> {
  %y = attn.channel_self %x, %g : tensor<?x?x8x8xf32>, tensor<f32> -> tensor<?x?x8x8xf32>
  return %y : tensor<?x?x8x8xf32>
}
