// RUN: attn-opt %s --split-input-file --attn-to-gpu="key-split-ctas=0" | FileCheck %s --enable-var-scope
// RUN: attn-opt %s --split-input-file --attn-to-gpu="query-tile=128 key-tile=32 key-split-ctas=0" | FileCheck %s --check-prefix=BIG
// RUN: attn-opt %s --split-input-file --attn-to-gpu="key-split-ctas=0" | FileCheck %s --check-prefix=SCORE --enable-var-scope
// RUN: attn-opt %s --split-input-file --attn-to-gpu | FileCheck %s --check-prefix=SPLIT --enable-var-scope

// By default the key range splits while the CTAs are fewer than 256: the
// parts (at most one per two key tiles) multiply grid x, the kernel takes
// them and the partials buffer (one float without a split), and a combine
// kernel merges the parts when there is more than one.
// SPLIT-LABEL: func.func @causal
// SPLIT: %[[NTILES:.*]] = arith.ceildivsi
// SPLIT: %[[KEYTILES:.*]] = arith.ceildivui %{{.*}}, %c64{{(_[0-9]+)?}} : index
// SPLIT: %[[ITEMS:.*]] = arith.maxui
// SPLIT: %[[WANTED:.*]] = arith.ceildivui %c256, %[[ITEMS]]
// SPLIT: arith.divui %[[KEYTILES]], %c2{{(_[0-9]+)?}} : index
// SPLIT: arith.minui
// SPLIT: %[[PARTS:.*]] = arith.maxui %{{.*}}, %c1{{(_[0-9]+)?}} : index
// SPLIT: %[[SPLIT:.*]] = arith.cmpi ugt, %[[PARTS]], %c1{{(_[0-9]+)?}} : index
// SPLIT: %[[PARTIALS:.*]] = memref.alloc(%{{.*}}) {alignment = 64 : i64} : memref<?xf32>
// SPLIT: %[[GRIDX:.*]] = arith.muli %[[NTILES]], %[[PARTS]]
// SPLIT: gpu.launch_func @attn_kernels::@attention_0 blocks in (%[[GRIDX]], {{.*}} args({{.*}}, %[[PARTS]] : index, %[[PARTIALS]] : memref<?xf32>)
// SPLIT: scf.if %[[SPLIT]] {
// SPLIT: gpu.launch_func @attn_kernels::@attention_0_combine blocks in ({{.*}}) threads in (%c256{{.*}}) args(%{{.*}} : memref<?x4x?x64xf16>, %[[PARTS]] : index, %[[PARTIALS]] : memref<?xf32>)
// The kernel: grid x is part * query tiles + tile; the parts write their
// state when there is more than one, else the output.
// SPLIT: gpu.func @attention_0(
// SPLIT: gpu.block_id  x
// SPLIT: arith.divui
// SPLIT: arith.remui
// SPLIT: scf.if %{{.*}} {
// SPLIT: memref.store %{{.*}}, %{{.*}} : memref<?xf32>
// SPLIT: } else {
// SPLIT: vector.store %{{.*}}, %{{.*}} : memref<?x4x?x64xf16>, vector<2xf16>
// The combine kernel: the max over the parts, then the weighted sums.
// SPLIT: gpu.func @attention_0_combine(%{{.*}}: memref<?x4x?x64xf16>, %{{.*}}: index, %{{.*}}: memref<?xf32>) kernel attributes {known_block_size = array<i32: 256, 1, 1>}
// SPLIT: scf.for
// SPLIT: arith.maximumf
// SPLIT: scf.for
// SPLIT: llvm.nvvm.ex2.approx.f32
// SPLIT: arith.divf
// SPLIT: arith.truncf %{{.*}} : f32 to f16
// SPLIT: memref.store %{{.*}}, %{{.*}} : memref<?x4x?x64xf16>

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

// -----

