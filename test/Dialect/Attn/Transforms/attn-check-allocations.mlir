// RUN: attn-opt %s --split-input-file --attn-check-allocations | FileCheck %s

// The work after a heap allocation runs only when the pointer is not null;
// otherwise the status is set. The deallocation stays after the guard
// (free(NULL) is a no-op).
// CHECK-LABEL: func.func @scratch(
// CHECK-SAME: %[[OUT:[^:]*]]: memref<4xf32>, %[[N:[^:]*]]: index, %[[STATUS:[^:]*]]: memref<i32>)
// CHECK: %[[A:.*]] = memref.alloc(%[[N]]) {alignment = 64 : i64} : memref<?xf32>
// CHECK: %[[P:.*]] = memref.extract_aligned_pointer_as_index %[[A]]
// CHECK: %[[OK:.*]] = arith.cmpi ne, %[[P]], %{{.*}} : index
// CHECK: scf.if %[[OK]] {
// CHECK-NEXT: memref.store %{{.*}}, %[[A]]
// CHECK-NEXT: memref.load %[[A]]
// CHECK-NEXT: memref.store %{{.*}}, %[[OUT]]
// CHECK-NEXT: } else {
// CHECK-NEXT: %[[ONE:.*]] = arith.constant 1 : i32
// CHECK-NEXT: memref.atomic_rmw ori %[[ONE]], %[[STATUS]][] : (i32, memref<i32>) -> i32
// CHECK-NEXT: }
// CHECK-NEXT: memref.dealloc %[[A]] : memref<?xf32>
// CHECK-NEXT: return
func.func @scratch(%out: memref<4xf32>, %n: index) {
  %c0 = arith.constant 0 : index
  %f = arith.constant 1.0 : f32
  %a = memref.alloc(%n) {alignment = 64 : i64} : memref<?xf32>
  memref.store %f, %a[%c0] : memref<?xf32>
  %x = memref.load %a[%c0] : memref<?xf32>
  memref.store %x, %out[%c0] : memref<4xf32>
  memref.dealloc %a : memref<?xf32>
  return
}

// -----

// Two allocations: the second and its work are under the first's guard,
// and the first buffer is freed whether the second allocation failed or
// not. Stack buffers are not checked.
// CHECK-LABEL: func.func @nested(
// CHECK: memref.alloca
// CHECK-NOT: extract_aligned_pointer_as_index
// CHECK: %[[A:.*]] = memref.alloc(
// CHECK: scf.if %{{.*}} {
// CHECK-NEXT: %[[B:.*]] = memref.alloc(
// CHECK: scf.if %{{.*}} {
// CHECK-NEXT: memref.copy %[[A]], %[[B]]
// CHECK-NEXT: } else {
// CHECK: memref.atomic_rmw ori
// CHECK: }
// CHECK-NEXT: memref.dealloc %[[B]]
// CHECK-NEXT: } else {
// CHECK: memref.atomic_rmw ori
// CHECK: }
// CHECK-NEXT: memref.dealloc %[[A]]
// CHECK-NEXT: return
func.func @nested(%n: index) {
  %s = memref.alloca() : memref<16xf32>
  %a = memref.alloc(%n) : memref<?xf32>
  %b = memref.alloc(%n) : memref<?xf32>
  memref.copy %a, %b : memref<?xf32> to memref<?xf32>
  memref.dealloc %a : memref<?xf32>
  memref.dealloc %b : memref<?xf32>
  return
}

// -----

