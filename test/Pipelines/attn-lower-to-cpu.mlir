// RUN: attn-opt %s --attn-lower-to-tiles | FileCheck %s --check-prefix=TILES
// RUN: attn-opt %s --attn-lower-to-cpu | FileCheck %s --check-prefix=LLVM
// RUN: attn-opt %s --attn-lower-to-cpu="query-tile=16 key-tile=32" | FileCheck %s --check-prefix=LLVM

// attn-lower-to-tiles: the fused loop nest on buffers, results as
// caller-allocated out-params, no attn op left.
// TILES-LABEL: func.func @main
// TILES-SAME:    (%{{.*}}: memref<?x4x?x64xf32>, %{{.*}}: memref<?x4x?x64xf32>, %{{.*}}: memref<?x4x?x64xf32>, %[[OUT:.*]]: memref<?x4x?x64xf32>)
// TILES-SAME:    llvm.emit_c_interface
// TILES-NOT:     attn.attention
// TILES:         scf.for
// TILES:         vector.fma
// TILES:         return

// attn-lower-to-cpu: LLVM dialect only, with the C entry points and the
// manifest of docs/abi.md.
// LLVM-NOT:      attn.
// LLVM-NOT:      func.func
// LLVM-NOT:      memref.
// LLVM-NOT:      ub.poison
// LLVM-DAG:      llvm.func internal @_mlir_ciface_main(
// LLVM-DAG:      llvm.func @attn_main_packed(%{{.*}}: !llvm.ptr, %{{.*}}: !llvm.ptr) -> i32
// LLVM-DAG:      llvm.func @attn_main(%{{.*}}: !llvm.ptr, %{{.*}}: !llvm.ptr, %{{.*}}: !llvm.ptr, %{{.*}}: !llvm.ptr, %{{.*}}: i64, %{{.*}}: i64, %{{.*}}: i64) -> i32
// LLVM-DAG:      llvm.mlir.global external constant @attn_main_manifest("attn-abi 1\0Afunction main\0Asizes 3
func.func @main(%q: tensor<?x4x?x64xf32>, %k: tensor<?x4x?x64xf32>,
                %v: tensor<?x4x?x64xf32>) -> tensor<?x4x?x64xf32> {
  %o = attn.attention %q, %k, %v {causal}
      : tensor<?x4x?x64xf32>, tensor<?x4x?x64xf32>, tensor<?x4x?x64xf32>
      -> tensor<?x4x?x64xf32>
  return %o : tensor<?x4x?x64xf32>
}
