// RUN: attn-opt %s -canonicalize | FileCheck %s

// A mask_mod that is exactly `j <= i` becomes the causal attribute (so the
// lowering can skip key tiles); an identity score_mod is dropped. Anything
// else stays as written.

// CHECK-LABEL: func.func @mask_mod_sle_to_causal
// CHECK-SAME: (%[[Q:[^:]*]]: {{.*}}, %[[K:[^:]*]]: {{.*}}, %[[V:[^:]*]]: {{.*}})
// CHECK: %[[O:.*]] = attn.attention %[[Q]], %[[K]], %[[V]] {causal} : tensor<?x8x?x64xf32>, tensor<?x8x?x64xf32>, tensor<?x8x?x64xf32> -> tensor<?x8x?x64xf32>{{$}}
// CHECK-NOT: mask_mod
// CHECK: return %[[O]]
func.func @mask_mod_sle_to_causal(%q: tensor<?x8x?x64xf32>, %k: tensor<?x8x?x64xf32>,
                                  %v: tensor<?x8x?x64xf32>) -> tensor<?x8x?x64xf32> {
  %o = attn.attention %q, %k, %v
      : tensor<?x8x?x64xf32>, tensor<?x8x?x64xf32>, tensor<?x8x?x64xf32>
      -> tensor<?x8x?x64xf32>
      mask_mod {
      ^bb0(%b: index, %h: index, %i: index, %j: index):
        %ok = arith.cmpi sle, %j, %i : index
        attn.yield %ok : i1
      }
  return %o : tensor<?x8x?x64xf32>
}

// CHECK-LABEL: func.func @mask_mod_ule_to_causal
// CHECK: attn.attention %{{[^ ]*}}, %{{[^ ]*}}, %{{[^ ]*}} {causal} : {{.*}} -> tensor<1x4x16x8xf32>{{$}}
// CHECK-NOT: mask_mod
// CHECK: return
func.func @mask_mod_ule_to_causal(%q: tensor<1x4x16x8xf32>, %k: tensor<1x4x16x8xf32>,
                                  %v: tensor<1x4x16x8xf32>) -> tensor<1x4x16x8xf32> {
  %o = attn.attention %q, %k, %v
      : tensor<1x4x16x8xf32>, tensor<1x4x16x8xf32>, tensor<1x4x16x8xf32>
      -> tensor<1x4x16x8xf32>
      mask_mod {
      ^bb0(%b: index, %h: index, %i: index, %j: index):
        %ok = arith.cmpi ule, %j, %i : index
        attn.yield %ok : i1
      }
  return %o : tensor<1x4x16x8xf32>
}

// `i >= j` is the same mask with the operands swapped.
// CHECK-LABEL: func.func @mask_mod_sge_swapped_to_causal
// CHECK: attn.attention %{{[^ ]*}}, %{{[^ ]*}}, %{{[^ ]*}} {causal} : {{.*}} -> tensor<1x4x16x8xf32>{{$}}
// CHECK-NOT: mask_mod
// CHECK: return
func.func @mask_mod_sge_swapped_to_causal(%q: tensor<1x4x16x8xf32>,
                                          %k: tensor<1x4x16x8xf32>,
                                          %v: tensor<1x4x16x8xf32>)
    -> tensor<1x4x16x8xf32> {
  %o = attn.attention %q, %k, %v
      : tensor<1x4x16x8xf32>, tensor<1x4x16x8xf32>, tensor<1x4x16x8xf32>
      -> tensor<1x4x16x8xf32>
      mask_mod {
      ^bb0(%b: index, %h: index, %i: index, %j: index):
        %ok = arith.cmpi sge, %i, %j : index
        attn.yield %ok : i1
      }
  return %o : tensor<1x4x16x8xf32>
}

// CHECK-LABEL: func.func @mask_mod_uge_swapped_to_causal
// CHECK: attn.attention %{{[^ ]*}}, %{{[^ ]*}}, %{{[^ ]*}} {causal} : {{.*}} -> tensor<1x4x16x8xf32>{{$}}
// CHECK-NOT: mask_mod
// CHECK: return
func.func @mask_mod_uge_swapped_to_causal(%q: tensor<1x4x16x8xf32>,
                                          %k: tensor<1x4x16x8xf32>,
                                          %v: tensor<1x4x16x8xf32>)
    -> tensor<1x4x16x8xf32> {
  %o = attn.attention %q, %k, %v
      : tensor<1x4x16x8xf32>, tensor<1x4x16x8xf32>, tensor<1x4x16x8xf32>
      -> tensor<1x4x16x8xf32>
      mask_mod {
      ^bb0(%b: index, %h: index, %i: index, %j: index):
        %ok = arith.cmpi uge, %i, %j : index
        attn.yield %ok : i1
      }
  return %o : tensor<1x4x16x8xf32>
}