// cosine: the inverse norms of the thread's two query rows from the Q tile
// (16-byte chunks widened to f32), once per CTA before the Q fragments;
// per key tile, lane l the inverse norm of key l and l + 32, gathered by
// shfl.idx into the keys of the thread's fragments; the dot products times
// both before the scale.
// SCORE-LABEL: func.func @cosine
// SCORE: gpu.func @attention_0
// SCORE: nvvm.cp.async.wait.group 1
// SCORE: gpu.barrier
// SCORE: vector.load %{{.*}} : memref<4096xf16, #gpu.address_space<workgroup>>, vector<8xf16>
// SCORE: arith.extf %{{.*}} : vector<8xf16> to vector<8xf32>
// SCORE: vector.fma
// SCORE: math.sqrt
// SCORE: arith.select
// SCORE: nvgpu.ldmatrix
// SCORE: scf.for
// SCORE: gpu.barrier
// SCORE: math.sqrt
// SCORE: gpu.shuffle idx
// SCORE: nvvm.mma.sync
// SCORE: %[[PAIR:.*]] = vector.from_elements %{{[0-9]+(#0)?}}, %{{[0-9]+(#1)?}} : vector<2xf32>
// SCORE-NEXT: %[[ROWS:.*]] = vector.broadcast %{{.*}} : f32 to vector<2xf32>
// SCORE-NEXT: %[[KEYS:.*]] = vector.from_elements %shuffleResult{{.*}} : vector<2xf32>
// SCORE-NEXT: %[[R:.*]] = arith.mulf %[[PAIR]], %[[ROWS]] : vector<2xf32>
// SCORE-NEXT: arith.mulf %[[R]], %[[KEYS]] : vector<2xf32>
func.func @cosine(%q: tensor<?x4x?x64xf16>, %k: tensor<?x4x?x64xf16>,
                  %v: tensor<?x4x?x64xf16>) -> tensor<?x4x?x64xf16> {
  %o = attn.attention %q, %k, %v {score = #attn.score<cosine>, scale = 10.0 : f32}
      : tensor<?x4x?x64xf16>, tensor<?x4x?x64xf16>, tensor<?x4x?x64xf16>
      -> tensor<?x4x?x64xf16>
  return %o : tensor<?x4x?x64xf16>
}

// -----

// neg_l2 on f32 FMAs: |q|^2 and |k|^2 from the padded tiles (vectors of
// four f32), then 2 q.k - |q|^2 - |k|^2.
// SCORE-LABEL: func.func @neg_l2
// SCORE: gpu.func @attention_0
// SCORE: vector.load %{{.*}} : memref<{{[0-9]+}}xf32, #gpu.address_space<workgroup>>, vector<4xf32>
// SCORE-NOT: math.sqrt
// SCORE: scf.for
// SCORE: gpu.shuffle idx
// SCORE: llvm.intr.fma
// SCORE: %[[PAIR:.*]] = vector.from_elements %{{[0-9]+(#0)?}}, %{{[0-9]+(#1)?}} : vector<2xf32>
// SCORE-NEXT: %[[ROWS:.*]] = vector.broadcast %{{.*}} : f32 to vector<2xf32>
// SCORE-NEXT: %[[KEYS:.*]] = vector.from_elements %shuffleResult{{.*}} : vector<2xf32>
// SCORE-NEXT: %[[TWICE:.*]] = arith.addf %[[PAIR]], %[[PAIR]] : vector<2xf32>
// SCORE-NEXT: %[[D:.*]] = arith.subf %[[TWICE]], %[[ROWS]] : vector<2xf32>
// SCORE-NEXT: arith.subf %[[D]], %[[KEYS]] : vector<2xf32>
func.func @neg_l2(%q: tensor<?x4x?x64xf32>, %k: tensor<?x4x?x64xf32>,
                  %v: tensor<?x4x?x64xf32>) -> tensor<?x4x?x64xf32> {
  %o = attn.attention %q, %k, %v {score = #attn.score<neg_l2>}
      : tensor<?x4x?x64xf32>, tensor<?x4x?x64xf32>, tensor<?x4x?x64xf32>
      -> tensor<?x4x?x64xf32>
  return %o : tensor<?x4x?x64xf32>
}

// -----

// general: W is the kernel's last operand; each warp's 16 rows of the Q
// tile become q W (f32 sums over W's rows, a barrier between the sums and
// the stores of a row, f16 stores) before the Q fragments.
// SCORE-LABEL: func.func @general
// SCORE: gpu.launch_func @attn_kernels::@attention_0 {{.*}} args({{.*}}, %{{.*}} : memref<64x64xf32>)
// SCORE: gpu.func @attention_0({{.*}}, %[[W:arg[0-9]+]]: memref<64x64xf32>)
// SCORE: nvvm.cp.async.wait.group 1
// SCORE: gpu.barrier
// SCORE: scf.for
// SCORE: scf.for
// SCORE: memref.load %{{.*}} : memref<4096xf16, #gpu.address_space<workgroup>>
// SCORE: memref.load %[[W]]
// SCORE: scf.yield
// SCORE: gpu.barrier
// SCORE: arith.truncf %{{.*}} : f32 to f16
// SCORE: memref.store %{{.*}} : memref<4096xf16, #gpu.address_space<workgroup>>
// SCORE: gpu.barrier
// SCORE: nvgpu.ldmatrix
func.func @general(%q: tensor<?x4x?x64xf16>, %k: tensor<?x4x?x64xf16>,
                   %v: tensor<?x4x?x64xf16>, %w: tensor<64x64xf32>)
    -> tensor<?x4x?x64xf16> {
  %o = attn.attention %q, %k, %v score_operands(%w : tensor<64x64xf32>)
      {score = #attn.score<general>, scale = 1.0 : f32}
      : tensor<?x4x?x64xf16>, tensor<?x4x?x64xf16>, tensor<?x4x?x64xf16>
      -> tensor<?x4x?x64xf16>
  return %o : tensor<?x4x?x64xf16>
}
