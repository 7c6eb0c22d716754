// REQUIRES: mlir-runner
// RUN: attn-opt %s --attn-approximate-math --convert-scf-to-cf \
// RUN:   --convert-math-to-llvm --convert-vector-to-llvm \
// RUN:   --convert-arith-to-llvm --convert-func-to-llvm --convert-cf-to-llvm \
// RUN:   --reconcile-unrealized-casts \
// RUN: | mlir-runner -e main -entry-point-result=void \
// RUN:   -shared-libs=%mlir_c_runner_utils | FileCheck %s

// The error bound of the CPU exp2 (attn-approximate-math, Exp2Polynomial),
// which every exp2-based normaliser uses: relative error below 1e-7 (under
// one ulp) wherever the result is a normal float. Measured against libm's
// double-precision exp2 of the same f32 input, on 2^20 points of [-126, 0]
// (the softmax range exp2(s - max)) and 2^16 points of [0, 127.99], each on
// a 16-lane vector (lane 0 is compared, all lanes hold the same value).
// Then the special values: -inf -> 0, +inf and 128 -> +inf, NaN -> NaN,
// exp2(-127.5) = 0 (below the normal range results are flushed to 0) and
// exp2(0) = 1.

// CHECK: negative range max relative error below 1e-7: 1
// CHECK: positive range max relative error below 1e-7: 1
// CHECK: special values: 0, inf, inf, nan, 0, 1{{$}}

func.func private @printI64(i64)
func.func private @printNewline()
func.func private @printComma()
func.func private @printF32(f32)
func.func private @printString(!llvm.ptr)

llvm.mlir.global internal constant @neg("negative range max relative error below 1e-7: \00")
llvm.mlir.global internal constant @pos("positive range max relative error below 1e-7: \00")
llvm.mlir.global internal constant @special("special values: \00")

/// Max over i in [0, n) of |exp2(x) - exp2_f64(x)| / exp2_f64(x) for the
/// f32 x = lo + i * step.
func.func @maxRelativeError(%lo: f64, %step: f64, %n: index) -> f64 {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %zero = arith.constant 0.0 : f64
  %r = scf.for %i = %c0 to %n step %c1 iter_args(%m = %zero) -> f64 {
    %ii = arith.index_cast %i : index to i64
    %fi = arith.sitofp %ii : i64 to f64
    %x64 = math.fma %fi, %step, %lo : f64
    %x = arith.truncf %x64 : f64 to f32
    %xv = vector.broadcast %x : f32 to vector<16xf32>
    %ev = math.exp2 %xv : vector<16xf32>
    %e = vector.extract %ev[0] : f32 from vector<16xf32>
    %xd = arith.extf %x : f32 to f64
    %ref = math.exp2 %xd : f64
    %e64 = arith.extf %e : f32 to f64
    %d = arith.subf %e64, %ref : f64
    %ad = math.absf %d : f64
    %rel = arith.divf %ad, %ref : f64
    // maximumf propagates a NaN error, which then fails the comparison.
    %mm = arith.maximumf %m, %rel : f64
    scf.yield %mm : f64
  }
  return %r : f64
}

/// exp2 of an argument, so that the greedy rewrite does not fold a
/// constant operand.
func.func @exp2Of(%x: vector<16xf32>) -> vector<16xf32> {
  %e = math.exp2 %x : vector<16xf32>
  return %e : vector<16xf32>
}

func.func @report(%label: !llvm.ptr, %err: f64) {
  %bound = arith.constant 1.0e-7 : f64
  %ok = arith.cmpf olt, %err, %bound : f64
  %oki = arith.extui %ok : i1 to i64
  call @printString(%label) : (!llvm.ptr) -> ()
  call @printI64(%oki) : (i64) -> ()
  call @printNewline() : () -> ()
  return
}

func.func @main() {
  %n = arith.constant 1048576 : index
  %lo = arith.constant -126.0 : f64
  // 126 / 2^20
  %step = arith.constant 1.2016296386718750e-04 : f64
  %e1 = call @maxRelativeError(%lo, %step, %n) : (f64, f64, index) -> f64
  %negLabel = llvm.mlir.addressof @neg : !llvm.ptr
  call @report(%negLabel, %e1) : (!llvm.ptr, f64) -> ()

  %n2 = arith.constant 65536 : index
  %lo2 = arith.constant 0.0 : f64
  // 127.99 / 2^16
  %step2 = arith.constant 1.9529724121093750e-03 : f64
  %e2 = call @maxRelativeError(%lo2, %step2, %n2) : (f64, f64, index) -> f64
  %posLabel = llvm.mlir.addressof @pos : !llvm.ptr
  call @report(%posLabel, %e2) : (!llvm.ptr, f64) -> ()

  %special = arith.constant dense<[0xFF800000, 0x7F800000, 128.0, 0x7FC00000,
                                   -127.5, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0,
                                   0.0, 0.0, 0.0, 0.0]> : vector<16xf32>
  %s = call @exp2Of(%special) : (vector<16xf32>) -> vector<16xf32>
  %specialLabel = llvm.mlir.addressof @special : !llvm.ptr
  call @printString(%specialLabel) : (!llvm.ptr) -> ()
  %s0 = vector.extract %s[0] : f32 from vector<16xf32>
  %s1 = vector.extract %s[1] : f32 from vector<16xf32>
  %s2 = vector.extract %s[2] : f32 from vector<16xf32>
  %s3 = vector.extract %s[3] : f32 from vector<16xf32>
  %s4 = vector.extract %s[4] : f32 from vector<16xf32>
  %s5 = vector.extract %s[5] : f32 from vector<16xf32>
  call @printF32(%s0) : (f32) -> ()
  call @printComma() : () -> ()
  call @printF32(%s1) : (f32) -> ()
  call @printComma() : () -> ()
  call @printF32(%s2) : (f32) -> ()
  call @printComma() : () -> ()
  call @printF32(%s3) : (f32) -> ()
  call @printComma() : () -> ()
  call @printF32(%s4) : (f32) -> ()
  call @printComma() : () -> ()
  call @printF32(%s5) : (f32) -> ()
  call @printNewline() : () -> ()
  return
}
