// pyramid: attention pyramid pooling (section F).
// Semantics: shared/VARIANTS.md, row `pyramid`.
//
// Math (C = 16, attention width A = 8), per image, levels L = 1, 2, 4:
//   e_p   = u . tanh(x_p W + b)                    p = y*W + x
//   region (a, c) of level L: rows floor(a H/L) .. floor((a+1) H/L) - 1,
//                             columns likewise
//   alpha = softmax_p(e) over the region,  c = sum_p alpha_p x_p   [C]
//   result [N,21,C]: level 1, then the 4 of level 2, then the 16 of level 4
//   (row-major); an empty region gives zeros.
//
// This is not an op: it is the graph a frontend would emit, in linalg,
// tensor and arith/math. The level-2 and level-1 bands are unions of
// level-4 bands (floor(a H/2) = floor(2a H/4)), so only the 16 level-4
// regions read x.
// Each gives its unnormalised triple (max m, sum of exp l, weighted sum S),
// and the coarser regions are merged from those triples as partial
// softmaxes are (the log-sum-exp merge of split attention):
//   M = max_r m_r,  l = sum_r e^(m_r - M) l_r,  S = sum_r e^(m_r - M) S_r.
// No attn.attention: a region's keys are a 2-D block of the NCHW map, not
// a contiguous key range, and the values would need a channel-last copy
// of x. x is read twice, the least the math allows (every alpha needs the
// region's scores first): once for e, once for the level-4 sums. A region
// is walked through row and column tables (clamped indices, validity
// flags), since floor(a H/4) is not an affine index.
//
// Arguments of @main (N, H, W dynamic; C, A static):
//   x  [N,16,H,W] f32
//   W  [16,8] f32
//   b  [8] f32
//   u  [8] f32
// Result:
//   c  [N,21,16] f32
//
// Run (inputs in the argument order, float32 .npy):
//   attn-run examples/variants/pyramid.mlir \
//       --input=@x.npy --input=@w.npy --input=@b.npy --input=@u.npy \
//       --output=@c.npy
// Check against the float64 reference:
//   python3 test/Integration/lib/check_variant.py pyramid \
//       --dim N=2 --dim H=9 --dim W=7

// Scores: loops (n, y, x, a, ch), then (n, y, x, a).
#s_x = affine_map<(n, y, x, a, ch) -> (n, ch, y, x)>
#s_w = affine_map<(n, y, x, a, ch) -> (ch, a)>
#s_pre = affine_map<(n, y, x, a, ch) -> (n, y, x, a)>
#t_pre = affine_map<(n, y, x, a) -> (n, y, x, a)>
#t_vec = affine_map<(n, y, x, a) -> (a)>
#t_e = affine_map<(n, y, x, a) -> (n, y, x)>
// Band tables: loops (a, i).
#band = affine_map<(a, i) -> (a, i)>
// Level-4 regions: loops (n, a, c, i, j), i and j inside the region.
#g_rows = affine_map<(n, a, c, i, j) -> (a, i)>
#g_cols = affine_map<(n, a, c, i, j) -> (c, j)>
#g_all = affine_map<(n, a, c, i, j) -> (n, a, c, i, j)>
#g_reg = affine_map<(n, a, c, i, j) -> (n, a, c)>
// Level-4 weighted sums: loops (n, a, c, ch, i, j).
#w_p = affine_map<(n, a, c, ch, i, j) -> (n, a, c, i, j)>
#w_rows = affine_map<(n, a, c, ch, i, j) -> (a, i)>
#w_cols = affine_map<(n, a, c, ch, i, j) -> (c, j)>
#w_out = affine_map<(n, a, c, ch, i, j) -> (n, a, c, ch)>
// Level 2 from level 4 viewed as [N,2,2,2,2]: loops (n, A, B, da, db).
#m2_sub = affine_map<(n, A, B, da, db) -> (n, A, da, B, db)>
#m2_reg = affine_map<(n, A, B, da, db) -> (n, A, B)>
// ... and with channels: loops (n, A, B, ch, da, db).
#s2_sub = affine_map<(n, A, B, ch, da, db) -> (n, A, da, B, db)>
#s2_subc = affine_map<(n, A, B, ch, da, db) -> (n, A, da, B, db, ch)>
#s2_reg = affine_map<(n, A, B, ch, da, db) -> (n, A, B)>
#s2_out = affine_map<(n, A, B, ch, da, db) -> (n, A, B, ch)>
// Level 1 from level 4: loops (n, a, c), then (n, ch, a, c).
#m1_sub = affine_map<(n, a, c) -> (n, a, c)>
#m1_reg = affine_map<(n, a, c) -> (n)>
#s1_sub = affine_map<(n, ch, a, c) -> (n, a, c)>
#s1_subc = affine_map<(n, ch, a, c) -> (n, a, c, ch)>
#s1_reg = affine_map<(n, ch, a, c) -> (n)>
#s1_out = affine_map<(n, ch, a, c) -> (n, ch)>
// Normalisation: loops (n, r, ch).
#f_s = affine_map<(n, r, ch) -> (n, r, ch)>
#f_l = affine_map<(n, r, ch) -> (n, r)>

