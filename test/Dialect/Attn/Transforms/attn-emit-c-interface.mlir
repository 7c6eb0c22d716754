// RUN: attn-opt %s --split-input-file --verify-diagnostics --attn-emit-c-interface | FileCheck %s

// The docs/abi.md example: q, k, v and one result; batch s0, query length
// s1, key/value length s2.

// CHECK-LABEL: module {
// CHECK-NOT: attn.abi
// CHECK: llvm.func @_mlir_ciface_main(!llvm.ptr, !llvm.ptr, !llvm.ptr, !llvm.ptr)

// Packed entry: allocas of the four descriptors in the entry block.
// CHECK-LABEL: llvm.func @attn_main_packed(
// CHECK-SAME: %[[PTRS:.*]]: !llvm.ptr, %[[SIZES:.*]]: !llvm.ptr) -> i32 {
// CHECK-DAG: %[[C8:.*]] = llvm.mlir.constant(8 : i64) : i64
// CHECK-DAG: %[[C64:.*]] = llvm.mlir.constant(64 : i64) : i64
// CHECK-DAG: %[[MAX:.*]] = llvm.mlir.constant(9223372036854775807 : i64) : i64
// CHECK-DAG: %[[BYTES:.*]] = llvm.mlir.constant(2048 : i64) : i64
// CHECK-DAG: %[[C0:.*]] = llvm.mlir.constant(0 : i64) : i64
// CHECK-DAG: %[[C1:.*]] = llvm.mlir.constant(1 : i64) : i64
// CHECK: %[[D0:.*]] = llvm.alloca %[[C1]] x !llvm.struct<(ptr, ptr, i64, array<4 x i64>, array<4 x i64>)>
// CHECK: %[[D1:.*]] = llvm.alloca %[[C1]] x !llvm.struct<(ptr, ptr, i64, array<4 x i64>, array<4 x i64>)>
// CHECK: %[[D2:.*]] = llvm.alloca %[[C1]] x !llvm.struct<(ptr, ptr, i64, array<4 x i64>, array<4 x i64>)>
// CHECK: %[[D3:.*]] = llvm.alloca %[[C1]] x !llvm.struct<(ptr, ptr, i64, array<4 x i64>, array<4 x i64>)>

// Sizes are loaded and must be >= 0.
// CHECK: %[[A0:.*]] = llvm.getelementptr %[[SIZES]][0] : (!llvm.ptr) -> !llvm.ptr, i64
// CHECK: %[[S0:.*]] = llvm.load %[[A0]] : !llvm.ptr -> i64
// CHECK: llvm.icmp "slt" %[[S0]], %[[C0]] : i64
// CHECK: %[[A1:.*]] = llvm.getelementptr %[[SIZES]][1]
// CHECK: %[[S1:.*]] = llvm.load %[[A1]] : !llvm.ptr -> i64
// CHECK: llvm.icmp "slt" %[[S1]], %[[C0]] : i64
// CHECK: %[[A2:.*]] = llvm.getelementptr %[[SIZES]][2]
// CHECK: %[[S2:.*]] = llvm.load %[[A2]] : !llvm.ptr -> i64
// CHECK: llvm.icmp "slt" %[[S2]], %[[C0]] : i64

// Byte sizes: 4 * 8 * 64 * s0 * s1 (q, and the result: checked once) and
// 4 * 8 * 64 * s0 * s2 (k, v: checked once).
// CHECK: %[[M0:.*]] = "llvm.intr.umul.with.overflow"(%[[BYTES]], %[[S0]]) : (i64, i64) -> !llvm.struct<(i64, i1)>
// CHECK: %[[P0:.*]] = llvm.extractvalue %[[M0]][0]
// CHECK: %[[M1:.*]] = "llvm.intr.umul.with.overflow"(%[[P0]], %[[S1]])
// CHECK: %[[P1:.*]] = llvm.extractvalue %[[M1]][0]
// CHECK: llvm.icmp "ugt" %[[P1]], %[[MAX]] : i64
// CHECK: %[[M2:.*]] = "llvm.intr.umul.with.overflow"(%[[BYTES]], %[[S0]])
// CHECK: %[[P2:.*]] = llvm.extractvalue %[[M2]][0]
// CHECK: %[[M3:.*]] = "llvm.intr.umul.with.overflow"(%[[P2]], %[[S2]])
// CHECK: %[[P3:.*]] = llvm.extractvalue %[[M3]][0]
// CHECK: llvm.icmp "ugt" %[[P3]], %[[MAX]] : i64
// CHECK-NOT: umul.with.overflow
// CHECK: llvm.cond_br %{{.*}}, ^[[FAIL:.*]], ^[[CALL:.*]]
// CHECK: ^[[FAIL]]:
// CHECK-NEXT: %[[ONE:.*]] = llvm.mlir.constant(1 : i32) : i32
// CHECK-NEXT: llvm.return %[[ONE]] : i32

