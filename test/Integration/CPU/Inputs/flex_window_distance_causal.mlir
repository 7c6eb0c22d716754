// The causal attribute together with both regions:
//   visible iff j <= i' (causal) and i' - j <= 20 (mask_mod)
//   s'_ij = s_ij + 0.05 * (j - i') (score_mod)
// The mask_mod alone would admit keys after i': the causal attribute must
// still apply (and its tile skipping must not drop the region's work).
// Reference: variant_specs.py, FLEX["flex_window_distance_causal"].
func.func @main(%q: tensor<?x4x?x64xf32>,
                %k: tensor<?x4x?x64xf32>,
                %v: tensor<?x4x?x64xf32>)
    -> tensor<?x4x?x64xf32> {
  %o = attn.attention %q, %k, %v {causal}
      : tensor<?x4x?x64xf32>, tensor<?x4x?x64xf32>, tensor<?x4x?x64xf32>
      -> tensor<?x4x?x64xf32>
      score_mod {
      ^bb0(%s: f32, %b: index, %h: index, %i: index, %j: index):
        %d = arith.subi %j, %i : index
        %di = arith.index_cast %d : index to i32
        %df = arith.sitofp %di : i32 to f32
        %c = arith.constant 0.05 : f32
        %t = arith.mulf %c, %df : f32
        %r = arith.addf %s, %t : f32
        attn.yield %r : f32
      }
      mask_mod {
      ^bb0(%b: index, %h: index, %i: index, %j: index):
        %c20 = arith.constant 20 : index
        %d = arith.subi %i, %j : index
        %ok = arith.cmpi sle, %d, %c20 : index
        attn.yield %ok : i1
      }
  return %o : tensor<?x4x?x64xf32>
}
