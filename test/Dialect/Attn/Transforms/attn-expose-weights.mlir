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

// Inside a loop (one set of weights per iteration) and with per-feature
// weights: a warning each, nothing exposed.

// CHECK-LABEL: func.func @not_exposed(
// CHECK-SAME: -> tensor<1x1x4x8xf32>
// CHECK-NOT: attn.weights
func.func @not_exposed(%q: tensor<1x1x4x8xf32>, %k: tensor<1x1x4x8xf32>,
                       %w1: tensor<8x8xf32>, %w2: tensor<8x8xf32>,
                       %bv: tensor<8xf32>) -> tensor<1x1x4x8xf32> {
  %c0 = arith.constant 0 : index
  %c2 = arith.constant 2 : index
  %c1 = arith.constant 1 : index
  %r = scf.for %i = %c0 to %c2 step %c1 iter_args(%x = %q) -> tensor<1x1x4x8xf32> {
    // expected-warning @+1 {{the weights of an attention inside scf.for are not exposed (one per iteration)}}
    %o = attn.attention %x, %k, %k
        : tensor<1x1x4x8xf32>, tensor<1x1x4x8xf32>, tensor<1x1x4x8xf32>
        -> tensor<1x1x4x8xf32>
    scf.yield %o : tensor<1x1x4x8xf32>
  }
  // expected-warning @+1 {{score 'multi_dimensional' has one weight per value feature}}
  %m = attn.attention %r, %k, %k
      score_operands(%w1, %w2, %bv : tensor<8x8xf32>, tensor<8x8xf32>, tensor<8xf32>)
      {score = #attn.score<multi_dimensional>} : tensor<1x1x4x8xf32>, tensor<1x1x4x8xf32>, tensor<1x1x4x8xf32>
      -> tensor<1x1x4x8xf32>
  return %m : tensor<1x1x4x8xf32>
}
