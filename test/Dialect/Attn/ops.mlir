// RUN: attn-opt %s --verify-roundtrip | FileCheck %s
// RUN: attn-opt %s --mlir-print-op-generic | attn-opt | FileCheck %s

// Round trips of attn.attention: every attribute, every optional operand
// group, both regions and the lse result.

// CHECK-LABEL: func.func @static_defaults
// CHECK-SAME: (%[[Q:.*]]: tensor<2x4x16x32xf32>, %[[K:.*]]: tensor<2x4x24x32xf32>, %[[V:.*]]: tensor<2x4x24x48xf32>)
// CHECK: %[[O:.*]] = attn.attention %[[Q]], %[[K]], %[[V]] : tensor<2x4x16x32xf32>, tensor<2x4x24x32xf32>, tensor<2x4x24x48xf32> -> tensor<2x4x16x48xf32>{{$}}
// CHECK: return %[[O]]
func.func @static_defaults(%q: tensor<2x4x16x32xf32>, %k: tensor<2x4x24x32xf32>,
                           %v: tensor<2x4x24x48xf32>) -> tensor<2x4x16x48xf32> {
  %o = attn.attention %q, %k, %v
      : tensor<2x4x16x32xf32>, tensor<2x4x24x32xf32>, tensor<2x4x24x48xf32>
      -> tensor<2x4x16x48xf32>
  return %o : tensor<2x4x16x48xf32>
}

