// RUN: attn-opt %s --attn-lower-to-cuda="emulate=true" --split-input-file | FileCheck %s --enable-var-scope
// RUN: attn-opt %s --attn-lower-to-cuda="emulate=true" --split-input-file | FileCheck %s --check-prefix=NOMGPU
// NOMGPU-NOT: @mgpu

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

// -----

// A whole graph: a projection's kernel has no barrier or warp collective,
// so its threads run one after the other (attnEmuLaunchIndependent); the
// device buffer of the projection comes from the emulator's allocation
// functions, MLIR's mgpu* renamed attnEmu* (a process may also hold the
// CUDA runtime's mgpu*).
// CHECK: llvm.func @attnEmuLaunchIndependent(!llvm.ptr, i64, i64, i64, i64, i64, i64, i32, !llvm.ptr)
// CHECK-LABEL: llvm.func internal @main(
// CHECK: llvm.call @attnEmuStreamCreate()
// CHECK: llvm.call @attnEmuMemAlloc(
// CHECK: llvm.call @attnEmuLaunchIndependent(
// CHECK: llvm.call @attnEmuLaunch(
// CHECK: llvm.call @attnEmuMemFree(
// CHECK-DAG: llvm.func @attnEmuStreamCreate() -> !llvm.ptr
// CHECK-DAG: llvm.func @attnEmuMemAlloc(i64, !llvm.ptr, i8) -> !llvm.ptr
// CHECK-DAG: llvm.func @attnEmuMemFree(!llvm.ptr, !llvm.ptr)
func.func @main(%x: tensor<?x4x?x16xf16>, %w: tensor<16x16xf16>,
                %k: tensor<?x4x?x16xf16>, %v: tensor<?x4x?x16xf16>)
    -> tensor<?x4x?x16xf16> {
  %c0 = arith.constant 0 : index
  %c2 = arith.constant 2 : index
  %b = tensor.dim %x, %c0 : tensor<?x4x?x16xf16>
  %s = tensor.dim %x, %c2 : tensor<?x4x?x16xf16>
  %zero = arith.constant 0.0 : f16
  %e = tensor.empty(%b, %s) : tensor<?x4x?x16xf16>
  %f = linalg.fill ins(%zero : f16) outs(%e : tensor<?x4x?x16xf16>)
      -> tensor<?x4x?x16xf16>
  %q = linalg.generic {
      indexing_maps = [affine_map<(b, h, i, o, c) -> (b, h, i, c)>,
                       affine_map<(b, h, i, o, c) -> (c, o)>,
                       affine_map<(b, h, i, o, c) -> (b, h, i, o)>],
      iterator_types = ["parallel", "parallel", "parallel", "parallel",
                        "reduction"]}
      ins(%x, %w : tensor<?x4x?x16xf16>, tensor<16x16xf16>)
      outs(%f : tensor<?x4x?x16xf16>) {
  ^bb0(%a: f16, %c: f16, %acc: f16):
    %p = arith.mulf %a, %c : f16
    %r = arith.addf %acc, %p : f16
    linalg.yield %r : f16
  } -> tensor<?x4x?x16xf16>
  %o = attn.attention %q, %k, %v
      : tensor<?x4x?x16xf16>, tensor<?x4x?x16xf16>, tensor<?x4x?x16xf16>
      -> tensor<?x4x?x16xf16>
  return %o : tensor<?x4x?x16xf16>
}
