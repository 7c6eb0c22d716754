// stand_alone: stand-alone self-attention with 2-D relative positions
// (section F). Semantics: shared/VARIANTS.md, row `stand_alone`.
//
// Math (C = 16, 4 heads of D = 4): for every position p = (y, x) of the map,
//   q_p = x_p Wq,  k_p = x_p Wk,  v_p = x_p Wv   (head h: columns 4h..4h+3)
//   keys of p: the 7x7 window (y + a, x + b), a, b in [-3, 3], inside the map
//   r_ab = concat(rel_h[a+3], rel_w[b+3])   (16 wide, head h: its 4 columns)
//   s = q . (k + r_ab)  (no scale),  y_p = concat_h(sum softmax(s) v)
//
// This is not an op: it is the graph a frontend would emit. One fused
// attention over the H*W positions of each image runs all four heads:
// grid_window [3, 3] with grid_width W is the 7x7 window, and the relative
// term rides on it as two per-head tables, rows [4, 7, 4] and cols
// [4, 7, 4]: head h's columns of r_ab are rows[h, a+3] + cols[h, b+3],
// where the table whose half of r_ab the head does not touch is zero
// (heads 0, 1 read rel_h, heads 2, 3 rel_w). The attention adds
// q . rows[h, a+3] + q . cols[h, b+3] per score from 14 dot products per
// query row; no [HW, HW] score, mask or relative tensor exists, and key
// tiles outside the map rows a query tile can reach are skipped. One
// generic projects q, k and v into the head-major layout (one read of
// x); the heads are written back NCHW by a transpose. So x is read once.
//
// Arguments of @main (N, H, W dynamic; C static):
//   x             [N,16,H,W] f32
//   Wq, Wk, Wv    [16,16] f32
//   rel_h, rel_w  [7,8] f32
// Result:
//   y             [N,16,H,W] f32
//
// Run (inputs in the argument order, float32 .npy):
//   attn-run examples/variants/stand_alone.mlir \
//       --input=@x.npy --input=@wq.npy --input=@wk.npy --input=@wv.npy \
//       --input=@rel_h.npy --input=@rel_w.npy --output=@y.npy
// Check against the float64 reference:
//   python3 test/Integration/lib/check_variant.py stand_alone \
//       --dim N=2 --dim H=9 --dim W=7

// Projections into heads: loops (n, h, y, x, d, c).
#p_x = affine_map<(n, h, y, x, d, c) -> (n, c, y, x)>
#p_w = affine_map<(n, h, y, x, d, c) -> (c, h * 4 + d)>
#p_out = affine_map<(n, h, y, x, d, c) -> (n, h, y, x, d)>