// The rewrite keeps the other attributes, operands and the score_mod.
// CHECK-LABEL: func.func @mask_mod_to_causal_keeps_rest
// CHECK-SAME: %[[L:[^:]*]]: tensor<?xi32>
// CHECK: %[[O:.*]], %[[LSE:.*]] = attn.attention %{{[^ ]*}}, %{{[^ ]*}}, %{{[^ ]*}} key_lengths(%[[L]] : tensor<?xi32>) {causal, softcap = 3.000000e+01 : f32, window = array<i64: 16, 0>} : {{.*}} -> tensor<?x8x?x64xf32>, tensor<?x8x?xf32> score_mod {
// CHECK:   arith.mulf
// CHECK:   attn.yield
// CHECK-NEXT: }{{$}}
// CHECK-NEXT: return %[[O]], %[[LSE]]
func.func @mask_mod_to_causal_keeps_rest(%q: tensor<?x8x?x64xf32>,
                                         %k: tensor<?x8x?x64xf32>,
                                         %v: tensor<?x8x?x64xf32>,
                                         %len: tensor<?xi32>)
    -> (tensor<?x8x?x64xf32>, tensor<?x8x?xf32>) {
  %o, %lse = attn.attention %q, %k, %v key_lengths(%len : tensor<?xi32>)
      {window = array<i64: 16, 0>, softcap = 30.0 : f32}
      : tensor<?x8x?x64xf32>, tensor<?x8x?x64xf32>, tensor<?x8x?x64xf32>
      -> tensor<?x8x?x64xf32>, tensor<?x8x?xf32>
      score_mod {
      ^bb0(%s: f32, %b: index, %h: index, %i: index, %j: index):
        %c = arith.constant 0.5 : f32
        %t = arith.mulf %s, %c : f32
        attn.yield %t : f32
      }
      mask_mod {
      ^bb0(%b: index, %h: index, %i: index, %j: index):
        %ok = arith.cmpi sle, %j, %i : index
        attn.yield %ok : i1
      }
  return %o, %lse : tensor<?x8x?x64xf32>, tensor<?x8x?xf32>
}

// Already causal: the redundant mask_mod goes away.
// CHECK-LABEL: func.func @mask_mod_on_causal
// CHECK: attn.attention %{{[^ ]*}}, %{{[^ ]*}}, %{{[^ ]*}} {causal} : {{.*}} -> tensor<1x4x16x8xf32>{{$}}
// CHECK-NOT: mask_mod
// CHECK: return
func.func @mask_mod_on_causal(%q: tensor<1x4x16x8xf32>, %k: tensor<1x4x16x8xf32>,
                              %v: tensor<1x4x16x8xf32>) -> tensor<1x4x16x8xf32> {
  %o = attn.attention %q, %k, %v {causal}
      : tensor<1x4x16x8xf32>, tensor<1x4x16x8xf32>, tensor<1x4x16x8xf32>
      -> tensor<1x4x16x8xf32>
      mask_mod {
      ^bb0(%b: index, %h: index, %i: index, %j: index):
        %ok = arith.cmpi sle, %j, %i : index
        attn.yield %ok : i1
      }
  return %o : tensor<1x4x16x8xf32>
}

//===----------------------------------------------------------------------===//
// Masks that are not `j <= i` stay.
//===----------------------------------------------------------------------===//

