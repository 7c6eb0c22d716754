// alibi: causal attention with ALiBi linear biases (section C).
// Semantics: shared/VARIANTS.md, row `alibi`.
//
// Math:
//   s_ij = (q_i . k_j) / sqrt(D) - m_h * (i' - j)
//   m_h = 2^(-8(h+1)/Hq) with Hq = 4
//   visible iff j <= i'
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
// Run (inputs in the argument order; q, k, v and o as float32 .npy):
//   attn-run examples/variants/alibi.mlir \
//       --input=@q.npy --input=@k.npy --input=@v.npy \
//       --output=@o.npy
// Check against the float64 reference:
//   python3 test/Integration/lib/check_variant.py alibi \
//       --B 2 --Sq 100 --Skv 129

func.func @main(%q: tensor<?x4x?x64xf32>,
                %k: tensor<?x4x?x64xf32>,
                %v: tensor<?x4x?x64xf32>)
    -> tensor<?x4x?x64xf32> {
  %o = attn.attention %q, %k, %v {causal, alibi}
      : tensor<?x4x?x64xf32>, tensor<?x4x?x64xf32>, tensor<?x4x?x64xf32>
      -> tensor<?x4x?x64xf32>
  return %o : tensor<?x4x?x64xf32>
}
