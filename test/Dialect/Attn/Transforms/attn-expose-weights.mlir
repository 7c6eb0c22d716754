// RUN: attn-opt %s --attn-expose-weights --split-input-file --verify-diagnostics | FileCheck %s
// RUN: attn-opt %s --attn-expose-weights=key-chunk=16 --split-input-file --verify-diagnostics | FileCheck %s --check-prefix=CHUNK
// RUN: not attn-opt %s --attn-expose-weights=key-chunk=0 --split-input-file 2>&1 | FileCheck %s --check-prefix=BADCHUNK

// The weights of a causal attention with dynamic sizes: one more result,
// named after the op, computed by the same attention over one-hot values,
// 64 keys at a time, into a [B, Hq, Sq, Skv] tensor.

// CHECK-LABEL: func.func @causal(
// CHECK-SAME: -> (tensor<?x4x?x16xf32>, tensor<?x4x?x?xf32> {attn.name = "attn.weights0:attn-expose-weights.mlir:{{[0-9]+}},softmax,causal"})
// CHECK: %[[O:.*]] = attn.attention %arg0, %arg1, %arg2 {causal}
// CHECK-DAG: %[[B:.*]] = tensor.dim %arg0, %c0
// CHECK-DAG: %[[SQ:.*]] = tensor.dim %arg0, %c2
// CHECK-DAG: %[[SKV:.*]] = tensor.dim %arg1, %c2
// CHECK: %[[INIT:.*]] = tensor.empty(%[[B]], %[[SQ]], %[[SKV]]) : tensor<?x4x?x?xf32>
// CHECK: %[[W:.*]] = scf.for %[[FIRST:.*]] = %{{.*}} to %[[SKV]] step %c64 iter_args(%[[ACC:.*]] = %[[INIT]])
// CHECK:   %[[ONEHOT:.*]] = linalg.generic
// CHECK:     %[[J:.*]] = linalg.index 2
// CHECK:     %[[C:.*]] = linalg.index 3
// CHECK:     %[[KEY:.*]] = arith.addi %[[FIRST]], %[[C]]
// CHECK:     arith.cmpi eq, %[[J]], %[[KEY]]
// CHECK:   -> tensor<?x4x?x64xf32>
// CHECK:   %[[P:.*]] = attn.attention %arg0, %arg1, %[[ONEHOT]] {causal}
// CHECK-SAME: -> tensor<?x4x?x64xf32>
// CHECK:   %[[WIDTH:.*]] = affine.min
// CHECK:   %[[PART:.*]] = tensor.extract_slice %[[P]][0, 0, 0, 0] [%[[B]], 4, %[[SQ]], %[[WIDTH]]]
// CHECK:   tensor.insert_slice %[[PART]] into %[[ACC]][0, 0, 0, %[[FIRST]]] [%[[B]], 4, %[[SQ]], %[[WIDTH]]]
// CHECK: return %[[O]], %[[W]]
// CHUNK-LABEL: func.func @causal(
// CHUNK: step %c16
// CHUNK: -> tensor<?x4x?x16xf32>
// BADCHUNK: error: attn-expose-weights: key-chunk must be at least 1, got 0
func.func @causal(%q: tensor<?x4x?x16xf32>, %k: tensor<?x4x?x16xf32>,
                  %v: tensor<?x4x?x16xf32>) -> tensor<?x4x?x16xf32> {
  %o = attn.attention %q, %k, %v {causal}
      : tensor<?x4x?x16xf32>, tensor<?x4x?x16xf32>, tensor<?x4x?x16xf32>
      -> tensor<?x4x?x16xf32>
  return %o : tensor<?x4x?x16xf32>
}

// -----

// Static keys fewer than a chunk: one chunk of exactly Skv columns. Two
// ops are numbered in order; GQA and the normaliser are in the names; the
// value operand is replaced by position even when it is also the key.

