// RUN: attn-opt %s --attn-tile --cse | FileCheck %s
// RUN: attn-opt %s --attn-tile="stack-scratch-bytes=0" --cse | FileCheck %s --check-prefix=HEAP
// RUN: attn-opt %s --attn-tile="stack-scratch-bytes=0" | attn-opt --canonicalize --cse --one-shot-bufferize="bufferize-function-boundaries" --buffer-deallocation-pipeline | FileCheck %s --check-prefix=FREED
// RUN: not attn-opt %s --attn-tile="max-scratch-bytes=1000" 2>&1 | FileCheck %s --check-prefix=MAX

// The scratch of a work item lives on the stack of its thread, inside an
// alloca_scope, up to stack-scratch-bytes (1 MiB by default); above that it
// is allocated on the heap once per work item, and the deallocation
// pipeline frees it at the end of the item. A static dimension of more
// than 16 vector chunks (here Dv = 272: 17 chunks of 16) goes through an
// scf.for over blocks of 16 chunks (256 columns) and a tail block.

// CHECK-LABEL: func.func @dv_272
// CHECK:       scf.parallel
// CHECK-NEXT:    memref.alloca_scope
// CHECK:           memref.alloca() {alignment = 64 : i64} : memref<64x32xf32>
// CHECK:           %[[ACC:.*]] = memref.alloca() {alignment = 64 : i64} : memref<32x272xf32>
// The zeroed accumulator: one block of 16 chunks in a loop, then the tail.
// CHECK:           scf.for %[[ROW:.*]] = %c0 to %c32 step %c1 {
// CHECK:             scf.for %[[COL:.*]] = %c0 to %c256 step %c256 {
// CHECK-NEXT:          vector.store %{{.*}}, %[[ACC]][%[[ROW]], %[[COL]]]
// CHECK-COUNT-15:      vector.store %{{.*}}, %[[ACC]][%[[ROW]], %{{.*}}]
// CHECK-NEXT:        }
// CHECK-NEXT:        vector.store %{{.*}}, %[[ACC]][%[[ROW]], %c256]
// CHECK-NEXT:      }

// HEAP-LABEL: func.func @dv_272
// HEAP:       scf.parallel
// HEAP-NOT:     memref.alloca
// HEAP:         memref.alloc() {alignment = 64 : i64} : memref<64x32xf32>
// HEAP-NOT:     memref.alloca
// HEAP:         scf.reduce

// FREED-LABEL: func.func @dv_272
// FREED:       scf.parallel
// FREED:         %[[A:.*]] = memref.alloc() {alignment = 64 : i64} : memref<32x272xf32>
// FREED:         memref.dealloc %[[A]] : memref<32x272xf32>
// FREED-NEXT:    scf.reduce

// MAX: error: 'attn.attention' op needs 45952 bytes of scratch per (batch, head, query tile) work item, more than max-scratch-bytes = 1000 (query-tile = 32, key-tile = 64, D = 16, Dv = 272; largest buffer 32x272xf32); use smaller tiles or sizes
func.func @dv_272(%q: tensor<1x2x8x16xf32>, %k: tensor<1x2x8x16xf32>,
                  %v: tensor<1x2x8x272xf32>) -> tensor<1x2x8x272xf32> {
  %o = attn.attention %q, %k, %v
      : tensor<1x2x8x16xf32>, tensor<1x2x8x16xf32>, tensor<1x2x8x272xf32>
      -> tensor<1x2x8x272xf32>
  return %o : tensor<1x2x8x272xf32>
}
