func.func @relative_position(%q: tensor<?x8x?x64xf32>, %k: tensor<?x8x?x64xf32>,
                             %v: tensor<?x8x?x32xf32>, %ak: tensor<33x64xf32>,
                             %av: tensor<33x32xf32>) -> tensor<?x8x?x32xf32> {
  %o = attn.attention %q, %k, %v
      position_operands(%ak, %av : tensor<33x64xf32>, tensor<33x32xf32>)
      {relative_clip = 16}
      : tensor<?x8x?x64xf32>, tensor<?x8x?x64xf32>, tensor<?x8x?x32xf32>
      -> tensor<?x8x?x32xf32>
  return %o : tensor<?x8x?x32xf32>
}