func.func @main(%x: tensor<?x16x?x?xf32>, %wq: tensor<16x16xf32>,
                %wk: tensor<16x16xf32>, %wv: tensor<16x16xf32>,
                %rel_h: tensor<7x8xf32>, %rel_w: tensor<7x8xf32>)
    -> tensor<?x16x?x?xf32> {
  %i0 = arith.constant 0 : index
  %i2 = arith.constant 2 : index
  %i3 = arith.constant 3 : index
  %zero = arith.constant 0.0 : f32
  %N = tensor.dim %x, %i0 : tensor<?x16x?x?xf32>
  %H = tensor.dim %x, %i2 : tensor<?x16x?x?xf32>
  %W = tensor.dim %x, %i3 : tensor<?x16x?x?xf32>
  %heads = tensor.empty(%N, %H, %W) : tensor<?x4x?x?x4xf32>
  %heads0 = linalg.fill ins(%zero : f32)
      outs(%heads : tensor<?x4x?x?x4xf32>) -> tensor<?x4x?x?x4xf32>

  // q, k, v of every head from one read of x.
  %qkv:3 = linalg.generic {indexing_maps = [#p_x, #p_w, #p_w, #p_w, #p_out,
                                            #p_out, #p_out],
      iterator_types = ["parallel", "parallel", "parallel", "parallel",
                        "parallel", "reduction"]}
      ins(%x, %wq, %wk, %wv : tensor<?x16x?x?xf32>, tensor<16x16xf32>,
                              tensor<16x16xf32>, tensor<16x16xf32>)
      outs(%heads0, %heads0, %heads0 : tensor<?x4x?x?x4xf32>,
           tensor<?x4x?x?x4xf32>, tensor<?x4x?x?x4xf32>) {
  ^bb0(%a: f32, %wqv: f32, %wkv: f32, %wvv: f32, %aq: f32, %ak: f32,
       %av: f32):
    %mq = arith.mulf %a, %wqv : f32
    %mk = arith.mulf %a, %wkv : f32
    %mv = arith.mulf %a, %wvv : f32
    %q_ = arith.addf %aq, %mq : f32
    %k_ = arith.addf %ak, %mk : f32
    %v_ = arith.addf %av, %mv : f32
    linalg.yield %q_, %k_, %v_ : f32, f32, f32
  } -> (tensor<?x4x?x?x4xf32>, tensor<?x4x?x?x4xf32>, tensor<?x4x?x?x4xf32>)
  %q = tensor.collapse_shape %qkv#0 [[0], [1], [2, 3], [4]]
      : tensor<?x4x?x?x4xf32> into tensor<?x4x?x4xf32>
  %k = tensor.collapse_shape %qkv#1 [[0], [1], [2, 3], [4]]
      : tensor<?x4x?x?x4xf32> into tensor<?x4x?x4xf32>
  %v = tensor.collapse_shape %qkv#2 [[0], [1], [2, 3], [4]]
      : tensor<?x4x?x?x4xf32> into tensor<?x4x?x4xf32>

  // The per-head relative tables: head h's 4 columns of concat(rel_h,
  // rel_w) split into a row part and a column part.
  %t0 = tensor.empty() : tensor<4x7x4xf32>
  %zeros = linalg.fill ins(%zero : f32) outs(%t0 : tensor<4x7x4xf32>)
      -> tensor<4x7x4xf32>
  %h3 = tensor.expand_shape %rel_h [[0], [1, 2]] output_shape [7, 2, 4]
      : tensor<7x8xf32> into tensor<7x2x4xf32>
  %w3 = tensor.expand_shape %rel_w [[0], [1, 2]] output_shape [7, 2, 4]
      : tensor<7x8xf32> into tensor<7x2x4xf32>
  %half = tensor.empty() : tensor<2x7x4xf32>
  %hT = linalg.transpose ins(%h3 : tensor<7x2x4xf32>)
      outs(%half : tensor<2x7x4xf32>) permutation = [1, 0, 2]
  %wT = linalg.transpose ins(%w3 : tensor<7x2x4xf32>)
      outs(%half : tensor<2x7x4xf32>) permutation = [1, 0, 2]
  %rows = tensor.insert_slice %hT into %zeros[0, 0, 0] [2, 7, 4] [1, 1, 1]
      : tensor<2x7x4xf32> into tensor<4x7x4xf32>
  %cols = tensor.insert_slice %wT into %zeros[2, 0, 0] [2, 7, 4] [1, 1, 1]
      : tensor<2x7x4xf32> into tensor<4x7x4xf32>

  // All four heads in one fused attention over the 7x7 windows.
  %o = attn.attention %q, %k, %v grid_width(%W)
      position_operands(%rows, %cols : tensor<4x7x4xf32>, tensor<4x7x4xf32>)
      {grid_window = array<i64: 3, 3>, scale = 1.0 : f32}
      : tensor<?x4x?x4xf32>, tensor<?x4x?x4xf32>, tensor<?x4x?x4xf32>
      -> tensor<?x4x?x4xf32>
  %o5 = tensor.expand_shape %o [[0], [1], [2, 3], [4]]
      output_shape [%N, 4, %H, %W, 4]
      : tensor<?x4x?x4xf32> into tensor<?x4x?x?x4xf32>

  // Heads concatenated along the channels, written NCHW.
  %y0 = tensor.empty(%N, %H, %W) : tensor<?x4x4x?x?xf32>
  %yT = linalg.transpose ins(%o5 : tensor<?x4x?x?x4xf32>)
      outs(%y0 : tensor<?x4x4x?x?xf32>) permutation = [0, 1, 4, 2, 3]
  %y = tensor.collapse_shape %yT [[0], [1, 2], [3], [4]]
      : tensor<?x4x4x?x?xf32> into tensor<?x16x?x?xf32>
  return %y : tensor<?x16x?x?xf32>
}
