// RUN: attn-opt %s --attn-strided-copies-to-loops | FileCheck %s
// RUN: attn-opt %s --attn-strided-copies-to-loops --convert-linalg-to-loops | FileCheck %s --check-prefix=LOOPS

// A copy into a slice of a buffer (a concatenation) becomes linalg.copy,
// then loops: no call to the runner utilities' memrefCopy.
// CHECK-LABEL: func.func @into_slice
// CHECK: %[[SLOT:.*]] = memref.subview
// CHECK-NOT: memref.copy
// CHECK: linalg.copy ins(%{{.*}} : memref<4x8xf32>) outs(%[[SLOT]] : memref<4x8xf32, strided<[16, 1], offset: 8>>)
// LOOPS-LABEL: func.func @into_slice
// LOOPS: scf.for
// LOOPS-NOT: memref.copy
func.func @into_slice(%src: memref<4x8xf32>, %dst: memref<4x16xf32>) {
  %slot = memref.subview %dst[0, 8] [4, 8] [1, 1]
      : memref<4x16xf32> to memref<4x8xf32, strided<[16, 1], offset: 8>>
  memref.copy %src, %slot
      : memref<4x8xf32> to memref<4x8xf32, strided<[16, 1], offset: 8>>
  return
}

// Contiguous row-major buffers keep memref.copy (a memcpy in LLVM).
// CHECK-LABEL: func.func @contiguous
// LOOPS-LABEL: func.func @contiguous
// CHECK: memref.copy %{{.*}}, %{{.*}} : memref<?x8xf32> to memref<?x8xf32>
// CHECK-NOT: linalg.copy
func.func @contiguous(%src: memref<?x8xf32>, %dst: memref<?x8xf32>) {
  memref.copy %src, %dst : memref<?x8xf32> to memref<?x8xf32>
  return
}
