// bias: additive attention bias (section C).
// Semantics: shared/VARIANTS.md, row `bias`.
//
// Math:
//   s_ij = (q_i . k_j) / sqrt(D) + bias[b,h,i,j]   (all keys visible)
//   P_ij = softmax_j(s_ij),  o_i = sum_j P_ij v_j
//
// Arguments of @main (B, Sq, Skv dynamic; heads and head dims static):
//   q   [B,4,Sq,64] f32
//   k   [B,4,Skv,64] f32
//   v   [B,4,Skv,64] f32
//   b   [B,4,Sq,Skv] f32
// Result:
//   o   [B,4,Sq,64] f32
//
// Run (inputs in the argument order; q, k, v and o as float32 .npy):
//   attn-run examples/variants/bias.mlir \
//       --input=@q.npy --input=@k.npy --input=@v.npy --input=@b.npy \
//       --output=@o.npy
// Check against the float64 reference:
//   python3 test/Integration/lib/check_variant.py bias \
//       --B 2 --Sq 100 --Skv 129

func.func @main(%q: tensor<?x4x?x64xf32>,
                %k: tensor<?x4x?x64xf32>,
                %v: tensor<?x4x?x64xf32>,
                %b: tensor<?x4x?x?xf32>)
    -> tensor<?x4x?x64xf32> {
  %o = attn.attention %q, %k, %v bias(%b : tensor<?x4x?x?xf32>)
      : tensor<?x4x?x64xf32>, tensor<?x4x?x64xf32>, tensor<?x4x?x64xf32>
      -> tensor<?x4x?x64xf32>
  return %o : tensor<?x4x?x64xf32>
}
