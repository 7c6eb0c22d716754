// RUN: attn-opt %s --attn-lower-to-cuda="emulate=true" | FileCheck %s --enable-var-scope

// The kernel that becomes PTX, moved into the host module with its NVVM
// ops as calls into the emulator library, and the launch as a call of
// attnEmuLaunch with the kernel's entry and its arguments.
// CHECK-NOT: gpu.module
// CHECK-NOT: nvvm.
// CHECK-DAG: llvm.func @attnEmuLaunch(!llvm.ptr, i64, i64, i64, i64, i64, i64, i32, !llvm.ptr)
// CHECK-DAG: llvm.func @attnEmuMma(i32, !llvm.ptr, !llvm.ptr, !llvm.ptr, !llvm.ptr)
// CHECK-DAG: llvm.func @attnEmuLdmatrix(!llvm.ptr, i32, i32, !llvm.ptr)
// CHECK-DAG: llvm.func @attnEmuCopy(!llvm.ptr, !llvm.ptr, i32, i32)
// CHECK-DAG: llvm.func @attnEmuShuffleXor(i32, i32) -> i32
// CHECK-DAG: llvm.func @attnEmuBarrier()
// CHECK-LABEL: llvm.func internal @main(
// CHECK: %[[ENTRY:.*]] = llvm.mlir.addressof @attn_kernels_attention_0_entry
// CHECK: llvm.call @attnEmuLaunch(%[[ENTRY]], {{.*}}) : (!llvm.ptr, i64, i64, i64, i64, i64, i64, i32, !llvm.ptr) -> ()
// CHECK-LABEL: llvm.func internal @attn_kernels_attention_0(
// CHECK: llvm.call @attnEmuSharedMemory()
// CHECK: llvm.call @attnEmuSpecialRegister
// CHECK: llvm.call @attnEmuCopy
// CHECK: llvm.call @attnEmuBarrier()
// CHECK: llvm.call @attnEmuLdmatrix
// CHECK: llvm.call @attnEmuMma
// CHECK: llvm.call_intrinsic "llvm.exp2.f32"
// CHECK-LABEL: llvm.func internal @attn_kernels_attention_0_entry(%{{.*}}: !llvm.ptr)
// CHECK: llvm.call @attn_kernels_attention_0(
// The entry points are the CPU ones (no stream).
// CHECK: llvm.func @attn_main_packed(%{{.*}}: !llvm.ptr, %{{.*}}: !llvm.ptr) -> i32
func.func @main(%q: tensor<?x4x?x64xf16>, %k: tensor<?x4x?x64xf16>,
                %v: tensor<?x4x?x64xf16>) -> tensor<?x4x?x64xf16> {
  %o = attn.attention %q, %k, %v {causal}
      : tensor<?x4x?x64xf16>, tensor<?x4x?x64xf16>, tensor<?x4x?x64xf16>
      -> tensor<?x4x?x64xf16>
  return %o : tensor<?x4x?x64xf16>
}
