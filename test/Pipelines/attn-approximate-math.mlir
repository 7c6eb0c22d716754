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
