// RUN: attn-opt %s --split-input-file --attn-to-gpu="warpgroup-mma=true tensor-copies=true warp-specialize=true key-split-ctas=0 query-tile=128 shared-memory-bytes=232448" --canonicalize --cse | FileCheck %s
// RUN: attn-opt %s --split-input-file --attn-to-gpu="warpgroup-mma=true tensor-copies=true warp-specialize=true key-split-ctas=0 query-tile=64" --canonicalize --cse | FileCheck %s --check-prefix=ONE
// RUN: attn-opt %s --split-input-file --attn-lower-to-cuda="chip=sm_90a emulate=true" | FileCheck %s --check-prefix=EMU

// warp-specialize (sm_90a): two compute warpgroups (query-tile 128) and a
// producer warpgroup after them, 384 threads, one CTA per SM so that ptxas
// knows the registers at launch. A ring of four K/V buffers (64 keys x 64
// bf16 columns each, 16 KiB for K and V): four full mbarriers (one arrival:
// the producer's expect_tx) and four empty ones (one arrival per compute
// thread), 32 bytes after them.
// CHECK-LABEL: func.func @main
// CHECK: gpu.launch_func @attn_kernels::@attention_0 {{.*}} threads in (%c384, %c1, %c1) dynamic_shared_memory_size %c82992_i32
// CHECK-LABEL: gpu.func @attention_0
// CHECK-SAME: known_block_size = array<i32: 384, 1, 1>, nvvm.minctasm = 1 : i32
// CHECK: %[[BARRIERS:.*]] = arith.addi %{{.*}}, %c81920 : index
// CHECK-COUNT-4: nvvm.mbarrier.init %{{.*}}, %c1_i32
// CHECK-COUNT-4: nvvm.mbarrier.init %{{.*}}, %c256_i32
// CHECK-NEXT: nvvm.fence.mbarrier.init
// CHECK: gpu.barrier
// The producer warpgroup hands registers back; its first thread acquires
// the maps and, for each key tile, waits until the tile's buffer is empty
// (phase round - 1 of its empty mbarrier, parity (round + 1) mod 2, which
// the fresh barrier passes in round 0), then arms the full mbarrier and
// issues K's and V's boxes.
// CHECK: %[[PRODUCER:.*]] = arith.cmpi uge, %thread_id_x, %c256 : index
// CHECK-NEXT: scf.if %[[PRODUCER]] {
// CHECK-NEXT: nvvm.setmaxregister decrease 24
// CHECK-NEXT: %[[FIRST:.*]] = arith.cmpi eq, %thread_id_x, %c256 : index
// CHECK-NEXT: scf.if %[[FIRST]] {
// CHECK-COUNT-2: nvvm.fence.proxy.acquire <sys>
// CHECK: scf.for %[[K0:.*]] = %c0 to %{{.*}} step %c64 {
// CHECK-NEXT: %[[STEP:.*]] = arith.divui %[[K0]], %c64
// CHECK-NEXT: %[[BUF:.*]] = arith.remui %[[STEP]], %c4
// CHECK-NEXT: %[[ROUND:.*]] = arith.divui %[[STEP]], %c4
// CHECK-NEXT: %[[AT:.*]] = arith.muli %[[BUF]], %c8
// CHECK-NEXT: %[[FULL:.*]] = arith.addi %[[BARRIERS]], %[[AT]]
// CHECK-NEXT: %[[EMPTY:.*]] = arith.addi %[[FULL]], %c32
// CHECK-NEXT: %[[NEXT:.*]] = arith.addi %[[ROUND]], %c1
// CHECK-NEXT: %[[PARITY:.*]] = arith.remui %[[NEXT]], %c2
// CHECK: nvvm.mbarrier.try_wait.parity
// CHECK: nvvm.mbarrier.arrive.expect_tx %{{.*}}, %c16384_i32
// CHECK-COUNT-2: nvvm.cp.async.bulk.tensor.shared.cluster.global
// The compute warps take the registers, meet at a named barrier of their
// own 256 threads (never at the CTA's), wait on the full mbarrier by the
// phase of the tile's round and arrive on the empty one when done.
// Ping-pong: warpgroup g waits for its turn at barrier 2 + g before Q K^T
// and passes the turn to barrier 3 - g after it; warpgroup 1 gives
// warpgroup 0 the first turn.
// CHECK: } else {
// CHECK-NEXT: nvvm.setmaxregister increase 240
// CHECK-NEXT: %[[SECOND:.*]] = arith.cmpi uge, %thread_id_x, %c128 : index
// CHECK-NEXT: scf.if %[[SECOND]] {
// CHECK-NEXT: %[[G:.*]] = arith.divui %thread_id_x, %c128 : index
// CHECK-NEXT: %[[G32:.*]] = arith.index_castui %[[G]] : index to i32
// CHECK-NEXT: %[[OTHER:.*]] = arith.subi %c3_i32, %[[G32]] : i32
// CHECK-NEXT: nvvm.barrier.arrive id = %[[OTHER]] number_of_threads = %c256_i32
// CHECK-NOT: gpu.barrier
// CHECK-NOT: nvvm.cp.async.bulk.tensor
// CHECK: nvvm.barrier id = %c1_i32 number_of_threads = %c256_i32
// CHECK: scf.for
// CHECK: nvvm.mbarrier.try_wait.parity
// CHECK: %[[MINE:.*]] = arith.addi %[[G2:.*]], %c2_i32 : i32
// CHECK-NEXT: nvvm.barrier id = %[[MINE]] number_of_threads = %c256_i32
// CHECK: wgmma.mma_async
// CHECK: wgmma.wait_group
// CHECK: %[[NEXT_TURN:.*]] = arith.subi %c3_i32, %[[G2]] : i32
// CHECK-NEXT: nvvm.barrier.arrive id = %[[NEXT_TURN]] number_of_threads = %c256_i32
// CHECK: wgmma.mma_async
// CHECK: nvvm.mbarrier.arrive %{{.*}} : !llvm.ptr<3>
// CHECK-NEXT: scf.yield
// CHECK-NOT: gpu.barrier
// CHECK: gpu.return

