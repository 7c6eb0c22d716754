// temporal: temporal attention pooling of a clip of feature maps
// (section F). Semantics: shared/VARIANTS.md, row `temporal`.
//
// Math (C = 16, attention width A = 8), per clip n of T frames x_t:
//   z_t   = mean_hw(x_t)                        [C]
//   e_t   = u . tanh(z_t W + b)
//   alpha = softmax_t(e)
//   y     = sum_t alpha_t x_t                   [C,H,W]
//
// This is not an op: it is the graph a frontend would emit, in linalg and
// arith/math, compiled as a whole like any variant. No attn.attention: the
// softmax runs over the T frames of one clip (T numbers), and the values
// it weights are whole maps (C*H*W, a dynamic width the fused kernel does
// not take as its value dimension). x is read twice, which is what the
// math needs (alpha depends on every frame's mean): once for the means and
// once for the weighted sum; everything between is [N,T]-sized.
//
// Arguments of @main (N, T, H, W dynamic; C, A static):
//   x  [N,T,16,H,W] f32
//   W  [16,8] f32
//   b  [8] f32
//   u  [8] f32
// Result:
//   y  [N,16,H,W] f32
//
// Run (inputs in the argument order, float32 .npy):
//   attn-run examples/variants/temporal.mlir \
//       --input=@x.npy --input=@w.npy --input=@b.npy --input=@u.npy \
//       --output=@y.npy
// Check against the float64 reference:
//   python3 test/Integration/lib/check_variant.py temporal \
//       --dim N=2 --dim T=5 --dim H=9 --dim W=7

// Means: loops (n, t, c, h, w).
#clip = affine_map<(n, t, c, h, w) -> (n, t, c, h, w)>
#frame_c = affine_map<(n, t, c, h, w) -> (n, t, c)>
// Scores: loops (n, t, a, c), then (n, t, a).
#z_in = affine_map<(n, t, a, c) -> (n, t, c)>
#w_in = affine_map<(n, t, a, c) -> (c, a)>
#pre_out = affine_map<(n, t, a, c) -> (n, t, a)>
#pre = affine_map<(n, t, a) -> (n, t, a)>
#vec = affine_map<(n, t, a) -> (a)>
#frame_a = affine_map<(n, t, a) -> (n, t)>
// Softmax over t: loops (n, t).
#nt = affine_map<(n, t) -> (n, t)>
#n = affine_map<(n, t) -> (n)>
// Weighted sum: loops (n, t, c, h, w), t a reduction.
#alpha = affine_map<(n, t, c, h, w) -> (n, t)>
#out = affine_map<(n, t, c, h, w) -> (n, c, h, w)>

