func.func @cs_dynamic_h(%x: tensor<?x?x?x8xf32>, %g: tensor<1xf32>) -> tensor<?x?x?x8xf32> {
  %y = attn.channel_self %x, %g : tensor<?x?x?x8xf32>, tensor<1xf32> -> tensor<?x?x?x8xf32>
  return %y : tensor<?x?x?x8xf32>
}
