// RUN: attn-opt %s --attn-approximate-math | FileCheck %s

// exp2, exp, tanh and log2 on f32 vectors become polynomial arithmetic, so
// no libm call is left per lane. exp2 has its own reduction (floor, a
// polynomial of the fraction, the exponent bits of 2^n), not exp(x ln 2):
// its error bound is test/Pipelines/exp2-error-bound.mlir.

// CHECK-LABEL: func.func @exp2_vector
// CHECK-NOT:     math.exp2
// CHECK-NOT:     math.exp
// CHECK:         %[[N:.*]] = math.floor %[[X:.*]] : vector<16xf32>
// CHECK:         %[[F:.*]] = arith.subf %[[X]], %[[N]] : vector<16xf32>
// CHECK-COUNT-6: math.fma {{.*}}%[[F]]
// CHECK:         arith.fptosi {{.*}} : vector<16xf32> to vector<16xi32>
// CHECK:         arith.shli
// CHECK:         arith.bitcast {{.*}} : vector<16xi32> to vector<16xf32>
// CHECK:         arith.mulf
// CHECK:         return
// AVX-512: x clamped to [-160, 129] (maxps/minps, which keep a NaN), the
// same polynomial, then vscalefps applies 2^n (overflow to +inf, gradual
// underflow to 0) instead of the exponent bits and the selects.
// RUN: attn-opt %s --attn-approximate-math=avx512=true | FileCheck %s --check-prefix=AVX512
// AVX512-LABEL: func.func @exp2_vector
// AVX512-SAME:    %[[X:.*]]: vector<16xf32>
// AVX512-DAG:     %[[LO:.*]] = arith.constant dense<-1.600000e+02> : vector<16xf32>
// AVX512-DAG:     %[[HI:.*]] = arith.constant dense<1.290000e+02> : vector<16xf32>
// AVX512:         %[[BELOW:.*]] = arith.cmpf olt, %[[X]], %[[LO]]
// AVX512:         %[[X1:.*]] = arith.select %[[BELOW]], %[[LO]], %[[X]]
// AVX512:         %[[ABOVE:.*]] = arith.cmpf ogt, %[[X1]], %[[HI]]
// AVX512:         %[[XC:.*]] = arith.select %[[ABOVE]], %[[HI]], %[[X1]]
// AVX512:         %[[N:.*]] = math.floor %[[XC]] : vector<16xf32>
// AVX512:         %[[F:.*]] = arith.subf %[[XC]], %[[N]] : vector<16xf32>
// AVX512-COUNT-6: math.fma {{.*}}%[[F]]
// AVX512-NOT:     arith.fptosi
// AVX512:         %[[Y:.*]] = llvm.call_intrinsic "llvm.x86.avx512.mask.scalef.ps.512"(%[[P:.*]], %[[N]], %[[P]], %{{.*}}, %{{.*}}) : (vector<16xf32>, vector<16xf32>, vector<16xf32>, i16, i32) -> vector<16xf32>
// AVX512:         return %[[Y]]
// Other shapes keep the portable form.
// AVX512-LABEL: func.func @tanh_log2
// AVX512-NOT:     scalef
// AVX512-LABEL: func.func @exp2_narrow
// AVX512-NOT:     scalef
// AVX512:         arith.fptosi {{.*}} : vector<8xf32> to vector<8xi32>
// AVX512-NOT:     scalef
// AVX512:         return
func.func @exp2_vector(%x: vector<16xf32>) -> vector<16xf32> {
  %y = math.exp2 %x : vector<16xf32>
  return %y : vector<16xf32>
}

// CHECK-LABEL: func.func @tanh_log2
// CHECK-NOT:     math.tanh
// CHECK-NOT:     math.log2
// CHECK:         return
func.func @tanh_log2(%x: vector<16xf32>, %s: f32) -> (vector<16xf32>, f32) {
  %t = math.tanh %x : vector<16xf32>
  %l = math.log2 %s : f32
  return %t, %l : vector<16xf32>, f32
}

// CHECK-LABEL: func.func @exp2_narrow
// CHECK:         arith.fptosi {{.*}} : vector<8xf32> to vector<8xi32>
func.func @exp2_narrow(%x: vector<8xf32>) -> vector<8xf32> {
  %y = math.exp2 %x : vector<8xf32>
  return %y : vector<8xf32>
}

// f16 stays: the tile body only takes exp/tanh of f32 values.
// CHECK-LABEL: func.func @f16_untouched
// CHECK:         math.exp2 %{{.*}} : vector<8xf16>
func.func @f16_untouched(%x: vector<8xf16>) -> vector<8xf16> {
  %y = math.exp2 %x : vector<8xf16>
  return %y : vector<8xf16>
}

// The GPU variant: the special function unit, lane by lane, nothing to link.
// RUN: attn-opt %s --attn-approximate-math=nvptx=true | FileCheck %s --check-prefix=SFU
// SFU-LABEL: func.func @sfu
// SFU: llvm.call_intrinsic "llvm.nvvm.ex2.approx.f32"
// SFU: llvm.call_intrinsic "llvm.nvvm.ex2.approx.f32"
// SFU: arith.divf
// SFU: llvm.call_intrinsic "llvm.nvvm.ex2.approx.f32"
// SFU: arith.divf
// SFU: vector.from_elements
// SFU-NOT: math.
func.func @sfu(%x: f32, %v: vector<2xf32>) -> (f32, vector<2xf32>) {
  %e = math.exp2 %x : f32
  %t = math.tanh %v : vector<2xf32>
  return %e, %t : f32, vector<2xf32>
}

// sqrt correctly rounded (sqrt.rn), not libdevice's __nv_sqrtf.
// SFU-LABEL: func.func @sfu_sqrt
// SFU: llvm.call_intrinsic "llvm.nvvm.sqrt.rn.f"
// SFU-NOT: math.sqrt
func.func @sfu_sqrt(%x: f32) -> f32 {
  %s = math.sqrt %x : f32
  return %s : f32
}