// An allocation per loop iteration. A value the iteration yields comes out
// of the guard (zero when the allocation failed); an iteration after a
// failure does nothing (its arguments may be what the failed one left).
// CHECK-LABEL: func.func @iterations(
// CHECK-SAME: %[[STATUS:[^:]*]]: memref<i32>)
// CHECK: scf.for {{.*}} iter_args(%[[ACC:.*]] = %{{.*}}) -> (f32) {
// CHECK-NEXT: %[[ZERO:.*]] = arith.constant 0 : i32
// CHECK-NEXT: %[[NOW:.*]] = memref.atomic_rmw ori %[[ZERO]], %[[STATUS]][] : (i32, memref<i32>) -> i32
// CHECK-NEXT: %[[CLEAR:.*]] = arith.cmpi eq, %[[NOW]], %[[ZERO]] : i32
// CHECK-NEXT: %[[ITERATION:.*]] = scf.if %[[CLEAR]] -> (f32) {
// CHECK-NEXT: %[[BUF:.*]] = memref.alloc(
// CHECK: %[[G:.*]] = scf.if %{{.*}} -> (f32) {
// CHECK: %[[SUM:.*]] = arith.addf
// CHECK-NEXT: scf.yield %[[SUM]] : f32
// CHECK-NEXT: } else {
// CHECK: memref.atomic_rmw ori
// CHECK-NEXT: %[[SKIPPED:.*]] = arith.constant 0.000000e+00 : f32
// CHECK-NEXT: scf.yield %[[SKIPPED]] : f32
// CHECK-NEXT: }
// CHECK-NEXT: memref.dealloc %[[BUF]]
// CHECK-NEXT: scf.yield %[[G]] : f32
// CHECK-NEXT: } else {
// CHECK-NEXT: arith.constant 0.000000e+00 : f32
// CHECK-NEXT: scf.yield
// CHECK-NEXT: }
// CHECK-NEXT: scf.yield %[[ITERATION]] : f32
func.func @iterations(%n: index) -> f32 {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %zero = arith.constant 0.0 : f32
  %one = arith.constant 1.0 : f32
  %r = scf.for %i = %c0 to %n step %c1 iter_args(%acc = %zero) -> f32 {
    %buf = memref.alloc(%n) : memref<?xf32>
    memref.store %acc, %buf[%c0] : memref<?xf32>
    %v = memref.load %buf[%c0] : memref<?xf32>
    %s = arith.addf %v, %one : f32
    memref.dealloc %buf : memref<?xf32>
    scf.yield %s : f32
  }
  return %r : f32
}

// -----

// After an op that holds an allocation, the rest of the block runs only
// while the status is clear: its results may be missing. A buffer from
// before it is still freed; its own result, poison when skipped, is not.
// CHECK-LABEL: func.func @after_region(
// CHECK-SAME: %[[OUT:[^:]*]]: memref<?xf32>, %[[C:[^:]*]]: i1, %[[N:[^:]*]]: index, %[[STATUS:[^:]*]]: memref<i32>)
// CHECK: %[[BEFORE:.*]] = memref.alloc(%[[N]])
// CHECK: scf.if %{{.*}} {
// CHECK: %[[PICKED:.*]] = scf.if %[[C]] -> (memref<?xf32>) {
// CHECK: %[[ZERO:.*]] = arith.constant 0 : i32
// CHECK-NEXT: %[[NOW:.*]] = memref.atomic_rmw ori %[[ZERO]], %[[STATUS]][]
// CHECK-NEXT: %[[CLEAR:.*]] = arith.cmpi eq, %[[NOW]], %[[ZERO]] : i32
// CHECK-NEXT: scf.if %[[CLEAR]] {
// CHECK-NEXT: memref.copy %[[PICKED]], %[[OUT]]
// CHECK-NEXT: memref.dealloc %[[PICKED]]
// CHECK-NEXT: }
// CHECK-NEXT: } else {
// CHECK: }
// CHECK-NEXT: memref.dealloc %[[BEFORE]]
// CHECK-NEXT: return
func.func @after_region(%out: memref<?xf32>, %c: i1, %n: index) {
  %before = memref.alloc(%n) : memref<?xf32>
  %picked = scf.if %c -> memref<?xf32> {
    %a = memref.alloc(%n) : memref<?xf32>
    memref.copy %before, %a : memref<?xf32> to memref<?xf32>
    scf.yield %a : memref<?xf32>
  } else {
    %b = memref.alloc(%n) : memref<?xf32>
    %sub = memref.subview %b[0] [%n] [1] : memref<?xf32> to memref<?xf32, strided<[1]>>
    %cast = memref.cast %sub : memref<?xf32, strided<[1]>> to memref<?xf32>
    scf.yield %cast : memref<?xf32>
  }
  memref.copy %picked, %out : memref<?xf32> to memref<?xf32>
  memref.dealloc %picked : memref<?xf32>
  memref.dealloc %before : memref<?xf32>
  return
}

