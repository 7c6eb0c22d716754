func.func @mask_mod_two_blocks(%q: tensor<1x4x8x16xf32>, %k: tensor<1x4x8x16xf32>,
                               %v: tensor<1x4x8x16xf32>) -> tensor<1x4x8x16xf32> {
  %o = attn.attention %q, %k, %v
      : tensor<1x4x8x16xf32>, tensor<1x4x8x16xf32>, tensor<1x4x8x16xf32>
      -> tensor<1x4x8x16xf32>
      mask_mod {
      ^bb0(%b: index, %h: index, %i: index, %j: index):
        %t = arith.constant true
        attn.yield %t : i1
      ^bb1:
        %f = arith.constant false
        attn.yield %f : i1
      }
  return %o : tensor<1x4x8x16xf32>
}
