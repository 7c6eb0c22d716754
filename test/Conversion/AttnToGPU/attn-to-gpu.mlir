// RUN: attn-opt %s --attn-to-gpu | FileCheck %s --enable-var-scope
// RUN: attn-opt %s --attn-to-gpu="query-tile=128 key-tile=32" | FileCheck %s --check-prefix=BIG

// The host side: one launch per op, a CTA per (query tile, head, batch),
// one warp per 16 query rows, shared memory for Q and two K and V tiles:
// 2 * (64 * 64 + 2 * 64 * 64 + 2 * 64 * 64) = 40960 bytes.
// CHECK: module attributes {{{.*}}gpu.container_module
// CHECK-LABEL: func.func @causal
// CHECK: %[[B:.*]] = memref.dim %{{.*}}, %c0
// CHECK: %[[OUT:.*]] = memref.alloc
// CHECK: %[[NTILES:.*]] = arith.ceildivsi
// CHECK: %[[HEADS:.*]] = arith.constant 4 : index
// CHECK: %[[THREADS:.*]] = arith.constant 128 : index
// CHECK: %[[SMEM:.*]] = arith.constant 40960 : i32
// CHECK: gpu.launch_func @attn_kernels::@attention_0 blocks in (%[[NTILES]], %[[HEADS]], %[[B]]) threads in (%[[THREADS]], %{{.*}}, %{{.*}}) dynamic_shared_memory_size %[[SMEM]] args(%{{.*}} : memref<?x4x?x64xf16>, %{{.*}} : memref<?x4x?x64xf16>, %{{.*}} : memref<?x4x?x64xf16>, %[[OUT]] : memref<?x4x?x64xf16>)
// CHECK: bufferization.to_tensor %[[OUT]]

// The kernel: Q and the first K/V tile copied asynchronously in two
// groups, zero-filled past the end (the source element count operand).
// CHECK: gpu.module @attn_kernels
// CHECK: gpu.func @attention_0({{.*}}) kernel attributes {known_block_size = array<i32: 128, 1, 1>}
// CHECK: gpu.dynamic_shared_memory
// CHECK: nvgpu.device_async_copy %arg0[{{.*}}], %{{.*}}[{{.*}}], 8, %{{.*}} {bypassL1} : memref<?x4x?x64xf16> to memref<4096xf16, #gpu.address_space<workgroup>>
// CHECK: nvvm.cp.async.commit.group
// CHECK: nvgpu.device_async_copy %arg1
// CHECK: nvgpu.device_async_copy %arg2
// CHECK: nvvm.cp.async.commit.group
// CHECK: nvvm.cp.async.wait.group 1
// CHECK: gpu.barrier
// Q fragments stay in registers (D = 64: four k-steps of 16).
// CHECK-COUNT-4: nvgpu.ldmatrix %{{.*}} {numTiles = 4 : i32, transpose = false}
// The key loop: prefetch the next tile into the other buffer, then wait
// for this one.
// CHECK: scf.for
// CHECK: scf.if
// CHECK: nvgpu.device_async_copy %arg1
// CHECK: nvvm.cp.async.commit.group
// CHECK: nvvm.cp.async.wait.group 1
// CHECK: gpu.barrier
// S = Q K^T: K fragments for two n-tiles per ldmatrix, two mma each.
// CHECK: nvgpu.ldmatrix %{{.*}} {numTiles = 4 : i32, transpose = false}
// CHECK: nvvm.mma.sync {{.*}}shape = #nvvm.shape<m = 16, n = 8, k = 16>{{.*}} : (vector<2xf16>, vector<2xf16>, f32) -> !llvm.struct<(f32, f32, f32, f32)>
// The causal mask only where the tile is not fully visible.
// CHECK: scf.if %{{.*}} -> (f32
// CHECK: } else {
// CHECK: arith.cmpi sle
// Online softmax on the fragments: row max over the quad.
// CHECK: gpu.shuffle xor %{{.*}}, %{{.*}}, %{{.*}} : f32
// CHECK: llvm.call_intrinsic "llvm.nvvm.ex2.approx.f32"
// O += P V with V through ldmatrix.trans.
// CHECK: nvgpu.ldmatrix %{{.*}} {numTiles = 4 : i32, transpose = true}
// CHECK: nvvm.mma.sync
// CHECK: gpu.barrier
// CHECK: scf.yield
// Epilogue: O / l stored as f16 pairs for rows inside the sequence.
// CHECK: vector.store %{{.*}}, %arg3[{{.*}}] : memref<?x4x?x64xf16>, vector<2xf16>

// 128 query rows (8 warps), 32 keys: 2 * (128 * 64 + 4 * 32 * 64) bytes.
// BIG: arith.constant 32768 : i32
// BIG: gpu.launch_func {{.*}} threads in (%c256,
// BIG: known_block_size = array<i32: 256, 1, 1>
func.func @causal(%q: tensor<?x4x?x64xf16>, %k: tensor<?x4x?x64xf16>,
                  %v: tensor<?x4x?x64xf16>) -> tensor<?x4x?x64xf16> {
  %o = attn.attention %q, %k, %v {causal}
      : tensor<?x4x?x64xf16>, tensor<?x4x?x64xf16>, tensor<?x4x?x64xf16>
      -> tensor<?x4x?x64xf16>
  return %o : tensor<?x4x?x64xf16>
}