// -----

// A memref that the skipped work would have yielded is poison.
// CHECK-LABEL: func.func @skipped_memref(
// CHECK: scf.if %{{.*}} -> (memref<?xf32>) {
// CHECK: memref.cast
// CHECK: } else {
// CHECK: memref.atomic_rmw ori
// CHECK-NEXT: %[[POISON:.*]] = ub.poison : memref<?xf32>
// CHECK-NEXT: scf.yield %[[POISON]] : memref<?xf32>
func.func @skipped_memref(%n: index) -> memref<?xf32> {
  %b = memref.alloc(%n) : memref<?xf32>
  %sub = memref.subview %b[0] [%n] [1] : memref<?xf32> to memref<?xf32, strided<[1]>>
  %cast = memref.cast %sub : memref<?xf32, strided<[1]>> to memref<?xf32>
  return %cast : memref<?xf32>
}

// -----

// Callees defined in the module report into their caller's status, and the
// caller goes on only while it is clear; declarations and calls to them
// are left alone.
// CHECK-LABEL: func.func private @callee(
// CHECK-SAME: %{{.*}}: memref<?xf32>, %{{.*}}: memref<i32>)
// CHECK-LABEL: func.func private @external(memref<?xf32>)
// CHECK-LABEL: func.func @caller(
// CHECK-SAME: %[[M:[^:]*]]: memref<?xf32>, %[[STATUS:[^:]*]]: memref<i32>)
// CHECK-NEXT: call @callee(%[[M]], %[[STATUS]]) : (memref<?xf32>, memref<i32>) -> ()
// CHECK-NEXT: arith.constant 0 : i32
// CHECK-NEXT: memref.atomic_rmw ori
// CHECK-NEXT: %[[CLEAR:.*]] = arith.cmpi eq
// CHECK-NEXT: scf.if %[[CLEAR]] {
// CHECK-NEXT: call @external(%[[M]]) : (memref<?xf32>) -> ()
// CHECK-NEXT: }
// CHECK-NEXT: return
func.func private @callee(%m: memref<?xf32>) {
  %c0 = arith.constant 0 : index
  %d = memref.dim %m, %c0 : memref<?xf32>
  %a = memref.alloc(%d) : memref<?xf32>
  memref.copy %m, %a : memref<?xf32> to memref<?xf32>
  memref.dealloc %a : memref<?xf32>
  return
}
func.func private @external(memref<?xf32>)
func.func @caller(%m: memref<?xf32>) {
  call @callee(%m) : (memref<?xf32>) -> ()
  call @external(%m) : (memref<?xf32>) -> ()
  return
}

// -----

// A stack scope among the guarded ops lowers to branches, which an scf.if
// block cannot hold: the guarded ops go in an scf.execute_region.
// CHECK-LABEL: func.func @stack_scope(
// CHECK: %[[A:.*]] = memref.alloc(
// CHECK: scf.if %{{.*}} {
// CHECK-NEXT: scf.execute_region no_inline {
// CHECK-NEXT: memref.alloca_scope {
// CHECK: memref.copy %[[A]]
// CHECK: }
// CHECK-NEXT: scf.yield
// CHECK-NEXT: }
// CHECK-NEXT: } else {
// CHECK: memref.dealloc %[[A]]
func.func @stack_scope(%n: index) {
  %a = memref.alloc(%n) : memref<?xf32>
  memref.alloca_scope {
    %s = memref.alloca(%n) : memref<?xf32>
    memref.copy %a, %s : memref<?xf32> to memref<?xf32>
  }
  memref.dealloc %a : memref<?xf32>
  return
}
