// ema: expectation-maximisation attention, EMANet (section F).
// Semantics: shared/VARIANTS.md, row `ema`.
//
// Math (C = 16, K = 8 bases), per image with X = x as [HW, C]:
//   mu = mu0
//   3 times:
//     Z   = softmax over the K bases of (X mu^T)          [HW,K]   (E step)
//     Zb  = Z / (1e-6 + sum_p Z_pk)                        (over positions)
//     mu  = Zb^T X, each row divided by its L2 norm        [K,C]   (M step)
//   y = Z mu + X      (the last Z and mu), back to NCHW
//
// This is not an op: it is the graph a frontend would emit, an scf.for
// over the iterations around linalg and arith/math, compiled as a whole
// like any variant. No attn.attention: the softmax runs over 8 bases, and
// the M step needs Z itself (its sums over the positions), which the fused
// kernel never materialises; Z is [HW, 8], half the size of x. The result
// reuses the last Z instead of recomputing it. X is never copied: the
// generics index x in NCHW. x is read 7 times: twice per iteration (the
// scores X mu^T and the sums Z^T X) and once for y.
//
// Arguments of @main (N, H, W dynamic; C, K static):
//   x    [N,16,H,W] f32
//   mu0  [8,16] f32
// Result:
//   y    [N,16,H,W] f32
//
// Run (inputs in the argument order, float32 .npy):
//   attn-run examples/variants/ema.mlir \
//       --input=@x.npy --input=@mu0.npy --output=@y.npy
// Check against the float64 reference:
//   python3 test/Integration/lib/check_variant.py ema \
//       --dim N=2 --dim H=9 --dim W=7

// Bases per image: loops (n, k, c).
#mu0 = affine_map<(n, k, c) -> (k, c)>
#mu = affine_map<(n, k, c) -> (n, k, c)>
#kc_k = affine_map<(n, k, c) -> (n, k)>
// Scores X mu^T: loops (n, y, x, k, c).
#a_x = affine_map<(n, y, x, k, c) -> (n, c, y, x)>
#a_mu = affine_map<(n, y, x, k, c) -> (n, k, c)>
#a_out = affine_map<(n, y, x, k, c) -> (n, y, x, k)>
// Softmax over k: loops (n, y, x, k).
#z = affine_map<(n, y, x, k) -> (n, y, x, k)>
#z_p = affine_map<(n, y, x, k) -> (n, y, x)>
#z_k = affine_map<(n, y, x, k) -> (n, k)>
// Sums Z^T X: loops (n, k, c, y, x).
#m_z = affine_map<(n, k, c, y, x) -> (n, y, x, k)>
#m_x = affine_map<(n, k, c, y, x) -> (n, c, y, x)>
#m_out = affine_map<(n, k, c, y, x) -> (n, k, c)>
// y = Z mu + X: loops (n, c, y, x, k).
#y_z = affine_map<(n, c, y, x, k) -> (n, y, x, k)>
#y_mu = affine_map<(n, c, y, x, k) -> (n, k, c)>
#y_x = affine_map<(n, c, y, x, k) -> (n, c, y, x)>

