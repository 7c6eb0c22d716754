func.func @cs_input_rank(%x: tensor<?x?x64xf32>, %g: tensor<1xf32>) -> tensor<?x?x64xf32> {
  %y = attn.channel_self %x, %g : tensor<?x?x64xf32>, tensor<1xf32> -> tensor<?x?x64xf32>
  return %y : tensor<?x?x64xf32>
}
