// The eca row with its three taps reversed (w2 weighs channel c - 1): the
// checker must reject it (catches-reversed-taps.test).
#rev = affine_map<(t) -> (2 - t)>
#id = affine_map<(t) -> (t)>
func.func @main(%x: tensor<?x64x?x?xf32>, %w: tensor<3xf32>)
    -> tensor<?x64x?x?xf32> {
  %init = tensor.empty() : tensor<3xf32>
  %reversed = linalg.generic {indexing_maps = [#rev, #id],
                              iterator_types = ["parallel"]}
      ins(%w : tensor<3xf32>) outs(%init : tensor<3xf32>) {
  ^bb0(%v: f32, %out: f32):
    linalg.yield %v : f32
  } -> tensor<3xf32>
  %y = attn.eca %x, %reversed : tensor<?x64x?x?xf32>, tensor<3xf32>
      -> tensor<?x64x?x?xf32>
  return %y : tensor<?x64x?x?xf32>
}