func.func @main(%x: tensor<?x16x?x?xf32>, %mu0: tensor<8x16xf32>)
    -> tensor<?x16x?x?xf32> {
  %i0 = arith.constant 0 : index
  %i1 = arith.constant 1 : index
  %i2 = arith.constant 2 : index
  %i3 = arith.constant 3 : index
  %zero = arith.constant 0.0 : f32
  %eps = arith.constant 1.0e-06 : f32
  %ninf = arith.constant 0xFF800000 : f32
  %N = tensor.dim %x, %i0 : tensor<?x16x?x?xf32>
  %H = tensor.dim %x, %i2 : tensor<?x16x?x?xf32>
  %W = tensor.dim %x, %i3 : tensor<?x16x?x?xf32>

  // mu0 for every image.
  %b0 = tensor.empty(%N) : tensor<?x8x16xf32>
  %mu_init = linalg.generic {indexing_maps = [#mu0, #mu],
      iterator_types = ["parallel", "parallel", "parallel"]}
      ins(%mu0 : tensor<8x16xf32>) outs(%b0 : tensor<?x8x16xf32>) {
  ^bb0(%in: f32, %o: f32):
    linalg.yield %in : f32
  } -> tensor<?x8x16xf32>
  %z0 = tensor.empty(%N, %H, %W) : tensor<?x?x?x8xf32>
  %p0 = tensor.empty(%N, %H, %W) : tensor<?x?x?xf32>
  %k0 = tensor.empty(%N) : tensor<?x8xf32>

  %mu, %z = scf.for %it = %i0 to %i3 step %i1
      iter_args(%m = %mu_init, %zprev = %z0)
      -> (tensor<?x8x16xf32>, tensor<?x?x?x8xf32>) {
    // ---- E step: Z = softmax_k(X mu^T) (a read of x).
    %a_init = linalg.fill ins(%zero : f32) outs(%z0 : tensor<?x?x?x8xf32>)
        -> tensor<?x?x?x8xf32>
    %a = linalg.generic {indexing_maps = [#a_x, #a_mu, #a_out],
        iterator_types = ["parallel", "parallel", "parallel", "parallel",
                          "reduction"]}
        ins(%x, %m : tensor<?x16x?x?xf32>, tensor<?x8x16xf32>)
        outs(%a_init : tensor<?x?x?x8xf32>) {
    ^bb0(%xv: f32, %mv: f32, %acc: f32):
      %p = arith.mulf %xv, %mv : f32
      %r = arith.addf %acc, %p : f32
      linalg.yield %r : f32
    } -> tensor<?x?x?x8xf32>
    %max_init = linalg.fill ins(%ninf : f32) outs(%p0 : tensor<?x?x?xf32>)
        -> tensor<?x?x?xf32>
    %max = linalg.generic {indexing_maps = [#z, #z_p],
        iterator_types = ["parallel", "parallel", "parallel", "reduction"]}
        ins(%a : tensor<?x?x?x8xf32>) outs(%max_init : tensor<?x?x?xf32>) {
    ^bb0(%in: f32, %acc: f32):
      %r = arith.maximumf %acc, %in : f32
      linalg.yield %r : f32
    } -> tensor<?x?x?xf32>
    %den_init = linalg.fill ins(%zero : f32) outs(%p0 : tensor<?x?x?xf32>)
        -> tensor<?x?x?xf32>
    %den = linalg.generic {indexing_maps = [#z, #z_p, #z_p],
        iterator_types = ["parallel", "parallel", "parallel", "reduction"]}
        ins(%a, %max : tensor<?x?x?x8xf32>, tensor<?x?x?xf32>)
        outs(%den_init : tensor<?x?x?xf32>) {
    ^bb0(%in: f32, %mx: f32, %acc: f32):
      %d = arith.subf %in, %mx : f32
      %ex = math.exp %d : f32
      %r = arith.addf %acc, %ex : f32
      linalg.yield %r : f32
    } -> tensor<?x?x?xf32>
    %zn = linalg.generic {indexing_maps = [#z, #z_p, #z_p, #z],
        iterator_types = ["parallel", "parallel", "parallel", "parallel"]}
        ins(%a, %max, %den
            : tensor<?x?x?x8xf32>, tensor<?x?x?xf32>, tensor<?x?x?xf32>)
        outs(%zprev : tensor<?x?x?x8xf32>) {
    ^bb0(%in: f32, %mx: f32, %dn: f32, %o: f32):
      %d = arith.subf %in, %mx : f32
      %ex = math.exp %d : f32
      %r = arith.divf %ex, %dn : f32
      linalg.yield %r : f32
    } -> tensor<?x?x?x8xf32>

    // ---- M step: mu = (Z^T X) / (1e-6 + sum_p Z), rows normalised
    // (a read of x).
    %cs_init = linalg.fill ins(%zero : f32) outs(%k0 : tensor<?x8xf32>)
        -> tensor<?x8xf32>
    %colsum = linalg.generic {indexing_maps = [#z, #z_k],
        iterator_types = ["parallel", "reduction", "reduction", "parallel"]}
        ins(%zn : tensor<?x?x?x8xf32>) outs(%cs_init : tensor<?x8xf32>) {
    ^bb0(%in: f32, %acc: f32):
      %r = arith.addf %acc, %in : f32
      linalg.yield %r : f32
    } -> tensor<?x8xf32>
    %num_init = linalg.fill ins(%zero : f32) outs(%b0 : tensor<?x8x16xf32>)
        -> tensor<?x8x16xf32>
    %num = linalg.generic {indexing_maps = [#m_z, #m_x, #m_out],
        iterator_types = ["parallel", "parallel", "parallel", "reduction",
                          "reduction"]}
        ins(%zn, %x : tensor<?x?x?x8xf32>, tensor<?x16x?x?xf32>)
        outs(%num_init : tensor<?x8x16xf32>) {
    ^bb0(%zv: f32, %xv: f32, %acc: f32):
      %p = arith.mulf %zv, %xv : f32
      %r = arith.addf %acc, %p : f32
      linalg.yield %r : f32
    } -> tensor<?x8x16xf32>
    %raw = linalg.generic {indexing_maps = [#mu, #kc_k, #mu],
        iterator_types = ["parallel", "parallel", "parallel"]}
        ins(%num, %colsum : tensor<?x8x16xf32>, tensor<?x8xf32>)
        outs(%b0 : tensor<?x8x16xf32>) {
    ^bb0(%nv: f32, %cv: f32, %o: f32):
      %d = arith.addf %cv, %eps : f32
      %r = arith.divf %nv, %d : f32
      linalg.yield %r : f32
    } -> tensor<?x8x16xf32>
    %sq_init = linalg.fill ins(%zero : f32) outs(%k0 : tensor<?x8xf32>)
        -> tensor<?x8xf32>
    %sq = linalg.generic {indexing_maps = [#mu, #kc_k],
        iterator_types = ["parallel", "parallel", "reduction"]}
        ins(%raw : tensor<?x8x16xf32>) outs(%sq_init : tensor<?x8xf32>) {
    ^bb0(%in: f32, %acc: f32):
      %p = arith.mulf %in, %in : f32
      %r = arith.addf %acc, %p : f32
      linalg.yield %r : f32
    } -> tensor<?x8xf32>
    %next = linalg.generic {indexing_maps = [#mu, #kc_k, #mu],
        iterator_types = ["parallel", "parallel", "parallel"]}
        ins(%raw, %sq : tensor<?x8x16xf32>, tensor<?x8xf32>)
        outs(%b0 : tensor<?x8x16xf32>) {
    ^bb0(%rv: f32, %s: f32, %o: f32):
      %nrm = math.sqrt %s : f32
      %r = arith.divf %rv, %nrm : f32
      linalg.yield %r : f32
    } -> tensor<?x8x16xf32>
    scf.yield %next, %zn : tensor<?x8x16xf32>, tensor<?x?x?x8xf32>
  }

  // ---- y = Z mu + X with the last Z and mu (last read of x).
  %y0 = tensor.empty(%N, %H, %W) : tensor<?x16x?x?xf32>
  %y_init = linalg.copy ins(%x : tensor<?x16x?x?xf32>)
      outs(%y0 : tensor<?x16x?x?xf32>) -> tensor<?x16x?x?xf32>
  %y = linalg.generic {indexing_maps = [#y_z, #y_mu, #y_x],
      iterator_types = ["parallel", "parallel", "parallel", "parallel",
                        "reduction"]}
      ins(%z, %mu : tensor<?x?x?x8xf32>, tensor<?x8x16xf32>)
      outs(%y_init : tensor<?x16x?x?xf32>) {
  ^bb0(%zv: f32, %mv: f32, %acc: f32):
    %p = arith.mulf %zv, %mv : f32
    %r = arith.addf %acc, %p : f32
    linalg.yield %r : f32
  } -> tensor<?x16x?x?xf32>
  return %y : tensor<?x16x?x?xf32>
}