// Descriptors: allocated = aligned = the pointer, offset 0, row-major.
// CHECK: ^[[CALL]]:
// CHECK: %[[QA:.*]] = llvm.getelementptr %[[PTRS]][0] : (!llvm.ptr) -> !llvm.ptr, !llvm.ptr
// CHECK: %[[Q:.*]] = llvm.load %[[QA]] : !llvm.ptr -> !llvm.ptr
// CHECK: llvm.insertvalue %[[Q]], %{{.*}}[0]
// CHECK: llvm.insertvalue %[[Q]], %{{.*}}[1]
// CHECK: llvm.insertvalue %[[C0]], %{{.*}}[2]
// CHECK: llvm.insertvalue %[[C64]], %{{.*}}[3, 3]
// CHECK: llvm.insertvalue %[[C1]], %{{.*}}[4, 3]
// CHECK: llvm.insertvalue %[[S1]], %{{.*}}[3, 2]
// CHECK: llvm.insertvalue %[[C64]], %{{.*}}[4, 2]
// CHECK: %[[ST1:.*]] = llvm.mul %[[C64]], %[[S1]] : i64
// CHECK: llvm.insertvalue %[[C8]], %{{.*}}[3, 1]
// CHECK: llvm.insertvalue %[[ST1]], %{{.*}}[4, 1]
// CHECK: %[[ST0:.*]] = llvm.mul %[[ST1]], %[[C8]] : i64
// CHECK: llvm.insertvalue %[[S0]], %{{.*}}[3, 0]
// CHECK: %[[QD:.*]] = llvm.insertvalue %[[ST0]], %{{.*}}[4, 0]
// CHECK: llvm.store %[[QD]], %[[D0]]
// CHECK: llvm.getelementptr %[[PTRS]][1]
// CHECK: llvm.insertvalue %[[S2]], %{{.*}}[3, 2]
// CHECK: llvm.store %{{.*}}, %[[D1]]
// CHECK: llvm.getelementptr %[[PTRS]][2]
// CHECK: llvm.store %{{.*}}, %[[D2]]
// CHECK: llvm.getelementptr %[[PTRS]][3]
// CHECK: llvm.insertvalue %[[S1]], %{{.*}}[3, 2]
// CHECK: llvm.store %{{.*}}, %[[D3]]
// CHECK: llvm.call @_mlir_ciface_main(%[[D0]], %[[D1]], %[[D2]], %[[D3]]) : (!llvm.ptr, !llvm.ptr, !llvm.ptr, !llvm.ptr) -> ()
// CHECK-NEXT: %[[ZERO:.*]] = llvm.mlir.constant(0 : i32) : i32
// CHECK-NEXT: llvm.return %[[ZERO]] : i32

