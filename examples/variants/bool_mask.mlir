// bool_mask: boolean attention mask, broadcast over heads (section C).
// Semantics: shared/VARIANTS.md, row `bool_mask`.
//
// Math:
//   s_ij = (q_i . k_j) / sqrt(D)   (D = 64, so the scale is 0.125)
//   visible iff m[b,0,i,j]  (true = visible)
//   P_ij = softmax over the visible j of s_ij,  o_i = sum_j P_ij v_j;
//   a row with no visible key outputs zeros.
//
// Arguments of @main (B, Sq, Skv dynamic; heads and head dims static):
//   q   [B,4,Sq,64] f32
//   k   [B,4,Skv,64] f32
//   v   [B,4,Skv,64] f32
//   m   [B,1,Sq,Skv] i1, true = visible
// Result:
//   o   [B,4,Sq,64] f32
//
// Run (inputs in the argument order; q, k, v and o as float32 .npy):
//   attn-run examples/variants/bool_mask.mlir \
//       --input=@q.npy --input=@k.npy --input=@v.npy --input=@m.npy \
//       --output=@o.npy
// Check against the float64 reference:
//   python3 test/Integration/lib/check_variant.py bool_mask \
//       --B 2 --Sq 100 --Skv 129

func.func @main(%q: tensor<?x4x?x64xf32>,
                %k: tensor<?x4x?x64xf32>,
                %v: tensor<?x4x?x64xf32>,
                %m: tensor<?x1x?x?xi1>)
    -> tensor<?x4x?x64xf32> {
  %o = attn.attention %q, %k, %v mask(%m : tensor<?x1x?x?xi1>)
      : tensor<?x4x?x64xf32>, tensor<?x4x?x64xf32>, tensor<?x4x?x64xf32>
      -> tensor<?x4x?x64xf32>
  return %o : tensor<?x4x?x64xf32>
}
