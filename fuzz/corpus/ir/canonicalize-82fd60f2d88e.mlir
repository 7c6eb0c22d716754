func.func @mask_mod_to_causal_keeps_rest(%q: tensor<?x8x?x64xf32>,
                                         %k: tensor<?x8x?x64xf32>,
                                         %v: tensor<?x8x?x64xf32>,
                                         %len: tensor<?xi32>)
    -> (tensor<?x8x?x64xf32>, tensor<?x8x?xf32>) {
  %o, %lse = attn.attention %q, %k, %v key_lengths(%len : tensor<?xi32>)
      {window = array<i64: 16, 0>, softcap = 30.0 : f32}
      : tensor<?x8x?x64xf32>, tensor<?x8x?x64xf32>, tensor<?x8x?x64xf32>
      -> tensor<?x8x?x64xf32>, tensor<?x8x?xf32>
      score_mod {
      ^bb0(%s: f32, %b: index, %h: index, %i: index, %j: index):
        %c = arith.constant 0.5 : f32
        %t = arith.mulf %s, %c : f32
        attn.yield %t : f32
      }
      mask_mod {
      ^bb0(%b: index, %h: index, %i: index, %j: index):
        %ok = arith.cmpi sle, %j, %i : index
        attn.yield %ok : i1
      }
  return %o, %lse : tensor<?x8x?x64xf32>, tensor<?x8x?xf32>
}
