// RUN: attn-opt %s --attn-tile --split-input-file | FileCheck %s
// RUN: attn-opt %s --attn-tile --split-input-file | FileCheck %s --check-prefix=STATIC
// RUN: attn-opt %s --attn-tile=key-major=false --split-input-file | FileCheck %s --check-prefix=ROW

// Score functions inside the fused loop nest. Whatever the score, every
// scratch buffer is a static, tile-sized alloca (the only heap buffer is the
// output, checked per function below): no Sq x Skv (or Sq x Skv x A) buffer
// exists.
// STATIC-NOT: memref.alloca(%

// general: q' = q W is computed once per query tile, before the key loop
// (W is never read inside it); the key loop is the dot-product path.
// CHECK-LABEL: func.func @general
// CHECK-SAME:    %[[W:[^:]*]]: tensor<64x64xf32>
// CHECK:         %[[WB:.*]] = bufferization.to_buffer %[[W]]
// CHECK:         memref.alloc(
// CHECK-NOT:     memref.alloc(
// CHECK:         scf.parallel
// CHECK:           vector.load %[[WB]]{{.*}} : memref<64x64xf32>, vector<16xf32>
// CHECK:           vector.fma
// CHECK:           scf.for %{{.*}} = %{{.*}} to %{{.*}} step %c64
// CHECK-NOT:         %[[WB]][
// CHECK:             vector.fma {{.*}} : vector<16xf32>
// CHECK-NOT:         %[[WB]][
// CHECK:         bufferization.to_tensor
func.func @general(%q: tensor<?x4x?x64xf32>, %k: tensor<?x4x?x64xf32>,
                   %v: tensor<?x4x?x64xf32>, %w: tensor<64x64xf32>)
    -> tensor<?x4x?x64xf32> {
  %o = attn.attention %q, %k, %v score_operands(%w : tensor<64x64xf32>)
      {score = #attn.score<general>, scale = 1.0 : f32}
      : tensor<?x4x?x64xf32>, tensor<?x4x?x64xf32>, tensor<?x4x?x64xf32>
      -> tensor<?x4x?x64xf32>
  return %o : tensor<?x4x?x64xf32>
}

// -----

// cosine: each query row is normalised once in the prologue; the inverse
// norm of each key is computed once per key tile and multiplies the key's
// scores (a zero vector gets factor 0).
// CHECK-LABEL: func.func @cosine
// CHECK:         scf.parallel
// CHECK:           math.fma {{.*}} : f32
// CHECK:           %[[QN:.*]] = math.sqrt %{{.*}} : f32
// CHECK:           arith.divf %{{.*}}, %[[QN]] : f32
// CHECK:           scf.for %{{.*}} = %{{.*}} to %{{.*}} step %c64
// CHECK:             math.fma {{.*}} : f32
// CHECK:             %[[KN:.*]] = math.sqrt %{{.*}} : f32
// CHECK:             %[[INV:.*]] = arith.divf %{{.*}}, %[[KN]] : f32
// CHECK:             memref.store %{{.*}}, %[[NORMS:.*]][%{{.*}}] : memref<64xf32>
// A query tile of a few rows: the dot products of a group of 16 keys times
// their 16 norms.
// CHECK:             %[[GROUP:.*]] = vector.load %[[NORMS]]
// CHECK:             arith.mulf %{{.*}}, %[[GROUP]] : vector<16xf32>
// Otherwise the register tile: each key's scores times its norm.
// CHECK:           } else {
// CHECK:             vector.fma {{.*}} : vector<16xf32>
// CHECK:             %[[N:.*]] = memref.load %[[NORMS]]
// CHECK:             %[[NV:.*]] = vector.broadcast %[[N]]
// CHECK:             arith.mulf %{{.*}}, %[[NV]] : vector<16xf32>
func.func @cosine(%q: tensor<?x4x?x64xf32>, %k: tensor<?x4x?x64xf32>,
                  %v: tensor<?x4x?x64xf32>) -> tensor<?x4x?x64xf32> {
  %o = attn.attention %q, %k, %v {score = #attn.score<cosine>, scale = 10.0 : f32}
      : tensor<?x4x?x64xf32>, tensor<?x4x?x64xf32>, tensor<?x4x?x64xf32>
      -> tensor<?x4x?x64xf32>
  return %o : tensor<?x4x?x64xf32>
}

// -----

// neg_l2: -|q - k|^2 scale = 2 scale q.k - scale |q|^2 - scale |k|^2. The
// query is pre-scaled by 2 * 0.125 * log2(e); -|q|^2 per row (query tile)
// and -|k|^2 per key (key tile) are added to the dot product.
// In the key-major tile a vector holds one key's scores for 16 rows: the
// key term is broadcast, the row terms are a vector.
// CHECK-LABEL: func.func @neg_l2
// CHECK-DAG:     memref.alloca() {{.*}} : memref<32xf32>
// CHECK-DAG:     memref.alloca() {{.*}} : memref<64xf32>
// CHECK:         arith.constant 0.360673755 : f32
// CHECK:         arith.constant -0.180336878 : f32
// CHECK:         scf.for %{{.*}} = %{{.*}} to %{{.*}} step %c64
// CHECK:           memref.store %{{.*}}, %{{.*}} : memref<64xf32>
// CHECK:         } else {
// CHECK:           vector.fma {{.*}} : vector<16xf32>
// CHECK:           %[[KEY:.*]] = memref.load %{{.*}} : memref<64xf32>
// CHECK:           %[[KEYV:.*]] = vector.broadcast %[[KEY]]
// CHECK:           arith.addf %{{.*}}, %[[KEYV]] : vector<16xf32>
// CHECK:           %[[ROWS:.*]] = vector.load %{{.*}} : memref<32xf32>, vector<16xf32>
// CHECK:           arith.addf %{{.*}}, %[[ROWS]] : vector<16xf32>
func.func @neg_l2(%q: tensor<?x4x?x64xf32>, %k: tensor<?x4x?x64xf32>,
                  %v: tensor<?x4x?x64xf32>) -> tensor<?x4x?x64xf32> {
  %o = attn.attention %q, %k, %v {score = #attn.score<neg_l2>}
      : tensor<?x4x?x64xf32>, tensor<?x4x?x64xf32>, tensor<?x4x?x64xf32>
      -> tensor<?x4x?x64xf32>
  return %o : tensor<?x4x?x64xf32>
}

// -----

// additive: q Wq once per query tile ([32 x A] scratch), k Wk once per key
// tile, kept transposed ([A x 64]); the row loop runs over a with one tanh
// per chunk of 16 keys. Wq and Wk are not read in the row loop.
// CHECK-LABEL: func.func @additive
// CHECK-SAME:    %[[WQ:[^:]*]]: tensor<64x32xf32>, %[[WK:[^:]*]]: tensor<64x32xf32>
// CHECK-DAG:     %[[WQB:.*]] = bufferization.to_buffer %[[WQ]]
// CHECK-DAG:     %[[WKB:.*]] = bufferization.to_buffer %[[WK]]
// CHECK:         scf.parallel
// CHECK-DAG:       %[[QA:.*]] = memref.alloca() {{.*}} : memref<32x32xf32>
// CHECK-DAG:       %[[KAT:.*]] = memref.alloca() {{.*}} : memref<32x64xf32>
// CHECK:           vector.load %[[WQB]]{{.*}} : memref<64x32xf32>, vector<16xf32>
// CHECK:           vector.store %{{.*}}, %[[QA]]
// CHECK:           scf.for %{{.*}} = %{{.*}} to %{{.*}} step %c64
// CHECK:             memref.load %[[WKB]]
// CHECK:             vector.store %{{.*}}, %[[KAT]]
// CHECK:             scf.for %[[R:.*]] = %{{.*}} to %{{.*}} step
// CHECK-NOT:           %[[WKB]][
// CHECK:               memref.load %[[QA]][%[[R]], %{{.*}}]
// CHECK:               vector.load %[[KAT]]
// CHECK:               math.tanh %{{.*}} : vector<16xf32>
// CHECK:               vector.fma
func.func @additive(%q: tensor<?x4x?x64xf32>, %k: tensor<?x4x?x64xf32>,
                    %v: tensor<?x4x?x64xf32>, %wq: tensor<64x32xf32>,
                    %wk: tensor<64x32xf32>, %va: tensor<32xf32>)
    -> tensor<?x4x?x64xf32> {
  %o = attn.attention %q, %k, %v
      score_operands(%wq, %wk, %va
          : tensor<64x32xf32>, tensor<64x32xf32>, tensor<32xf32>)
      {score = #attn.score<additive>, scale = 1.0 : f32}
      : tensor<?x4x?x64xf32>, tensor<?x4x?x64xf32>, tensor<?x4x?x64xf32>
      -> tensor<?x4x?x64xf32>
  return %o : tensor<?x4x?x64xf32>
}

// -----

// multi_dimensional: q W1 + b per query tile, k W2 per key tile, both
// [tile x Dv]; a softmax per (row, feature) with state l and acc of
// [32 x 64]. tanh lies in [-1, 1], so there is no running max: no max
// reduction, no rescaling; one exp2 per (row, key, feature), vectorised
// over the features.
// CHECK-LABEL: func.func @multi_dimensional
// CHECK-NOT:     vector.reduction <maximumf>
// CHECK:         scf.for %{{.*}} = %{{.*}} to %{{.*}} step %c64
// CHECK:           scf.for %[[J:.*]] = %{{.*}} to %{{.*}} step %{{.*}} iter_args
// CHECK:             %[[T:.*]] = math.tanh %{{.*}} : vector<16xf32>
// CHECK:             %[[E:.*]] = arith.mulf %[[T]], %{{.*}} : vector<16xf32>
// CHECK:             math.exp2 %{{.*}} : vector<16xf32>
// CHECK:             vector.fma
// CHECK-NOT:     vector.reduction <maximumf>
// CHECK:         arith.cmpf ogt, %{{.*}}, %{{.*}} : vector<16xf32>
// CHECK:         arith.divf %{{.*}}, %{{.*}} : vector<16xf32>
func.func @multi_dimensional(%q: tensor<?x4x?x64xf32>, %k: tensor<?x4x?x64xf32>,
                             %v: tensor<?x4x?x64xf32>, %w1: tensor<64x64xf32>,
                             %w2: tensor<64x64xf32>, %b: tensor<64xf32>)
    -> tensor<?x4x?x64xf32> {
  %o = attn.attention %q, %k, %v
      score_operands(%w1, %w2, %b
          : tensor<64x64xf32>, tensor<64x64xf32>, tensor<64xf32>)
      {score = #attn.score<multi_dimensional>, scale = 1.0 : f32}
      : tensor<?x4x?x64xf32>, tensor<?x4x?x64xf32>, tensor<?x4x?x64xf32>
      -> tensor<?x4x?x64xf32>
  return %o : tensor<?x4x?x64xf32>
}

// -----

// compositional: the dot product and the L1 distance share the operand
// loads. Key-major (CHECK): a register tile of keys x row vectors with two
// sums per cell (6 keys x 2 row vectors x 2 = 24 accumulators), the key a
// broadcast scalar, the query rows vectors; then M = tanh(q.k / 8) /
// (1 + exp(l1 / 8)) per cell, stored as S^T[j, r]. Row-major (ROW): the
// same two sums per row, vectorised over keys. Normalizer none: no max, no
// sum.
// CHECK-LABEL: func.func @compositional
// CHECK-NOT:     vector.reduction
// CHECK:         %[[T:.*]]:24 = scf.for {{.*}} -> (vector<16xf32>,
// CHECK:           %[[K:.*]] = vector.broadcast %{{.*}} : f32 to vector<16xf32>
// CHECK-NEXT:      vector.fma %[[K]], {{.*}} : vector<16xf32>
// CHECK-NEXT:      %[[D:.*]] = arith.subf %[[K]], {{.*}} : vector<16xf32>
// CHECK-NEXT:      %[[A:.*]] = math.absf %[[D]] : vector<16xf32>
// CHECK-NEXT:      arith.addf %{{.*}}, %[[A]] : vector<16xf32>
// CHECK:         %[[DOT:.*]] = arith.mulf %[[T]]#0, %{{.*}} : vector<16xf32>
// CHECK-NEXT:    math.tanh %[[DOT]] : vector<16xf32>
// CHECK:         %[[L1:.*]] = arith.mulf %[[T]]#12, %{{.*}} : vector<16xf32>
// CHECK-NEXT:    math.exp2 %[[L1]] : vector<16xf32>
// CHECK:         arith.divf {{.*}} : vector<16xf32>
// CHECK-NEXT:    vector.store {{.*}} : memref<64x32xf32>, vector<16xf32>
// CHECK-NOT:     vector.reduction
// CHECK:         return
// ROW-LABEL: func.func @compositional
// ROW-NOT:     vector.reduction
// ROW:         scf.for %{{.*}} = %{{.*}} to %{{.*}} step %c64
// ROW:           vector.fma {{.*}} : vector<16xf32>
// ROW:           arith.subf {{.*}} : vector<16xf32>
// ROW:           math.absf {{.*}} : vector<16xf32>
// ROW:           math.tanh {{.*}} : vector<16xf32>
// ROW:           math.exp2 {{.*}} : vector<16xf32>
// ROW:           arith.divf {{.*}} : vector<16xf32>
// ROW-NOT:     vector.reduction
// ROW:         return
func.func @compositional(%q: tensor<?x4x?x64xf32>, %k: tensor<?x4x?x64xf32>,
                         %v: tensor<?x4x?x64xf32>) -> tensor<?x4x?x64xf32> {
  %o = attn.attention %q, %k, %v
      {score = #attn.score<compositional>, normalizer = #attn.normalizer<none>}
      : tensor<?x4x?x64xf32>, tensor<?x4x?x64xf32>, tensor<?x4x?x64xf32>
      -> tensor<?x4x?x64xf32>
  return %o : tensor<?x4x?x64xf32>
}
