// RUN: attn-opt %s --split-input-file --attn-to-gpu="warpgroup-mma=true tensor-copies=true key-split-ctas=0" | FileCheck %s
// RUN: attn-opt %s --split-input-file --attn-lower-to-cuda="chip=sm_90a emulate=true" | FileCheck %s --check-prefix=EMU

// tensor-copies (sm_90a): the host makes K's and V's tensor maps (boxes of
// 64 keys x 64 bf16 columns) before the launch and passes their device
// addresses. In the kernel, thread 0 initialises two mbarriers (one per
// buffer), acquires the maps (fence.proxy.tensormap) and, for each K/V tile, announces its 2 x 64 x 128 bytes and
// issues one TMA box for K and one for V; every thread waits for its
// buffer's phase by parity; no cp.async or proxy fence is left for K/V.
// Under attn-emulate-gpu they become the emulator's calls.
// CHECK: func.func private @attnCudaTensorMap(i64, i64, i64, i64, i64, i64, i64, i64, i64, i64, i64) -> i64
// CHECK-LABEL: func.func @main
// CHECK-COUNT-2: call @attnCudaTensorMap({{.*}}, %c64_i64{{.*}}, %c64_i64{{.*}})
// CHECK: gpu.launch_func @attn_kernels::@attention_0 {{.*}} args({{.*}} : index, %{{.*}} : index)
// CHECK-LABEL: gpu.func @attention_0
// CHECK-COUNT-2: nvvm.mbarrier.init
// CHECK-COUNT-2: nvvm.fence.proxy.acquire <sys>
// CHECK: nvvm.cp.async.commit.group
// The first tile only if the key range has one (an empty range waits for
// nothing, and no copy may outlive the CTA).
// CHECK: %[[T0:.*]] = arith.cmpi eq, %thread_id_x, %{{.*}} : index
// CHECK-NEXT: %[[LIVE:.*]] = arith.cmpi slt, %{{.*}}, %{{.*}} : index
// CHECK-NEXT: %[[ISSUE:.*]] = arith.andi %[[T0]], %[[LIVE]] : i1
// CHECK-NEXT: scf.if %[[ISSUE]] {
// CHECK: nvvm.mbarrier.arrive.expect_tx %{{.*}}, %c16384_i32
// CHECK-COUNT-2: nvvm.cp.async.bulk.tensor.shared.cluster.global {{.*}} box[{{.*}}] : !llvm.ptr<7>, !llvm.ptr
// CHECK: nvvm.cp.async.wait.group 0
// CHECK-NEXT: gpu.barrier
// CHECK: scf.for
// CHECK: nvvm.mbarrier.arrive.expect_tx %{{.*}}, %c16384_i32
// CHECK-COUNT-2: nvvm.cp.async.bulk.tensor.shared.cluster.global
// CHECK-NOT: nvgpu.device_async_copy
// CHECK-NOT: nvvm.fence.proxy
// CHECK: nvvm.mbarrier.try_wait.parity
// CHECK-NOT: nvgpu.device_async_copy
// CHECK-NOT: nvvm.fence.proxy
// CHECK: gpu.return

// EMU-LABEL: llvm.func internal @main(
// EMU-COUNT-2: llvm.call @attnEmuTensorMap(
// EMU: llvm.call @attnEmuLaunch(
// EMU-LABEL: llvm.func internal @attn_kernels_attention_0(
// EMU-COUNT-2: llvm.call @attnEmuMbarrierInit(
// EMU: llvm.call @attnEmuMbarrierArriveExpectTx(
// EMU: llvm.call @attnEmuTensorLoad(
// EMU: llvm.call @attnEmuMbarrierWait(
func.func @main(%q: tensor<?x4x?x64xbf16>, %k: tensor<?x4x?x64xbf16>,
                %v: tensor<?x4x?x64xbf16>) -> tensor<?x4x?x64xbf16> {
  %o = attn.attention %q, %k, %v {causal}
      : tensor<?x4x?x64xbf16>, tensor<?x4x?x64xbf16>, tensor<?x4x?x64xbf16>
      -> tensor<?x4x?x64xbf16>
  return %o : tensor<?x4x?x64xbf16>
}