// Typed entry: pointers then sizes, into stack arrays.
// CHECK-LABEL: llvm.func @attn_main(
// CHECK-SAME: %[[Q:[^:]*]]: !llvm.ptr, %[[K:[^:]*]]: !llvm.ptr, %[[V:[^:]*]]: !llvm.ptr, %[[R:[^:]*]]: !llvm.ptr, %[[X0:[^:]*]]: i64, %[[X1:[^:]*]]: i64, %[[X2:[^:]*]]: i64) -> i32 {
// CHECK: %[[PA:.*]] = llvm.alloca %{{.*}} x !llvm.array<4 x ptr>
// CHECK: %[[E0:.*]] = llvm.getelementptr %[[PA]][0, 0]
// CHECK: llvm.store %[[Q]], %[[E0]]
// CHECK: %[[E3:.*]] = llvm.getelementptr %[[PA]][0, 3]
// CHECK: llvm.store %[[R]], %[[E3]]
// CHECK: %[[SA:.*]] = llvm.alloca %{{.*}} x !llvm.array<3 x i64>
// CHECK: %[[F2:.*]] = llvm.getelementptr %[[SA]][0, 2]
// CHECK: llvm.store %[[X2]], %[[F2]]
// CHECK: %[[RET:.*]] = llvm.call @attn_main_packed(%[[PA]], %[[SA]]) : (!llvm.ptr, !llvm.ptr) -> i32
// CHECK: llvm.return %[[RET]] : i32

// CHECK: llvm.mlir.global external constant @attn_main_manifest("attn-abi 1\0Afunction main\0Asizes 3\0Asize 0 arg0.d0\0Asize 1 arg0.d2\0Asize 2 arg1.d2\0Aarg 0 q f32 4 s0 8 s1 64\0Aarg 1 k f32 4 s0 8 s2 64\0Aarg 2 v f32 4 s0 8 s2 64\0Aresult 0 res0 f32 4 s0 8 s1 64\0Aend\0A\00")
module attributes {attn.abi = {main = {
    args = [{name = "q", symbols = array<i64: 0, -1, 1, -1>, type = tensor<?x8x?x64xf32>},
            {name = "k", symbols = array<i64: 0, -1, 2, -1>, type = tensor<?x8x?x64xf32>},
            {name = "v", symbols = array<i64: 0, -1, 2, -1>, type = tensor<?x8x?x64xf32>}],
    results = [{name = "res0", symbols = array<i64: 0, -1, 1, -1>, type = tensor<?x8x?x64xf32>}],
    sizes = ["arg0.d0", "arg0.d2", "arg1.d2"]}}} {
  llvm.func @_mlir_ciface_main(!llvm.ptr, !llvm.ptr, !llvm.ptr, !llvm.ptr)
}

// -----

// Static shapes only: no validation branch; a rank-0 descriptor has no sizes
// or strides; the typed entry passes a null size array. The function and its
// wrapper become internal: only the attn_ symbols are exported.
// CHECK-LABEL: llvm.func internal @tiny()
// CHECK-LABEL: llvm.func internal @_mlir_ciface_tiny(
// CHECK-LABEL: llvm.func @attn_tiny_packed(
// CHECK-NOT: llvm.cond_br
// CHECK-NOT: ^bb
// CHECK: llvm.insertvalue %{{.*}}[2] : !llvm.struct<(ptr, ptr, i64)>
// CHECK: llvm.call @_mlir_ciface_tiny(
// CHECK-LABEL: llvm.func @attn_tiny(
// CHECK-SAME: %{{.*}}: !llvm.ptr, %{{.*}}: !llvm.ptr) -> i32
// CHECK: %[[NULL:.*]] = llvm.mlir.zero : !llvm.ptr
// CHECK: llvm.call @attn_tiny_packed(%{{.*}}, %[[NULL]])
// CHECK: @attn_tiny_manifest("attn-abi 1\0Afunction tiny\0Asizes 0\0Aarg 0 x i1 0\0Aarg 1 y bf16 2 3 5\0Aend\0A\00")
module attributes {attn.abi = {tiny = {
    args = [{name = "x", symbols = array<i64>, type = tensor<i1>},
            {name = "y", symbols = array<i64: -1, -1>, type = tensor<3x5xbf16>}],
    results = [], sizes = []}}} {
  llvm.func @tiny() {
    llvm.return
  }
  llvm.func @_mlir_ciface_tiny(%x: !llvm.ptr, %y: !llvm.ptr) {
    llvm.call @tiny() : () -> ()
    llvm.return
  }
}

// -----

