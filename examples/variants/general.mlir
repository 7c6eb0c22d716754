// general: Luong "general" bilinear score (section A).
// Semantics: shared/VARIANTS.md, row `general`.
//
// Math:
//   s_ij = q_i^T W k_j   (no scale: scale = 1.0)
//   P_ij = softmax_j(s_ij),  o_i = sum_j P_ij v_j
//   attn-tile projects each query tile once (q' = q W), then runs the
//   dot-product path.
//
// Arguments of @main (B, Sq, Skv dynamic; heads and head dims static):
//   q   [B,4,Sq,64] f32
//   k   [B,4,Skv,64] f32
//   v   [B,4,Skv,64] f32
//   W   [64,64] f32 (D x D)
// Result:
//   o   [B,4,Sq,64] f32
//
// Run (inputs in the argument order, all float32 .npy):
//   attn-run examples/variants/general.mlir \
//       --input=@q.npy --input=@k.npy --input=@v.npy --input=@W.npy \
//       --output=@o.npy
// Check against the float64 reference:
//   python3 test/Integration/lib/check_variant.py general \
//       --B 2 --Sq 100 --Skv 129

func.func @main(%q: tensor<?x4x?x64xf32>,
                %k: tensor<?x4x?x64xf32>,
                %v: tensor<?x4x?x64xf32>,
                %W: tensor<64x64xf32>)
    -> tensor<?x4x?x64xf32> {
  %o = attn.attention %q, %k, %v score_operands(%W : tensor<64x64xf32>)
      {score = #attn.score<general>, scale = 1.0 : f32}
      : tensor<?x4x?x64xf32>, tensor<?x4x?x64xf32>, tensor<?x4x?x64xf32>
      -> tensor<?x4x?x64xf32>
  return %o : tensor<?x4x?x64xf32>
}
