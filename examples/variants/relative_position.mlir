// relative_position: Shaw relative position representations, clip 16 (section C).
// Semantics: shared/VARIANTS.md, row `relative_position`.
//
// Math:
//   r = clip(j - i, -16, 16) + 16   (i the query row index)
//   s_ij = q_i . (k_j + aK_r) / sqrt(D)   (D = 64, so the scale is 0.125)
//   P_ij = softmax_j(s_ij),  o_i = sum_j P_ij (v_j + aV_r)
//
// Arguments of @main (B, Sq, Skv dynamic; heads and head dims static):
//   q   [B,4,Sq,64] f32
//   k   [B,4,Skv,64] f32
//   v   [B,4,Skv,64] f32
//   aK  [33,64] f32, key-side table
//   aV  [33,64] f32, value-side table
// Result:
//   o   [B,4,Sq,64] f32
//
// Run (inputs in the argument order, all float32 .npy):
//   attn-run examples/variants/relative_position.mlir \
//       --input=@q.npy --input=@k.npy --input=@v.npy --input=@aK.npy --input=@aV.npy \
//       --output=@o.npy
// Check against the float64 reference:
//   python3 test/Integration/lib/check_variant.py relative_position \
//       --B 2 --Sq 100 --Skv 129

func.func @main(%q: tensor<?x4x?x64xf32>,
                %k: tensor<?x4x?x64xf32>,
                %v: tensor<?x4x?x64xf32>,
                %aK: tensor<33x64xf32>,
                %aV: tensor<33x64xf32>)
    -> tensor<?x4x?x64xf32> {
  %o = attn.attention %q, %k, %v position_operands(%aK, %aV
          : tensor<33x64xf32>, tensor<33x64xf32>)
      {relative_clip = 16 : i64}
      : tensor<?x4x?x64xf32>, tensor<?x4x?x64xf32>, tensor<?x4x?x64xf32>
      -> tensor<?x4x?x64xf32>
  return %o : tensor<?x4x?x64xf32>
}
