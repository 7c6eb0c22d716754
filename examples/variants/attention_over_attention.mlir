// attention_over_attention: attention over attention (section D).
// Semantics: shared/VARIANTS.md, row `attention_over_attention`.
//
// Math (D = 64, no scaling):
//   M        = d q^T                       [B,Nd,Nq]
//   alpha    = softmax over Nd of M        (per column)
//   beta     = softmax over Nq of M        (per row)
//   beta_bar = mean over Nd of beta        [B,Nq]
//   s        = alpha beta_bar              [B,Nd]
// attn-decompose never builds M: four fused attn.attention ops give the
// log-sum-exp normalisers and the scores (docs/variants/structure.md).
//
// Arguments of @main (B, Nd, Nq dynamic; D static):
//   d   [B,Nd,64] f32
//   q   [B,Nq,64] f32
// Result:
//   s   [B,Nd] f32
//
// Run (inputs in the argument order, float32 .npy):
//   attn-run examples/variants/attention_over_attention.mlir \
//       --input=@d.npy --input=@q.npy --output=@s.npy
// Check against the float64 reference:
//   python3 test/Integration/lib/check_variant.py attention_over_attention \
//       --B 2 --dim Nd=65 --dim Nq=9

func.func @main(%d: tensor<?x?x64xf32>, %q: tensor<?x?x64xf32>)
    -> tensor<?x?xf32> {
  %s = attn.attention_over_attention %d, %q
      : tensor<?x?x64xf32>, tensor<?x?x64xf32> -> tensor<?x?xf32>
  return %s : tensor<?x?xf32>
}