// `j < i` hides the diagonal: not causal.
// CHECK-LABEL: func.func @mask_mod_slt_stays
// CHECK-NOT: causal
// CHECK: mask_mod {
// CHECK-NEXT: ^bb0(%{{.*}}: index, %{{.*}}: index, %[[I:.*]]: index, %[[J:.*]]: index):
// CHECK-NEXT:   %[[OK:.*]] = arith.cmpi slt, %[[J]], %[[I]] : index
// CHECK-NEXT:   attn.yield %[[OK]] : i1
func.func @mask_mod_slt_stays(%q: tensor<1x4x16x8xf32>, %k: tensor<1x4x16x8xf32>,
                              %v: tensor<1x4x16x8xf32>) -> tensor<1x4x16x8xf32> {
  %o = attn.attention %q, %k, %v
      : tensor<1x4x16x8xf32>, tensor<1x4x16x8xf32>, tensor<1x4x16x8xf32>
      -> tensor<1x4x16x8xf32>
      mask_mod {
      ^bb0(%b: index, %h: index, %i: index, %j: index):
        %ok = arith.cmpi slt, %j, %i : index
        attn.yield %ok : i1
      }
  return %o : tensor<1x4x16x8xf32>
}

// `i <= j` is the anti-causal mask.
// CHECK-LABEL: func.func @mask_mod_reversed_stays
// CHECK-NOT: causal
// CHECK: mask_mod {
// CHECK-NEXT: ^bb0(%{{.*}}: index, %{{.*}}: index, %[[I:.*]]: index, %[[J:.*]]: index):
// CHECK-NEXT:   %[[OK:.*]] = arith.cmpi sle, %[[I]], %[[J]] : index
// CHECK-NEXT:   attn.yield %[[OK]] : i1
func.func @mask_mod_reversed_stays(%q: tensor<1x4x16x8xf32>, %k: tensor<1x4x16x8xf32>,
                                   %v: tensor<1x4x16x8xf32>) -> tensor<1x4x16x8xf32> {
  %o = attn.attention %q, %k, %v
      : tensor<1x4x16x8xf32>, tensor<1x4x16x8xf32>, tensor<1x4x16x8xf32>
      -> tensor<1x4x16x8xf32>
      mask_mod {
      ^bb0(%b: index, %h: index, %i: index, %j: index):
        %ok = arith.cmpi sle, %i, %j : index
        attn.yield %ok : i1
      }
  return %o : tensor<1x4x16x8xf32>
}

// `j <= i` combined with another condition is a different mask.
// CHECK-LABEL: func.func @mask_mod_with_extra_ops_stays
// CHECK-NOT: causal
// CHECK: mask_mod {
// CHECK-NEXT: ^bb0(%{{.*}}: index, %[[H:.*]]: index, %[[I:.*]]: index, %[[J:.*]]: index):
// CHECK-DAG:    %[[C:.*]] = arith.cmpi sle, %[[J]], %[[I]] : index
// CHECK-DAG:    %[[Z:.*]] = arith.constant 0 : index
// CHECK-DAG:    %[[E:.*]] = arith.cmpi eq, %[[H]], %[[Z]] : index
// CHECK:        %[[OK:.*]] = arith.andi %{{.*}}, %{{.*}} : i1
// CHECK-NEXT:   attn.yield %[[OK]] : i1
func.func @mask_mod_with_extra_ops_stays(%q: tensor<1x4x16x8xf32>,
                                         %k: tensor<1x4x16x8xf32>,
                                         %v: tensor<1x4x16x8xf32>)
    -> tensor<1x4x16x8xf32> {
  %o = attn.attention %q, %k, %v
      : tensor<1x4x16x8xf32>, tensor<1x4x16x8xf32>, tensor<1x4x16x8xf32>
      -> tensor<1x4x16x8xf32>
      mask_mod {
      ^bb0(%b: index, %h: index, %i: index, %j: index):
        %causal = arith.cmpi sle, %j, %i : index
        %c0 = arith.constant 0 : index
        %head0 = arith.cmpi eq, %h, %c0 : index
        %ok = arith.andi %causal, %head0 : i1
        attn.yield %ok : i1
      }
  return %o : tensor<1x4x16x8xf32>
}

