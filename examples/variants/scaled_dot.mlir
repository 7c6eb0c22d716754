// scaled_dot: scaled dot-product attention (section A).
// Semantics: shared/VARIANTS.md, row `scaled_dot`.
//
// Math:
//   s_ij = (q_i . k_j) / sqrt(D)   (D = 64, so the scale is 0.125)
//   P_ij = softmax_j(s_ij),  o_i = sum_j P_ij v_j
//   No `scale` attribute: the default scale is 1/sqrt(D).
//
// Arguments of @main (B, Sq, Skv dynamic; heads and head dims static):
//   q   [B,4,Sq,64] f32
//   k   [B,4,Skv,64] f32
//   v   [B,4,Skv,64] f32
// Result:
//   o   [B,4,Sq,64] f32
//
// Run (inputs in the argument order; q, k, v and o as float32 .npy):
//   attn-run examples/variants/scaled_dot.mlir \
//       --input=@q.npy --input=@k.npy --input=@v.npy \
//       --output=@o.npy
// Check against the float64 reference:
//   python3 test/Integration/lib/check_variant.py scaled_dot \
//       --B 2 --Sq 100 --Skv 129

func.func @main(%q: tensor<?x4x?x64xf32>,
                %k: tensor<?x4x?x64xf32>,
                %v: tensor<?x4x?x64xf32>)
    -> tensor<?x4x?x64xf32> {
  %o = attn.attention %q, %k, %v
      : tensor<?x4x?x64xf32>, tensor<?x4x?x64xf32>, tensor<?x4x?x64xf32>
      -> tensor<?x4x?x64xf32>
  return %o : tensor<?x4x?x64xf32>
}
