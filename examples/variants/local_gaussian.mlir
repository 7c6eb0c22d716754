// local_gaussian: Luong local-p attention with a Gaussian window (section C).
// Semantics: shared/VARIANTS.md, row `local_gaussian`.
//
// Math:
//   s_ij = (q_i . k_j) / sqrt(D)   (D = 64, so the scale is 0.125)
//   visible iff |j - p_i| <= 8
//   a_ij = softmax_visible(s)_ij * exp(-(j - p_i)^2 / (2 * 4^2))
//   o_i = sum_j a_ij v_j   (no renormalisation after the Gaussian);
//   a row with no visible key outputs zeros.
//
// Arguments of @main (B, Sq, Skv dynamic; heads and head dims static):
//   q   [B,4,Sq,64] f32
//   k   [B,4,Skv,64] f32
//   v   [B,4,Skv,64] f32
//   p   [B,4,Sq] f32, the window centre of each query row
// Result:
//   o   [B,4,Sq,64] f32
//
// Run (inputs in the argument order, all float32 .npy):
//   attn-run examples/variants/local_gaussian.mlir \
//       --input=@q.npy --input=@k.npy --input=@v.npy --input=@p.npy \
//       --output=@o.npy
// Check against the float64 reference:
//   python3 test/Integration/lib/check_variant.py local_gaussian \
//       --B 2 --Sq 100 --Skv 129

func.func @main(%q: tensor<?x4x?x64xf32>,
                %k: tensor<?x4x?x64xf32>,
                %v: tensor<?x4x?x64xf32>,
                %p: tensor<?x4x?xf32>)
    -> tensor<?x4x?x64xf32> {
  %o = attn.attention %q, %k, %v position_operands(%p : tensor<?x4x?xf32>)
      {gaussian_window = 8 : i64, gaussian_sigma = 4.0 : f32}
      : tensor<?x4x?x64xf32>, tensor<?x4x?x64xf32>, tensor<?x4x?x64xf32>
      -> tensor<?x4x?x64xf32>
  return %o : tensor<?x4x?x64xf32>
}