// A shifted diagonal: `j <= i - 4` compares with a computed value.
// CHECK-LABEL: func.func @mask_mod_shifted_stays
// CHECK-NOT: causal
// CHECK: mask_mod {
// CHECK: arith.subi
// CHECK: arith.cmpi sle
// CHECK: attn.yield
func.func @mask_mod_shifted_stays(%q: tensor<1x4x16x8xf32>, %k: tensor<1x4x16x8xf32>,
                                  %v: tensor<1x4x16x8xf32>) -> tensor<1x4x16x8xf32> {
  %o = attn.attention %q, %k, %v
      : tensor<1x4x16x8xf32>, tensor<1x4x16x8xf32>, tensor<1x4x16x8xf32>
      -> tensor<1x4x16x8xf32>
      mask_mod {
      ^bb0(%b: index, %h: index, %i: index, %j: index):
        %c4 = arith.constant 4 : index
        %s = arith.subi %i, %c4 : index
        %ok = arith.cmpi sle, %j, %s : index
        attn.yield %ok : i1
      }
  return %o : tensor<1x4x16x8xf32>
}

// The comparison of the batch and head arguments is not a causal mask.
// CHECK-LABEL: func.func @mask_mod_other_args_stays
// CHECK-NOT: causal
// CHECK: mask_mod {
// CHECK-NEXT: ^bb0(%[[B:.*]]: index, %[[H:.*]]: index, %{{.*}}: index, %{{.*}}: index):
// CHECK-NEXT:   %[[OK:.*]] = arith.cmpi sle, %[[H]], %[[B]] : index
// CHECK-NEXT:   attn.yield %[[OK]] : i1
func.func @mask_mod_other_args_stays(%q: tensor<1x4x16x8xf32>,
                                     %k: tensor<1x4x16x8xf32>,
                                     %v: tensor<1x4x16x8xf32>)
    -> tensor<1x4x16x8xf32> {
  %o = attn.attention %q, %k, %v
      : tensor<1x4x16x8xf32>, tensor<1x4x16x8xf32>, tensor<1x4x16x8xf32>
      -> tensor<1x4x16x8xf32>
      mask_mod {
      ^bb0(%b: index, %h: index, %i: index, %j: index):
        %ok = arith.cmpi sle, %h, %b : index
        attn.yield %ok : i1
      }
  return %o : tensor<1x4x16x8xf32>
}

// `j <= j` (it folds to true) is not `j <= i`.
// CHECK-LABEL: func.func @mask_mod_same_arg_stays
// CHECK-NOT: causal
// CHECK: mask_mod {
// CHECK: attn.yield
func.func @mask_mod_same_arg_stays(%q: tensor<1x4x16x8xf32>, %k: tensor<1x4x16x8xf32>,
                                   %v: tensor<1x4x16x8xf32>) -> tensor<1x4x16x8xf32> {
  %o = attn.attention %q, %k, %v
      : tensor<1x4x16x8xf32>, tensor<1x4x16x8xf32>, tensor<1x4x16x8xf32>
      -> tensor<1x4x16x8xf32>
      mask_mod {
      ^bb0(%b: index, %h: index, %i: index, %j: index):
        %ok = arith.cmpi sle, %j, %j : index
        attn.yield %ok : i1
      }
  return %o : tensor<1x4x16x8xf32>
}

//===----------------------------------------------------------------------===//
// score_mod.
//===----------------------------------------------------------------------===//

// CHECK-LABEL: func.func @identity_score_mod_dropped
// CHECK: %[[O:.*]] = attn.attention %{{[^ ]*}}, %{{[^ ]*}}, %{{[^ ]*}} : {{.*}} -> tensor<1x4x16x8xf32>{{$}}
// CHECK-NOT: score_mod
// CHECK: return %[[O]]
func.func @identity_score_mod_dropped(%q: tensor<1x4x16x8xf32>,
                                      %k: tensor<1x4x16x8xf32>,
                                      %v: tensor<1x4x16x8xf32>)
    -> tensor<1x4x16x8xf32> {
  %o = attn.attention %q, %k, %v
      : tensor<1x4x16x8xf32>, tensor<1x4x16x8xf32>, tensor<1x4x16x8xf32>
      -> tensor<1x4x16x8xf32>
      score_mod {
      ^bb0(%s: f32, %b: index, %h: index, %i: index, %j: index):
        attn.yield %s : f32
      }
  return %o : tensor<1x4x16x8xf32>
}

