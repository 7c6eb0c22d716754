func.func @mask_rank(%q: tensor<2x4x8x16xf32>, %k: tensor<2x4x6x16xf32>,
                     %v: tensor<2x4x6x16xf32>, %m: tensor<8x6xi1>)
    -> tensor<2x4x8x16xf32> {
  %o = attn.attention %q, %k, %v mask(%m : tensor<8x6xi1>)
      : tensor<2x4x8x16xf32>, tensor<2x4x6x16xf32>, tensor<2x4x6x16xf32>
      -> tensor<2x4x8x16xf32>
  return %o : tensor<2x4x8x16xf32>
}
