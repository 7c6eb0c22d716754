// scaled_dot_fp8: scaled dot-product attention on FP8 (E4M3) inputs with
// per-tensor scales, bf16 output.
// Semantics: shared/VARIANTS.md, row `scaled_dot`, on the dequantised
// tensors; the `attn.attention` description (dialects/Attn/AttnOps.td)
// defines FP8 inputs and `scales`.
//
// Math:
//   q = sq q8, k = sk k8, v = sv v8   (q8, k8, v8 in f8E4M3FN;
//                                      scales = [sq, sk, sv])
//   s_ij = (q_i . k_j) / sqrt(D)      (D = 64, so the scale is 0.125)
//   P_ij = softmax_j(s_ij),  o_i = sum_j P_ij v_j
//   The inputs are decoded exactly and scaled in f32, then rounded to
//   bf16 (the output's element type, which the attention computes in);
//   scores, running max and sum and the accumulator are f32.
//
// Arguments of @main (B, Sq, Skv dynamic; heads and head dims static):
//   q       [B,4,Sq,64] f8E4M3FN
//   k       [B,4,Skv,64] f8E4M3FN
//   v       [B,4,Skv,64] f8E4M3FN
//   scales  [3] f32
// Result:
//   o   [B,4,Sq,64] bf16
//
// Run (inputs in the argument order, all as float32 .npy):
// (attn-run rounds q, k and v to E4M3, nearest-even, saturating at +-448,
// and widens o from bf16)
//   attn-run examples/variants/scaled_dot_fp8.mlir \
//       --input=@q.npy --input=@k.npy --input=@v.npy --input=@scales.npy \
//       --output=@o.npy
// Check against the float64 reference:
//   python3 test/Integration/lib/check_variant.py scaled_dot_fp8 \
//       --B 2 --Sq 100 --Skv 129

func.func @main(%q: tensor<?x4x?x64xf8E4M3FN>,
                %k: tensor<?x4x?x64xf8E4M3FN>,
                %v: tensor<?x4x?x64xf8E4M3FN>,
                %scales: tensor<3xf32>)
    -> tensor<?x4x?x64xbf16> {
  %o = attn.attention %q, %k, %v scales(%scales : tensor<3xf32>)
      : tensor<?x4x?x64xf8E4M3FN>, tensor<?x4x?x64xf8E4M3FN>,
        tensor<?x4x?x64xf8E4M3FN> -> tensor<?x4x?x64xbf16>
  return %o : tensor<?x4x?x64xbf16>
}