func.func @main(%x: tensor<?x16x?x?xf32>, %w: tensor<16x8xf32>,
                %b: tensor<8xf32>, %u: tensor<8xf32>)
    -> tensor<?x21x16xf32> {
  %i0 = arith.constant 0 : index
  %i1 = arith.constant 1 : index
  %i2 = arith.constant 2 : index
  %i3 = arith.constant 3 : index
  %i4 = arith.constant 4 : index
  %zero = arith.constant 0.0 : f32
  %ninf = arith.constant 0xFF800000 : f32
  %N = tensor.dim %x, %i0 : tensor<?x16x?x?xf32>
  %H = tensor.dim %x, %i2 : tensor<?x16x?x?xf32>
  %W = tensor.dim %x, %i3 : tensor<?x16x?x?xf32>

  // ---- e_p = u . tanh(x_p W + b) (first read of x).
  %p0 = tensor.empty(%N, %H, %W) : tensor<?x?x?x8xf32>
  %pre_init = linalg.fill ins(%zero : f32) outs(%p0 : tensor<?x?x?x8xf32>)
      -> tensor<?x?x?x8xf32>
  %pre = linalg.generic {indexing_maps = [#s_x, #s_w, #s_pre],
      iterator_types = ["parallel", "parallel", "parallel", "parallel",
                        "reduction"]}
      ins(%x, %w : tensor<?x16x?x?xf32>, tensor<16x8xf32>)
      outs(%pre_init : tensor<?x?x?x8xf32>) {
  ^bb0(%xv: f32, %wv: f32, %acc: f32):
    %m = arith.mulf %xv, %wv : f32
    %r = arith.addf %acc, %m : f32
    linalg.yield %r : f32
  } -> tensor<?x?x?x8xf32>
  %e0 = tensor.empty(%N, %H, %W) : tensor<?x?x?xf32>
  %e_init = linalg.fill ins(%zero : f32) outs(%e0 : tensor<?x?x?xf32>)
      -> tensor<?x?x?xf32>
  %e = linalg.generic {indexing_maps = [#t_pre, #t_vec, #t_vec, #t_e],
      iterator_types = ["parallel", "parallel", "parallel", "reduction"]}
      ins(%pre, %b, %u : tensor<?x?x?x8xf32>, tensor<8xf32>, tensor<8xf32>)
      outs(%e_init : tensor<?x?x?xf32>) {
  ^bb0(%pv: f32, %bv: f32, %uv: f32, %acc: f32):
    %a = arith.addf %pv, %bv : f32
    %t = math.tanh %a : f32
    %m = arith.mulf %uv, %t : f32
    %r = arith.addf %acc, %m : f32
    linalg.yield %r : f32
  } -> tensor<?x?x?xf32>

  // ---- Band tables of level 4: band a of a length S holds the indices
  // floor(a S/4) + i < floor((a+1) S/4), i < ceil(S/4); the table keeps
  // the index clamped to S-1 and whether it is inside the band.
  %hb_3 = arith.addi %H, %i3 : index
  %hb = arith.divui %hb_3, %i4 : index
  %wb_3 = arith.addi %W, %i3 : index
  %wb = arith.divui %wb_3, %i4 : index
  %ri0 = tensor.empty(%hb) : tensor<4x?xindex>
  %rv0 = tensor.empty(%hb) : tensor<4x?xi1>
  %rows:2 = linalg.generic {indexing_maps = [#band, #band],
      iterator_types = ["parallel", "parallel"]}
      outs(%ri0, %rv0 : tensor<4x?xindex>, tensor<4x?xi1>) {
  ^bb0(%o0: index, %o1: i1):
    %a = linalg.index 0 : index
    %i = linalg.index 1 : index
    %aS = arith.muli %a, %H : index
    %lo = arith.divui %aS, %i4 : index
    %a1 = arith.addi %a, %i1 : index
    %a1S = arith.muli %a1, %H : index
    %hi = arith.divui %a1S, %i4 : index
    %at = arith.addi %lo, %i : index
    %in = arith.cmpi ult, %at, %hi : index
    %last = arith.subi %H, %i1 : index
    %cl = arith.minui %at, %last : index
    linalg.yield %cl, %in : index, i1
  } -> (tensor<4x?xindex>, tensor<4x?xi1>)
  %ci0 = tensor.empty(%wb) : tensor<4x?xindex>
  %cv0 = tensor.empty(%wb) : tensor<4x?xi1>
  %cols:2 = linalg.generic {indexing_maps = [#band, #band],
      iterator_types = ["parallel", "parallel"]}
      outs(%ci0, %cv0 : tensor<4x?xindex>, tensor<4x?xi1>) {
  ^bb0(%o0: index, %o1: i1):
    %a = linalg.index 0 : index
    %i = linalg.index 1 : index
    %aS = arith.muli %a, %W : index
    %lo = arith.divui %aS, %i4 : index
    %a1 = arith.addi %a, %i1 : index
    %a1S = arith.muli %a1, %W : index
    %hi = arith.divui %a1S, %i4 : index
    %at = arith.addi %lo, %i : index
    %in = arith.cmpi ult, %at, %hi : index
    %last = arith.subi %W, %i1 : index
    %cl = arith.minui %at, %last : index
    linalg.yield %cl, %in : index, i1
  } -> (tensor<4x?xindex>, tensor<4x?xi1>)

  // ---- Level 4: scores gathered per region (-inf outside it), their
  // max m4, weights p4 = e^(e - m4), sums l4 and S4 (second read of x).
  %g0 = tensor.empty(%N, %hb, %wb) : tensor<?x4x4x?x?xf32>
  %eg = linalg.generic {indexing_maps = [#g_rows, #g_rows, #g_cols, #g_cols,
                                         #g_all],
      iterator_types = ["parallel", "parallel", "parallel", "parallel",
                        "parallel"]}
      ins(%rows#0, %rows#1, %cols#0, %cols#1
          : tensor<4x?xindex>, tensor<4x?xi1>, tensor<4x?xindex>,
            tensor<4x?xi1>)
      outs(%g0 : tensor<?x4x4x?x?xf32>) {
  ^bb0(%yy: index, %yin: i1, %xx: index, %xin: i1, %o: f32):
    %n = linalg.index 0 : index
    %v = tensor.extract %e[%n, %yy, %xx] : tensor<?x?x?xf32>
    %in = arith.andi %yin, %xin : i1
    %r = arith.select %in, %v, %ninf : f32
    linalg.yield %r : f32
  } -> tensor<?x4x4x?x?xf32>
  %reg0 = tensor.empty(%N) : tensor<?x4x4xf32>
  %m4_init = linalg.fill ins(%ninf : f32) outs(%reg0 : tensor<?x4x4xf32>)
      -> tensor<?x4x4xf32>
  %m4 = linalg.generic {indexing_maps = [#g_all, #g_reg],
      iterator_types = ["parallel", "parallel", "parallel", "reduction",
                        "reduction"]}
      ins(%eg : tensor<?x4x4x?x?xf32>) outs(%m4_init : tensor<?x4x4xf32>) {
  ^bb0(%in: f32, %acc: f32):
    %r = arith.maximumf %acc, %in : f32
    linalg.yield %r : f32
  } -> tensor<?x4x4xf32>
  // e^(e - m4), 0 outside the region (where the score is -inf).
  %p4 = linalg.generic {indexing_maps = [#g_all, #g_reg, #g_all],
      iterator_types = ["parallel", "parallel", "parallel", "parallel",
                        "parallel"]}
      ins(%eg, %m4 : tensor<?x4x4x?x?xf32>, tensor<?x4x4xf32>)
      outs(%g0 : tensor<?x4x4x?x?xf32>) {
  ^bb0(%s: f32, %m: f32, %o: f32):
    %out = arith.cmpf oeq, %s, %ninf : f32
    %d = arith.subf %s, %m : f32
    %ex = math.exp %d : f32
    %r = arith.select %out, %zero, %ex : f32
    linalg.yield %r : f32
  } -> tensor<?x4x4x?x?xf32>
  %l4_init = linalg.fill ins(%zero : f32) outs(%reg0 : tensor<?x4x4xf32>)
      -> tensor<?x4x4xf32>
  %l4 = linalg.generic {indexing_maps = [#g_all, #g_reg],
      iterator_types = ["parallel", "parallel", "parallel", "reduction",
                        "reduction"]}
      ins(%p4 : tensor<?x4x4x?x?xf32>) outs(%l4_init : tensor<?x4x4xf32>) {
  ^bb0(%in: f32, %acc: f32):
    %r = arith.addf %acc, %in : f32
    linalg.yield %r : f32
  } -> tensor<?x4x4xf32>
  %sreg0 = tensor.empty(%N) : tensor<?x4x4x16xf32>
  %s4_init = linalg.fill ins(%zero : f32) outs(%sreg0 : tensor<?x4x4x16xf32>)
      -> tensor<?x4x4x16xf32>
  %s4 = linalg.generic {indexing_maps = [#w_p, #w_rows, #w_cols, #w_out],
      iterator_types = ["parallel", "parallel", "parallel", "parallel",
                        "reduction", "reduction"]}
      ins(%p4, %rows#0, %cols#0
          : tensor<?x4x4x?x?xf32>, tensor<4x?xindex>, tensor<4x?xindex>)
      outs(%s4_init : tensor<?x4x4x16xf32>) {
  ^bb0(%p: f32, %yy: index, %xx: index, %acc: f32):
    %n = linalg.index 0 : index
    %ch = linalg.index 3 : index
    %xv = tensor.extract %x[%n, %ch, %yy, %xx] : tensor<?x16x?x?xf32>
    %m = arith.mulf %p, %xv : f32
    %r = arith.addf %acc, %m : f32
    linalg.yield %r : f32
  } -> tensor<?x4x4x16xf32>

  // ---- Level 2: merge the 2 x 2 level-4 regions of each region.
  %m4e = tensor.expand_shape %m4 [[0], [1, 2], [3, 4]]
      output_shape [%N, 2, 2, 2, 2] : tensor<?x4x4xf32> into tensor<?x2x2x2x2xf32>
  %l4e = tensor.expand_shape %l4 [[0], [1, 2], [3, 4]]
      output_shape [%N, 2, 2, 2, 2] : tensor<?x4x4xf32> into tensor<?x2x2x2x2xf32>
  %s4e = tensor.expand_shape %s4 [[0], [1, 2], [3, 4], [5]]
      output_shape [%N, 2, 2, 2, 2, 16]
      : tensor<?x4x4x16xf32> into tensor<?x2x2x2x2x16xf32>
  %r2 = tensor.empty(%N) : tensor<?x2x2xf32>
  %m2_init = linalg.fill ins(%ninf : f32) outs(%r2 : tensor<?x2x2xf32>)
      -> tensor<?x2x2xf32>
  %m2 = linalg.generic {indexing_maps = [#m2_sub, #m2_reg],
      iterator_types = ["parallel", "parallel", "parallel", "reduction",
                        "reduction"]}
      ins(%m4e : tensor<?x2x2x2x2xf32>) outs(%m2_init : tensor<?x2x2xf32>) {
  ^bb0(%in: f32, %acc: f32):
    %r = arith.maximumf %acc, %in : f32
    linalg.yield %r : f32
  } -> tensor<?x2x2xf32>
  %l2_init = linalg.fill ins(%zero : f32) outs(%r2 : tensor<?x2x2xf32>)
      -> tensor<?x2x2xf32>
  %l2 = linalg.generic {indexing_maps = [#m2_sub, #m2_sub, #m2_reg, #m2_reg],
      iterator_types = ["parallel", "parallel", "parallel", "reduction",
                        "reduction"]}
      ins(%m4e, %l4e, %m2
          : tensor<?x2x2x2x2xf32>, tensor<?x2x2x2x2xf32>, tensor<?x2x2xf32>)
      outs(%l2_init : tensor<?x2x2xf32>) {
  ^bb0(%m: f32, %l: f32, %mm: f32, %acc: f32):
    %empty = arith.cmpf oeq, %m, %ninf : f32
    %d = arith.subf %m, %mm : f32
    %ex = math.exp %d : f32
    %sc = arith.select %empty, %zero, %ex : f32
    %t = arith.mulf %sc, %l : f32
    %r = arith.addf %acc, %t : f32
    linalg.yield %r : f32
  } -> tensor<?x2x2xf32>
  %sr2 = tensor.empty(%N) : tensor<?x2x2x16xf32>
  %s2_init = linalg.fill ins(%zero : f32) outs(%sr2 : tensor<?x2x2x16xf32>)
      -> tensor<?x2x2x16xf32>
  %s2 = linalg.generic {indexing_maps = [#s2_sub, #s2_subc, #s2_reg, #s2_out],
      iterator_types = ["parallel", "parallel", "parallel", "parallel",
                        "reduction", "reduction"]}
      ins(%m4e, %s4e, %m2
          : tensor<?x2x2x2x2xf32>, tensor<?x2x2x2x2x16xf32>, tensor<?x2x2xf32>)
      outs(%s2_init : tensor<?x2x2x16xf32>) {
  ^bb0(%m: f32, %s: f32, %mm: f32, %acc: f32):
    %empty = arith.cmpf oeq, %m, %ninf : f32
    %d = arith.subf %m, %mm : f32
    %ex = math.exp %d : f32
    %sc = arith.select %empty, %zero, %ex : f32
    %t = arith.mulf %sc, %s : f32
    %r = arith.addf %acc, %t : f32
    linalg.yield %r : f32
  } -> tensor<?x2x2x16xf32>

  // ---- Level 1: merge all 16 level-4 regions.
  %r1 = tensor.empty(%N) : tensor<?xf32>
  %m1_init = linalg.fill ins(%ninf : f32) outs(%r1 : tensor<?xf32>)
      -> tensor<?xf32>
  %m1 = linalg.generic {indexing_maps = [#m1_sub, #m1_reg],
      iterator_types = ["parallel", "reduction", "reduction"]}
      ins(%m4 : tensor<?x4x4xf32>) outs(%m1_init : tensor<?xf32>) {
  ^bb0(%in: f32, %acc: f32):
    %r = arith.maximumf %acc, %in : f32
    linalg.yield %r : f32
  } -> tensor<?xf32>
  %l1_init = linalg.fill ins(%zero : f32) outs(%r1 : tensor<?xf32>)
      -> tensor<?xf32>
  %l1 = linalg.generic {indexing_maps = [#m1_sub, #m1_sub, #m1_reg, #m1_reg],
      iterator_types = ["parallel", "reduction", "reduction"]}
      ins(%m4, %l4, %m1 : tensor<?x4x4xf32>, tensor<?x4x4xf32>, tensor<?xf32>)
      outs(%l1_init : tensor<?xf32>) {
  ^bb0(%m: f32, %l: f32, %mm: f32, %acc: f32):
    %empty = arith.cmpf oeq, %m, %ninf : f32
    %d = arith.subf %m, %mm : f32
    %ex = math.exp %d : f32
    %sc = arith.select %empty, %zero, %ex : f32
    %t = arith.mulf %sc, %l : f32
    %r = arith.addf %acc, %t : f32
    linalg.yield %r : f32
  } -> tensor<?xf32>
  %sr1 = tensor.empty(%N) : tensor<?x16xf32>
  %s1_init = linalg.fill ins(%zero : f32) outs(%sr1 : tensor<?x16xf32>)
      -> tensor<?x16xf32>
  %s1 = linalg.generic {indexing_maps = [#s1_sub, #s1_subc, #s1_reg, #s1_out],
      iterator_types = ["parallel", "parallel", "reduction", "reduction"]}
      ins(%m4, %s4, %m1
          : tensor<?x4x4xf32>, tensor<?x4x4x16xf32>, tensor<?xf32>)
      outs(%s1_init : tensor<?x16xf32>) {
  ^bb0(%m: f32, %s: f32, %mm: f32, %acc: f32):
    %empty = arith.cmpf oeq, %m, %ninf : f32
    %d = arith.subf %m, %mm : f32
    %ex = math.exp %d : f32
    %sc = arith.select %empty, %zero, %ex : f32
    %t = arith.mulf %sc, %s : f32
    %r = arith.addf %acc, %t : f32
    linalg.yield %r : f32
  } -> tensor<?x16xf32>

  // ---- c = S / l (0 for an empty region, where l = 0), the 21 regions
  // in order: level 1, level 2, level 4.
  %s1c = tensor.expand_shape %s1 [[0, 1], [2]] output_shape [%N, 1, 16]
      : tensor<?x16xf32> into tensor<?x1x16xf32>
  %s2c = tensor.collapse_shape %s2 [[0], [1, 2], [3]]
      : tensor<?x2x2x16xf32> into tensor<?x4x16xf32>
  %s4c = tensor.collapse_shape %s4 [[0], [1, 2], [3]]
      : tensor<?x4x4x16xf32> into tensor<?x16x16xf32>
  %l1c = tensor.expand_shape %l1 [[0, 1]] output_shape [%N, 1]
      : tensor<?xf32> into tensor<?x1xf32>
  %l2c = tensor.collapse_shape %l2 [[0], [1, 2]]
      : tensor<?x2x2xf32> into tensor<?x4xf32>
  %l4c = tensor.collapse_shape %l4 [[0], [1, 2]]
      : tensor<?x4x4xf32> into tensor<?x16xf32>
  // Each level's generic writes its slice of the result in place.
  %c0 = tensor.empty(%N) : tensor<?x21x16xf32>
  %d1 = tensor.extract_slice %c0[0, 0, 0] [%N, 1, 16] [1, 1, 1]
      : tensor<?x21x16xf32> to tensor<?x1x16xf32>
  %c1 = linalg.generic {indexing_maps = [#f_s, #f_l, #f_s],
      iterator_types = ["parallel", "parallel", "parallel"]}
      ins(%s1c, %l1c : tensor<?x1x16xf32>, tensor<?x1xf32>)
      outs(%d1 : tensor<?x1x16xf32>) {
  ^bb0(%s: f32, %l: f32, %o: f32):
    %empty = arith.cmpf oeq, %l, %zero : f32
    %q = arith.divf %s, %l : f32
    %r = arith.select %empty, %zero, %q : f32
    linalg.yield %r : f32
  } -> tensor<?x1x16xf32>
  %c1i = tensor.insert_slice %c1 into %c0[0, 0, 0] [%N, 1, 16] [1, 1, 1]
      : tensor<?x1x16xf32> into tensor<?x21x16xf32>
  %d2 = tensor.extract_slice %c1i[0, 1, 0] [%N, 4, 16] [1, 1, 1]
      : tensor<?x21x16xf32> to tensor<?x4x16xf32>
  %c2 = linalg.generic {indexing_maps = [#f_s, #f_l, #f_s],
      iterator_types = ["parallel", "parallel", "parallel"]}
      ins(%s2c, %l2c : tensor<?x4x16xf32>, tensor<?x4xf32>)
      outs(%d2 : tensor<?x4x16xf32>) {
  ^bb0(%s: f32, %l: f32, %o: f32):
    %empty = arith.cmpf oeq, %l, %zero : f32
    %q = arith.divf %s, %l : f32
    %r = arith.select %empty, %zero, %q : f32
    linalg.yield %r : f32
  } -> tensor<?x4x16xf32>
  %c2i = tensor.insert_slice %c2 into %c1i[0, 1, 0] [%N, 4, 16] [1, 1, 1]
      : tensor<?x4x16xf32> into tensor<?x21x16xf32>
  %d4 = tensor.extract_slice %c2i[0, 5, 0] [%N, 16, 16] [1, 1, 1]
      : tensor<?x21x16xf32> to tensor<?x16x16xf32>
  %c4 = linalg.generic {indexing_maps = [#f_s, #f_l, #f_s],
      iterator_types = ["parallel", "parallel", "parallel"]}
      ins(%s4c, %l4c : tensor<?x16x16xf32>, tensor<?x16xf32>)
      outs(%d4 : tensor<?x16x16xf32>) {
  ^bb0(%s: f32, %l: f32, %o: f32):
    %empty = arith.cmpf oeq, %l, %zero : f32
    %q = arith.divf %s, %l : f32
    %r = arith.select %empty, %zero, %q : f32
    linalg.yield %r : f32
  } -> tensor<?x16x16xf32>
  %c = tensor.insert_slice %c4 into %c2i[0, 5, 0] [%N, 16, 16] [1, 1, 1]
      : tensor<?x16x16xf32> into tensor<?x21x16xf32>
  return %c : tensor<?x21x16xf32>
}
