// squeeze_excite: squeeze-and-excitation channel gate (section E).
// Semantics: shared/VARIANTS.md, row `squeeze_excite`.
//
// Math (C = 64, reduced width R = 16, i.e. reduction ratio 4):
//   z = mean_hw(x)                              [N,64]
//   s = sigmoid(relu(z W1 + b1) W2 + b2)        [N,64]
//   y = x * s[n,c]                              [N,64,H,W]
//
// Arguments of @main (N, H, W dynamic; C, R static):
//   x    [N,64,H,W] f32
//   W1   [64,16] f32
//   b1   [16] f32
//   W2   [16,64] f32
//   b2   [64] f32
// Result:
//   y    [N,64,H,W] f32
//
// attn-decompose: one linalg.generic sums x over H, W (one read of x), two
// small contractions and the sigmoid make s, and one linalg.generic writes
// x * s (second read of x).
//
// Run (inputs in the argument order, float32 .npy):
//   attn-run examples/variants/squeeze_excite.mlir \
//       --input=@x.npy --input=@w1.npy --input=@b1.npy --input=@w2.npy \
//       --input=@b2.npy --output=@y.npy
// Check against the float64 reference:
//   python3 test/Integration/lib/check_variant.py squeeze_excite \
//       --dim N=2 --dim H=7 --dim W=9

func.func @main(%x: tensor<?x64x?x?xf32>, %w1: tensor<64x16xf32>,
                %b1: tensor<16xf32>, %w2: tensor<16x64xf32>,
                %b2: tensor<64xf32>) -> tensor<?x64x?x?xf32> {
  %y = attn.squeeze_excite %x, %w1, %b1, %w2, %b2
      : tensor<?x64x?x?xf32>, tensor<64x16xf32>, tensor<16xf32>,
        tensor<16x64xf32>, tensor<64xf32> -> tensor<?x64x?x?xf32>
  return %y : tensor<?x64x?x?xf32>
}