func.func @main(%x: tensor<?x?x16x?x?xf32>, %w: tensor<16x8xf32>,
                %b: tensor<8xf32>, %u: tensor<8xf32>)
    -> tensor<?x16x?x?xf32> {
  %i0 = arith.constant 0 : index
  %i1 = arith.constant 1 : index
  %i3 = arith.constant 3 : index
  %i4 = arith.constant 4 : index
  %zero = arith.constant 0.0 : f32
  %one = arith.constant 1.0 : f32
  %ninf = arith.constant 0xFF800000 : f32
  %N = tensor.dim %x, %i0 : tensor<?x?x16x?x?xf32>
  %T = tensor.dim %x, %i1 : tensor<?x?x16x?x?xf32>
  %H = tensor.dim %x, %i3 : tensor<?x?x16x?x?xf32>
  %W = tensor.dim %x, %i4 : tensor<?x?x16x?x?xf32>
  %hw = arith.muli %H, %W : index
  %hw_i = arith.index_cast %hw : index to i64
  %hw_f = arith.sitofp %hw_i : i64 to f32
  %inv_hw = arith.divf %one, %hw_f : f32

  // ---- z_t * H*W: sums over H, W (first read of x).
  %s0 = tensor.empty(%N, %T) : tensor<?x?x16xf32>
  %sum_init = linalg.fill ins(%zero : f32) outs(%s0 : tensor<?x?x16xf32>)
      -> tensor<?x?x16xf32>
  %sum = linalg.generic {indexing_maps = [#clip, #frame_c],
      iterator_types = ["parallel", "parallel", "parallel", "reduction",
                        "reduction"]}
      ins(%x : tensor<?x?x16x?x?xf32>) outs(%sum_init : tensor<?x?x16xf32>) {
  ^bb0(%in: f32, %acc: f32):
    %r = arith.addf %acc, %in : f32
    linalg.yield %r : f32
  } -> tensor<?x?x16xf32>

  // ---- e_t = u . tanh(z_t W + b), with z_t = sum / (H*W).
  %p0 = tensor.empty(%N, %T) : tensor<?x?x8xf32>
  %pre_init = linalg.fill ins(%zero : f32) outs(%p0 : tensor<?x?x8xf32>)
      -> tensor<?x?x8xf32>
  %pre = linalg.generic {indexing_maps = [#z_in, #w_in, #pre_out],
      iterator_types = ["parallel", "parallel", "parallel", "reduction"]}
      ins(%sum, %w : tensor<?x?x16xf32>, tensor<16x8xf32>)
      outs(%pre_init : tensor<?x?x8xf32>) {
  ^bb0(%z: f32, %wv: f32, %acc: f32):
    %m = arith.mulf %z, %wv : f32
    %r = arith.addf %acc, %m : f32
    linalg.yield %r : f32
  } -> tensor<?x?x8xf32>
  %e0 = tensor.empty(%N, %T) : tensor<?x?xf32>
  %e_init = linalg.fill ins(%zero : f32) outs(%e0 : tensor<?x?xf32>)
      -> tensor<?x?xf32>
  %e = linalg.generic {indexing_maps = [#pre, #vec, #vec, #frame_a],
      iterator_types = ["parallel", "parallel", "reduction"]}
      ins(%pre, %b, %u : tensor<?x?x8xf32>, tensor<8xf32>, tensor<8xf32>)
      outs(%e_init : tensor<?x?xf32>) {
  ^bb0(%pv: f32, %bv: f32, %uv: f32, %acc: f32):
    %mean = arith.mulf %pv, %inv_hw : f32
    %a = arith.addf %mean, %bv : f32
    %t = math.tanh %a : f32
    %m = arith.mulf %uv, %t : f32
    %r = arith.addf %acc, %m : f32
    linalg.yield %r : f32
  } -> tensor<?x?xf32>

  // ---- alpha = softmax_t(e): max, sum of exp, normalise.
  %r0 = tensor.empty(%N) : tensor<?xf32>
  %max_init = linalg.fill ins(%ninf : f32) outs(%r0 : tensor<?xf32>)
      -> tensor<?xf32>
  %max = linalg.generic {indexing_maps = [#nt, #n],
      iterator_types = ["parallel", "reduction"]}
      ins(%e : tensor<?x?xf32>) outs(%max_init : tensor<?xf32>) {
  ^bb0(%in: f32, %acc: f32):
    %r = arith.maximumf %acc, %in : f32
    linalg.yield %r : f32
  } -> tensor<?xf32>
  %den_init = linalg.fill ins(%zero : f32) outs(%r0 : tensor<?xf32>)
      -> tensor<?xf32>
  %den = linalg.generic {indexing_maps = [#nt, #n, #n],
      iterator_types = ["parallel", "reduction"]}
      ins(%e, %max : tensor<?x?xf32>, tensor<?xf32>)
      outs(%den_init : tensor<?xf32>) {
  ^bb0(%in: f32, %mx: f32, %acc: f32):
    %d = arith.subf %in, %mx : f32
    %x_ = math.exp %d : f32
    %r = arith.addf %acc, %x_ : f32
    linalg.yield %r : f32
  } -> tensor<?xf32>
  %alpha = linalg.generic {indexing_maps = [#nt, #n, #n, #nt],
      iterator_types = ["parallel", "parallel"]}
      ins(%e, %max, %den : tensor<?x?xf32>, tensor<?xf32>, tensor<?xf32>)
      outs(%e0 : tensor<?x?xf32>) {
  ^bb0(%in: f32, %mx: f32, %dn: f32, %o: f32):
    %d = arith.subf %in, %mx : f32
    %x_ = math.exp %d : f32
    %r = arith.divf %x_, %dn : f32
    linalg.yield %r : f32
  } -> tensor<?x?xf32>

  // ---- y = sum_t alpha_t x_t (second read of x); w innermost.
  %y0 = tensor.empty(%N, %H, %W) : tensor<?x16x?x?xf32>
  %y_init = linalg.fill ins(%zero : f32) outs(%y0 : tensor<?x16x?x?xf32>)
      -> tensor<?x16x?x?xf32>
  %y = linalg.generic {indexing_maps = [#clip, #alpha, #out],
      iterator_types = ["parallel", "reduction", "parallel", "parallel",
                        "parallel"]}
      ins(%x, %alpha : tensor<?x?x16x?x?xf32>, tensor<?x?xf32>)
      outs(%y_init : tensor<?x16x?x?xf32>) {
  ^bb0(%in: f32, %a: f32, %acc: f32):
    %m = arith.mulf %in, %a : f32
    %r = arith.addf %acc, %m : f32
    linalg.yield %r : f32
  } -> tensor<?x16x?x?xf32>
  return %y : tensor<?x16x?x?xf32>
}
