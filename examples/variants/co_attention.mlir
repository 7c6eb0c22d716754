// co_attention: parallel co-attention of two sequences (section D).
// Semantics: shared/VARIANTS.md, row `co_attention`.
//
// Math (D = 64, no scaling):
//   L  = a b^T                         [B,Na,Nb]
//   a' = softmax_over_Nb(L) b          [B,Na,D]
//   b' = softmax_over_Na(L)^T a        [B,Nb,D]
// attn-decompose emits two fused attn.attention ops with scale 1.0,
// (a, b, b) and (b, a, a): L is never materialised.
//
// Arguments of @main (B, Na, Nb dynamic; D static):
//   a   [B,Na,64] f32
//   b   [B,Nb,64] f32
// Results:
//   a'  [B,Na,64] f32
//   b'  [B,Nb,64] f32
//
// Run (inputs in the argument order, float32 .npy):
//   attn-run examples/variants/co_attention.mlir \
//       --input=@a.npy --input=@b.npy --output=@a2.npy --output=@b2.npy
// Check against the float64 reference:
//   python3 test/Integration/lib/check_variant.py co_attention \
//       --B 2 --dim Na=33 --dim Nb=65

func.func @main(%a: tensor<?x?x64xf32>, %b: tensor<?x?x64xf32>)
    -> (tensor<?x?x64xf32>, tensor<?x?x64xf32>) {
  %a2, %b2 = attn.co_attention %a, %b
      : tensor<?x?x64xf32>, tensor<?x?x64xf32>
      -> tensor<?x?x64xf32>, tensor<?x?x64xf32>
  return %a2, %b2 : tensor<?x?x64xf32>, tensor<?x?x64xf32>
}
