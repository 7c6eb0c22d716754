// criss_cross: recurrent criss-cross attention, CCNet (section F).
// Semantics: shared/VARIANTS.md, row `criss_cross`.
//
// Math (C = 16, query/key width 8), applied twice with the same weights
// (R = 2): for every position p = (y, x) of the map,
//   q_p = x_p Wq,  k_p = x_p Wk,  v_p = x_p Wv
//   keys of p: every position of row y and of column x, p itself once
//   s = q_p . k  (no scale),  y_p = gamma sum softmax(s) v + x_p
//
// This is not an op: it is the graph a frontend would emit, an scf.for
// over the two steps around two fused attentions and linalg. No
// [HW, H+W-1] energy tensor exists: a row pass (attn.attention over the W
// positions of each row, batch N*H) and a column pass (over the H
// positions of each column, batch N*W, p itself masked out by a mask_mod
// so that it counts once) each return their output and log-sum-exp, and
// one generic merges the two partial softmaxes through it:
//   L = logaddexp(lse_r, lse_c)
//   y = gamma (e^(lse_r - L) o_r + e^(lse_c - L) o_c) + x
// (with H = 1 the column pass sees no key: lse_c = -inf weighs 0).
// The projections write the layouts the passes read ([N,H,W,.] for rows,
// [N,W,H,.] for columns), so the batch folds are reshapes, not copies;
// one generic writes q and k in both layouts, another v, so per step the
// map is read 3 times (two projection generics and the merge's residual),
// 6 in all. (Being multi-output, the projections also stay clear of
// attn-tile-contractions, whose stack panel does not yet lower inside an
// scf.for.)
//
// Arguments of @main (N, H, W dynamic; C static):
//   x      [N,16,H,W] f32
//   Wq, Wk [16,8] f32
//   Wv     [16,16] f32
//   gamma  [1] f32
// Result:
//   y      [N,16,H,W] f32
//
// Run (inputs in the argument order, float32 .npy):
//   attn-run examples/variants/criss_cross.mlir \
//       --input=@x.npy --input=@wq.npy --input=@wk.npy --input=@wv.npy \
//       --input=@gamma.npy --output=@y.npy
// Check against the float64 reference:
//   python3 test/Integration/lib/check_variant.py criss_cross \
//       --dim N=2 --dim H=9 --dim W=7

// Projections x_p W, rows [N,H,W,K]: loops (n, y, x, k, c).
#pr_x = affine_map<(n, y, x, k, c) -> (n, c, y, x)>
#pr_w = affine_map<(n, y, x, k, c) -> (c, k)>
#pr_out = affine_map<(n, y, x, k, c) -> (n, y, x, k)>
// ... and columns [N,W,H,K].
#pc_out = affine_map<(n, y, x, k, c) -> (n, x, y, k)>
// Merge: loops (n, c, y, x).
#m_x = affine_map<(n, c, y, x) -> (n, c, y, x)>
#m_g = affine_map<(n, c, y, x) -> (0)>