// CHECK-LABEL: func.func @two(
// CHECK-SAME: tensor<1x4x8x16xf32>, tensor<1x4x8x12xbf16> {attn.name = "attn.weights0:{{.*}},softmax,gqa=4/2"}, tensor<1x4x8x12xbf16> {attn.name = "attn.weights1:{{.*}},topk,top_k=3,window=2/0,gqa=4/2"}
// CHECK: scf.for {{.*}} step %c12
// CHECK:   attn.attention %arg0, %arg1, %{{.*}} :
// CHECK-SAME: -> tensor<1x4x8x12xbf16>
// CHECK: attn.attention %arg0, %arg1, %arg1 {normalizer = #attn.normalizer<topk>, top_k = 3 : i64, window = array<i64: 2, 0>}
// CHECK: scf.for {{.*}} step %c12
// CHECK:   attn.attention %arg0, %arg1, %{{.*}} {normalizer = #attn.normalizer<topk>, top_k = 3 : i64, window = array<i64: 2, 0>}
func.func @two(%q: tensor<1x4x8x16xbf16>, %k: tensor<1x2x12x16xbf16>)
    -> tensor<1x4x8x16xf32> {
  %a = attn.attention %q, %k, %k
      : tensor<1x4x8x16xbf16>, tensor<1x2x12x16xbf16>, tensor<1x2x12x16xbf16>
      -> tensor<1x4x8x16xbf16>
  %b = attn.attention %q, %k, %k {normalizer = #attn.normalizer<topk>,
                                  top_k = 3, window = array<i64: 2, 0>}
      : tensor<1x4x8x16xbf16>, tensor<1x2x12x16xbf16>, tensor<1x2x12x16xbf16>
      -> tensor<1x4x8x16xbf16>
  %c = arith.extf %b : tensor<1x4x8x16xbf16> to tensor<1x4x8x16xf32>
  return %c : tensor<1x4x8x16xf32>
}

// -----

// Relative positions: the value table aV has no part in the weights and
// becomes zeros of the chunk's width; the key table aK stays.

// CHECK-LABEL: func.func @relative(
// CHECK: scf.for
// CHECK:   %[[ZERO:.*]] = linalg.fill {{.*}} -> tensor<5x6xf32>
// CHECK:   attn.attention %arg0, %arg1, %{{.*}} position_operands(%arg3, %[[ZERO]] : tensor<5x16xf32>, tensor<5x6xf32>) {relative_clip = 2 : i64}
func.func @relative(%q: tensor<1x1x6x16xf32>, %k: tensor<1x1x6x16xf32>,
                    %v: tensor<1x1x6x16xf32>, %ak: tensor<5x16xf32>,
                    %av: tensor<5x16xf32>) -> tensor<1x1x6x16xf32> {
  %o = attn.attention %q, %k, %v
      position_operands(%ak, %av : tensor<5x16xf32>, tensor<5x16xf32>)
      {relative_clip = 2} : tensor<1x1x6x16xf32>, tensor<1x1x6x16xf32>, tensor<1x1x6x16xf32>
      -> tensor<1x1x6x16xf32>
  return %o : tensor<1x1x6x16xf32>
}

// -----

// An attention in a loop: the loop yields its weights per iteration,
// [iterations, B, Hq, Sq, Skv], iteration (iv - lb) / step at its index.
// The sizes come from outside the loop: the iteration count is a constant
// (0 to 7 step 2: 4), Sq comes from the loop-carried query's initial value,
// Skv from the key.

