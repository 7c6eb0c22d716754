func.func @mask_mod_yield_type(%q: tensor<1x4x8x16xf32>, %k: tensor<1x4x8x16xf32>,
                               %v: tensor<1x4x8x16xf32>) -> tensor<1x4x8x16xf32> {
  %o = attn.attention %q, %k, %v
      : tensor<1x4x8x16xf32>, tensor<1x4x8x16xf32>, tensor<1x4x8x16xf32>
      -> tensor<1x4x8x16xf32>
      mask_mod {
      ^bb0(%b: index, %h: index, %i: index, %j: index):
        %d = arith.subi %i, %j : index
        attn.yield %d : index
      }
  return %o : tensor<1x4x8x16xf32>
}
