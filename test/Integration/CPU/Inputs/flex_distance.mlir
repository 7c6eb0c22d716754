// FlexAttention-style score_mod using the global indices:
//   s'_ij = s_ij + 0.05 * (j - i')
// (%i is the aligned query position i' = i + Skv - Sq), converted to f32
// with arith.index_cast and arith.sitofp. No mask.
// Reference: variant_specs.py, FLEX["flex_distance"].
func.func @main(%q: tensor<?x4x?x64xf32>,
                %k: tensor<?x4x?x64xf32>,
                %v: tensor<?x4x?x64xf32>)
    -> tensor<?x4x?x64xf32> {
  %o = attn.attention %q, %k, %v
      : tensor<?x4x?x64xf32>, tensor<?x4x?x64xf32>, tensor<?x4x?x64xf32>
      -> tensor<?x4x?x64xf32>
      score_mod {
      ^bb0(%s: f32, %b: index, %h: index, %i: index, %j: index):
        %d = arith.subi %j, %i : index
        %di = arith.index_cast %d : index to i64
        %df = arith.sitofp %di : i64 to f32
        %c = arith.constant 0.05 : f32
        %t = arith.mulf %df, %c : f32
        %r = arith.addf %s, %t : f32
        attn.yield %r : f32
      }
  return %o : tensor<?x4x?x64xf32>
}
