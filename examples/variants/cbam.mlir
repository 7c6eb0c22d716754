// cbam: convolutional block attention module (section E).
// Semantics: shared/VARIANTS.md, row `cbam`.
//
// Math (C = 64, R = 16, 7x7 spatial kernel, padding 3):
//   mlp(z) = relu(z W1 + b1) W2 + b2          (one MLP for both poolings)
//   s_c    = sigmoid(mlp(mean_hw x) + mlp(max_hw x))       [N,64]
//   x'     = x * s_c[n,c]
//   y      = spatial(x', Ws, bs)                           [N,64,H,W]
//
// Arguments of @main (N, H, W dynamic; C, R static):
//   x    [N,64,H,W] f32
//   W1   [64,16] f32
//   b1   [16] f32
//   W2   [16,64] f32
//   b2   [64] f32
//   Ws   [1,2,7,7] f32
//   bs   [1] f32
// Result:
//   y    [N,64,H,W] f32
//
// attn-decompose never stores x': one linalg.generic computes the mean and
// max over H, W (first read of x), the shared MLP and the sigmoid make s_c,
// one linalg.generic takes mean_c and max_c of x * s_c (second read), the
// 7x7 convolution and the sigmoid make s, and one linalg.generic writes
// (x * s_c) * s (third read).
//
// Run (inputs in the argument order, float32 .npy):
//   attn-run examples/variants/cbam.mlir \
//       --input=@x.npy --input=@w1.npy --input=@b1.npy --input=@w2.npy \
//       --input=@b2.npy --input=@ws.npy --input=@bs.npy --output=@y.npy
// Check against the float64 reference:
//   python3 test/Integration/lib/check_variant.py cbam \
//       --dim N=2 --dim H=7 --dim W=9

func.func @main(%x: tensor<?x64x?x?xf32>, %w1: tensor<64x16xf32>,
                %b1: tensor<16xf32>, %w2: tensor<16x64xf32>,
                %b2: tensor<64xf32>, %ws: tensor<1x2x7x7xf32>,
                %bs: tensor<1xf32>) -> tensor<?x64x?x?xf32> {
  %y = attn.cbam %x, %w1, %b1, %w2, %b2, %ws, %bs
      : tensor<?x64x?x?xf32>, tensor<64x16xf32>, tensor<16xf32>,
        tensor<16x64xf32>, tensor<64xf32>, tensor<1x2x7x7xf32>,
        tensor<1xf32> -> tensor<?x64x?x?xf32>
  return %y : tensor<?x64x?x?xf32>
}
