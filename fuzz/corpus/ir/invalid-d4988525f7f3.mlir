func.func @dynamic_head_dim(%q: tensor<1x4x8x?xf32>, %k: tensor<1x4x8x?xf32>,
                            %v: tensor<1x4x8x16xf32>) -> tensor<1x4x8x16xf32> {
  %o = attn.attention %q, %k, %v
      : tensor<1x4x8x?xf32>, tensor<1x4x8x?xf32>, tensor<1x4x8x16xf32>
      -> tensor<1x4x8x16xf32>
  return %o : tensor<1x4x8x16xf32>
}
