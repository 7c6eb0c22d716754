// scaled_dot_f16: scaled dot-product attention in f16.
// Semantics: shared/VARIANTS.md, row `causal_bf16`, `causal_f16`, ...
//
// Math:
//   s_ij = (q_i . k_j) / sqrt(D)   (D = 64, so the scale is 0.125)
//   P_ij = softmax_j(s_ij),  o_i = sum_j P_ij v_j
//   q, k, v and o are f16; scores, running max and sum and the
//   output accumulator are f32
//
// Arguments of @main (B, Sq, Skv dynamic; heads and head dims static):
//   q   [B,4,Sq,64] f16
//   k   [B,4,Skv,64] f16
//   v   [B,4,Skv,64] f16
// Result:
//   o   [B,4,Sq,64] f16
//
// Run (inputs in the argument order; q, k, v and o as float16 .npy):
//   attn-run examples/variants/scaled_dot_f16.mlir \
//       --input=@q.npy --input=@k.npy --input=@v.npy \
//       --output=@o.npy
// Check against the float64 reference:
//   python3 test/Integration/lib/check_variant.py scaled_dot_f16 \
//       --B 2 --Sq 100 --Skv 129

func.func @main(%q: tensor<?x4x?x64xf16>,
                %k: tensor<?x4x?x64xf16>,
                %v: tensor<?x4x?x64xf16>)
    -> tensor<?x4x?x64xf16> {
  %o = attn.attention %q, %k, %v
      : tensor<?x4x?x64xf16>, tensor<?x4x?x64xf16>, tensor<?x4x?x64xf16>
      -> tensor<?x4x?x64xf16>
  return %o : tensor<?x4x?x64xf16>
}
