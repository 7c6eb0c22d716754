// local_window: Luong local-m attention, 16 keys each side (section C).
// Semantics: shared/VARIANTS.md, row `local_window`.
//
// Math:
//   s_ij = (q_i . k_j) / sqrt(D)   (D = 64, so the scale is 0.125)
//   visible iff |j - i'| <= 16
//   P_ij = softmax over the visible j of s_ij,  o_i = sum_j P_ij v_j;
//   a row with no visible key outputs zeros.
//   i' = i + (Skv - Sq) is the query's position on the key axis
//   (bottom-right alignment).
//
// Arguments of @main (B, Sq, Skv dynamic; heads and head dims static):
//   q   [B,4,Sq,64] f32
//   k   [B,4,Skv,64] f32
//   v   [B,4,Skv,64] f32
// Result:
//   o   [B,4,Sq,64] f32
//
// Run (inputs in the argument order, all float32 .npy):
//   attn-run examples/variants/local_window.mlir \
//       --input=@q.npy --input=@k.npy --input=@v.npy \
//       --output=@o.npy
// Check against the float64 reference:
//   python3 test/Integration/lib/check_variant.py local_window \
//       --B 2 --Sq 100 --Skv 129

func.func @main(%q: tensor<?x4x?x64xf32>,
                %k: tensor<?x4x?x64xf32>,
                %v: tensor<?x4x?x64xf32>)
    -> tensor<?x4x?x64xf32> {
  %o = attn.attention %q, %k, %v
      {window = array<i64: 16, 16>}
      : tensor<?x4x?x64xf32>, tensor<?x4x?x64xf32>, tensor<?x4x?x64xf32>
      -> tensor<?x4x?x64xf32>
  return %o : tensor<?x4x?x64xf32>
}
