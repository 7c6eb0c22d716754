// RUN: attn-opt %s --split-input-file --attn-to-gpu="warpgroup-mma=true key-split-ctas=0" | FileCheck %s
// RUN: attn-opt %s --split-input-file --attn-to-gpu="warpgroup-mma=true key-split-ctas=0 query-tile=16" | FileCheck %s --check-prefix=FALLBACK
// RUN: attn-opt %s --split-input-file --attn-lower-to-cuda="chip=sm_90a emulate=true" | FileCheck %s --check-prefix=EMU

// warpgroup-mma (sm_90a): the layout starts on a 1024-byte boundary of the
// dynamic shared memory; each K/V tile is fenced to the async proxy before
// the barrier; Q K^T is four m64n64k16 wgmma (D = 64 in k16 steps, K
// K-major: the last immediate, B's transpose, 0) and P V four more (key
// tile 64 in k16 steps, V MN-major: transposed), each group fenced,
// committed and waited for, the accumulators passing through the wait.
// No mma.sync is left. Under attn-emulate-gpu the inline PTX becomes
// calls of attnEmuWarpgroupMma.
// CHECK-LABEL: gpu.func @attention_0
// CHECK: %[[ADDR:.*]] = memref.extract_aligned_pointer_as_index
// CHECK: memref.view %{{.*}}[%{{.*}}][%c40960] : memref<?xi8, #gpu.address_space<workgroup>> to memref<?xi8, #gpu.address_space<workgroup>>
// CHECK: nvvm.fence.proxy {kind = #nvvm.proxy_kind<async.shared>, space = #nvvm.shared_space<cta>}
// CHECK-NEXT: gpu.barrier
// CHECK: nvvm.wgmma.fence.aligned
// CHECK-COUNT-4: llvm.inline_asm has_side_effects "wgmma.mma_async.sync.aligned.m64n64k16.f32.bf16.bf16 {{.*}}, 1, 1, 1, 0;", "{{.*}},r,r,r,r,l"
// CHECK: nvvm.wgmma.commit.group.sync.aligned
// CHECK-NEXT: llvm.inline_asm has_side_effects "wgmma.wait_group.sync.aligned 0;"
// CHECK: nvvm.wgmma.fence.aligned
// CHECK-COUNT-4: llvm.inline_asm has_side_effects "wgmma.mma_async.sync.aligned.m64n64k16.f32.bf16.bf16 {{.*}}, 1, 1, 1, 1;"
// CHECK: nvvm.wgmma.commit.group.sync.aligned
// CHECK-NEXT: llvm.inline_asm has_side_effects "wgmma.wait_group.sync.aligned 0;"
// CHECK-NOT: nvvm.mma.sync
// CHECK: gpu.return

// FALLBACK-LABEL: gpu.func @attention_0
// FALLBACK-NOT: wgmma
// FALLBACK-NOT: nvvm.fence.proxy
// FALLBACK: nvvm.mma.sync
// FALLBACK-NOT: wgmma
// FALLBACK: gpu.return

// EMU-LABEL: llvm.func internal @attn_kernels_attention_0(
// EMU-NOT: inline_asm
// EMU: llvm.call @attnEmuWarpgroupMma(
// EMU-NOT: inline_asm
// EMU-LABEL: llvm.func internal @attn_kernels_attention_0_entry(
func.func @main(%q: tensor<?x4x?x64xbf16>, %k: tensor<?x4x?x64xbf16>,
                %v: tensor<?x4x?x64xbf16>) -> tensor<?x4x?x64xbf16> {
  %o = attn.attention %q, %k, %v {causal}
      : tensor<?x4x?x64xbf16>, tensor<?x4x?x64xbf16>, tensor<?x4x?x64xbf16>
      -> tensor<?x4x?x64xbf16>
  return %o : tensor<?x4x?x64xbf16>
}

// -----

// D = 40 and Dv = 96, f16: the tiles' rows pad to 64 and 128 elements
// (whole 128-byte column blocks), so Q K^T takes four k steps and P V one
// m64n128k16 per 16 keys.
// CHECK-LABEL: gpu.func @attention_0
// CHECK-COUNT-4: "wgmma.mma_async.sync.aligned.m64n64k16.f32.f16.f16 {{.*}}, 1, 1, 1, 0;"
// CHECK: "wgmma.wait_group.sync.aligned 0;"
// CHECK-COUNT-4: "wgmma.mma_async.sync.aligned.m64n128k16.f32.f16.f16 {{.*}}, 1, 1, 1, 1;"
// CHECK: gpu.return
// EMU-LABEL: llvm.func internal @attn_kernels_attention_0(
// EMU: llvm.call @attnEmuWarpgroupMma(
func.func @main(%q: tensor<?x2x?x40xf16>, %k: tensor<?x2x?x40xf16>,
                %v: tensor<?x2x?x96xf16>) -> tensor<?x2x?x96xf16> {
  %o = attn.attention %q, %k, %v
      : tensor<?x2x?x40xf16>, tensor<?x2x?x40xf16>, tensor<?x2x?x96xf16>
      -> tensor<?x2x?x96xf16>
  return %o : tensor<?x2x?x96xf16>
}

// -----

// f32 keeps its exact FMAs, and multi_dimensional (no contraction) the
// mma.sync layout: no warpgroup MMA.
// CHECK-LABEL: gpu.func @attention_0
// CHECK-NOT: wgmma
// CHECK: gpu.return
// CHECK-LABEL: gpu.func @attention_1
// CHECK-NOT: wgmma
// CHECK: gpu.return
func.func @main(%q: tensor<?x4x?x64xf32>, %k: tensor<?x4x?x64xf32>,
                %v: tensor<?x4x?x64xf32>, %qh: tensor<?x4x?x64xf16>,
                %kh: tensor<?x4x?x64xf16>, %vh: tensor<?x4x?x64xf16>,
                %w1: tensor<64x64xf32>, %w2: tensor<64x64xf32>,
                %b1: tensor<64xf32>)
    -> (tensor<?x4x?x64xf32>, tensor<?x4x?x64xf16>) {
  %o = attn.attention %q, %k, %v
      : tensor<?x4x?x64xf32>, tensor<?x4x?x64xf32>, tensor<?x4x?x64xf32>
      -> tensor<?x4x?x64xf32>
  %oh = attn.attention %qh, %kh, %vh score_operands(%w1, %w2, %b1
          : tensor<64x64xf32>, tensor<64x64xf32>, tensor<64xf32>)
      {score = #attn.score<multi_dimensional>, scale = 1.0 : f32}
      : tensor<?x4x?x64xf16>, tensor<?x4x?x64xf16>, tensor<?x4x?x64xf16>
      -> tensor<?x4x?x64xf16>
  return %o, %oh : tensor<?x4x?x64xf32>, tensor<?x4x?x64xf16>
}
