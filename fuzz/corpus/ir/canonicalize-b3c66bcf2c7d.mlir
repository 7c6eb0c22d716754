func.func @mask_mod_with_extra_ops_stays(%q: tensor<1x4x16x8xf32>,
                                         %k: tensor<1x4x16x8xf32>,
                                         %v: tensor<1x4x16x8xf32>)
    -> tensor<1x4x16x8xf32> {
  %o = attn.attention %q, %k, %v
      : tensor<1x4x16x8xf32>, tensor<1x4x16x8xf32>, tensor<1x4x16x8xf32>
      -> tensor<1x4x16x8xf32>
      mask_mod {
      ^bb0(%b: index, %h: index, %i: index, %j: index):
        %causal = arith.cmpi sle, %j, %i : index
        %c0 = arith.constant 0 : index
        %head0 = arith.cmpi eq, %h, %c0 : index
        %ok = arith.andi %causal, %head0 : i1
        attn.yield %ok : i1
      }
  return %o : tensor<1x4x16x8xf32>
}
