// feed_forward_pool: feed-forward attention pooling (section D).
// Semantics: shared/VARIANTS.md, row `feed_forward_pool`.
//
// Math (E = 64, A = 32):
//   e_j   = u . tanh(h_j W + b)
//   alpha = softmax_j(e)
//   c     = sum_j alpha_j h_j
//
// Arguments of @main (B, S dynamic; E, A static):
//   h   [B,S,64] f32
//   W   [64,32] f32
//   b   [32] f32
//   u   [32] f32
// Result:
//   c   [B,64] f32
//
// attn-decompose computes e with two linalg.generic ops and lets one fused
// attn.attention (a unit query of dimension 1 whose keys are the e_j,
// scale 1.0, values the rows of h) do the softmax and the weighted sum.
//
// Run (inputs in the argument order, float32 .npy):
//   attn-run examples/variants/feed_forward_pool.mlir \
//       --input=@h.npy --input=@w.npy --input=@b.npy --input=@u.npy \
//       --output=@c.npy
// Check against the float64 reference:
//   python3 test/Integration/lib/check_variant.py feed_forward_pool \
//       --B 2 --dim S=65

func.func @main(%h: tensor<?x?x64xf32>, %w: tensor<64x32xf32>,
                %b: tensor<32xf32>, %u: tensor<32xf32>)
    -> tensor<?x64xf32> {
  %c = attn.feed_forward_pool %h, %w, %b, %u
      : tensor<?x?x64xf32>, tensor<64x32xf32>, tensor<32xf32>, tensor<32xf32>
      -> tensor<?x64xf32>
  return %c : tensor<?x64xf32>
}
