// A feed-forward layer's x W: [B,S,K] x [K,N], K and N static and not
// multiples of the vector width (N = 50: three vectors and a masked tail).
// einsum: bsk,kn->bsn
#x = affine_map<(b, s, k, n) -> (b, s, k)>
#w = affine_map<(b, s, k, n) -> (k, n)>
#y = affine_map<(b, s, k, n) -> (b, s, n)>
func.func @main(%a: tensor<?x?x300xf32>, %w: tensor<300x50xf32>) -> tensor<?x?x50xf32> {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %zero = arith.constant 0.0 : f32
  %bs = tensor.dim %a, %c0 : tensor<?x?x300xf32>
  %s = tensor.dim %a, %c1 : tensor<?x?x300xf32>
  %e = tensor.empty(%bs, %s) : tensor<?x?x50xf32>
  %f = linalg.fill ins(%zero : f32) outs(%e : tensor<?x?x50xf32>) -> tensor<?x?x50xf32>
  %r = linalg.generic {indexing_maps = [#x, #w, #y],
                       iterator_types = ["parallel", "parallel", "reduction", "parallel"]}
      ins(%a, %w : tensor<?x?x300xf32>, tensor<300x50xf32>)
      outs(%f : tensor<?x?x50xf32>) {
  ^bb0(%p: f32, %q: f32, %acc: f32):
    %m = arith.mulf %p, %q : f32
    %sum = arith.addf %acc, %m : f32
    linalg.yield %sum : f32
  } -> tensor<?x?x50xf32>
  return %r : tensor<?x?x50xf32>
}
