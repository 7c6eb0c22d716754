// spatial: CBAM spatial attention (section E), op attn.spatial_gate.
// Semantics: shared/VARIANTS.md, row `spatial`.
//
// Math (C = 64, 7x7 kernel, padding 3):
//   A = mean_c(x),  M = max_c(x)                         [N,H,W]
//   s = sigmoid(conv7x7([A;M], Ws) + bs)                 [N,H,W]
//       (cross-correlation, zeros outside the map)
//   y = x * s[n,h,w]                                     [N,64,H,W]
//
// Arguments of @main (N, H, W dynamic; C static):
//   x    [N,64,H,W] f32
//   Ws   [1,2,7,7] f32    (input channel 0 weighs A, 1 weighs M)
//   bs   [1] f32
// Result:
//   y    [N,64,H,W] f32
//
// attn-decompose: one linalg.generic computes A's sum and M together (one
// read of x), both are zero padded by 3 and convolved in one
// linalg.generic, the sigmoid makes s, and one linalg.generic writes
// x * s (second read of x).
//
// Run (inputs in the argument order, float32 .npy):
//   attn-run examples/variants/spatial.mlir \
//       --input=@x.npy --input=@ws.npy --input=@bs.npy --output=@y.npy
// Check against the float64 reference:
//   python3 test/Integration/lib/check_variant.py spatial \
//       --dim N=2 --dim H=7 --dim W=9

func.func @main(%x: tensor<?x64x?x?xf32>, %ws: tensor<1x2x7x7xf32>,
                %bs: tensor<1xf32>) -> tensor<?x64x?x?xf32> {
  %y = attn.spatial_gate %x, %ws, %bs
      : tensor<?x64x?x?xf32>, tensor<1x2x7x7xf32>, tensor<1xf32>
      -> tensor<?x64x?x?xf32>
  return %y : tensor<?x64x?x?xf32>
}
