// multi_head's projection into heads: x [B,S,E] . W [E,H,D] -> [B,H,S,D];
// two column loops (h, d), the lanes along d.
// einsum: bse,ehd->bhsd
#x = affine_map<(b, h, s, e, d) -> (b, s, e)>
#w = affine_map<(b, h, s, e, d) -> (e, h, d)>
#o = affine_map<(b, h, s, e, d) -> (b, h, s, d)>
func.func @main(%a: tensor<?x?x128xf32>, %w: tensor<128x2x64xf32>) -> tensor<?x2x?x64xf32> {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %zero = arith.constant 0.0 : f32
  %bs = tensor.dim %a, %c0 : tensor<?x?x128xf32>
  %s = tensor.dim %a, %c1 : tensor<?x?x128xf32>
  %e = tensor.empty(%bs, %s) : tensor<?x2x?x64xf32>
  %f = linalg.fill ins(%zero : f32) outs(%e : tensor<?x2x?x64xf32>) -> tensor<?x2x?x64xf32>
  %r = linalg.generic {indexing_maps = [#x, #w, #o],
                       iterator_types = ["parallel", "parallel", "parallel", "reduction", "parallel"]}
      ins(%a, %w : tensor<?x?x128xf32>, tensor<128x2x64xf32>)
      outs(%f : tensor<?x2x?x64xf32>) {
  ^bb0(%p: f32, %q: f32, %acc: f32):
    %m = arith.mulf %p, %q : f32
    %sum = arith.addf %acc, %m : f32
    linalg.yield %sum : f32
  } -> tensor<?x2x?x64xf32>
  return %r : tensor<?x2x?x64xf32>
}
