// non_local: the non-local block (section E), attention over all positions.
// Semantics: shared/VARIANTS.md, row `non_local`.
//
// Math (C = 16 channels, Ci = 8 embedding channels, p = h*W + w; no scaling,
// no biases):
//   theta_p = x_p Wtheta, phi_p = x_p Wphi, g_p = x_p Wg     [Ci]
//   f_pq    = softmax_q(theta_p . phi_q)
//   y_p     = sum_q f_pq g_q
//   z_p     = y_p Wz + x_p                                   [C]
// attn-decompose computes the three 1x1 projections as [N,1,H*W,8] tensors
// and runs one fused attn.attention over the H*W positions (scale 1.0):
// the HW x HW affinity is never materialised.
//
// Arguments of @main (N, H, W dynamic; C, Ci static):
//   x       [N,16,H,W] f32
//   Wtheta  [16,8] f32
//   Wphi    [16,8] f32
//   Wg      [16,8] f32
//   Wz      [8,16] f32
// Result:
//   z       [N,16,H,W] f32
//
// Run (inputs in the argument order, float32 .npy):
//   attn-run examples/variants/non_local.mlir \
//       --input=@x.npy --input=@wtheta.npy --input=@wphi.npy \
//       --input=@wg.npy --input=@wz.npy --output=@z.npy
// Check against the float64 reference:
//   python3 test/Integration/lib/check_variant.py non_local \
//       --dim N=2 --dim H=12 --dim W=13

func.func @main(%x: tensor<?x16x?x?xf32>, %wtheta: tensor<16x8xf32>,
                %wphi: tensor<16x8xf32>, %wg: tensor<16x8xf32>,
                %wz: tensor<8x16xf32>) -> tensor<?x16x?x?xf32> {
  %z = attn.non_local %x, %wtheta, %wphi, %wg, %wz
      : tensor<?x16x?x?xf32>, tensor<16x8xf32>, tensor<16x8xf32>,
        tensor<16x8xf32>, tensor<8x16xf32> -> tensor<?x16x?x?xf32>
  return %z : tensor<?x16x?x?xf32>
}
