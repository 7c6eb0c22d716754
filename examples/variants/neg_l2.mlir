// neg_l2: negative squared Euclidean distance score (section A).
// Semantics: shared/VARIANTS.md, row `neg_l2`.
//
// Math:
//   s_ij = -|q_i - k_j|^2 / sqrt(D)   (D = 64, so the scale is 0.125)
//   P_ij = softmax_j(s_ij),  o_i = sum_j P_ij v_j
//   attn-tile uses -|q - k|^2 = 2 q.k - |q|^2 - |k|^2: the dot-product path
//   plus one norm per query row and one per key.
//
// Arguments of @main (B, Sq, Skv dynamic; heads and head dims static):
//   q   [B,4,Sq,64] f32
//   k   [B,4,Skv,64] f32
//   v   [B,4,Skv,64] f32
// Result:
//   o   [B,4,Sq,64] f32
//
// Run (inputs in the argument order, all float32 .npy):
//   attn-run examples/variants/neg_l2.mlir \
//       --input=@q.npy --input=@k.npy --input=@v.npy \
//       --output=@o.npy
// Check against the float64 reference:
//   python3 test/Integration/lib/check_variant.py neg_l2 \
//       --B 2 --Sq 100 --Skv 129

func.func @main(%q: tensor<?x4x?x64xf32>,
                %k: tensor<?x4x?x64xf32>,
                %v: tensor<?x4x?x64xf32>)
    -> tensor<?x4x?x64xf32> {
  %o = attn.attention %q, %k, %v
      {score = #attn.score<neg_l2>}
      : tensor<?x4x?x64xf32>, tensor<?x4x?x64xf32>, tensor<?x4x?x64xf32>
      -> tensor<?x4x?x64xf32>
  return %o : tensor<?x4x?x64xf32>
}