// CHECK-LABEL: func.func @hops(
// CHECK-SAME: %[[Q:[^:]*]]: tensor<?x1x?x8xf32>, %[[K:[^:]*]]: tensor<?x1x?x8xf32>)
// CHECK-SAME: -> (tensor<?x1x?x8xf32>, tensor<4x?x1x?x?xf32> {attn.name = "attn.weights0:attn-expose-weights.mlir:{{[0-9]+}},softmax"})
// CHECK-DAG: %[[LB:.*]] = arith.constant 0 : index
// CHECK-DAG: %[[STEP:.*]] = arith.constant 2 : index
// CHECK: %[[B:.*]] = tensor.dim %[[Q]], %{{.*}} : tensor<?x1x?x8xf32>
// CHECK: %[[SQ:.*]] = tensor.dim %[[Q]], %{{.*}} : tensor<?x1x?x8xf32>
// CHECK: %[[SKV:.*]] = tensor.dim %[[K]], %{{.*}} : tensor<?x1x?x8xf32>
// CHECK: %[[INIT:.*]] = tensor.empty(%[[B]], %[[SQ]], %[[SKV]]) : tensor<4x?x1x?x?xf32>
// CHECK: %[[LOOP:.*]]:2 = scf.for %[[IV:.*]] = %[[LB]] to %{{.*}} step %[[STEP]] iter_args(%[[X:.*]] = %[[Q]], %[[W:.*]] = %[[INIT]])
// CHECK: attn.attention %[[X]], %[[K]], %[[K]]
// CHECK: %[[FROM:.*]] = arith.subi %[[IV]], %[[LB]] : index
// CHECK: %[[T:.*]] = arith.divui %[[FROM]], %[[STEP]] : index
// CHECK: %[[NEXT:.*]] = tensor.insert_slice %{{.*}} into %[[W]][%[[T]], 0, 0, 0, 0] [1, %{{.*}}, 1, %{{.*}}, %{{.*}}] [1, 1, 1, 1, 1] : tensor<?x1x?x?xf32> into tensor<4x?x1x?x?xf32>
// CHECK: scf.yield %{{.*}}, %[[NEXT]]
// CHECK: return %[[LOOP]]#0, %[[LOOP]]#1
func.func @hops(%q: tensor<?x1x?x8xf32>, %k: tensor<?x1x?x8xf32>)
    -> tensor<?x1x?x8xf32> {
  %lb = arith.constant 0 : index
  %ub = arith.constant 7 : index
  %step = arith.constant 2 : index
  %r = scf.for %i = %lb to %ub step %step iter_args(%x = %q) -> tensor<?x1x?x8xf32> {
    %o = attn.attention %x, %k, %k
        : tensor<?x1x?x8xf32>, tensor<?x1x?x8xf32>, tensor<?x1x?x8xf32>
        -> tensor<?x1x?x8xf32>
    scf.yield %o : tensor<?x1x?x8xf32>
  }
  return %r : tensor<?x1x?x8xf32>
}

// -----

// Not exposed, with a warning each: an iteration count known only at run
// time, sizes that change per iteration, an attention nested deeper than
// one loop, and per-feature weights.

