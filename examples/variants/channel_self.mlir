// channel_self: DANet channel attention (section E).
// Semantics: shared/VARIANTS.md, row `channel_self`.
//
// Math (per image, A = x as [C, H*W]):
//   E = A A^T                                  [C,C]
//   P = softmax_row(max_row(E) - E)
//   y = gamma * (P A) + x
// Softmax is invariant to a per-row shift, so P = softmax_row(-E):
// attn-decompose runs one fused attn.attention with query -A, key and value
// A ([N,1,C,64]) and scale 1.0, so E is never materialised.
//
// Arguments of @main (N, C dynamic; H = W = 8 static, because H*W = 64 is
// the head dimension of the attention):
//   x      [N,C,8,8] f32
//   gamma  [1] f32
// Result:
//   y      [N,C,8,8] f32
//
// Run (inputs in the argument order, float32 .npy):
//   attn-run examples/variants/channel_self.mlir \
//       --input=@x.npy --input=@gamma.npy --output=@y.npy
// Check against the float64 reference:
//   python3 test/Integration/lib/check_variant.py channel_self \
//       --dim N=2 --dim C=67

func.func @main(%x: tensor<?x?x8x8xf32>, %gamma: tensor<1xf32>)
    -> tensor<?x?x8x8xf32> {
  %y = attn.channel_self %x, %gamma
      : tensor<?x?x8x8xf32>, tensor<1xf32> -> tensor<?x?x8x8xf32>
  return %y : tensor<?x?x8x8xf32>
}
