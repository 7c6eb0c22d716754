// spatial_transformer: the sampler of a spatial transformer network
// (section E). Semantics: shared/VARIANTS.md, row `spatial_transformer`:
// PyTorch affine_grid + grid_sample, bilinear, zero padding,
// align_corners = false.
//
// Math (for every output pixel (h, w) of image n):
//   xs = (2w + 1)/W - 1,  ys = (2h + 1)/H - 1
//   (gx, gy) = theta[n] (xs, ys, 1)
//   ix = ((gx + 1) W - 1)/2,  iy = ((gy + 1) H - 1)/2
//   y[n,c,h,w] = bilinear interpolation of x[n,c] at (iy, ix); neighbours
//                outside the image count as zero
// attn-decompose lowers it to one linalg.generic over the output that reads
// the four neighbours with tensor.extract at clamped indices (no
// attention).
//
// Arguments of @main (all of N, C, H, W dynamic):
//   x      [N,C,H,W] f32
//   theta  [N,2,3] f32
// Result:
//   y      [N,C,H,W] f32
//
// Run (inputs in the argument order, float32 .npy):
//   attn-run examples/variants/spatial_transformer.mlir \
//       --input=@x.npy --input=@theta.npy --output=@y.npy
// Check against the float64 reference:
//   python3 test/Integration/lib/check_variant.py spatial_transformer \
//       --dim N=2 --dim C=3 --dim H=12 --dim W=13

func.func @main(%x: tensor<?x?x?x?xf32>, %theta: tensor<?x2x3xf32>)
    -> tensor<?x?x?x?xf32> {
  %y = attn.spatial_transformer %x, %theta
      : tensor<?x?x?x?xf32>, tensor<?x2x3xf32> -> tensor<?x?x?x?xf32>
  return %y : tensor<?x?x?x?xf32>
}
