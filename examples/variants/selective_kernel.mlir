// selective_kernel: selective kernel fusion of two branches (section E).
// Semantics: shared/VARIANTS.md, row `selective_kernel`.
//
// Math (C = 64, Z = 32):
//   z         = relu(mean_hw(u1 + u2) Wfc + bfc)           [N,32]
//   a = z Wa,  b = z Wb                                    [N,64]
//   (alpha, beta) = softmax over the two branches of (a, b), per channel
//   y         = alpha[n,c] * u1 + beta[n,c] * u2          [N,64,H,W]
//
// Arguments of @main (N, H, W dynamic; C, Z static):
//   u1   [N,64,H,W] f32
//   u2   [N,64,H,W] f32
//   Wfc  [64,32] f32
//   bfc  [32] f32
//   Wa   [32,64] f32
//   Wb   [32,64] f32
// Result:
//   y    [N,64,H,W] f32
//
// attn-decompose: one linalg.generic sums u1 + u2 over H, W (one read of
// each branch), a contraction and one two-result contraction make a and b,
// alpha = sigmoid(a - b) and beta = sigmoid(b - a), and one linalg.generic
// writes alpha u1 + beta u2 (second read of each branch).
//
// Run (inputs in the argument order, float32 .npy):
//   attn-run examples/variants/selective_kernel.mlir \
//       --input=@u1.npy --input=@u2.npy --input=@wfc.npy --input=@bfc.npy \
//       --input=@wa.npy --input=@wb.npy --output=@y.npy
// Check against the float64 reference:
//   python3 test/Integration/lib/check_variant.py selective_kernel \
//       --dim N=2 --dim H=7 --dim W=9

func.func @main(%u1: tensor<?x64x?x?xf32>, %u2: tensor<?x64x?x?xf32>,
                %wfc: tensor<64x32xf32>, %bfc: tensor<32xf32>,
                %wa: tensor<32x64xf32>, %wb: tensor<32x64xf32>)
    -> tensor<?x64x?x?xf32> {
  %y = attn.selective_kernel %u1, %u2, %wfc, %bfc, %wa, %wb
      : tensor<?x64x?x?xf32>, tensor<?x64x?x?xf32>, tensor<64x32xf32>,
        tensor<32xf32>, tensor<32x64xf32>, tensor<32x64xf32>
      -> tensor<?x64x?x?xf32>
  return %y : tensor<?x64x?x?xf32>
}
