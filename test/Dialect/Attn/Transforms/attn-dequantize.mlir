// RUN: attn-opt %s --split-input-file --attn-dequantize | FileCheck %s

// Each FP8 input becomes a linalg.generic that decodes E4M3 and multiplies
// by its scale (a 0-d slice of `scales`: query 0, key 1, value 2), in the
// output's element type; the attention takes the decoded tensors and no
// scales.
// CHECK-DAG: #[[$ID:.*]] = affine_map<(d0, d1, d2, d3) -> (d0, d1, d2, d3)>
// CHECK-DAG: #[[$SCALAR:.*]] = affine_map<(d0, d1, d2, d3) -> ()>
// CHECK-LABEL: func.func @scaled
// CHECK-SAME: (%[[Q:[^:]*]]: tensor<?x4x?x64xf8E4M3FN>, %[[K:[^:]*]]: tensor<?x2x?x64xf8E4M3FN>, %[[V:[^:]*]]: tensor<?x2x?x32xf8E4M3FN>, %[[S:[^:]*]]: tensor<3xf32>)
// CHECK: %[[SQ:.*]] = tensor.extract_slice %[[S]][0] [1] [1] : tensor<3xf32> to tensor<f32>
// CHECK: %[[QD:.*]] = linalg.generic {indexing_maps = [#[[$ID]], #[[$SCALAR]], #[[$ID]]]
// CHECK-SAME: ins(%[[Q]], %[[SQ]] : tensor<?x4x?x64xf8E4M3FN>, tensor<f32>)
// CHECK: ^bb0(%[[IN:.*]]: f8E4M3FN, %[[SCALE:.*]]: f32, %{{.*}}: bf16):
// CHECK: %[[BYTE:.*]] = arith.bitcast %[[IN]] : f8E4M3FN to i8
// CHECK: %[[BITS:.*]] = arith.extui %[[BYTE]] : i8 to i32
// CHECK: %[[MAG:.*]] = arith.andi %[[BITS]], %c127_i32
// Normal numbers: the exponent and mantissa move up by 20 bits and the
// exponent gains 127 - 7 = 120 (120 << 23 = 1006632960).
// CHECK: %[[UP:.*]] = arith.shli %[[MAG]], %c20_i32
// CHECK: %[[REBIASED:.*]] = arith.addi %[[UP]], %c1006632960_i32
// CHECK: %[[NORMAL:.*]] = arith.bitcast %[[REBIASED]] : i32 to f32
// Subnormals: the mantissa times 2^-9.
// CHECK: %[[M:.*]] = arith.uitofp
// CHECK: %[[SUB:.*]] = arith.mulf %[[M]], %cst : f32
// CHECK: %[[PICK:.*]] = arith.select %{{.*}}, %[[SUB]], %[[NORMAL]] : f32
// CHECK: %[[NAN:.*]] = arith.cmpi eq, %[[MAG]], %c127_i32
// CHECK: arith.select %[[NAN]], %cst_{{.*}}, %[[PICK]] : f32
// CHECK: %[[SIGN:.*]] = arith.andi %[[BITS]], %c128_i32
// CHECK: arith.shli %[[SIGN]], %c24_i32
// CHECK: %[[SIGNED:.*]] = arith.bitcast %{{.*}} : i32 to f32
// CHECK: %[[SCALED:.*]] = arith.mulf %[[SIGNED]], %[[SCALE]] : f32
// CHECK: %[[NARROW:.*]] = arith.truncf %[[SCALED]] : f32 to bf16
// CHECK: linalg.yield %[[NARROW]] : bf16
// CHECK: tensor.extract_slice %[[S]][1] [1] [1]
// CHECK: %[[KD:.*]] = linalg.generic
// CHECK-SAME: ins(%[[K]], %{{.*}} : tensor<?x2x?x64xf8E4M3FN>, tensor<f32>)
// CHECK: tensor.extract_slice %[[S]][2] [1] [1]
// CHECK: %[[VD:.*]] = linalg.generic
// CHECK-SAME: ins(%[[V]], %{{.*}} : tensor<?x2x?x32xf8E4M3FN>, tensor<f32>)
// CHECK: attn.attention %[[QD]], %[[KD]], %[[VD]] {causal}
// CHECK-SAME: : tensor<?x4x?x64xbf16>, tensor<?x2x?x64xbf16>, tensor<?x2x?x32xbf16> -> tensor<?x4x?x32xbf16>
func.func @scaled(%q: tensor<?x4x?x64xf8E4M3FN>, %k: tensor<?x2x?x64xf8E4M3FN>,
                  %v: tensor<?x2x?x32xf8E4M3FN>, %s: tensor<3xf32>)
    -> tensor<?x4x?x32xbf16> {
  %o = attn.attention %q, %k, %v scales(%s : tensor<3xf32>) {causal}
      : tensor<?x4x?x64xf8E4M3FN>, tensor<?x2x?x64xf8E4M3FN>,
        tensor<?x2x?x32xf8E4M3FN> -> tensor<?x4x?x32xbf16>
  return %o : tensor<?x4x?x32xbf16>
}

// -----

// Without scales the decoded values are taken as they are; an f32 output
// needs no rounding.
// CHECK-LABEL: func.func @unscaled
// CHECK: linalg.generic
// CHECK-SAME: ins(%{{.*}} : tensor<2x4x8x16xf8E4M3FN>)
// CHECK-NOT: arith.mulf %{{.*}}, %in
// CHECK-NOT: arith.truncf
// CHECK: linalg.yield %{{.*}} : f32
// CHECK: attn.attention
// CHECK-SAME: : tensor<2x4x8x16xf32>, tensor<2x4x8x16xf32>, tensor<2x4x8x16xf32> -> tensor<2x4x8x16xf32>
func.func @unscaled(%q: tensor<2x4x8x16xf8E4M3FN>) -> tensor<2x4x8x16xf32> {
  %o = attn.attention %q, %q, %q
      : tensor<2x4x8x16xf8E4M3FN>, tensor<2x4x8x16xf8E4M3FN>,
        tensor<2x4x8x16xf8E4M3FN> -> tensor<2x4x8x16xf32>
  return %o : tensor<2x4x8x16xf32>
}

// -----

// Other inputs are left alone.
// CHECK-LABEL: func.func @bf16
// CHECK-NOT: linalg.generic
// CHECK: attn.attention
func.func @bf16(%q: tensor<1x4x8x16xbf16>) -> tensor<1x4x8x16xbf16> {
  %o = attn.attention %q, %q, %q
      : tensor<1x4x8x16xbf16>, tensor<1x4x8x16xbf16>, tensor<1x4x8x16xbf16>
      -> tensor<1x4x8x16xbf16>
  return %o : tensor<1x4x8x16xbf16>
}