// One descriptor more than tensors: the allocation status of
// attn-check-allocations, a rank-0 i32 memref on the packed entry's stack,
// zeroed before the call; the entry returns 3 when the call set it.
// CHECK-LABEL: llvm.func @attn_alloc_packed(
// CHECK-DAG: %[[ONE:.*]] = llvm.mlir.constant(1 : i64) : i64
// CHECK-DAG: %[[DESC:.*]] = llvm.alloca %[[ONE]] x !llvm.struct<(ptr, ptr, i64, array<1 x i64>, array<1 x i64>)>
// CHECK-DAG: %[[WORD:.*]] = llvm.alloca %[[ONE]] x i32
// CHECK-DAG: %[[SDESC:.*]] = llvm.alloca %[[ONE]] x !llvm.struct<(ptr, ptr, i64)>
// CHECK: %[[ZERO:.*]] = llvm.mlir.constant(0 : i32) : i32
// CHECK: llvm.store %[[ZERO]], %[[WORD]] : i32, !llvm.ptr
// CHECK: %[[S0:.*]] = llvm.insertvalue %[[WORD]], %{{.*}}[0] : !llvm.struct<(ptr, ptr, i64)>
// CHECK: %[[S1:.*]] = llvm.insertvalue %[[WORD]], %[[S0]][1] : !llvm.struct<(ptr, ptr, i64)>
// CHECK: %[[S2:.*]] = llvm.insertvalue %{{.*}}, %[[S1]][2] : !llvm.struct<(ptr, ptr, i64)>
// CHECK: llvm.store %[[S2]], %[[SDESC]]
// CHECK: llvm.call @_mlir_ciface_alloc(%[[DESC]], %[[SDESC]]) : (!llvm.ptr, !llvm.ptr) -> ()
// CHECK: %[[STATUS:.*]] = llvm.load %[[WORD]] : !llvm.ptr -> i32
// CHECK: %[[FAILED:.*]] = llvm.icmp "ne" %[[STATUS]], %[[ZERO]] : i32
// CHECK: %[[THREE:.*]] = llvm.mlir.constant(3 : i32) : i32
// CHECK: %[[RESULT:.*]] = llvm.select %[[FAILED]], %[[THREE]], %[[ZERO]] : i1, i32
// CHECK: llvm.return %[[RESULT]] : i32
module attributes {attn.abi = {alloc = {
    args = [{name = "a", symbols = array<i64: 0>, type = tensor<?xf32>}],
    results = [], sizes = ["arg0.d0"]}}} {
  llvm.func @_mlir_ciface_alloc(!llvm.ptr, !llvm.ptr)
}

// -----

// expected-error @below {{expected a dictionary attribute 'attn.abi' on the module: run attn-abi-signature first}}
module {
  llvm.func @_mlir_ciface_f(!llvm.ptr)
}

// -----

// expected-error @below {{no llvm.func @_mlir_ciface_f for 'f'; lower it with llvm.emit_c_interface}}
module attributes {attn.abi = {f = {args = [], results = [], sizes = []}}} {
  llvm.func @f()
}

// -----

module attributes {attn.abi = {f = {
    args = [{name = "a", symbols = array<i64: 0>, type = tensor<?xf32>}],
    results = [], sizes = ["arg0.d0"]}}} {
  // expected-error @below {{expected @_mlir_ciface_f to take 1 memref descriptor pointers (arguments, then results), or 2 with the allocation status, and return void, but it has type '!llvm.func<void (ptr, ptr, ptr)>'}}
  llvm.func @_mlir_ciface_f(!llvm.ptr, !llvm.ptr, !llvm.ptr)
}

// -----

// expected-error @below {{malformed attn.abi entry for 'f': symbols array<i64: -1> do not match 'tensor<?xf32>' with 1 sizes}}
module attributes {attn.abi = {f = {
    args = [{name = "a", symbols = array<i64: -1>, type = tensor<?xf32>}],
    results = [], sizes = ["arg0.d0"]}}} {
  llvm.func @_mlir_ciface_f(!llvm.ptr)
}

// -----

// expected-error @below {{the byte size of a ('tensor<4611686018427387904x2xf32>') overflows int64}}
module attributes {attn.abi = {f = {
    args = [{name = "a", symbols = array<i64: -1, -1>, type = tensor<4611686018427387904x2xf32>}],
    results = [], sizes = []}}} {
  llvm.func @_mlir_ciface_f(!llvm.ptr)
}
