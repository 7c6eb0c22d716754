func.func @mask_mod_arguments(%q: tensor<1x4x8x16xf32>, %k: tensor<1x4x8x16xf32>,
                              %v: tensor<1x4x8x16xf32>) -> tensor<1x4x8x16xf32> {
  %o = attn.attention %q, %k, %v
      : tensor<1x4x8x16xf32>, tensor<1x4x8x16xf32>, tensor<1x4x8x16xf32>
      -> tensor<1x4x8x16xf32>
      mask_mod {
      ^bb0(%b: index, %h: index, %i: i64, %j: i64):
        %ok = arith.cmpi sle, %j, %i : i64
        attn.yield %ok : i1
      }
  return %o : tensor<1x4x8x16xf32>
}
