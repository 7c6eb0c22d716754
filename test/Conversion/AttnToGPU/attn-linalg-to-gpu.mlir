// RUN: attn-opt %s --attn-linalg-to-gpu --split-input-file | FileCheck %s

// A projection after a fill, a constant, a scalar the body captures from a
// device buffer, and the buffers around them.

memref.global "private" constant @table : memref<4xf32> = dense<[1.0, 2.0, 3.0, 4.0]>

// CHECK: module attributes {gpu.container_module}
// CHECK-LABEL: func.func @graph(
// CHECK-SAME: %[[A:[^:]+]]: memref<?x8xf32>, %[[W:[^:]+]]: memref<8x4xf32>, %[[G:[^:]+]]: memref<1xf32>, %[[OUT:[^:]+]]: memref<?x4xf32>)
func.func @graph(%a: memref<?x8xf32>, %w: memref<8x4xf32>, %g: memref<1xf32>,
                 %out: memref<?x4xf32>) {
  %c0 = arith.constant 0 : index
  %zero = arith.constant 0.0 : f32
  %n = memref.dim %a, %c0 : memref<?x8xf32>
  // The intermediate buffer is device memory, allocated on the call's
  // stream and waited for.
  // CHECK: %[[S0:.*]] = gpu.wait async
  // CHECK: %[[T:.*]], %[[D0:.*]] = gpu.alloc async [%[[S0]]] (%{{.*}}) : memref<?x4xf32>
  // CHECK: gpu.wait [%[[D0]]]
  %t = memref.alloc(%n) : memref<?x4xf32>
  // One thread per element, no launch on an empty grid.
  // CHECK: %[[POINTS:.*]] = arith.muli %{{.*}}, %{{.*}} : index
  // CHECK: %[[CTAS:.*]] = arith.ceildivui %[[POINTS]], %[[C256:.*]] : index
  // CHECK: %[[ANY:.*]] = arith.cmpi ugt, %[[POINTS]]
  // CHECK: scf.if %[[ANY]] {
  // CHECK: gpu.launch_func @attn_kernels::@linalg blocks in (%[[CTAS]], %{{.*}}, %{{.*}}) threads in (%[[C256]], %{{.*}}, %{{.*}}) args(%[[POINTS]] : index, %{{.*}} : index, %[[T]] : memref<?x4xf32>)
  linalg.fill ins(%zero : f32) outs(%t : memref<?x4xf32>)
  // CHECK: gpu.launch_func @attn_kernels::@linalg_0 {{.*}} args(%{{.*}} : index, %{{.*}} : index, %[[T]] : memref<?x4xf32>, %[[A]] : memref<?x8xf32>, %[[W]] : memref<8x4xf32>)
  linalg.matmul ins(%a, %w : memref<?x8xf32>, memref<8x4xf32>)
                outs(%t : memref<?x4xf32>)
  // The constant: a device copy, freed at the end of the block.
  // CHECK: %[[GLOBAL:.*]] = memref.get_global @table : memref<4xf32>
  // CHECK: %[[TABLE:.*]], %{{.*}} = gpu.alloc async [%{{.*}}] () : memref<4xf32>
  // CHECK: gpu.memcpy async [%{{.*}}] %[[TABLE]], %[[GLOBAL]] : memref<4xf32>, memref<4xf32>
  %table = memref.get_global @table : memref<4xf32>
  // The scalar: a one-thread kernel copies it to a device cell, which
  // comes to a host alloca.
  // CHECK: %[[CELL:.*]], %{{.*}} = gpu.alloc async [%{{.*}}] () : memref<1xf32>
  // CHECK: gpu.launch_func @attn_kernels::@linalg_1 {{.*}} args(%[[G]] : memref<1xf32>, %[[CELL]] : memref<1xf32>)
  // CHECK: %[[HOST:.*]] = memref.alloca() : memref<1xf32>
  // CHECK: gpu.memcpy async [%{{.*}}] %[[HOST]], %[[CELL]] : memref<1xf32>, memref<1xf32>
  // CHECK: gpu.dealloc async [%{{.*}}] %[[CELL]] : memref<1xf32>
  // CHECK: %[[GAMMA:.*]] = memref.load %[[HOST]]
  %gamma = memref.load %g[%c0] : memref<1xf32>
  // CHECK: gpu.launch_func @attn_kernels::@linalg_2 {{.*}} args(%{{.*}} : index, %{{.*}} : index, %[[OUT]] : memref<?x4xf32>, %[[T]] : memref<?x4xf32>, %[[TABLE]] : memref<4xf32>, %[[GAMMA]] : f32)
  linalg.generic {indexing_maps = [affine_map<(i, j) -> (i, j)>,
                                   affine_map<(i, j) -> (j)>,
                                   affine_map<(i, j) -> (i, j)>],
                  iterator_types = ["parallel", "parallel"]}
      ins(%t, %table : memref<?x4xf32>, memref<4xf32>)
      outs(%out : memref<?x4xf32>) {
  ^bb0(%x: f32, %y: f32, %o: f32):
    %p = arith.mulf %x, %y : f32
    %q = arith.mulf %p, %gamma : f32
    linalg.yield %q : f32
  }
  // CHECK: gpu.dealloc async [%{{.*}}] %[[T]] : memref<?x4xf32>
  // CHECK: gpu.dealloc async [%{{.*}}] %[[TABLE]] : memref<4xf32>
  // CHECK-NEXT: gpu.wait
  // CHECK-NEXT: return
  memref.dealloc %t : memref<?x4xf32>
  return
}

