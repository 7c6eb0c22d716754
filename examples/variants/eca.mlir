// eca: efficient channel attention (section E).
// Semantics: shared/VARIANTS.md, row `eca`.
//
// Math (C = 64, kernel size 3):
//   z   = mean_hw(x)                                     [N,64]
//   s_c = sigmoid(w0 z_{c-1} + w1 z_c + w2 z_{c+1})      z = 0 outside 0..63
//   y   = x * s[n,c]                                     [N,64,H,W]
//
// Arguments of @main (N, H, W dynamic; C static):
//   x    [N,64,H,W] f32
//   w    [3] f32
// Result:
//   y    [N,64,H,W] f32
//
// attn-decompose: one linalg.generic sums x over H, W (one read of x), the
// sums are zero padded to [N,66] and convolved with w, the sigmoid makes s,
// and one linalg.generic writes x * s (second read of x).
//
// Run (inputs in the argument order, float32 .npy):
//   attn-run examples/variants/eca.mlir \
//       --input=@x.npy --input=@w.npy --output=@y.npy
// Check against the float64 reference:
//   python3 test/Integration/lib/check_variant.py eca \
//       --dim N=2 --dim H=7 --dim W=9

func.func @main(%x: tensor<?x64x?x?xf32>, %w: tensor<3xf32>)
    -> tensor<?x64x?x?xf32> {
  %y = attn.eca %x, %w : tensor<?x64x?x?xf32>, tensor<3xf32>
      -> tensor<?x64x?x?xf32>
  return %y : tensor<?x64x?x?xf32>
}
