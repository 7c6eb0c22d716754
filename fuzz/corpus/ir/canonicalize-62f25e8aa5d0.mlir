func.func @mask_mod_shifted_stays(%q: tensor<1x4x16x8xf32>, %k: tensor<1x4x16x8xf32>,
                                  %v: tensor<1x4x16x8xf32>) -> tensor<1x4x16x8xf32> {
  %o = attn.attention %q, %k, %v
      : tensor<1x4x16x8xf32>, tensor<1x4x16x8xf32>, tensor<1x4x16x8xf32>
      -> tensor<1x4x16x8xf32>
      mask_mod {
      ^bb0(%b: index, %h: index, %i: index, %j: index):
        %c4 = arith.constant 4 : index
        %s = arith.subi %i, %c4 : index
        %ok = arith.cmpi sle, %j, %s : index
        attn.yield %ok : i1
      }
  return %o : tensor<1x4x16x8xf32>
}
