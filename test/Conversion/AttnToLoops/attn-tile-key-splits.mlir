// RUN: attn-opt %s --attn-tile="key-splits=16" --cse --split-input-file | FileCheck %s
// RUN: attn-opt %s --attn-tile --split-input-file | FileCheck %s --check-prefix=NOSPLIT
// RUN: not attn-opt %s --attn-tile="key-splits=0" --split-input-file 2>&1 | FileCheck %s --check-prefix=BAD
// BAD: error: attn-tile expects key-splits >= 1, but got 0

// With key-splits = 16 and fewer work items than that, each (batch, head,
// query tile) item's key range is split into parts that are work items of
// their own: parts = max(min(ceil(16 / items), ceil(Skv / 2 key tiles)), 1),
// decided at run time. One nest over (batch, head, query tile, part) runs
// the kernel body (emitted once); with several parts each leaves its
// softmax state in flat heap buffers (one slot per part) instead of
// writing rows, and a second nest over (batch, head, query tile) merges
// the parts and writes the output. With one part the tile writes its rows.
// CHECK-LABEL: func.func @decode
// CHECK:         %[[BH:.*]] = arith.muli %{{.*}}, %c4 : index
// CHECK:         %[[ITEMS:.*]] = arith.muli %[[BH]], %{{.*}} : index
// No work item (Sq or B = 0) must not divide by zero.
// CHECK:         %[[SOME:.*]] = arith.maxui %[[ITEMS]], %c1 : index
// CHECK:         arith.ceildivui %c16, %[[SOME]] : index
// CHECK:         %[[PARTS:.*]] = arith.maxui %{{.*}}, %c1 : index
// CHECK:         %[[SPLIT:.*]] = arith.cmpi ugt, %[[PARTS]], %c1 : index
// CHECK:         %[[MAX:.*]] = memref.alloc(%{{.*}}) {alignment = 64 : i64} : memref<?xf32>
// CHECK:         %[[SUM:.*]] = memref.alloc(%{{.*}}) {alignment = 64 : i64} : memref<?xf32>
// CHECK:         %[[ACC:.*]] = memref.alloc(%{{.*}}) {alignment = 64 : i64} : memref<?xf32>
// CHECK:         scf.parallel (%{{.*}}, %{{.*}}, %{{.*}}, %{{.*}}) = {{.*}} to (%{{.*}}, %c4, %{{.*}}, %[[PARTS]])
// The part's slice of the key range, on the unsplit loop's tile grid.
// CHECK:           arith.ceildivui %{{.*}}, %[[PARTS]] : index
// CHECK:           scf.for
// CHECK:           scf.if %[[SPLIT]] {
// CHECK:             memref.store %{{.*}}, %[[MAX]]
// CHECK:             memref.store %{{.*}}, %[[SUM]]
// CHECK:             vector.store %{{.*}}, %[[ACC]]
// CHECK:           } else {
// CHECK:         scf.if %[[SPLIT]] {
// CHECK:           scf.parallel (%{{.*}}, %{{.*}}, %{{.*}}) = {{.*}} to (%{{.*}}, %c4, %{{.*}})
// The merge: the maximum of the parts, then each part weighed by
// exp2(m_p - m), 0 for an empty part.
// CHECK:             arith.maximumf
// CHECK:             arith.cmpf oeq
// CHECK:             math.exp2
// CHECK:             arith.select
// CHECK:             vector.fma
// CHECK:             math.fma
// NOSPLIT-LABEL: func.func @decode
// NOSPLIT-NOT:     memref.alloc(%{{.*}}) {{.*}} : memref<?xf32>
// NOSPLIT:         scf.parallel
// NOSPLIT-NOT:     scf.parallel
// NOSPLIT:         return
func.func @decode(%q: tensor<?x4x?x64xf32>, %k: tensor<?x4x?x64xf32>,
                  %v: tensor<?x4x?x64xf32>) -> tensor<?x4x?x64xf32> {
  %o = attn.attention %q, %k, %v
      : tensor<?x4x?x64xf32>, tensor<?x4x?x64xf32>, tensor<?x4x?x64xf32>
      -> tensor<?x4x?x64xf32>
  return %o : tensor<?x4x?x64xf32>
}

// -----

// Normalisers whose state does not merge (here sigmoid, no running max)
// keep the plain nest.
// CHECK-LABEL: func.func @sigmoid
// CHECK-NOT:     scf.if
// CHECK:         scf.parallel
// CHECK-NOT:     scf.parallel
// CHECK:         return
func.func @sigmoid(%q: tensor<?x4x?x64xf32>, %k: tensor<?x4x?x64xf32>,
                   %v: tensor<?x4x?x64xf32>) -> tensor<?x4x?x64xf32> {
  %o = attn.attention %q, %k, %v {normalizer = #attn.normalizer<sigmoid>}
      : tensor<?x4x?x64xf32>, tensor<?x4x?x64xf32>, tensor<?x4x?x64xf32>
      -> tensor<?x4x?x64xf32>
  return %o : tensor<?x4x?x64xf32>
}