func.func @main(%x: tensor<?x16x?x?xf32>, %wq: tensor<16x8xf32>,
                %wk: tensor<16x8xf32>, %wv: tensor<16x16xf32>,
                %gamma: tensor<1xf32>) -> tensor<?x16x?x?xf32> {
  %i0 = arith.constant 0 : index
  %i1 = arith.constant 1 : index
  %i2 = arith.constant 2 : index
  %i3 = arith.constant 3 : index
  %zero = arith.constant 0.0 : f32
  %ninf = arith.constant 0xFF800000 : f32
  %N = tensor.dim %x, %i0 : tensor<?x16x?x?xf32>
  %H = tensor.dim %x, %i2 : tensor<?x16x?x?xf32>
  %W = tensor.dim %x, %i3 : tensor<?x16x?x?xf32>
  %NH = arith.muli %N, %H : index
  %NW = arith.muli %N, %W : index
  %r8 = tensor.empty(%N, %H, %W) : tensor<?x?x?x8xf32>
  %r16 = tensor.empty(%N, %H, %W) : tensor<?x?x?x16xf32>
  %c8 = tensor.empty(%N, %W, %H) : tensor<?x?x?x8xf32>
  %c16 = tensor.empty(%N, %W, %H) : tensor<?x?x?x16xf32>
  %r8_0 = linalg.fill ins(%zero : f32) outs(%r8 : tensor<?x?x?x8xf32>)
      -> tensor<?x?x?x8xf32>
  %r16_0 = linalg.fill ins(%zero : f32) outs(%r16 : tensor<?x?x?x16xf32>)
      -> tensor<?x?x?x16xf32>
  %c8_0 = linalg.fill ins(%zero : f32) outs(%c8 : tensor<?x?x?x8xf32>)
      -> tensor<?x?x?x8xf32>
  %r8_1 = linalg.fill ins(%zero : f32) outs(%r8 : tensor<?x?x?x8xf32>)
      -> tensor<?x?x?x8xf32>
  %c8_1 = linalg.fill ins(%zero : f32) outs(%c8 : tensor<?x?x?x8xf32>)
      -> tensor<?x?x?x8xf32>
  %c16_0 = linalg.fill ins(%zero : f32) outs(%c16 : tensor<?x?x?x16xf32>)
      -> tensor<?x?x?x16xf32>
  %y0 = tensor.empty(%N, %H, %W) : tensor<?x16x?x?xf32>

  %y = scf.for %step = %i0 to %i2 step %i1
      iter_args(%cur = %x) -> (tensor<?x16x?x?xf32>) {
    // ---- Projections, each written in the row layout and in the column
    // layout by one generic (q and k together: one read of x for both).
    %qk:4 = linalg.generic {indexing_maps = [#pr_x, #pr_w, #pr_w, #pr_out,
                                             #pr_out, #pc_out, #pc_out],
        iterator_types = ["parallel", "parallel", "parallel", "parallel",
                          "reduction"]}
        ins(%cur, %wq, %wk : tensor<?x16x?x?xf32>, tensor<16x8xf32>,
                             tensor<16x8xf32>)
        outs(%r8_0, %r8_1, %c8_0, %c8_1 : tensor<?x?x?x8xf32>,
             tensor<?x?x?x8xf32>, tensor<?x?x?x8xf32>, tensor<?x?x?x8xf32>) {
    ^bb0(%a: f32, %wqv: f32, %wkv: f32, %aqr: f32, %akr: f32, %aqc: f32,
         %akc: f32):
      %mq = arith.mulf %a, %wqv : f32
      %mk = arith.mulf %a, %wkv : f32
      %qr_ = arith.addf %aqr, %mq : f32
      %kr_ = arith.addf %akr, %mk : f32
      %qc_ = arith.addf %aqc, %mq : f32
      %kc_ = arith.addf %akc, %mk : f32
      linalg.yield %qr_, %kr_, %qc_, %kc_ : f32, f32, f32, f32
    } -> (tensor<?x?x?x8xf32>, tensor<?x?x?x8xf32>, tensor<?x?x?x8xf32>,
          tensor<?x?x?x8xf32>)
    %vv:2 = linalg.generic {indexing_maps = [#pr_x, #pr_w, #pr_out, #pc_out],
        iterator_types = ["parallel", "parallel", "parallel", "parallel",
                          "reduction"]}
        ins(%cur, %wv : tensor<?x16x?x?xf32>, tensor<16x16xf32>)
        outs(%r16_0, %c16_0 : tensor<?x?x?x16xf32>, tensor<?x?x?x16xf32>) {
    ^bb0(%a: f32, %w: f32, %avr: f32, %avc: f32):
      %m = arith.mulf %a, %w : f32
      %vr_ = arith.addf %avr, %m : f32
      %vc_ = arith.addf %avc, %m : f32
      linalg.yield %vr_, %vc_ : f32, f32
    } -> (tensor<?x?x?x16xf32>, tensor<?x?x?x16xf32>)
    // ---- Row pass: batch N*H, the W positions of a row are the keys.
    %qr3 = tensor.collapse_shape %qk#0 [[0, 1], [2], [3]]
        : tensor<?x?x?x8xf32> into tensor<?x?x8xf32>
    %qr4 = tensor.expand_shape %qr3 [[0, 1], [2], [3]]
        output_shape [%NH, 1, %W, 8] : tensor<?x?x8xf32> into tensor<?x1x?x8xf32>
    %kr3 = tensor.collapse_shape %qk#1 [[0, 1], [2], [3]]
        : tensor<?x?x?x8xf32> into tensor<?x?x8xf32>
    %kr4 = tensor.expand_shape %kr3 [[0, 1], [2], [3]]
        output_shape [%NH, 1, %W, 8] : tensor<?x?x8xf32> into tensor<?x1x?x8xf32>
    %vr3 = tensor.collapse_shape %vv#0 [[0, 1], [2], [3]]
        : tensor<?x?x?x16xf32> into tensor<?x?x16xf32>
    %vr4 = tensor.expand_shape %vr3 [[0, 1], [2], [3]]
        output_shape [%NH, 1, %W, 16] : tensor<?x?x16xf32> into tensor<?x1x?x16xf32>
    %or, %lr = attn.attention %qr4, %kr4, %vr4 {scale = 1.0 : f32}
        : tensor<?x1x?x8xf32>, tensor<?x1x?x8xf32>, tensor<?x1x?x16xf32>
        -> tensor<?x1x?x16xf32>, tensor<?x1x?xf32>

    // ---- Column pass: batch N*W, the H positions of a column are the
    // keys, p itself (key row i = query row i) masked: it is in the row.
    %qc3 = tensor.collapse_shape %qk#2 [[0, 1], [2], [3]]
        : tensor<?x?x?x8xf32> into tensor<?x?x8xf32>
    %qc4 = tensor.expand_shape %qc3 [[0, 1], [2], [3]]
        output_shape [%NW, 1, %H, 8] : tensor<?x?x8xf32> into tensor<?x1x?x8xf32>
    %kc3 = tensor.collapse_shape %qk#3 [[0, 1], [2], [3]]
        : tensor<?x?x?x8xf32> into tensor<?x?x8xf32>
    %kc4 = tensor.expand_shape %kc3 [[0, 1], [2], [3]]
        output_shape [%NW, 1, %H, 8] : tensor<?x?x8xf32> into tensor<?x1x?x8xf32>
    %vc3 = tensor.collapse_shape %vv#1 [[0, 1], [2], [3]]
        : tensor<?x?x?x16xf32> into tensor<?x?x16xf32>
    %vc4 = tensor.expand_shape %vc3 [[0, 1], [2], [3]]
        output_shape [%NW, 1, %H, 16] : tensor<?x?x16xf32> into tensor<?x1x?x16xf32>
    %oc, %lc = attn.attention %qc4, %kc4, %vc4 {scale = 1.0 : f32}
        : tensor<?x1x?x8xf32>, tensor<?x1x?x8xf32>, tensor<?x1x?x16xf32>
        -> tensor<?x1x?x16xf32>, tensor<?x1x?xf32>
        mask_mod {
        ^bb0(%b: index, %h: index, %i: index, %j: index):
          %ok = arith.cmpi ne, %j, %i : index
          attn.yield %ok : i1
        }

    // ---- Merge the two partial softmaxes through their log-sum-exp. The
    // passes' results are read at their batch index (n*H + y, n*W + x):
    // reshaping them back to [N,H,W,.] would be free too, but
    // expand-strided-metadata of LLVM 22 crashes on those reshapes.
    %next = linalg.generic {indexing_maps = [#m_x, #m_g, #m_x],
        iterator_types = ["parallel", "parallel", "parallel", "parallel"]}
        ins(%cur, %gamma : tensor<?x16x?x?xf32>, tensor<1xf32>)
        outs(%y0 : tensor<?x16x?x?xf32>) {
    ^bb0(%xv: f32, %g: f32, %o: f32):
      %n = linalg.index 0 : index
      %c = linalg.index 1 : index
      %yy = linalg.index 2 : index
      %xx = linalg.index 3 : index
      %nh = arith.muli %n, %H : index
      %br = arith.addi %nh, %yy : index
      %nw = arith.muli %n, %W : index
      %bc = arith.addi %nw, %xx : index
      %orv = tensor.extract %or[%br, %i0, %xx, %c] : tensor<?x1x?x16xf32>
      %lrv = tensor.extract %lr[%br, %i0, %xx] : tensor<?x1x?xf32>
      %ocv = tensor.extract %oc[%bc, %i0, %yy, %c] : tensor<?x1x?x16xf32>
      %lcv = tensor.extract %lc[%bc, %i0, %yy] : tensor<?x1x?xf32>
      // The row always holds p, so lse_r is finite; lse_c is -inf when
      // the column has no other position (H = 1).
      %none = arith.cmpf oeq, %lcv, %ninf : f32
      %top = arith.maximumf %lrv, %lcv : f32
      %dr = arith.subf %lrv, %top : f32
      %er = math.exp %dr : f32
      %dc = arith.subf %lcv, %top : f32
      %ec0 = math.exp %dc : f32
      %ec = arith.select %none, %zero, %ec0 : f32
      %den = arith.addf %er, %ec : f32
      %wr = arith.mulf %er, %orv : f32
      %wc = arith.mulf %ec, %ocv : f32
      %sum = arith.addf %wr, %wc : f32
      %att = arith.divf %sum, %den : f32
      %ga = arith.mulf %g, %att : f32
      %r = arith.addf %ga, %xv : f32
      linalg.yield %r : f32
    } -> tensor<?x16x?x?xf32>
    scf.yield %next : tensor<?x16x?x?xf32>
  }
  return %y : tensor<?x16x?x?xf32>
}