// An identity score_mod goes; a non-canonical mask_mod beside it stays.
// CHECK-LABEL: func.func @identity_score_mod_keeps_mask_mod
// CHECK: attn.attention {{.*}} -> tensor<1x4x16x8xf32> mask_mod {
// CHECK-NEXT: ^bb0
// CHECK-NEXT:   arith.cmpi slt
// CHECK-NOT: score_mod
// CHECK: return
func.func @identity_score_mod_keeps_mask_mod(%q: tensor<1x4x16x8xf32>,
                                             %k: tensor<1x4x16x8xf32>,
                                             %v: tensor<1x4x16x8xf32>)
    -> tensor<1x4x16x8xf32> {
  %o = attn.attention %q, %k, %v
      : tensor<1x4x16x8xf32>, tensor<1x4x16x8xf32>, tensor<1x4x16x8xf32>
      -> tensor<1x4x16x8xf32>
      score_mod {
      ^bb0(%s: f32, %b: index, %h: index, %i: index, %j: index):
        attn.yield %s : f32
      }
      mask_mod {
      ^bb0(%b: index, %h: index, %i: index, %j: index):
        %ok = arith.cmpi slt, %j, %i : index
        attn.yield %ok : i1
      }
  return %o : tensor<1x4x16x8xf32>
}

// Both regions canonicalise at once.
// CHECK-LABEL: func.func @both_regions_canonicalised
// CHECK: attn.attention %{{[^ ]*}}, %{{[^ ]*}}, %{{[^ ]*}} {causal} : {{.*}} -> tensor<1x4x16x8xf32>{{$}}
// CHECK-NOT: _mod
// CHECK: return
func.func @both_regions_canonicalised(%q: tensor<1x4x16x8xf32>,
                                      %k: tensor<1x4x16x8xf32>,
                                      %v: tensor<1x4x16x8xf32>)
    -> tensor<1x4x16x8xf32> {
  %o = attn.attention %q, %k, %v
      : tensor<1x4x16x8xf32>, tensor<1x4x16x8xf32>, tensor<1x4x16x8xf32>
      -> tensor<1x4x16x8xf32>
      score_mod {
      ^bb0(%s: f32, %b: index, %h: index, %i: index, %j: index):
        attn.yield %s : f32
      }
      mask_mod {
      ^bb0(%b: index, %h: index, %i: index, %j: index):
        %ok = arith.cmpi ule, %j, %i : index
        attn.yield %ok : i1
      }
  return %o : tensor<1x4x16x8xf32>
}

// CHECK-LABEL: func.func @score_mod_stays
// CHECK: score_mod {
// CHECK-NEXT: ^bb0(%[[S:.*]]: f32, %{{.*}}: index, %{{.*}}: index, %{{.*}}: index, %{{.*}}: index):
// CHECK-NEXT:   %[[C:.*]] = arith.constant 2.000000e+00 : f32
// CHECK-NEXT:   %[[T:.*]] = arith.mulf %[[S]], %[[C]] : f32
// CHECK-NEXT:   attn.yield %[[T]] : f32
func.func @score_mod_stays(%q: tensor<1x4x16x8xf32>, %k: tensor<1x4x16x8xf32>,
                           %v: tensor<1x4x16x8xf32>) -> tensor<1x4x16x8xf32> {
  %o = attn.attention %q, %k, %v
      : tensor<1x4x16x8xf32>, tensor<1x4x16x8xf32>, tensor<1x4x16x8xf32>
      -> tensor<1x4x16x8xf32>
      score_mod {
      ^bb0(%s: f32, %b: index, %h: index, %i: index, %j: index):
        %c = arith.constant 2.0 : f32
        %t = arith.mulf %s, %c : f32
        attn.yield %t : f32
      }
  return %o : tensor<1x4x16x8xf32>
}

// A score_mod that yields a constant is not the identity.
// CHECK-LABEL: func.func @constant_score_mod_stays
// CHECK: score_mod {
// CHECK: arith.constant
// CHECK: attn.yield
func.func @constant_score_mod_stays(%q: tensor<1x4x16x8xf32>, %k: tensor<1x4x16x8xf32>,
                                    %v: tensor<1x4x16x8xf32>) -> tensor<1x4x16x8xf32> {
  %o = attn.attention %q, %k, %v
      : tensor<1x4x16x8xf32>, tensor<1x4x16x8xf32>, tensor<1x4x16x8xf32>
      -> tensor<1x4x16x8xf32>
      score_mod {
      ^bb0(%s: f32, %b: index, %h: index, %i: index, %j: index):
        %c = arith.constant 1.0 : f32
        attn.yield %c : f32
      }
  return %o : tensor<1x4x16x8xf32>
}
