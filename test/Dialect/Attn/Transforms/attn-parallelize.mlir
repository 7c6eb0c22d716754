// RUN: attn-opt %s --split-input-file --attn-parallelize --canonicalize --cse | FileCheck %s --enable-var-scope
// RUN: attn-opt %s --split-input-file --attn-parallelize="min-loops=5" | FileCheck %s --check-prefix=MIN

// MIN-NOT: scf.forall

// A rescale of an NCHW map: one forall over (n, c, h), each tile a whole
// row of w.
// CHECK-LABEL: func.func @rescale
// CHECK-SAME:    %[[X:[a-z0-9]+]]: tensor<?x64x?x?xf32>, %[[S:[a-z0-9]+]]: tensor<?x64xf32>, %[[INIT:[a-z0-9]+]]: tensor<?x64x?x?xf32>
// CHECK:         scf.forall (%[[N:.*]], %[[C:.*]], %[[H:.*]]) in (%{{.*}}, 64, %{{.*}}) shared_outs(%[[OUT:.*]] = %[[INIT]])
// CHECK:           %[[XT:.*]] = tensor.extract_slice %[[X]][%[[N]], %[[C]], %[[H]], 0] [1, 1, 1, %{{.*}}] [1, 1, 1, 1]
// CHECK:           %[[ST:.*]] = tensor.extract_slice %[[S]][%[[N]], %[[C]]] [1, 1] [1, 1]
// CHECK:           %[[R:.*]] = linalg.generic {{.*}} ins(%[[XT]], %[[ST]] : tensor<1x1x1x?xf32>, tensor<1x1xf32>)
// CHECK:           tensor.parallel_insert_slice %[[R]] into %[[OUT]][%[[N]], %[[C]], %[[H]], 0]
#id = affine_map<(n, c, h, w) -> (n, c, h, w)>
#nc = affine_map<(n, c, h, w) -> (n, c)>
func.func @rescale(%x: tensor<?x64x?x?xf32>, %s: tensor<?x64xf32>,
                   %init: tensor<?x64x?x?xf32>) -> tensor<?x64x?x?xf32> {
  %0 = linalg.generic {indexing_maps = [#id, #nc, #id],
                       iterator_types = ["parallel", "parallel", "parallel", "parallel"]}
      ins(%x, %s : tensor<?x64x?x?xf32>, tensor<?x64xf32>)
      outs(%init : tensor<?x64x?x?xf32>) {
  ^bb0(%a: f32, %b: f32, %o: f32):
    %m = arith.mulf %a, %b : f32
    linalg.yield %m : f32
  } -> tensor<?x64x?x?xf32>
  return %0 : tensor<?x64x?x?xf32>
}

// -----

// A pooling: the parallel (n, c) are distributed, the reduction over
// (h, w) stays inside one tile, in its order.
// CHECK-LABEL: func.func @pool
// CHECK:         scf.forall (%[[N:.*]], %[[C:.*]]) in (%{{.*}}, 64)
// CHECK:           linalg.generic {{.*}}iterator_types = ["parallel", "parallel", "reduction", "reduction"]{{.*}} ins(%{{.*}} : tensor<1x1x?x?xf32>) outs(%{{.*}} : tensor<1x1xf32>)
#id = affine_map<(n, c, h, w) -> (n, c, h, w)>
#nc = affine_map<(n, c, h, w) -> (n, c)>
func.func @pool(%x: tensor<?x64x?x?xf32>, %init: tensor<?x64xf32>)
    -> tensor<?x64xf32> {
  %0 = linalg.generic {indexing_maps = [#id, #nc],
                       iterator_types = ["parallel", "parallel", "reduction", "reduction"]}
      ins(%x : tensor<?x64x?x?xf32>) outs(%init : tensor<?x64xf32>) {
  ^bb0(%a: f32, %o: f32):
    %m = arith.addf %a, %o : f32
    linalg.yield %m : f32
  } -> tensor<?x64xf32>
  return %0 : tensor<?x64xf32>
}

// -----

// One loop: nothing to distribute besides the innermost loop.
// CHECK-LABEL: func.func @one_loop
// CHECK-NOT:     scf.forall
// CHECK:         linalg.fill
func.func @one_loop(%x: tensor<?xf32>) -> tensor<?xf32> {
  %c = arith.constant 1.0 : f32
  %0 = linalg.fill ins(%c : f32) outs(%x : tensor<?xf32>) -> tensor<?xf32>
  return %0 : tensor<?xf32>
}

// -----

// An indexing map that is not a projected permutation (a reversed axis) is
// left alone: its tiles' slices would not follow from the tile alone.
// CHECK-LABEL: func.func @reversed
// CHECK-NOT:     scf.forall
// CHECK:         linalg.generic
func.func @reversed(%x: tensor<8x7xf32>, %init: tensor<8x7xf32>)
    -> tensor<8x7xf32> {
  %0 = linalg.generic {indexing_maps = [affine_map<(i, j) -> (i, 6 - j)>,
                                        affine_map<(i, j) -> (i, j)>],
                       iterator_types = ["parallel", "parallel"]}
      ins(%x : tensor<8x7xf32>) outs(%init : tensor<8x7xf32>) {
  ^bb0(%a: f32, %o: f32):
    linalg.yield %a : f32
  } -> tensor<8x7xf32>
  return %0 : tensor<8x7xf32>
}

// -----

// Ops inside loops are not distributed again.
// CHECK-LABEL: func.func @in_loop
// CHECK:         scf.for
// CHECK-NOT:     scf.forall
func.func @in_loop(%x: tensor<4x8xf32>, %n: index) -> tensor<4x8xf32> {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %one = arith.constant 1.0 : f32
  %r = scf.for %i = %c0 to %n step %c1 iter_args(%acc = %x) -> tensor<4x8xf32> {
    %f = linalg.fill ins(%one : f32) outs(%acc : tensor<4x8xf32>) -> tensor<4x8xf32>
    scf.yield %f : tensor<4x8xf32>
  }
  return %r : tensor<4x8xf32>
}

// -----

// A contraction that attn-tile-contractions lowers: its consecutive row
// loops (b, s) fold into one of B*S rows (collapse_shape on the tensors,
// tensor.reshape back, since the result splits into two dynamic sizes),
// tiled by 64 rows (the column loop n stays whole, the reduction k too),
// with the fill of its output fused into each tile, so that no shared fill
// is copied.
// CHECK-LABEL: func.func @projection
// CHECK-SAME:    %[[X:[a-z0-9]+]]: tensor<?x?x96xf32>, %[[W:[a-z0-9]+]]: tensor<96x40xf32>
// CHECK:         %[[XR:.*]] = tensor.collapse_shape %[[X]] {{\[}}[0, 1], [2]] : tensor<?x?x96xf32> into tensor<?x96xf32>
// CHECK:         %[[M:.*]] = tensor.dim %[[XR]], %c0
// CHECK:         %[[Y:.*]] = scf.forall (%[[R:.*]]) = (0) to (%[[M]]) step (64) shared_outs(%[[OUT:.*]] = %{{.*}})
// CHECK:           %[[TILE:.*]] = affine.min
// CHECK:           %[[XT:.*]] = tensor.extract_slice %[[XR]][%[[R]], 0] [%[[TILE]], 96] [1, 1]
// CHECK:           %[[OT:.*]] = tensor.extract_slice %[[OUT]][%[[R]], 0] [%[[TILE]], 40] [1, 1]
// CHECK:           %[[Z:.*]] = linalg.fill ins(%{{.*}} : f32) outs(%[[OT]] : tensor<?x40xf32>)
// CHECK:           linalg.generic {{.*}} ins(%[[XT]], %[[W]] : tensor<?x96xf32>, tensor<96x40xf32>) outs(%[[Z]] : tensor<?x40xf32>)
// CHECK-NOT:     linalg.fill
// CHECK:         tensor.reshape %[[Y]]({{.*}}) : (tensor<?x40xf32>, tensor<3xi64>) -> tensor<?x?x40xf32>
#x = affine_map<(b, s, k, n) -> (b, s, k)>
#w = affine_map<(b, s, k, n) -> (k, n)>
#y = affine_map<(b, s, k, n) -> (b, s, n)>
func.func @projection(%x: tensor<?x?x96xf32>, %w: tensor<96x40xf32>)
    -> tensor<?x?x40xf32> {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %zero = arith.constant 0.0 : f32
  %b = tensor.dim %x, %c0 : tensor<?x?x96xf32>
  %s = tensor.dim %x, %c1 : tensor<?x?x96xf32>
  %e = tensor.empty(%b, %s) : tensor<?x?x40xf32>
  %f = linalg.fill ins(%zero : f32) outs(%e : tensor<?x?x40xf32>) -> tensor<?x?x40xf32>
  %0 = linalg.generic {indexing_maps = [#x, #w, #y],
                       iterator_types = ["parallel", "parallel", "reduction", "parallel"]}
      ins(%x, %w : tensor<?x?x96xf32>, tensor<96x40xf32>)
      outs(%f : tensor<?x?x40xf32>) {
  ^bb0(%a: f32, %v: f32, %o: f32):
    %m = arith.mulf %a, %v : f32
    %r = arith.addf %o, %m : f32
    linalg.yield %r : f32
  } -> tensor<?x?x40xf32>
  return %0 : tensor<?x?x40xf32>
}

// -----

// A wide contraction also gets column tiles (384 columns), so that a short
// sequence still makes a tile per thread.
// CHECK-LABEL: func.func @wide
// CHECK:         scf.forall (%{{.*}}, %{{.*}}) = (0, 0) to (%{{.*}}, 1000) step (64, 384)
#x = affine_map<(b, s, k, n) -> (b, s, k)>
#w = affine_map<(b, s, k, n) -> (k, n)>
#y = affine_map<(b, s, k, n) -> (b, s, n)>
func.func @wide(%x: tensor<?x?x96xf32>, %w: tensor<96x1000xf32>,
                %init: tensor<?x?x1000xf32>) -> tensor<?x?x1000xf32> {
  %0 = linalg.generic {indexing_maps = [#x, #w, #y],
                       iterator_types = ["parallel", "parallel", "reduction", "parallel"]}
      ins(%x, %w : tensor<?x?x96xf32>, tensor<96x1000xf32>)
      outs(%init : tensor<?x?x1000xf32>) {
  ^bb0(%a: f32, %v: f32, %o: f32):
    %m = arith.mulf %a, %v : f32
    %r = arith.addf %o, %m : f32
    linalg.yield %r : f32
  } -> tensor<?x?x1000xf32>
  return %0 : tensor<?x?x1000xf32>
}

// -----

// Row loops that are not consecutive in the left operand ([S, B, K] read
// for an output [B, S, N], as a transposed view) do not fold: the batch
// loop b is tiled by 1 and the row loop s by 64, as before.
// CHECK-LABEL: func.func @rows_not_foldable
// CHECK-NOT:     tensor.collapse_shape
// CHECK:         scf.forall (%{{.*}}, %{{.*}}) = (0, 0) to (%{{.*}}, %{{.*}}) step (1, 64)
#x = affine_map<(b, s, k, n) -> (s, b, k)>
#w = affine_map<(b, s, k, n) -> (k, n)>
#y = affine_map<(b, s, k, n) -> (b, s, n)>
func.func @rows_not_foldable(%x: tensor<?x?x96xf32>, %w: tensor<96x40xf32>,
                             %init: tensor<?x?x40xf32>) -> tensor<?x?x40xf32> {
  %0 = linalg.generic {indexing_maps = [#x, #w, #y],
                       iterator_types = ["parallel", "parallel", "reduction", "parallel"]}
      ins(%x, %w : tensor<?x?x96xf32>, tensor<96x40xf32>)
      outs(%init : tensor<?x?x40xf32>) {
  ^bb0(%a: f32, %v: f32, %o: f32):
    %m = arith.mulf %a, %v : f32
    %r = arith.addf %o, %m : f32
    linalg.yield %r : f32
  } -> tensor<?x?x40xf32>
  return %0 : tensor<?x?x40xf32>
}

// -----

// contraction-rows must be positive.
// RUN: not attn-opt %s --split-input-file --attn-parallelize="contraction-rows=0" 2>&1 | FileCheck %s --check-prefix=ROWS
// ROWS: attn-parallelize expects positive contraction-rows and contraction-columns, but got 0, 384