// -----

// D = 40 (80-byte rows) and Dv = 128, f16: K is one box per tile, its
// columns past 40 zeros from the TMA, and V two (64 x 64 x 2 x 3 bytes).
// CHECK-LABEL: gpu.func @attention_0
// CHECK: nvvm.mbarrier.arrive.expect_tx %{{.*}}, %c24576_i32
// CHECK-COUNT-3: nvvm.cp.async.bulk.tensor.shared.cluster.global
// CHECK: gpu.return
func.func @main(%q: tensor<?x2x?x40xf16>, %k: tensor<?x2x?x40xf16>,
                %v: tensor<?x2x?x128xf16>) -> tensor<?x2x?x128xf16> {
  %o = attn.attention %q, %k, %v
      : tensor<?x2x?x40xf16>, tensor<?x2x?x40xf16>, tensor<?x2x?x128xf16>
      -> tensor<?x2x?x128xf16>
  return %o : tensor<?x2x?x128xf16>
}

// -----

// Near misses keep cp.async: rows of 36 x 2 bytes (not a multiple of 16,
// TMA's stride rule) ...
// CHECK-LABEL: func.func @main
// CHECK-NOT: attnCudaTensorMap
// CHECK-LABEL: gpu.func @attention_0
// CHECK-NOT: mbarrier
// CHECK: nvgpu.device_async_copy %arg1
// CHECK-NOT: mbarrier
// CHECK: gpu.return
func.func @main(%q: tensor<?x2x?x36xbf16>, %k: tensor<?x2x?x36xbf16>,
                %v: tensor<?x2x?x36xbf16>) -> tensor<?x2x?x36xbf16> {
  %o = attn.attention %q, %k, %v
      : tensor<?x2x?x36xbf16>, tensor<?x2x?x36xbf16>, tensor<?x2x?x36xbf16>
      -> tensor<?x2x?x36xbf16>
  return %o : tensor<?x2x?x36xbf16>
}

// -----

// ... a normaliser that chooses keys (two passes over them) ...
// CHECK-LABEL: func.func @main
// CHECK-NOT: attnCudaTensorMap
// CHECK-LABEL: gpu.func @attention_0
// CHECK-NOT: mbarrier
// CHECK: nvgpu.device_async_copy %arg1
// CHECK: gpu.return
func.func @main(%q: tensor<?x2x?x64xf16>, %k: tensor<?x2x?x64xf16>,
                %v: tensor<?x2x?x64xf16>) -> tensor<?x2x?x64xf16> {
  %o = attn.attention %q, %k, %v {normalizer = #attn.normalizer<topk>, top_k = 4 : i64}
      : tensor<?x2x?x64xf16>, tensor<?x2x?x64xf16>, tensor<?x2x?x64xf16>
      -> tensor<?x2x?x64xf16>
  return %o : tensor<?x2x?x64xf16>
}

// -----

// ... and a paged cache (each row from the page its block table names).
// CHECK-LABEL: func.func @main
// CHECK-NOT: attnCudaTensorMap
// CHECK-LABEL: gpu.func @attention_0
// CHECK-NOT: mbarrier
// CHECK: nvgpu.device_async_copy %arg1
// CHECK: gpu.return
func.func @main(%q: tensor<?x2x?x64xbf16>, %k_pages: tensor<?x2x32x64xbf16>,
                %v_pages: tensor<?x2x32x64xbf16>, %len: tensor<?xi32>,
                %table: tensor<?x?xi32>) -> tensor<?x2x?x64xbf16> {
  %o = attn.attention %q, %k_pages, %v_pages
      key_lengths(%len : tensor<?xi32>) block_table(%table : tensor<?x?xi32>)
      : tensor<?x2x?x64xbf16>, tensor<?x2x32x64xbf16>, tensor<?x2x32x64xbf16>
      -> tensor<?x2x?x64xbf16>
  return %o : tensor<?x2x?x64xbf16>
}
