func.func @mask_mod_terminator(%q: tensor<1x4x8x16xf32>, %k: tensor<1x4x8x16xf32>,
                               %v: tensor<1x4x8x16xf32>) -> tensor<1x4x8x16xf32> {
  %o = attn.attention %q, %k, %v
      : tensor<1x4x8x16xf32>, tensor<1x4x8x16xf32>, tensor<1x4x8x16xf32>
      -> tensor<1x4x8x16xf32>
      mask_mod {
      ^bb0(%b: index, %h: index, %i: index, %j: index):
        %ok = arith.cmpi sle, %j, %i : index
        "test.terminator"(%ok) : (i1) -> ()
      }
  return %o : tensor<1x4x8x16xf32>
}
