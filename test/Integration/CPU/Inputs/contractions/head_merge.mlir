// multi_head's output projection: O [B,H,S,D] . Wo [H,D,E] -> [B,S,E]; two
// reduction loops (h, d): h runs around the register tiles, d is the depth.
// einsum: bhsd,hdf->bsf
#o = affine_map<(b, s, h, d, f) -> (b, h, s, d)>
#w = affine_map<(b, s, h, d, f) -> (h, d, f)>
#y = affine_map<(b, s, h, d, f) -> (b, s, f)>
func.func @main(%a: tensor<?x3x?x40xf32>, %w: tensor<3x40x72xf32>) -> tensor<?x?x72xf32> {
  %c0 = arith.constant 0 : index
  %c2 = arith.constant 2 : index
  %zero = arith.constant 0.0 : f32
  %bs = tensor.dim %a, %c0 : tensor<?x3x?x40xf32>
  %s = tensor.dim %a, %c2 : tensor<?x3x?x40xf32>
  %e = tensor.empty(%bs, %s) : tensor<?x?x72xf32>
  %f = linalg.fill ins(%zero : f32) outs(%e : tensor<?x?x72xf32>) -> tensor<?x?x72xf32>
  %r = linalg.generic {indexing_maps = [#o, #w, #y],
                       iterator_types = ["parallel", "parallel", "reduction", "reduction", "parallel"]}
      ins(%a, %w : tensor<?x3x?x40xf32>, tensor<3x40x72xf32>)
      outs(%f : tensor<?x?x72xf32>) {
  ^bb0(%p: f32, %q: f32, %acc: f32):
    %m = arith.mulf %p, %q : f32
    %sum = arith.addf %acc, %m : f32
    linalg.yield %sum : f32
  } -> tensor<?x?x72xf32>
  return %r : tensor<?x?x72xf32>
}