// The kernels, in the module of the attention's.
// CHECK: gpu.module @attn_kernels {
// CHECK: gpu.func @linalg(%[[POINTS:.*]]: index, %[[ROWS:.*]]: index, %[[T:.*]]: memref<?x4xf32>) kernel
// CHECK: %[[P:.*]] = arith.addi
// CHECK: %[[IN:.*]] = arith.cmpi ult, %[[P]], %[[POINTS]] : index
// CHECK: scf.if %[[IN]] {
// The last dim fastest.
// CHECK: %[[J:.*]] = arith.remui %[[P]], %{{.*}} : index
// CHECK: %[[R:.*]] = arith.divui %[[P]], %{{.*}} : index
// CHECK: %[[I:.*]] = arith.remui %[[R]], %[[ROWS]] : index
// CHECK: memref.store %{{.*}}, %[[T]][%[[I]], %[[J]]]
// The matmul: the output element stays in a register across the
// reduction loop.
// CHECK: gpu.func @linalg_0(
// CHECK: %[[ACC0:.*]] = memref.load %{{.*}}[%[[I0:.*]], %[[J0:.*]]] : memref<?x4xf32>
// CHECK: %[[SUM:.*]] = scf.for %[[K:.*]] = %{{.*}} to %{{.*}} step %{{.*}} iter_args(%[[ACC:.*]] = %[[ACC0]]) -> (f32) {
// CHECK: memref.load %{{.*}}[%[[I0]], %[[K]]] : memref<?x8xf32>
// CHECK: memref.load %{{.*}}[%[[K]], %[[J0]]] : memref<8x4xf32>
// CHECK: arith.mulf
// CHECK: arith.addf %[[ACC]]
// CHECK: memref.store %[[SUM]], %{{.*}}[%[[I0]], %[[J0]]]
// CHECK: gpu.func @linalg_1(
// CHECK: gpu.func @linalg_2(

// -----

// The target shape of a dynamic reshape stays on the host; the reshaped
// buffer is the device's.
// CHECK-LABEL: func.func @reshape_shape(
func.func @reshape_shape(%a: memref<?xf32>, %rows: index) -> memref<?x?xf32> {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %n = memref.dim %a, %c0 : memref<?xf32>
  %cols = arith.divui %n, %rows : index
  // CHECK: %[[SHAPE:.*]] = memref.alloc() : memref<2xindex>
  // CHECK: memref.store %{{.*}}, %[[SHAPE]]
  // CHECK: memref.reshape %{{.*}}(%[[SHAPE]])
  %shape = memref.alloc() : memref<2xindex>
  memref.store %rows, %shape[%c0] : memref<2xindex>
  memref.store %cols, %shape[%c1] : memref<2xindex>
  %r = memref.reshape %a(%shape) : (memref<?xf32>, memref<2xindex>) -> memref<?x?xf32>
  // CHECK: memref.dealloc %[[SHAPE]]
  memref.dealloc %shape : memref<2xindex>
  return %r : memref<?x?xf32>
}

// -----

// A reduction whose output map involves the reduction dim reads and
// writes the output at every point.
// CHECK-LABEL: gpu.func @linalg(
// CHECK: scf.for
// CHECK: memref.load
// CHECK: memref.load
// CHECK: memref.store
// CHECK: }
func.func @scatter(%a: memref<4x8xf32>, %b: memref<8xf32>) {
  linalg.generic {indexing_maps = [affine_map<(i, k) -> (i, k)>,
                                   affine_map<(i, k) -> (k)>],
                  iterator_types = ["parallel", "reduction"]}
      ins(%a : memref<4x8xf32>) outs(%b : memref<8xf32>) {
  ^bb0(%x: f32, %o: f32):
    %s = arith.addf %x, %o : f32
    linalg.yield %s : f32
  }
  return
}
