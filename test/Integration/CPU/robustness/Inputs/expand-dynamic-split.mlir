// y = x + flat reshaped to x's [S, B, 32]: an expand_shape that splits one
// dimension into two dynamic sizes (expand-dynamic-split.test).
func.func @main(%x: tensor<?x?x32xf32>, %flat: tensor<?x32xf32>) -> tensor<?x?x32xf32> {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %s = tensor.dim %x, %c0 : tensor<?x?x32xf32>
  %b = tensor.dim %x, %c1 : tensor<?x?x32xf32>
  %e = tensor.expand_shape %flat [[0, 1], [2]] output_shape [%s, %b, 32]
      : tensor<?x32xf32> into tensor<?x?x32xf32>
  %init = tensor.empty(%s, %b) : tensor<?x?x32xf32>
  %y = linalg.generic {indexing_maps = [affine_map<(i, j, k) -> (i, j, k)>, affine_map<(i, j, k) -> (i, j, k)>, affine_map<(i, j, k) -> (i, j, k)>], iterator_types = ["parallel", "parallel", "parallel"]}
      ins(%x, %e : tensor<?x?x32xf32>, tensor<?x?x32xf32>) outs(%init : tensor<?x?x32xf32>) {
  ^bb0(%a: f32, %b2: f32, %o: f32):
    %r = arith.addf %a, %b2 : f32
    linalg.yield %r : f32
  } -> tensor<?x?x32xf32>
  return %y : tensor<?x?x32xf32>
}