// CHECK-LABEL: func.func @not_exposed(
// CHECK-SAME: -> tensor<1x1x4x8xf32>
// CHECK-NOT: attn.weights
func.func @not_exposed(%q: tensor<1x1x4x8xf32>, %k: tensor<1x1x4x8xf32>,
                       %w1: tensor<8x8xf32>, %w2: tensor<8x8xf32>,
                       %bv: tensor<8xf32>, %n: index) -> tensor<1x1x4x8xf32> {
  %c0 = arith.constant 0 : index
  %c2 = arith.constant 2 : index
  %c1 = arith.constant 1 : index
  %d = scf.for %i = %c0 to %n step %c1 iter_args(%x = %q) -> tensor<1x1x4x8xf32> {
    // expected-warning @+1 {{the weights of this attention are not exposed: the iteration count of its scf.for is not a constant}}
    %o = attn.attention %x, %k, %k
        : tensor<1x1x4x8xf32>, tensor<1x1x4x8xf32>, tensor<1x1x4x8xf32>
        -> tensor<1x1x4x8xf32>
    scf.yield %o : tensor<1x1x4x8xf32>
  }
  %r = scf.for %i = %c0 to %c2 step %c1 iter_args(%x = %d) -> tensor<1x1x4x8xf32> {
    %m1 = arith.addi %i, %c1 : index
    %rows = tensor.extract_slice %x[0, 0, 0, 0] [1, 1, %m1, 8] [1, 1, 1, 1]
        : tensor<1x1x4x8xf32> to tensor<1x1x?x8xf32>
    // expected-warning @+1 {{the weights of this attention are not exposed: its sizes are not known before its scf.for}}
    %o = attn.attention %rows, %k, %k
        : tensor<1x1x?x8xf32>, tensor<1x1x4x8xf32>, tensor<1x1x4x8xf32>
        -> tensor<1x1x?x8xf32>
    %y = scf.for %j = %c0 to %c2 step %c1 iter_args(%z = %x) -> tensor<1x1x4x8xf32> {
      // expected-warning @+1 {{the weights of an attention inside scf.for are not exposed (only a function body or one scf.for in it)}}
      %p = attn.attention %z, %k, %k
          : tensor<1x1x4x8xf32>, tensor<1x1x4x8xf32>, tensor<1x1x4x8xf32>
          -> tensor<1x1x4x8xf32>
      scf.yield %p : tensor<1x1x4x8xf32>
    }
    scf.yield %y : tensor<1x1x4x8xf32>
  }
  // expected-warning @+1 {{score 'multi_dimensional' has one weight per value feature}}
  %m = attn.attention %r, %k, %k
      score_operands(%w1, %w2, %bv : tensor<8x8xf32>, tensor<8x8xf32>, tensor<8xf32>)
      {score = #attn.score<multi_dimensional>} : tensor<1x1x4x8xf32>, tensor<1x1x4x8xf32>, tensor<1x1x4x8xf32>
      -> tensor<1x1x4x8xf32>
  return %m : tensor<1x1x4x8xf32>
}

// -----

// Positions flattened from a map (non_local's H*W): the weights'
// query and key sizes are products, which a caller could not pass, so the
// result splits them into the map's sizes, [N, 1, H, W, H, W], and its name
// says how the four dimensions were split (the runtime merges them back).
// A dynamic size split into two dynamic ones is a tensor.reshape.

// CHECK-LABEL: func.func @positions(
// CHECK-SAME: %[[X:[^:]*]]: tensor<?x8x?x?xf32>)
// CHECK-SAME: -> (tensor<?x1x?x8xf32>, tensor<?x1x?x?x?x?xf32> {attn.name = "attn.weights0:attn-expose-weights.mlir:{{[0-9]+}},softmax,dims=1/1/2/2"})
// CHECK-DAG: tensor.dim %[[X]], %c0{{.*}} : tensor<?x8x?x?xf32>
// CHECK-DAG: tensor.dim %[[X]], %c2{{.*}} : tensor<?x8x?x?xf32>
// CHECK-DAG: tensor.dim %[[X]], %c3{{.*}} : tensor<?x8x?x?xf32>
// CHECK: %[[SHAPE:.*]] = tensor.from_elements %{{.*}} : tensor<6xi64>
// CHECK: %[[SPLIT:.*]] = tensor.reshape %{{.*}}(%[[SHAPE]]) : (tensor<?x1x?x?xf32>, tensor<6xi64>) -> tensor<?x1x?x?x?x?xf32>
// CHECK: return %{{.*}}, %[[SPLIT]]
func.func @positions(%x: tensor<?x8x?x?xf32>) -> tensor<?x1x?x8xf32> {
  %c0 = arith.constant 0 : index
  %c2 = arith.constant 2 : index
  %flat = tensor.collapse_shape %x [[0], [1], [2, 3]]
      : tensor<?x8x?x?xf32> into tensor<?x8x?xf32>
  %n = tensor.dim %flat, %c0 : tensor<?x8x?xf32>
  %p = tensor.dim %flat, %c2 : tensor<?x8x?xf32>
  %t = tensor.empty(%n, %p) : tensor<?x?x8xf32>
  %rows = linalg.transpose ins(%flat : tensor<?x8x?xf32>)
      outs(%t : tensor<?x?x8xf32>) permutation = [0, 2, 1]
  %q = tensor.expand_shape %rows [[0, 1], [2], [3]] output_shape [%n, 1, %p, 8]
      : tensor<?x?x8xf32> into tensor<?x1x?x8xf32>
  %o = attn.attention %q, %q, %q
      : tensor<?x1x?x8xf32>, tensor<?x1x?x8xf32>, tensor<?x1x?x8xf32>
      -> tensor<?x1x?x8xf32>
  return %o : tensor<?x1x?x8xf32>
}
