// dilated_local: multi-scale dilated attention, DilateFormer (section F).
// Semantics: shared/VARIANTS.md, row `dilated_local`.
//
// Math (C = 16, 4 heads of D = 4): for every position p = (y, x) of the map,
//   q_p = x_p Wq,  k_p = x_p Wk,  v_p = x_p Wv   (head h: columns 4h..4h+3)
//   keys of p in head h: the 3x3 dilated neighbours (y + r a, x + r b),
//     a, b in {-1, 0, 1}, r = h + 1, inside the map
//   s = q . k / sqrt(D),  o_h = sum softmax(s) v,  y_p = concat_h(o_h) Wo
//
// This is not an op: it is the graph a frontend would emit. One fused
// attention over the H*W positions of each image runs all four heads:
// its grid_window [1, 1] with grid_width W is the 3x3 neighbourhood, and
// grid_dilation [1, 2, 3, 4] gives each head its own dilation (a per-head
// mask, not four ops). Key tiles outside the map rows a query tile can
// reach are skipped; no [HW, HW] score or mask exists. One generic
// projects q, k and v straight into the head-major [N, 4, H, W, 4] layout
// the attention reads (one read of x); a second applies Wo and writes
// NCHW. So x is read once.
//
// Arguments of @main (N, H, W dynamic; C static):
//   x               [N,16,H,W] f32
//   Wq, Wk, Wv, Wo  [16,16] f32
// Result:
//   y               [N,16,H,W] f32
//
// Run (inputs in the argument order, float32 .npy):
//   attn-run examples/variants/dilated_local.mlir \
//       --input=@x.npy --input=@wq.npy --input=@wk.npy --input=@wv.npy \
//       --input=@wo.npy --output=@y.npy
// Check against the float64 reference:
//   python3 test/Integration/lib/check_variant.py dilated_local \
//       --dim N=2 --dim H=9 --dim W=7

// Projections into heads: loops (n, h, y, x, d, c).
#p_x = affine_map<(n, h, y, x, d, c) -> (n, c, y, x)>
#p_w = affine_map<(n, h, y, x, d, c) -> (c, h * 4 + d)>
#p_out = affine_map<(n, h, y, x, d, c) -> (n, h, y, x, d)>
// Output projection: loops (n, o, y, x, h, d).
#o_in = affine_map<(n, o, y, x, h, d) -> (n, h, y, x, d)>
#o_w = affine_map<(n, o, y, x, h, d) -> (h * 4 + d, o)>
#o_out = affine_map<(n, o, y, x, h, d) -> (n, o, y, x)>

func.func @main(%x: tensor<?x16x?x?xf32>, %wq: tensor<16x16xf32>,
                %wk: tensor<16x16xf32>, %wv: tensor<16x16xf32>,
                %wo: tensor<16x16xf32>) -> tensor<?x16x?x?xf32> {
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

  // All four heads in one fused attention, each with its own dilation.
  %o = attn.attention %q, %k, %v grid_width(%W)
      {grid_window = array<i64: 1, 1>, grid_dilation = array<i64: 1, 2, 3, 4>}
      : tensor<?x4x?x4xf32>, tensor<?x4x?x4xf32>, tensor<?x4x?x4xf32>
      -> tensor<?x4x?x4xf32>
  %o5 = tensor.expand_shape %o [[0], [1], [2, 3], [4]]
      output_shape [%N, 4, %H, %W, 4]
      : tensor<?x4x?x4xf32> into tensor<?x4x?x?x4xf32>

  // y = concat_h(o_h) Wo, written NCHW.
  %y0 = tensor.empty(%N, %H, %W) : tensor<?x16x?x?xf32>
  %y1 = linalg.fill ins(%zero : f32) outs(%y0 : tensor<?x16x?x?xf32>)
      -> tensor<?x16x?x?xf32>
  %y = linalg.generic {indexing_maps = [#o_in, #o_w, #o_out],
      iterator_types = ["parallel", "parallel", "parallel", "parallel",
                        "reduction", "reduction"]}
      ins(%o5, %wo : tensor<?x4x?x?x4xf32>, tensor<16x16xf32>)
      outs(%y1 : tensor<?x16x?x?xf32>) {
  ^bb0(%a: f32, %w: f32, %acc: f32):
    %m = arith.mulf %a, %w : f32
    %s = arith.addf %acc, %m : f32
    linalg.yield %s : f32
  } -> tensor<?x16x?x?xf32>
  return %y : tensor<?x16x?x?xf32>
}