// One compute warpgroup (query-tile 64): 256 threads may keep 255
// registers each at launch, so no setmaxnreg; 128 arrivals per buffer; no
// ping-pong.
// ONE-LABEL: gpu.func @attention_0
// ONE-SAME: known_block_size = array<i32: 256, 1, 1>} {
// ONE-NOT: setmaxregister
// ONE-NOT: nvvm.barrier.arrive
// ONE-COUNT-4: nvvm.mbarrier.init %{{.*}}, %c128_i32
// ONE-NOT: setmaxregister
// ONE: nvvm.barrier id = %c1_i32 number_of_threads = %c128_i32
// ONE-NOT: setmaxregister
// ONE-NOT: nvvm.barrier.arrive
// One compute warpgroup overlaps its softmax with the MMAs. The first key
// tile: its scores (waited for at once) and its weights, packed as P V's A
// registers, in an scf.if. The loop from the second tile issues Q K^T and
// the previous tile's P V behind one fence as two groups, waits for the
// scores alone, and after the softmax for P V (and the new weights), then
// hands the previous tile's buffer back. The last tile's P V comes after
// the loop.
// ONE: scf.if %{{.*}} -> (f32, f32, f32, f32, vector<2xbf16>
// ONE: "wgmma.wait_group.sync.aligned 0;"
// ONE: scf.for %{{.*}} = %c64 to
// ONE: nvvm.wgmma.fence.aligned
// ONE-NOT: nvvm.wgmma.fence.aligned
// ONE: nvvm.wgmma.commit.group.sync.aligned
// ONE-NOT: nvvm.wgmma.fence.aligned
// ONE: nvvm.wgmma.commit.group.sync.aligned
// ONE-NEXT: "wgmma.wait_group.sync.aligned 1;"
// ONE: "wgmma.wait_group.sync.aligned 0;"
// ONE: nvvm.mbarrier.arrive
// ONE: scf.if
// ONE: nvvm.wgmma.commit.group.sync.aligned
// ONE-NEXT: "wgmma.wait_group.sync.aligned 0;"
// ONE: nvvm.mbarrier.arrive
// ONE: gpu.return

