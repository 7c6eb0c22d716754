// additive: Bahdanau additive (concat) score (section A).
// Semantics: shared/VARIANTS.md, row `additive`.
//
// Math:
//   s_ij = sum_a va_a tanh((q_i Wq)_a + (k_j Wk)_a)   (A = 32, scale 1.0)
//   P_ij = softmax_j(s_ij),  o_i = sum_j P_ij v_j
//   attn-tile projects each query tile (q Wq) and each key tile (k Wk)
//   once; the tanh runs per (row, key tile), never on a Sq x Skv x A tensor.
//
// Arguments of @main (B, Sq, Skv dynamic; heads and head dims static):
//   q   [B,4,Sq,64] f32
//   k   [B,4,Skv,64] f32
//   v   [B,4,Skv,64] f32
//   Wq  [64,32] f32 (D x A)
//   Wk  [64,32] f32 (D x A)
//   va  [32] f32 (A)
// Result:
//   o   [B,4,Sq,64] f32
//
// Run (inputs in the argument order, all float32 .npy):
//   attn-run examples/variants/additive.mlir \
//       --input=@q.npy --input=@k.npy --input=@v.npy --input=@Wq.npy --input=@Wk.npy --input=@va.npy \
//       --output=@o.npy
// Check against the float64 reference:
//   python3 test/Integration/lib/check_variant.py additive \
//       --B 2 --Sq 100 --Skv 129

func.func @main(%q: tensor<?x4x?x64xf32>,
                %k: tensor<?x4x?x64xf32>,
                %v: tensor<?x4x?x64xf32>,
                %Wq: tensor<64x32xf32>,
                %Wk: tensor<64x32xf32>,
                %va: tensor<32xf32>)
    -> tensor<?x4x?x64xf32> {
  %o = attn.attention %q, %k, %v score_operands(%Wq, %Wk, %va
          : tensor<64x32xf32>, tensor<64x32xf32>, tensor<32xf32>)
      {score = #attn.score<additive>, scale = 1.0 : f32}
      : tensor<?x4x?x64xf32>, tensor<?x4x?x64xf32>, tensor<?x4x?x64xf32>
      -> tensor<?x4x?x64xf32>
  return %o : tensor<?x4x?x64xf32>
}