// Default-valued attributes spelled out are elided when printed.
// CHECK-LABEL: func.func @explicit_defaults
// CHECK-SAME: (%[[Q:[^:]*]]: {{.*}}, %[[K:[^:]*]]: {{.*}}, %[[V:[^:]*]]: {{.*}})
// CHECK: attn.attention %[[Q]], %[[K]], %[[V]] : tensor<1x1x4x8xf32>, tensor<1x1x4x8xf32>, tensor<1x1x4x8xf32> -> tensor<1x1x4x8xf32>{{$}}
// CHECK-NEXT: return
func.func @explicit_defaults(%q: tensor<1x1x4x8xf32>, %k: tensor<1x1x4x8xf32>,
                             %v: tensor<1x1x4x8xf32>) -> tensor<1x1x4x8xf32> {
  %o = attn.attention %q, %k, %v
      {score = #attn.score<dot>, normalizer = #attn.normalizer<softmax>}
      : tensor<1x1x4x8xf32>, tensor<1x1x4x8xf32>, tensor<1x1x4x8xf32>
      -> tensor<1x1x4x8xf32>
  return %o : tensor<1x1x4x8xf32>
}

// CHECK-LABEL: func.func @dynamic_causal
// CHECK-SAME: (%[[Q:.*]]: tensor<?x8x?x64xf32>, %[[K:.*]]: tensor<?x8x?x64xf32>, %[[V:.*]]: tensor<?x8x?x64xf32>)
// CHECK: attn.attention %[[Q]], %[[K]], %[[V]] {causal} : tensor<?x8x?x64xf32>, tensor<?x8x?x64xf32>, tensor<?x8x?x64xf32> -> tensor<?x8x?x64xf32>
func.func @dynamic_causal(%q: tensor<?x8x?x64xf32>, %k: tensor<?x8x?x64xf32>,
                          %v: tensor<?x8x?x64xf32>) -> tensor<?x8x?x64xf32> {
  %o = attn.attention %q, %k, %v {causal}
      : tensor<?x8x?x64xf32>, tensor<?x8x?x64xf32>, tensor<?x8x?x64xf32>
      -> tensor<?x8x?x64xf32>
  return %o : tensor<?x8x?x64xf32>
}

// The top-left alignment prints as an attribute; the default is elided.
// CHECK-LABEL: func.func @causal_top_left
// CHECK: attn.attention %{{.*}}, %{{.*}}, %{{.*}} {align = #attn.align<top_left>, causal} : tensor<?x8x?x64xf32>, tensor<?x8x?x64xf32>, tensor<?x8x?x64xf32> -> tensor<?x8x?x64xf32>
// CHECK: attn.attention %{{.*}}, %{{.*}}, %{{.*}} {causal} :
func.func @causal_top_left(%q: tensor<?x8x?x64xf32>, %k: tensor<?x8x?x64xf32>,
                           %v: tensor<?x8x?x64xf32>) -> tensor<?x8x?x64xf32> {
  %o = attn.attention %q, %k, %v {causal, align = #attn.align<top_left>}
      : tensor<?x8x?x64xf32>, tensor<?x8x?x64xf32>, tensor<?x8x?x64xf32>
      -> tensor<?x8x?x64xf32>
  %p = attn.attention %q, %k, %o {causal, align = #attn.align<bottom_right>}
      : tensor<?x8x?x64xf32>, tensor<?x8x?x64xf32>, tensor<?x8x?x64xf32>
      -> tensor<?x8x?x64xf32>
  return %p : tensor<?x8x?x64xf32>
}

// CHECK-LABEL: func.func @causal_f16
// CHECK: attn.attention %{{.*}}, %{{.*}}, %{{.*}} {causal} : tensor<?x8x?x64xf16>, tensor<?x8x?x64xf16>, tensor<?x8x?x64xf16> -> tensor<?x8x?x64xf16>
func.func @causal_f16(%q: tensor<?x8x?x64xf16>, %k: tensor<?x8x?x64xf16>,
                      %v: tensor<?x8x?x64xf16>) -> tensor<?x8x?x64xf16> {
  %o = attn.attention %q, %k, %v {causal}
      : tensor<?x8x?x64xf16>, tensor<?x8x?x64xf16>, tensor<?x8x?x64xf16>
      -> tensor<?x8x?x64xf16>
  return %o : tensor<?x8x?x64xf16>
}

// A bf16 op may take an f32 bias.
// CHECK-LABEL: func.func @bf16_f32_bias
// CHECK-SAME: %[[B:[^:]*]]: tensor<?x8x?x?xf32>
// CHECK: attn.attention %{{.*}}, %{{.*}}, %{{.*}} bias(%[[B]] : tensor<?x8x?x?xf32>) : tensor<?x8x?x64xbf16>, tensor<?x8x?x64xbf16>, tensor<?x8x?x64xbf16> -> tensor<?x8x?x64xbf16>
func.func @bf16_f32_bias(%q: tensor<?x8x?x64xbf16>, %k: tensor<?x8x?x64xbf16>,
                         %v: tensor<?x8x?x64xbf16>, %b: tensor<?x8x?x?xf32>)
    -> tensor<?x8x?x64xbf16> {
  %o = attn.attention %q, %k, %v bias(%b : tensor<?x8x?x?xf32>)
      : tensor<?x8x?x64xbf16>, tensor<?x8x?x64xbf16>, tensor<?x8x?x64xbf16>
      -> tensor<?x8x?x64xbf16>
  return %o : tensor<?x8x?x64xbf16>
}

// CHECK-LABEL: func.func @bf16_bias
// CHECK: bias(%{{.*}} : tensor<1x1x?x?xbf16>) : tensor<?x8x?x64xbf16>
func.func @bf16_bias(%q: tensor<?x8x?x64xbf16>, %k: tensor<?x8x?x64xbf16>,
                     %v: tensor<?x8x?x64xbf16>, %b: tensor<1x1x?x?xbf16>)
    -> tensor<?x8x?x64xbf16> {
  %o = attn.attention %q, %k, %v bias(%b : tensor<1x1x?x?xbf16>)
      : tensor<?x8x?x64xbf16>, tensor<?x8x?x64xbf16>, tensor<?x8x?x64xbf16>
      -> tensor<?x8x?x64xbf16>
  return %o : tensor<?x8x?x64xbf16>
}

// Grouped-query attention: 8 query heads share 2 key/value heads.
// CHECK-LABEL: func.func @gqa
// CHECK: attn.attention %{{.*}}, %{{.*}}, %{{.*}} : tensor<?x8x?x64xf32>, tensor<?x2x?x64xf32>, tensor<?x2x?x64xf32> -> tensor<?x8x?x64xf32>
func.func @gqa(%q: tensor<?x8x?x64xf32>, %k: tensor<?x2x?x64xf32>,
               %v: tensor<?x2x?x64xf32>) -> tensor<?x8x?x64xf32> {
  %o = attn.attention %q, %k, %v
      : tensor<?x8x?x64xf32>, tensor<?x2x?x64xf32>, tensor<?x2x?x64xf32>
      -> tensor<?x8x?x64xf32>
  return %o : tensor<?x8x?x64xf32>
}

// Multi-query attention: one key/value head.
// CHECK-LABEL: func.func @mqa
// CHECK: attn.attention {{.*}} : tensor<1x4x8x16xf32>, tensor<1x1x8x16xf32>, tensor<1x1x8x16xf32> -> tensor<1x4x8x16xf32>
func.func @mqa(%q: tensor<1x4x8x16xf32>, %k: tensor<1x1x8x16xf32>,
               %v: tensor<1x1x8x16xf32>) -> tensor<1x4x8x16xf32> {
  %o = attn.attention %q, %k, %v
      : tensor<1x4x8x16xf32>, tensor<1x1x8x16xf32>, tensor<1x1x8x16xf32>
      -> tensor<1x4x8x16xf32>
  return %o : tensor<1x4x8x16xf32>
}

// Every optional tensor operand and every mask/bias/position attribute that
// combines with softmax, plus the lse result.
// CHECK-LABEL: func.func @all_masks_and_lse
// CHECK-SAME: (%[[Q:[^:]*]]: tensor<?x8x?x64xf32>, %[[K:[^:]*]]: tensor<?x2x?x64xf32>, %[[V:[^:]*]]: tensor<?x2x?x32xf32>, %[[M:[^:]*]]: tensor<?x1x?x?xi1>, %[[B:[^:]*]]: tensor<1x8x?x?xf32>, %[[L:[^:]*]]: tensor<?xi32>)
// CHECK: %[[O:.*]], %[[LSE:.*]] = attn.attention %[[Q]], %[[K]], %[[V]]
// CHECK-SAME: mask(%[[M]] : tensor<?x1x?x?xi1>)
// CHECK-SAME: bias(%[[B]] : tensor<1x8x?x?xf32>)
// CHECK-SAME: key_lengths(%[[L]] : tensor<?xi32>)
// CHECK-SAME: {alibi, causal, scale = 1.250000e-01 : f32, softcap = 5.000000e+01 : f32, window = array<i64: 64, 0>}
// CHECK-SAME: : tensor<?x8x?x64xf32>, tensor<?x2x?x64xf32>, tensor<?x2x?x32xf32> -> tensor<?x8x?x32xf32>, tensor<?x8x?xf32>
// CHECK: return %[[O]], %[[LSE]]
func.func @all_masks_and_lse(%q: tensor<?x8x?x64xf32>, %k: tensor<?x2x?x64xf32>,
                             %v: tensor<?x2x?x32xf32>, %m: tensor<?x1x?x?xi1>,
                             %b: tensor<1x8x?x?xf32>, %len: tensor<?xi32>)
    -> (tensor<?x8x?x32xf32>, tensor<?x8x?xf32>) {
  %o, %lse = attn.attention %q, %k, %v mask(%m : tensor<?x1x?x?xi1>)
      bias(%b : tensor<1x8x?x?xf32>) key_lengths(%len : tensor<?xi32>)
      {causal, window = array<i64: 64, 0>, alibi, softcap = 50.0 : f32,
       scale = 0.125 : f32}
      : tensor<?x8x?x64xf32>, tensor<?x2x?x64xf32>, tensor<?x2x?x32xf32>
      -> tensor<?x8x?x32xf32>, tensor<?x8x?xf32>
  return %o, %lse : tensor<?x8x?x32xf32>, tensor<?x8x?xf32>
}

// Mask and bias broadcast with 1 in any dimension; dimensions of size 1 in the
// op itself match too.
// CHECK-LABEL: func.func @broadcast_mask_bias
// CHECK: mask(%{{.*}} : tensor<1x1x1x7xi1>) bias(%{{.*}} : tensor<3x1x5x1xf32>) {window = array<i64: 2, 3>} : tensor<3x2x5x8xf32>
func.func @broadcast_mask_bias(%q: tensor<3x2x5x8xf32>, %k: tensor<3x2x7x8xf32>,
                               %v: tensor<3x2x7x8xf32>, %m: tensor<1x1x1x7xi1>,
                               %b: tensor<3x1x5x1xf32>) -> tensor<3x2x5x8xf32> {
  %o = attn.attention %q, %k, %v mask(%m : tensor<1x1x1x7xi1>)
      bias(%b : tensor<3x1x5x1xf32>) {window = array<i64: 2, 3>}
      : tensor<3x2x5x8xf32>, tensor<3x2x7x8xf32>, tensor<3x2x7x8xf32>
      -> tensor<3x2x5x8xf32>
  return %o : tensor<3x2x5x8xf32>
}

//===----------------------------------------------------------------------===//
// Score functions and their score_operands.
//===----------------------------------------------------------------------===//

// CHECK-LABEL: func.func @score_general
// CHECK-SAME: %[[W:[^:]*]]: tensor<64x64xf32>
// CHECK: attn.attention %{{.*}}, %{{.*}}, %{{.*}} score_operands(%[[W]] : tensor<64x64xf32>) {scale = 1.000000e+00 : f32, score = #attn.score<general>}
func.func @score_general(%q: tensor<?x8x?x64xf32>, %k: tensor<?x8x?x64xf32>,
                         %v: tensor<?x8x?x64xf32>, %w: tensor<64x64xf32>)
    -> tensor<?x8x?x64xf32> {
  %o = attn.attention %q, %k, %v score_operands(%w : tensor<64x64xf32>)
      {score = #attn.score<general>, scale = 1.0 : f32}
      : tensor<?x8x?x64xf32>, tensor<?x8x?x64xf32>, tensor<?x8x?x64xf32>
      -> tensor<?x8x?x64xf32>
  return %o : tensor<?x8x?x64xf32>
}

// CHECK-LABEL: func.func @score_additive
// CHECK-SAME: %[[WQ:[^:]*]]: tensor<32x16xf32>, %[[WK:[^:]*]]: tensor<32x16xf32>, %[[VA:[^:]*]]: tensor<16xf32>
// CHECK: score_operands(%[[WQ]], %[[WK]], %[[VA]] : tensor<32x16xf32>, tensor<32x16xf32>, tensor<16xf32>) {scale = 1.000000e+00 : f32, score = #attn.score<additive>}
func.func @score_additive(%q: tensor<?x1x?x32xf32>, %k: tensor<?x1x?x32xf32>,
                          %v: tensor<?x1x?x32xf32>, %wq: tensor<32x16xf32>,
                          %wk: tensor<32x16xf32>, %va: tensor<16xf32>)
    -> tensor<?x1x?x32xf32> {
  %o = attn.attention %q, %k, %v
      score_operands(%wq, %wk, %va
                     : tensor<32x16xf32>, tensor<32x16xf32>, tensor<16xf32>)
      {score = #attn.score<additive>, scale = 1.0 : f32}
      : tensor<?x1x?x32xf32>, tensor<?x1x?x32xf32>, tensor<?x1x?x32xf32>
      -> tensor<?x1x?x32xf32>
  return %o : tensor<?x1x?x32xf32>
}

// The attention dimension A of an additive score may be dynamic.
// CHECK-LABEL: func.func @score_additive_dynamic_a
// CHECK: score_operands(%{{.*}}, %{{.*}}, %{{.*}} : tensor<32x?xf32>, tensor<32x?xf32>, tensor<?xf32>) {score = #attn.score<additive>}
func.func @score_additive_dynamic_a(%q: tensor<?x1x?x32xf32>,
                                    %k: tensor<?x1x?x32xf32>,
                                    %v: tensor<?x1x?x32xf32>,
                                    %wq: tensor<32x?xf32>, %wk: tensor<32x?xf32>,
                                    %va: tensor<?xf32>) -> tensor<?x1x?x32xf32> {
  %o = attn.attention %q, %k, %v
      score_operands(%wq, %wk, %va
                     : tensor<32x?xf32>, tensor<32x?xf32>, tensor<?xf32>)
      {score = #attn.score<additive>}
      : tensor<?x1x?x32xf32>, tensor<?x1x?x32xf32>, tensor<?x1x?x32xf32>
      -> tensor<?x1x?x32xf32>
  return %o : tensor<?x1x?x32xf32>
}

// CHECK-LABEL: func.func @score_cosine
// CHECK: attn.attention %{{.*}}, %{{.*}}, %{{.*}} {scale = 1.000000e+01 : f32, score = #attn.score<cosine>} :
func.func @score_cosine(%q: tensor<?x8x?x64xf32>, %k: tensor<?x8x?x64xf32>,
                        %v: tensor<?x8x?x64xf32>) -> tensor<?x8x?x64xf32> {
  %o = attn.attention %q, %k, %v {score = #attn.score<cosine>, scale = 10.0 : f32}
      : tensor<?x8x?x64xf32>, tensor<?x8x?x64xf32>, tensor<?x8x?x64xf32>
      -> tensor<?x8x?x64xf32>
  return %o : tensor<?x8x?x64xf32>
}

// CHECK-LABEL: func.func @score_neg_l2
// CHECK: attn.attention %{{.*}}, %{{.*}}, %{{.*}} {score = #attn.score<neg_l2>} :
func.func @score_neg_l2(%q: tensor<?x8x?x64xf32>, %k: tensor<?x8x?x64xf32>,
                        %v: tensor<?x8x?x64xf32>) -> tensor<?x8x?x64xf32> {
  %o = attn.attention %q, %k, %v {score = #attn.score<neg_l2>}
      : tensor<?x8x?x64xf32>, tensor<?x8x?x64xf32>, tensor<?x8x?x64xf32>
      -> tensor<?x8x?x64xf32>
  return %o : tensor<?x8x?x64xf32>
}

// CHECK-LABEL: func.func @score_multi_dimensional
// CHECK-SAME: %[[W1:[^:]*]]: tensor<64x32xf32>, %[[W2:[^:]*]]: tensor<64x32xf32>, %[[B:[^:]*]]: tensor<32xf32>
// CHECK: score_operands(%[[W1]], %[[W2]], %[[B]] : tensor<64x32xf32>, tensor<64x32xf32>, tensor<32xf32>) {score = #attn.score<multi_dimensional>}
func.func @score_multi_dimensional(%q: tensor<?x1x?x64xf32>,
                                   %k: tensor<?x1x?x64xf32>,
                                   %v: tensor<?x1x?x32xf32>,
                                   %w1: tensor<64x32xf32>, %w2: tensor<64x32xf32>,
                                   %b: tensor<32xf32>) -> tensor<?x1x?x32xf32> {
  %o = attn.attention %q, %k, %v
      score_operands(%w1, %w2, %b
                     : tensor<64x32xf32>, tensor<64x32xf32>, tensor<32xf32>)
      {score = #attn.score<multi_dimensional>}
      : tensor<?x1x?x64xf32>, tensor<?x1x?x64xf32>, tensor<?x1x?x32xf32>
      -> tensor<?x1x?x32xf32>
  return %o : tensor<?x1x?x32xf32>
}

// CHECK-LABEL: func.func @score_compositional
// CHECK: attn.attention %{{.*}}, %{{.*}}, %{{.*}} {normalizer = #attn.normalizer<none>, score = #attn.score<compositional>} :
func.func @score_compositional(%q: tensor<?x8x?x64xf32>, %k: tensor<?x8x?x64xf32>,
                               %v: tensor<?x8x?x64xf32>) -> tensor<?x8x?x64xf32> {
  %o = attn.attention %q, %k, %v
      {score = #attn.score<compositional>, normalizer = #attn.normalizer<none>}
      : tensor<?x8x?x64xf32>, tensor<?x8x?x64xf32>, tensor<?x8x?x64xf32>
      -> tensor<?x8x?x64xf32>
  return %o : tensor<?x8x?x64xf32>
}

//===----------------------------------------------------------------------===//
// Normalisers.
//===----------------------------------------------------------------------===//

// CHECK-LABEL: func.func @normalizer_sigmoid
// CHECK: attn.attention %{{.*}}, %{{.*}}, %{{.*}} {normalizer = #attn.normalizer<sigmoid>} :
func.func @normalizer_sigmoid(%q: tensor<?x8x?x64xf32>, %k: tensor<?x8x?x64xf32>,
                              %v: tensor<?x8x?x64xf32>) -> tensor<?x8x?x64xf32> {
  %o = attn.attention %q, %k, %v {normalizer = #attn.normalizer<sigmoid>}
      : tensor<?x8x?x64xf32>, tensor<?x8x?x64xf32>, tensor<?x8x?x64xf32>
      -> tensor<?x8x?x64xf32>
  return %o : tensor<?x8x?x64xf32>
}

// CHECK-LABEL: func.func @normalizer_hard
// CHECK: attn.attention %{{.*}}, %{{.*}}, %{{.*}} {normalizer = #attn.normalizer<hard>} :
func.func @normalizer_hard(%q: tensor<?x8x?x64xf32>, %k: tensor<?x8x?x64xf32>,
                           %v: tensor<?x8x?x64xf32>) -> tensor<?x8x?x64xf32> {
  %o = attn.attention %q, %k, %v {normalizer = #attn.normalizer<hard>}
      : tensor<?x8x?x64xf32>, tensor<?x8x?x64xf32>, tensor<?x8x?x64xf32>
      -> tensor<?x8x?x64xf32>
  return %o : tensor<?x8x?x64xf32>
}

// CHECK-LABEL: func.func @normalizer_topk
// CHECK: attn.attention %{{.*}}, %{{.*}}, %{{.*}} {normalizer = #attn.normalizer<topk>, top_k = 8 : i64} :
func.func @normalizer_topk(%q: tensor<?x8x?x64xf32>, %k: tensor<?x8x?x64xf32>,
                           %v: tensor<?x8x?x64xf32>) -> tensor<?x8x?x64xf32> {
  %o = attn.attention %q, %k, %v
      {normalizer = #attn.normalizer<topk>, top_k = 8}
      : tensor<?x8x?x64xf32>, tensor<?x8x?x64xf32>, tensor<?x8x?x64xf32>
      -> tensor<?x8x?x64xf32>
  return %o : tensor<?x8x?x64xf32>
}

// CHECK-LABEL: func.func @normalizer_hard_sample
// CHECK-SAME: %[[U:[^:]*]]: tensor<?x8x?xf32>
// CHECK: attn.attention %{{.*}}, %{{.*}}, %{{.*}} normalizer_operands(%[[U]] : tensor<?x8x?xf32>) {normalizer = #attn.normalizer<hard_sample>} :
func.func @normalizer_hard_sample(%q: tensor<?x8x?x64xf32>,
                                  %k: tensor<?x8x?x64xf32>,
                                  %v: tensor<?x8x?x64xf32>,
                                  %u: tensor<?x8x?xf32>) -> tensor<?x8x?x64xf32> {
  %o = attn.attention %q, %k, %v normalizer_operands(%u : tensor<?x8x?xf32>)
      {normalizer = #attn.normalizer<hard_sample>}
      : tensor<?x8x?x64xf32>, tensor<?x8x?x64xf32>, tensor<?x8x?x64xf32>
      -> tensor<?x8x?x64xf32>
  return %o : tensor<?x8x?x64xf32>
}

// CHECK-LABEL: func.func @normalizer_none
// CHECK: attn.attention %{{.*}}, %{{.*}}, %{{.*}} {normalizer = #attn.normalizer<none>} :
func.func @normalizer_none(%q: tensor<?x8x?x64xf32>, %k: tensor<?x8x?x64xf32>,
                           %v: tensor<?x8x?x64xf32>) -> tensor<?x8x?x64xf32> {
  %o = attn.attention %q, %k, %v {normalizer = #attn.normalizer<none>}
      : tensor<?x8x?x64xf32>, tensor<?x8x?x64xf32>, tensor<?x8x?x64xf32>
      -> tensor<?x8x?x64xf32>
  return %o : tensor<?x8x?x64xf32>
}

//===----------------------------------------------------------------------===//
// Positional terms and their position_operands.
//===----------------------------------------------------------------------===//

// Shaw et al. relative positions, clip 16: aK is [33, D], aV is [33, Dv].
// CHECK-LABEL: func.func @relative_position
// CHECK-SAME: %[[AK:[^:]*]]: tensor<33x64xf32>, %[[AV:[^:]*]]: tensor<33x32xf32>
// CHECK: position_operands(%[[AK]], %[[AV]] : tensor<33x64xf32>, tensor<33x32xf32>) {relative_clip = 16 : i64} :
func.func @relative_position(%q: tensor<?x8x?x64xf32>, %k: tensor<?x8x?x64xf32>,
                             %v: tensor<?x8x?x32xf32>, %ak: tensor<33x64xf32>,
                             %av: tensor<33x32xf32>) -> tensor<?x8x?x32xf32> {
  %o = attn.attention %q, %k, %v
      position_operands(%ak, %av : tensor<33x64xf32>, tensor<33x32xf32>)
      {relative_clip = 16}
      : tensor<?x8x?x64xf32>, tensor<?x8x?x64xf32>, tensor<?x8x?x32xf32>
      -> tensor<?x8x?x32xf32>
  return %o : tensor<?x8x?x32xf32>
}

// relative_clip = 0: a single relative-position row.
// CHECK-LABEL: func.func @relative_clip_zero
// CHECK: position_operands(%{{.*}}, %{{.*}} : tensor<1x8xf32>, tensor<1x8xf32>) {relative_clip = 0 : i64} :
func.func @relative_clip_zero(%q: tensor<1x1x4x8xf32>, %k: tensor<1x1x4x8xf32>,
                              %v: tensor<1x1x4x8xf32>, %ak: tensor<1x8xf32>,
                              %av: tensor<1x8xf32>) -> tensor<1x1x4x8xf32> {
  %o = attn.attention %q, %k, %v
      position_operands(%ak, %av : tensor<1x8xf32>, tensor<1x8xf32>)
      {relative_clip = 0}
      : tensor<1x1x4x8xf32>, tensor<1x1x4x8xf32>, tensor<1x1x4x8xf32>
      -> tensor<1x1x4x8xf32>
  return %o : tensor<1x1x4x8xf32>
}

// Luong local-p: window 8 around p, Gaussian sigma 4.
// CHECK-LABEL: func.func @local_gaussian
// CHECK-SAME: %[[P:[^:]*]]: tensor<?x8x?xf32>
// CHECK: position_operands(%[[P]] : tensor<?x8x?xf32>) {gaussian_sigma = 4.000000e+00 : f32, gaussian_window = 8 : i64} :
func.func @local_gaussian(%q: tensor<?x8x?x64xf32>, %k: tensor<?x8x?x64xf32>,
                          %v: tensor<?x8x?x64xf32>, %p: tensor<?x8x?xf32>)
    -> tensor<?x8x?x64xf32> {
  %o = attn.attention %q, %k, %v position_operands(%p : tensor<?x8x?xf32>)
      {gaussian_window = 8, gaussian_sigma = 4.0 : f32}
      : tensor<?x8x?x64xf32>, tensor<?x8x?x64xf32>, tensor<?x8x?x64xf32>
      -> tensor<?x8x?x64xf32>
  return %o : tensor<?x8x?x64xf32>
}

// CHECK-LABEL: func.func @grid_window_dilated
// CHECK-SAME: %[[W:[^:]*]]: index
// CHECK: grid_width(%[[W]]) {grid_dilation = array<i64: 1, 2, 3, 4>, grid_window = array<i64: 1, 1>} :
func.func @grid_window_dilated(%q: tensor<?x4x?x4xf32>, %k: tensor<?x4x?x4xf32>,
                               %v: tensor<?x4x?x4xf32>, %w: index)
    -> tensor<?x4x?x4xf32> {
  %o = attn.attention %q, %k, %v grid_width(%w)
      {grid_window = array<i64: 1, 1>, grid_dilation = array<i64: 1, 2, 3, 4>}
      : tensor<?x4x?x4xf32>, tensor<?x4x?x4xf32>, tensor<?x4x?x4xf32>
      -> tensor<?x4x?x4xf32>
  return %o : tensor<?x4x?x4xf32>
}

// CHECK-LABEL: func.func @grid_window_relative
// CHECK-SAME: %[[W:[^:]*]]: index, %[[ROWS:[^:]*]]: tensor<4x7x4xf32>, %[[COLS:[^:]*]]: tensor<4x5x4xbf16>
// CHECK: grid_width(%[[W]]) position_operands(%[[ROWS]], %[[COLS]] : tensor<4x7x4xf32>, tensor<4x5x4xbf16>) {grid_window = array<i64: 3, 2>}
func.func @grid_window_relative(%q: tensor<?x4x?x4xbf16>, %k: tensor<?x4x?x4xbf16>,
                                %v: tensor<?x4x?x4xbf16>, %w: index,
                                %rows: tensor<4x7x4xf32>, %cols: tensor<4x5x4xbf16>)
    -> tensor<?x4x?x4xbf16> {
  %o = attn.attention %q, %k, %v grid_width(%w)
      position_operands(%rows, %cols : tensor<4x7x4xf32>, tensor<4x5x4xbf16>)
      {grid_window = array<i64: 3, 2>}
      : tensor<?x4x?x4xbf16>, tensor<?x4x?x4xbf16>, tensor<?x4x?x4xbf16>
      -> tensor<?x4x?x4xbf16>
  return %o : tensor<?x4x?x4xbf16>
}

//===----------------------------------------------------------------------===//
// Regions.
//===----------------------------------------------------------------------===//

// CHECK-LABEL: func.func @score_mod
// CHECK: attn.attention %{{.*}}, %{{.*}}, %{{.*}} : tensor<1x4x128x64xf32>, tensor<1x4x128x64xf32>, tensor<1x4x128x64xf32> -> tensor<1x4x128x64xf32> score_mod {
// CHECK-NEXT: ^bb0(%[[S:.*]]: f32, %{{.*}}: index, %[[H:.*]]: index, %[[I:.*]]: index, %[[J:.*]]: index):
// CHECK-NEXT:   %[[D:.*]] = arith.subi %[[I]], %[[J]] : index
// CHECK-NEXT:   %[[DI:.*]] = arith.index_cast %[[D]] : index to i64
// CHECK-NEXT:   %[[DF:.*]] = arith.sitofp %[[DI]] : i64 to f32
// CHECK-NEXT:   %[[T:.*]] = arith.subf %[[S]], %[[DF]] : f32
// CHECK-NEXT:   attn.yield %[[T]] : f32
// CHECK-NEXT: }{{$}}
func.func @score_mod(%q: tensor<1x4x128x64xf32>, %k: tensor<1x4x128x64xf32>,
                     %v: tensor<1x4x128x64xf32>) -> tensor<1x4x128x64xf32> {
  %o = attn.attention %q, %k, %v
      : tensor<1x4x128x64xf32>, tensor<1x4x128x64xf32>, tensor<1x4x128x64xf32>
      -> tensor<1x4x128x64xf32>
      score_mod {
      ^bb0(%s: f32, %b: index, %h: index, %i: index, %j: index):
        %d = arith.subi %i, %j : index
        %di = arith.index_cast %d : index to i64
        %df = arith.sitofp %di : i64 to f32
        %t = arith.subf %s, %df : f32
        attn.yield %t : f32
      }
  return %o : tensor<1x4x128x64xf32>
}

// CHECK-LABEL: func.func @mask_mod
// CHECK: attn.attention {{.*}} -> tensor<1x4x128x64xf32> mask_mod {
// CHECK-NEXT: ^bb0(%{{.*}}: index, %{{.*}}: index, %[[I:.*]]: index, %[[J:.*]]: index):
// CHECK-NEXT:   %[[C:.*]] = arith.constant 4 : index
// CHECK-NEXT:   %[[R:.*]] = arith.remui %[[J]], %[[C]] : index
// CHECK-NEXT:   %[[Z:.*]] = arith.constant 0 : index
// CHECK-NEXT:   %[[OK:.*]] = arith.cmpi eq, %[[R]], %[[Z]] : index
// CHECK-NEXT:   attn.yield %[[OK]] : i1
func.func @mask_mod(%q: tensor<1x4x128x64xf32>, %k: tensor<1x4x128x64xf32>,
                    %v: tensor<1x4x128x64xf32>) -> tensor<1x4x128x64xf32> {
  %o = attn.attention %q, %k, %v
      : tensor<1x4x128x64xf32>, tensor<1x4x128x64xf32>, tensor<1x4x128x64xf32>
      -> tensor<1x4x128x64xf32>
      mask_mod {
      ^bb0(%b: index, %h: index, %i: index, %j: index):
        %c4 = arith.constant 4 : index
        %r = arith.remui %j, %c4 : index
        %c0 = arith.constant 0 : index
        %ok = arith.cmpi eq, %r, %c0 : index
        attn.yield %ok : i1
      }
  return %o : tensor<1x4x128x64xf32>
}

// Both regions, together with named masks and the lse result (the description
// example).
// CHECK-LABEL: func.func @both_regions
// CHECK: %[[O:.*]], %[[LSE:.*]] = attn.attention %{{.*}}, %{{.*}}, %{{.*}} {causal} : tensor<?x4x?x64xf16>, tensor<?x4x?x64xf16>, tensor<?x4x?x64xf16> -> tensor<?x4x?x64xf16>, tensor<?x4x?xf32> score_mod {
// CHECK-NEXT: ^bb0(%[[S:.*]]: f32, %{{.*}}: index, %{{.*}}: index, %{{.*}}: index, %{{.*}}: index):
// CHECK-NEXT:   %[[C:.*]] = arith.constant 2.000000e+00 : f32
// CHECK-NEXT:   %[[T:.*]] = arith.mulf %[[S]], %[[C]] : f32
// CHECK-NEXT:   attn.yield %[[T]] : f32
// CHECK-NEXT: } mask_mod {
// CHECK-NEXT: ^bb0(%{{.*}}: index, %{{.*}}: index, %[[I:.*]]: index, %[[J:.*]]: index):
// CHECK-NEXT:   %[[OK:.*]] = arith.cmpi sle, %[[J]], %[[I]] : index
// CHECK-NEXT:   attn.yield %[[OK]] : i1
// CHECK-NEXT: }
// CHECK-NEXT: return %[[O]], %[[LSE]]
func.func @both_regions(%q: tensor<?x4x?x64xf16>, %k: tensor<?x4x?x64xf16>,
                        %v: tensor<?x4x?x64xf16>)
    -> (tensor<?x4x?x64xf16>, tensor<?x4x?xf32>) {
  %o, %lse = attn.attention %q, %k, %v {causal}
      : tensor<?x4x?x64xf16>, tensor<?x4x?x64xf16>, tensor<?x4x?x64xf16>
      -> tensor<?x4x?x64xf16>, tensor<?x4x?xf32>
      score_mod {
      ^bb0(%s: f32, %b: index, %h: index, %i: index, %j: index):
        %c = arith.constant 2.0 : f32
        %t = arith.mulf %s, %c : f32
        attn.yield %t : f32
      }
      mask_mod {
      ^bb0(%b: index, %h: index, %i: index, %j: index):
        %ok = arith.cmpi sle, %j, %i : index
        attn.yield %ok : i1
      }
  return %o, %lse : tensor<?x4x?x64xf16>, tensor<?x4x?xf32>
}

// Regions may use math ops.
// CHECK-LABEL: func.func @softcap_region
// CHECK: score_mod {
// CHECK: math.tanh
// CHECK: attn.yield
func.func @softcap_region(%q: tensor<1x1x4x8xf32>, %k: tensor<1x1x4x8xf32>,
                          %v: tensor<1x1x4x8xf32>) -> tensor<1x1x4x8xf32> {
  %o = attn.attention %q, %k, %v
      : tensor<1x1x4x8xf32>, tensor<1x1x4x8xf32>, tensor<1x1x4x8xf32>
      -> tensor<1x1x4x8xf32>
      score_mod {
      ^bb0(%s: f32, %b: index, %h: index, %i: index, %j: index):
        %c = arith.constant 30.0 : f32
        %x = arith.divf %s, %c : f32
        %t = math.tanh %x : f32
        %y = arith.mulf %t, %c : f32
        attn.yield %y : f32
      }
  return %o : tensor<1x1x4x8xf32>
}

// Decode: a single query row against a dynamic KV cache.
// CHECK-LABEL: func.func @decode
// CHECK: attn.attention {{.*}} {causal} : tensor<?x8x1x128xbf16>, tensor<?x2x?x128xbf16>, tensor<?x2x?x128xbf16> -> tensor<?x8x1x128xbf16>
func.func @decode(%q: tensor<?x8x1x128xbf16>, %k: tensor<?x2x?x128xbf16>,
                  %v: tensor<?x2x?x128xbf16>) -> tensor<?x8x1x128xbf16> {
  %o = attn.attention %q, %k, %v {causal}
      : tensor<?x8x1x128xbf16>, tensor<?x2x?x128xbf16>, tensor<?x2x?x128xbf16>
      -> tensor<?x8x1x128xbf16>
  return %o : tensor<?x8x1x128xbf16>
}

// A paged key/value cache: block_table [B, P] over page pools [num_pages,
// Hkv, page_size, D], with key lengths, GQA and a causal mask.
// CHECK-LABEL: func.func @paged_cache
// CHECK-SAME: (%[[Q:[^:]*]]: tensor<?x8x?x64xf16>, %[[K:[^:]*]]: tensor<?x2x16x64xf16>, %[[V:[^:]*]]: tensor<?x2x16x32xf16>, %[[L:[^:]*]]: tensor<?xi32>, %[[T:[^:]*]]: tensor<?x?xi32>)
// CHECK: attn.attention %[[Q]], %[[K]], %[[V]]
// CHECK-SAME: key_lengths(%[[L]] : tensor<?xi32>)
// CHECK-SAME: block_table(%[[T]] : tensor<?x?xi32>)
// CHECK-SAME: {causal}
// CHECK-SAME: : tensor<?x8x?x64xf16>, tensor<?x2x16x64xf16>, tensor<?x2x16x32xf16> -> tensor<?x8x?x32xf16>
func.func @paged_cache(%q: tensor<?x8x?x64xf16>, %k: tensor<?x2x16x64xf16>,
                       %v: tensor<?x2x16x32xf16>, %len: tensor<?xi32>,
                       %bt: tensor<?x?xi32>) -> tensor<?x8x?x32xf16> {
  %o = attn.attention %q, %k, %v key_lengths(%len : tensor<?xi32>)
      block_table(%bt : tensor<?x?xi32>) {causal}
      : tensor<?x8x?x64xf16>, tensor<?x2x16x64xf16>, tensor<?x2x16x32xf16>
      -> tensor<?x8x?x32xf16>
  return %o : tensor<?x8x?x32xf16>
}

// Static pages with a mask over the logical keys (P * page_size = 3 * 4).
// CHECK-LABEL: func.func @paged_static_mask
// CHECK: attn.attention
// CHECK-SAME: mask(%{{.*}} : tensor<2x1x5x12xi1>)
// CHECK-SAME: block_table(%{{.*}} : tensor<2x3xi32>)
func.func @paged_static_mask(%q: tensor<2x4x5x16xf32>, %k: tensor<7x4x4x16xf32>,
                             %v: tensor<7x4x4x16xf32>, %m: tensor<2x1x5x12xi1>,
                             %bt: tensor<2x3xi32>) -> tensor<2x4x5x16xf32> {
  %o = attn.attention %q, %k, %v mask(%m : tensor<2x1x5x12xi1>)
      block_table(%bt : tensor<2x3xi32>)
      : tensor<2x4x5x16xf32>, tensor<7x4x4x16xf32>, tensor<7x4x4x16xf32>
      -> tensor<2x4x5x16xf32>
  return %o : tensor<2x4x5x16xf32>
}

// FP8 inputs with per-tensor scales and a bf16 output; and without scales,
// into f32.
// CHECK-LABEL: func.func @fp8_inputs
// CHECK: attn.attention %{{.*}}, %{{.*}}, %{{.*}} scales(%{{.*}} : tensor<3xf32>) {causal}
// CHECK-SAME: : tensor<?x4x?x64xf8E4M3FN>, tensor<?x4x?x64xf8E4M3FN>, tensor<?x4x?x64xf8E4M3FN> -> tensor<?x4x?x64xbf16>
// CHECK: attn.attention
// CHECK-SAME: bias(%{{.*}} : tensor<1x4x8x8xf32>)
// CHECK-SAME: -> tensor<1x4x8x16xf32>
func.func @fp8_inputs(%q: tensor<?x4x?x64xf8E4M3FN>, %k: tensor<?x4x?x64xf8E4M3FN>,
                      %v: tensor<?x4x?x64xf8E4M3FN>, %s: tensor<3xf32>,
                      %q2: tensor<1x4x8x16xf8E4M3FN>, %b: tensor<1x4x8x8xf32>)
    -> (tensor<?x4x?x64xbf16>, tensor<1x4x8x16xf32>) {
  %o = attn.attention %q, %k, %v scales(%s : tensor<3xf32>) {causal}
      : tensor<?x4x?x64xf8E4M3FN>, tensor<?x4x?x64xf8E4M3FN>,
        tensor<?x4x?x64xf8E4M3FN> -> tensor<?x4x?x64xbf16>
  %o2 = attn.attention %q2, %q2, %q2 bias(%b : tensor<1x4x8x8xf32>)
      : tensor<1x4x8x16xf8E4M3FN>, tensor<1x4x8x16xf8E4M3FN>,
        tensor<1x4x8x16xf8E4M3FN> -> tensor<1x4x8x16xf32>
  return %o, %o2 : tensor<?x4x?x64xbf16>, tensor<1x4x8x16xf32>
}
