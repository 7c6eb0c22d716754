// The spatial row with the 7x7 kernel flipped before the gate: a true
// convolution instead of the cross-correlation VARIANTS.md specifies. The
// checker must reject it (catches-flipped-kernel.test).
#ws = affine_map<(o, k, i, j) -> (o, k, 6 - i, 6 - j)>
#id = affine_map<(o, k, i, j) -> (o, k, i, j)>
func.func @main(%x: tensor<?x64x?x?xf32>, %ws: tensor<1x2x7x7xf32>,
                %bs: tensor<1xf32>) -> tensor<?x64x?x?xf32> {
  %init = tensor.empty() : tensor<1x2x7x7xf32>
  %flipped = linalg.generic {indexing_maps = [#ws, #id],
                             iterator_types = ["parallel", "parallel",
                                               "parallel", "parallel"]}
      ins(%ws : tensor<1x2x7x7xf32>) outs(%init : tensor<1x2x7x7xf32>) {
  ^bb0(%w: f32, %out: f32):
    linalg.yield %w : f32
  } -> tensor<1x2x7x7xf32>
  %y = attn.spatial_gate %x, %flipped, %bs
      : tensor<?x64x?x?xf32>, tensor<1x2x7x7xf32>, tensor<1xf32>
      -> tensor<?x64x?x?xf32>
  return %y : tensor<?x64x?x?xf32>
}