// The pipeline sets warp-specialize for sm_90a; under attn-emulate-gpu the
// named barrier, the arrivals and setmaxnreg become the emulator's calls
// (setmaxnreg none).
// EMU-LABEL: llvm.func internal @attn_kernels_attention_0(
// EMU-NOT: setmaxnreg
// EMU: llvm.call @attnEmuBarrier()
// EMU: llvm.call @attnEmuMbarrierWait(
// EMU: llvm.call @attnEmuTensorLoad(
// EMU: llvm.call @attnEmuNamedBarrier(
// EMU: llvm.call @attnEmuMbarrierWait(
// EMU: llvm.call @attnEmuMbarrierArrive(
func.func @main(%q: tensor<?x4x?x64xbf16>, %k: tensor<?x4x?x64xbf16>,
                %v: tensor<?x4x?x64xbf16>) -> tensor<?x4x?x64xbf16> {
  %o = attn.attention %q, %k, %v {causal}
      : tensor<?x4x?x64xbf16>, tensor<?x4x?x64xbf16>, tensor<?x4x?x64xbf16>
      -> tensor<?x4x?x64xbf16>
  return %o : tensor<?x4x?x64xbf16>
}

// -----

// D = V = 256, bf16, within sm_90a's 227 KiB: four buffers of 64 keys
// (64 KiB each, K and V) do not fit beside Q; the ring shrinks to two
// before the key tile does (2 x 64 KiB + 64 KiB of Q).
// CHECK-LABEL: func.func @main
// CHECK: gpu.launch_func {{.*}} threads in (%c384, %c1, %c1) dynamic_shared_memory_size %c197648_i32
// CHECK-LABEL: gpu.func @attention_0
// CHECK-COUNT-2: nvvm.mbarrier.init %{{.*}}, %c1_i32
// CHECK-COUNT-2: nvvm.mbarrier.init %{{.*}}, %c256_i32
// CHECK-NEXT: nvvm.fence.mbarrier.init
// CHECK: nvvm.mbarrier.arrive.expect_tx %{{.*}}, %c65536_i32
// ONE-LABEL: gpu.func @attention_0
// EMU-LABEL: llvm.func internal @attn_kernels_attention_0(
func.func @main(%q: tensor<?x2x?x256xbf16>, %k: tensor<?x2x?x256xbf16>,
                %v: tensor<?x2x?x256xbf16>) -> tensor<?x2x?x256xbf16> {
  %o = attn.attention %q, %k, %v
      : tensor<?x2x?x256xbf16>, tensor<?x2x?x256xbf16>, tensor<?x2x?x256xbf16>
      -> tensor<?x2x?x256xbf16>
  return %o : tensor<?x2x?x256xbf16>
}

// -----

// The normalisers that choose keys keep cp.async, so no producer: 256
// threads for 128 rows, CTA barriers.
// CHECK-LABEL: gpu.func @attention_0
// CHECK-SAME: known_block_size = array<i32: 256, 1, 1>} {
// CHECK-NOT: mbarrier
// CHECK-NOT: setmaxregister
// CHECK: gpu.barrier
// CHECK-NOT: mbarrier
// CHECK-NOT: setmaxregister
// CHECK: gpu.return
// ONE-LABEL: gpu.func @attention_0
// EMU-LABEL: llvm.func internal @attn_kernels_attention_0(
func.func @main(%q: tensor<?x2x?x64xf16>, %k: tensor<?x2x?x64xf16>,
                %v: tensor<?x2x?x64xf16>) -> tensor<?x2x?x64xf16> {
  %o = attn.attention %q, %k, %v {normalizer = #attn.normalizer<hard>}
      : tensor<?x2x?x64xf16>, tensor<?x2x?x64xf16>, tensor<?x2x?x64xf16>
      -> tensor<?x2x?x64xf16>
  return %o : tensor<?x2x?x64xf16>
}
