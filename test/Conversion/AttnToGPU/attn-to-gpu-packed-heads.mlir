// RUN: attn-opt %s --split-input-file --attn-to-gpu="key-split-ctas=0" | FileCheck %s

// GQA, 8 query heads on 2 K/V heads, causal: the 4 query heads of a K/V
// head share a CTA. The grid is (ceil(4 Sq / 64), 2, B): grid y is the K/V
// head; the kernel copies packed row r of the Q tile from head 4 y + r % 4,
// row 16 x + r / 4, and stores each fragment row to its own head.
// CHECK-LABEL: func.func @main
// CHECK: %[[ROWS:.*]] = arith.muli %{{.*}}, %c4 : index
// CHECK: %[[TILES:.*]] = arith.ceildivsi %[[ROWS]], %c64 : index
// CHECK: %[[KVHEADS:.*]] = arith.constant 2 : index
// CHECK: gpu.launch_func @attn_kernels::@attention_0 blocks in (%[[TILES]], %[[KVHEADS]], %{{.*}})
// CHECK-LABEL: gpu.func @attention_0
// CHECK: %[[KV:.*]] = gpu.block_id y
// CHECK: %[[FIRST:.*]] = arith.muli %[[KV]], %c4 : index
// CHECK: %[[X:.*]] = gpu.block_id x
// CHECK: arith.muli %[[X]], %c16 : index
// CHECK: arith.addi %[[FIRST]], %{{.*}} : index
// CHECK: nvgpu.device_async_copy %arg0[%block_id_z, %{{[0-9]+}}, %{{[0-9]+}}, %{{[0-9]+}}]
// CHECK: vector.store %{{.*}}, %arg3[%block_id_z, %{{[0-9]+}}, %{{[0-9]+}}, %{{[0-9]+}}]
// CHECK: gpu.return
func.func @main(%q: tensor<?x8x?x64xf16>, %k: tensor<?x2x?x64xf16>,
                %v: tensor<?x2x?x64xf16>) -> tensor<?x8x?x64xf16> {
  %o = attn.attention %q, %k, %v {causal}
      : tensor<?x8x?x64xf16>, tensor<?x2x?x64xf16>, tensor<?x2x?x64xf16>
      -> tensor<?x8x?x64xf16>
  return %o : tensor<?x8x?x64xf16>
}

// -----

// ALiBi depends on the query head: one CTA per query head (grid y = 8).
// CHECK-LABEL: func.func @main
// CHECK: %[[HEADS:.*]] = arith.constant 8 : index
// CHECK: gpu.launch_func @attn_kernels::@attention_0 blocks in (%{{.*}}, %[[HEADS]], %{{.*}})
func.func @main(%q: tensor<?x8x?x64xf16>, %k: tensor<?x2x?x64xf16>,
                %v: tensor<?x2x?x64xf16>) -> tensor<?x8x?x64xf16> {
  %o = attn.attention %q, %k, %v {alibi}
      : tensor<?x8x?x64xf16>, tensor<?x2x?x64xf16>, tensor<?x2x?x64xf16>
      -> tensor<?x8x?x64xf16>
  return %o : tensor<?x8x?x64xf16>
}
