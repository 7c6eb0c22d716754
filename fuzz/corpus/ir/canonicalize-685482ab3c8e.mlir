func.func @mask_mod_sle_to_causal(%q: tensor<?x8x?x64xf32>, %k: tensor<?x8x?x64xf32>,
                                  %v: tensor<?x8x?x64xf32>) -> tensor<?x8x?x64xf32> {
  %o = attn.attention %q, %k, %v
      : tensor<?x8x?x64xf32>, tensor<?x8x?x64xf32>, tensor<?x8x?x64xf32>
      -> tensor<?x8x?x64xf32>
      mask_mod {
      ^bb0(%b: index, %h: index, %i: index, %j: index):
        %ok = arith.cmpi sle, %j, %i : index
        attn.yield %ok : i1
      }
  return %o : tensor<?x8x?x64xf32>
}
