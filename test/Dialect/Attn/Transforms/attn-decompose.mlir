// RUN: attn-opt %s --attn-decompose | FileCheck %s
// RUN: attn-opt %s --attn-decompose --canonicalize --cse | FileCheck %s --check-prefix=CANON

// Each structural op becomes attn.attention plus linalg/tensor/arith/math;
// docs/variants/structure.md explains each decomposition.

// Projection x [B,S,E] . W [E,H,D] -> [B,H,S,D], loops (b, h, s, e, d).
// CHECK-DAG: #[[$PROJ_X:.*]] = affine_map<(d0, d1, d2, d3, d4) -> (d0, d2, d3)>
// CHECK-DAG: #[[$PROJ_W:.*]] = affine_map<(d0, d1, d2, d3, d4) -> (d3, d1, d4)>
// CHECK-DAG: #[[$PROJ_OUT:.*]] = affine_map<(d0, d1, d2, d3, d4) -> (d0, d1, d2, d4)>
// Head merge O [B,H,S,D] (. g [H]) . Wo [H,D,E] -> [B,S,E], loops (b, s, h, d, f).
// CHECK-DAG: #[[$MERGE_O:.*]] = affine_map<(d0, d1, d2, d3, d4) -> (d0, d2, d1, d3)>
// CHECK-DAG: #[[$MERGE_W:.*]] = affine_map<(d0, d1, d2, d3, d4) -> (d2, d3, d4)>
// CHECK-DAG: #[[$MERGE_G:.*]] = affine_map<(d0, d1, d2, d3, d4) -> (d2)>
// CHECK-DAG: #[[$MERGE_OUT:.*]] = affine_map<(d0, d1, d2, d3, d4) -> (d0, d1, d4)>

// CHECK-LABEL: func.func @multi_head_gated_gqa
// CHECK-SAME: (%[[XQ:[^:]*]]: tensor<?x?x16xf32>, %[[XKV:[^:]*]]: tensor<?x?x16xf32>, %[[WQ:[^:]*]]: tensor<16x16xf32>, %[[WKV:[^:]*]]: tensor<16x8xf32>, %[[WO:[^:]*]]: tensor<16x16xf32>, %[[G:[^:]*]]: tensor<4xf32>)
// CHECK:     %[[B:.*]] = tensor.dim %[[XQ]], %{{.*}} : tensor<?x?x16xf32>
// CHECK:     %[[SQ:.*]] = tensor.dim %[[XQ]], %{{.*}} : tensor<?x?x16xf32>
// CHECK:     %[[SKV:.*]] = tensor.dim %[[XKV]], %{{.*}} : tensor<?x?x16xf32>
// CHECK:     %[[WQ3:.*]] = tensor.expand_shape %[[WQ]] {{\[\[}}0], [1, 2]] output_shape [16, 4, 4] : tensor<16x16xf32> into tensor<16x4x4xf32>
// CHECK:     %[[QE:.*]] = tensor.empty(%[[B]], %[[SQ]]) : tensor<?x4x?x4xf32>
// CHECK:     %[[QZ:.*]] = linalg.fill ins(%{{.*}} : f32) outs(%[[QE]] : tensor<?x4x?x4xf32>)
// CHECK:     %[[Q:.*]] = linalg.generic {indexing_maps = [#[[$PROJ_X]], #[[$PROJ_W]], #[[$PROJ_OUT]]], iterator_types = ["parallel", "parallel", "parallel", "reduction", "parallel"]} ins(%[[XQ]], %[[WQ3]] : tensor<?x?x16xf32>, tensor<16x4x4xf32>) outs(%[[QZ]] : tensor<?x4x?x4xf32>)
// CHECK-NEXT: ^bb0(%[[X0:.*]]: f32, %[[W0:.*]]: f32, %[[A0:.*]]: f32):
// CHECK-NEXT:   %[[P0:.*]] = arith.mulf %[[X0]], %[[W0]] : f32
// CHECK-NEXT:   %[[S0:.*]] = arith.addf %[[A0]], %[[P0]] : f32
// CHECK-NEXT:   linalg.yield %[[S0]] : f32
// CHECK:     %[[WK3:.*]] = tensor.expand_shape %[[WKV]] {{\[\[}}0], [1, 2]] output_shape [16, 2, 4] : tensor<16x8xf32> into tensor<16x2x4xf32>
// CHECK:     %[[KE:.*]] = tensor.empty(%[[B]], %[[SKV]]) : tensor<?x2x?x4xf32>
// CHECK:     %[[K:.*]] = linalg.generic {{.*}} ins(%[[XKV]], %[[WK3]] : {{.*}}) outs(%{{.*}} : tensor<?x2x?x4xf32>)
// CHECK:     %[[V:.*]] = linalg.generic {{.*}} ins(%[[XKV]], %{{.*}} : {{.*}}) outs(%{{.*}} : tensor<?x2x?x4xf32>)
// CHECK:     %[[O:.*]] = attn.attention %[[Q]], %[[K]], %[[V]] {causal} : tensor<?x4x?x4xf32>, tensor<?x2x?x4xf32>, tensor<?x2x?x4xf32> -> tensor<?x4x?x4xf32>
// CHECK:     %[[WO3:.*]] = tensor.expand_shape %[[WO]] {{\[\[}}0, 1], [2]] output_shape [4, 4, 16] : tensor<16x16xf32> into tensor<4x4x16xf32>
// CHECK:     %[[YE:.*]] = tensor.empty(%[[B]], %[[SQ]]) : tensor<?x?x16xf32>
// CHECK:     %[[YZ:.*]] = linalg.fill ins(%{{.*}} : f32) outs(%[[YE]] : tensor<?x?x16xf32>)
// CHECK:     %[[Y:.*]] = linalg.generic {indexing_maps = [#[[$MERGE_O]], #[[$MERGE_W]], #[[$MERGE_G]], #[[$MERGE_OUT]]], iterator_types = ["parallel", "parallel", "reduction", "reduction", "parallel"]} ins(%[[O]], %[[WO3]], %[[G]] : tensor<?x4x?x4xf32>, tensor<4x4x16xf32>, tensor<4xf32>) outs(%[[YZ]] : tensor<?x?x16xf32>)
// CHECK-NEXT: ^bb0(%[[OV:.*]]: f32, %[[WV:.*]]: f32, %[[GV:.*]]: f32, %[[ACC:.*]]: f32):
// CHECK-NEXT:   %[[P:.*]] = arith.mulf %[[OV]], %[[WV]] : f32
// CHECK-NEXT:   %[[PG:.*]] = arith.mulf %[[P]], %[[GV]] : f32
// CHECK-NEXT:   %[[S:.*]] = arith.addf %[[ACC]], %[[PG]] : f32
// CHECK-NEXT:   linalg.yield %[[S]] : f32
// CHECK:     return %[[Y]] : tensor<?x?x16xf32>
// CHECK-NOT: attn.multi_head
func.func @multi_head_gated_gqa(%xq: tensor<?x?x16xf32>, %xkv: tensor<?x?x16xf32>,
                                %wq: tensor<16x16xf32>, %wkv: tensor<16x8xf32>,
                                %wo: tensor<16x16xf32>, %g: tensor<4xf32>)
    -> tensor<?x?x16xf32> {
  %y = attn.multi_head %xq, %xkv, %wq, %wkv, %wkv, %wo head_gates(%g : tensor<4xf32>)
      {num_heads = 4 : i64, num_kv_heads = 2 : i64, causal}
      : tensor<?x?x16xf32>, tensor<?x?x16xf32>, tensor<16x16xf32>,
        tensor<16x8xf32>, tensor<16x8xf32>, tensor<16x16xf32>
      -> tensor<?x?x16xf32>
  return %y : tensor<?x?x16xf32>
}

// Self-attention with static sizes: all three projections read %x; without
// gates the merge has two inputs; the default scale 1/sqrt(D) is implicit.
// CHECK-LABEL: func.func @multi_head_self_static
// CHECK-SAME: (%[[X:[^:]*]]: tensor<2x5x16xf32>, %[[W:[^:]*]]: tensor<16x16xf32>)
// CHECK:     %[[Q:.*]] = linalg.generic {{.*}} ins(%[[X]], %{{.*}} : tensor<2x5x16xf32>, tensor<16x2x8xf32>) outs(%{{.*}} : tensor<2x2x5x8xf32>)
// CHECK:     %[[K:.*]] = linalg.generic {{.*}} ins(%[[X]], %{{.*}} : tensor<2x5x16xf32>, tensor<16x2x8xf32>) outs(%{{.*}} : tensor<2x2x5x8xf32>)
// CHECK:     %[[V:.*]] = linalg.generic {{.*}} ins(%[[X]], %{{.*}} : tensor<2x5x16xf32>, tensor<16x2x8xf32>) outs(%{{.*}} : tensor<2x2x5x8xf32>)
// CHECK:     %[[O:.*]] = attn.attention %[[Q]], %[[K]], %[[V]] : tensor<2x2x5x8xf32>, tensor<2x2x5x8xf32>, tensor<2x2x5x8xf32> -> tensor<2x2x5x8xf32>{{$}}
// CHECK:     linalg.generic {indexing_maps = [#[[$MERGE_O]], #[[$MERGE_W]], #[[$MERGE_OUT]]], {{.*}} ins(%[[O]], %{{.*}} : tensor<2x2x5x8xf32>, tensor<2x8x16xf32>) outs(%{{.*}} : tensor<2x5x16xf32>)
func.func @multi_head_self_static(%x: tensor<2x5x16xf32>, %w: tensor<16x16xf32>)
    -> tensor<2x5x16xf32> {
  %y = attn.multi_head %x, %x, %w, %w, %w, %w {num_heads = 2 : i64}
      : tensor<2x5x16xf32>, tensor<2x5x16xf32>, tensor<16x16xf32>,
        tensor<16x16xf32>, tensor<16x16xf32>, tensor<16x16xf32>
      -> tensor<2x5x16xf32>
  return %y : tensor<2x5x16xf32>
}

// Scores e = u . tanh(h W + b), then one unit query of dimension 1 whose keys
// are the scores and whose values are the rows of h.
// CHECK-LABEL: func.func @feed_forward_pool
// CHECK-SAME: (%[[H:[^:]*]]: tensor<?x?x64xf32>, %[[W:[^:]*]]: tensor<64x32xf32>, %[[BIAS:[^:]*]]: tensor<32xf32>, %[[U:[^:]*]]: tensor<32xf32>)
// CHECK:     %[[N:.*]] = tensor.dim %[[H]], %{{.*}}
// CHECK:     %[[S:.*]] = tensor.dim %[[H]], %{{.*}}
// CHECK:     %[[PROJ:.*]] = linalg.generic {{.*}} iterator_types = ["parallel", "parallel", "reduction", "parallel"]} ins(%[[H]], %[[W]] : tensor<?x?x64xf32>, tensor<64x32xf32>) outs(%{{.*}} : tensor<?x?x32xf32>)
// CHECK:     %[[E:.*]] = linalg.generic {{.*}} iterator_types = ["parallel", "parallel", "reduction"]} ins(%[[PROJ]], %[[BIAS]], %[[U]] : tensor<?x?x32xf32>, tensor<32xf32>, tensor<32xf32>) outs(%{{.*}} : tensor<?x?xf32>)
// CHECK-NEXT: ^bb0(%[[PV:.*]]: f32, %[[BV:.*]]: f32, %[[UV:.*]]: f32, %[[ACC:.*]]: f32):
// CHECK-NEXT:   %[[T0:.*]] = arith.addf %[[PV]], %[[BV]] : f32
// CHECK-NEXT:   %[[T1:.*]] = math.tanh %[[T0]] : f32
// CHECK-NEXT:   %[[T2:.*]] = arith.mulf %[[UV]], %[[T1]] : f32
// CHECK-NEXT:   %[[T3:.*]] = arith.addf %[[ACC]], %[[T2]] : f32
// CHECK-NEXT:   linalg.yield %[[T3]] : f32
// CHECK:     %[[ONE:.*]] = arith.constant 1.000000e+00 : f32
// CHECK:     %[[QRY:.*]] = linalg.fill ins(%[[ONE]] : f32) outs(%{{.*}} : tensor<?x1x1x1xf32>)
// CHECK:     %[[KEYS:.*]] = tensor.expand_shape %[[E]] {{\[\[}}0, 1], [2, 3]] output_shape [%[[N]], 1, %[[S]], 1] : tensor<?x?xf32> into tensor<?x1x?x1xf32>
// CHECK:     %[[VALS:.*]] = tensor.expand_shape %[[H]] {{\[\[}}0, 1], [2], [3]] output_shape [%[[N]], 1, %[[S]], 64] : tensor<?x?x64xf32> into tensor<?x1x?x64xf32>
// CHECK:     %[[C:.*]] = attn.attention %[[QRY]], %[[KEYS]], %[[VALS]] {scale = 1.000000e+00 : f32} : tensor<?x1x1x1xf32>, tensor<?x1x?x1xf32>, tensor<?x1x?x64xf32> -> tensor<?x1x1x64xf32>
// CHECK:     %[[R:.*]] = tensor.collapse_shape %[[C]] {{\[\[}}0, 1, 2], [3]] : tensor<?x1x1x64xf32> into tensor<?x64xf32>
// CHECK:     return %[[R]]
func.func @feed_forward_pool(%h: tensor<?x?x64xf32>, %w: tensor<64x32xf32>,
                             %b: tensor<32xf32>, %u: tensor<32xf32>)
    -> tensor<?x64xf32> {
  %c = attn.feed_forward_pool %h, %w, %b, %u
      : tensor<?x?x64xf32>, tensor<64x32xf32>, tensor<32xf32>, tensor<32xf32>
      -> tensor<?x64xf32>
  return %c : tensor<?x64xf32>
}

// Several batch dimensions are collapsed into one and restored at the end;
// splitting one dynamic size into two is a tensor.reshape.
// CHECK-LABEL: func.func @feed_forward_pool_rank4
// CHECK-SAME: (%[[H:[^:]*]]: tensor<?x?x?x16xf32>
// CHECK:     %[[B:.*]] = tensor.dim %[[H]], %{{.*}}
// CHECK:     %[[NS:.*]] = tensor.dim %[[H]], %{{.*}}
// CHECK:     %[[HC:.*]] = tensor.collapse_shape %[[H]] {{\[\[}}0, 1], [2], [3]] : tensor<?x?x?x16xf32> into tensor<?x?x16xf32>
// CHECK:     %[[C:.*]] = attn.attention
// CHECK:     %[[C2:.*]] = tensor.collapse_shape %[[C]] {{\[\[}}0, 1, 2], [3]] : tensor<?x1x1x16xf32> into tensor<?x16xf32>
// CHECK:     %[[SHAPE:.*]] = tensor.from_elements %[[B]], %[[NS]], %{{.*}} : tensor<3xindex>
// CHECK:     %[[R:.*]] = tensor.reshape %[[C2]](%[[SHAPE]]) : (tensor<?x16xf32>, tensor<3xindex>) -> tensor<?x?x16xf32>
// CHECK:     return %[[R]]
func.func @feed_forward_pool_rank4(%h: tensor<?x?x?x16xf32>, %w: tensor<16x8xf32>,
                                   %b: tensor<8xf32>, %u: tensor<8xf32>)
    -> tensor<?x?x16xf32> {
  %c = attn.feed_forward_pool %h, %w, %b, %u
      : tensor<?x?x?x16xf32>, tensor<16x8xf32>, tensor<8xf32>, tensor<8xf32>
      -> tensor<?x?x16xf32>
  return %c : tensor<?x?x16xf32>
}

// With a static batch the reshape is an expand_shape.
// CHECK-LABEL: func.func @feed_forward_pool_static_batch
// CHECK:     tensor.collapse_shape %{{.*}} {{\[\[}}0, 1], [2], [3]] : tensor<3x?x?x16xf32> into tensor<?x?x16xf32>
// CHECK:     tensor.expand_shape %{{.*}} {{\[\[}}0, 1], [2]] output_shape [3, %{{.*}}, 16] : tensor<?x16xf32> into tensor<3x?x16xf32>
func.func @feed_forward_pool_static_batch(%h: tensor<3x?x?x16xf32>, %w: tensor<16x8xf32>,
                                          %b: tensor<8xf32>, %u: tensor<8xf32>)
    -> tensor<3x?x16xf32> {
  %c = attn.feed_forward_pool %h, %w, %b, %u
      : tensor<3x?x?x16xf32>, tensor<16x8xf32>, tensor<8xf32>, tensor<8xf32>
      -> tensor<3x?x16xf32>
  return %c : tensor<3x?x16xf32>
}

// Two fused attentions with scale 1: (a, b, b) and (b, a, a).
// CHECK-LABEL: func.func @co_attention
// CHECK-SAME: (%[[A:[^:]*]]: tensor<?x?x64xf32>, %[[B:[^:]*]]: tensor<?x?x64xf32>)
// CHECK:     %[[A4:.*]] = tensor.expand_shape %[[A]] {{\[\[}}0, 1], [2], [3]] output_shape [%{{.*}}, 1, %{{.*}}, 64] : tensor<?x?x64xf32> into tensor<?x1x?x64xf32>
// CHECK:     %[[B4:.*]] = tensor.expand_shape %[[B]] {{\[\[}}0, 1], [2], [3]] output_shape [%{{.*}}, 1, %{{.*}}, 64] : tensor<?x?x64xf32> into tensor<?x1x?x64xf32>
// CHECK:     %[[AO:.*]] = attn.attention %[[A4]], %[[B4]], %[[B4]] {scale = 1.000000e+00 : f32}
// CHECK:     %[[BO:.*]] = attn.attention %[[B4]], %[[A4]], %[[A4]] {scale = 1.000000e+00 : f32}
// CHECK:     %[[A2:.*]] = tensor.collapse_shape %[[AO]] {{\[\[}}0, 1], [2], [3]] : tensor<?x1x?x64xf32> into tensor<?x?x64xf32>
// CHECK:     %[[B2:.*]] = tensor.collapse_shape %[[BO]] {{\[\[}}0, 1], [2], [3]] : tensor<?x1x?x64xf32> into tensor<?x?x64xf32>
// CHECK:     return %[[A2]], %[[B2]]
func.func @co_attention(%a: tensor<?x?x64xf32>, %b: tensor<?x?x64xf32>)
    -> (tensor<?x?x64xf32>, tensor<?x?x64xf32>) {
  %a2, %b2 = attn.co_attention %a, %b
      : tensor<?x?x64xf32>, tensor<?x?x64xf32>
      -> tensor<?x?x64xf32>, tensor<?x?x64xf32>
  return %a2, %b2 : tensor<?x?x64xf32>, tensor<?x?x64xf32>
}

// Four fused attentions whose lse results are the normalisers; the Nd x Nq
// affinity is never built.
// CHECK-LABEL: func.func @attention_over_attention
// CHECK-SAME: (%[[D:[^:]*]]: tensor<2x10x8xf32>, %[[Q:[^:]*]]: tensor<2x3x8xf32>)
// CHECK:     %[[D4:.*]] = tensor.expand_shape %[[D]] {{.*}} into tensor<2x1x10x8xf32>
// CHECK:     %[[Q4:.*]] = tensor.expand_shape %[[Q]] {{.*}} into tensor<2x1x3x8xf32>
// CHECK:     %[[ZD:.*]] = linalg.fill ins(%{{.*}} : f32) outs(%{{.*}} : tensor<2x1x10x1xf32>)
// CHECK:     %[[ZQ:.*]] = linalg.fill ins(%{{.*}} : f32) outs(%{{.*}} : tensor<2x1x3x1xf32>)
// CHECK:     %{{.*}}, %[[R:.*]] = attn.attention %[[D4]], %[[Q4]], %[[ZQ]] {scale = 1.000000e+00 : f32} : tensor<2x1x10x8xf32>, tensor<2x1x3x8xf32>, tensor<2x1x3x1xf32> -> tensor<2x1x10x1xf32>, tensor<2x1x10xf32>
// CHECK:     %[[NEGR:.*]] = linalg.generic {{.*}} ins(%[[R]] : tensor<2x1x10xf32>)
// CHECK:       arith.negf
// CHECK:     %[[BR:.*]] = tensor.expand_shape %[[NEGR]] {{\[\[}}0], [1, 2], [3]] output_shape [2, 1, 1, 10] : tensor<2x1x10xf32> into tensor<2x1x1x10xf32>
// CHECK:     %{{.*}}, %[[T:.*]] = attn.attention %[[Q4]], %[[D4]], %[[ZD]] bias(%[[BR]] : tensor<2x1x1x10xf32>) {scale = 1.000000e+00 : f32} {{.*}} -> tensor<2x1x3x1xf32>, tensor<2x1x3xf32>
// CHECK:     %{{.*}}, %[[C:.*]] = attn.attention %[[Q4]], %[[D4]], %[[ZD]] {scale = 1.000000e+00 : f32} {{.*}} -> tensor<2x1x3x1xf32>, tensor<2x1x3xf32>
// CHECK:     %[[LOGND:.*]] = math.log %{{.*}} : f32
// CHECK:     %[[SHIFT:.*]] = linalg.generic {{.*}} ins(%[[T]], %[[C]] : tensor<2x1x3xf32>, tensor<2x1x3xf32>)
// CHECK-NEXT: ^bb0(%[[TV:.*]]: f32, %[[CV:.*]]: f32, %{{.*}}: f32):
// CHECK-NEXT:   %[[DIFF:.*]] = arith.subf %[[TV]], %[[CV]] : f32
// CHECK-NEXT:   %[[SH:.*]] = arith.subf %[[DIFF]], %[[LOGND]] : f32
// CHECK:     %[[BS:.*]] = tensor.expand_shape %[[SHIFT]] {{.*}} into tensor<2x1x1x3xf32>
// CHECK:     %{{.*}}, %[[LOGS:.*]] = attn.attention %[[D4]], %[[Q4]], %[[ZQ]] bias(%[[BS]] : tensor<2x1x1x3xf32>) {scale = 1.000000e+00 : f32} {{.*}} -> tensor<2x1x10x1xf32>, tensor<2x1x10xf32>
// CHECK:     %[[LS2:.*]] = tensor.collapse_shape %[[LOGS]] {{\[\[}}0, 1], [2]] : tensor<2x1x10xf32> into tensor<2x10xf32>
// CHECK:     %[[S:.*]] = linalg.generic {{.*}} ins(%[[LS2]] : tensor<2x10xf32>)
// CHECK:       math.exp
// CHECK:     return %[[S]] : tensor<2x10xf32>
func.func @attention_over_attention(%d: tensor<2x10x8xf32>, %q: tensor<2x3x8xf32>)
    -> tensor<2x10xf32> {
  %s = attn.attention_over_attention %d, %q
      : tensor<2x10x8xf32>, tensor<2x3x8xf32> -> tensor<2x10xf32>
  return %s : tensor<2x10xf32>
}

// One fused attention and one residual add per hop.
// CHECK-LABEL: func.func @memory_network
// CHECK-SAME: (%[[U:[^:]*]]: tensor<?x64xf32>, %[[M:[^:]*]]: tensor<?x?x64xf32>, %[[C:[^:]*]]: tensor<?x?x64xf32>)
// CHECK:     %[[M4:.*]] = tensor.expand_shape %[[M]] {{.*}} into tensor<?x1x?x64xf32>
// CHECK:     %[[C4:.*]] = tensor.expand_shape %[[C]] {{.*}} into tensor<?x1x?x64xf32>
// The hops are an scf.for whose body is one hop: the IR does not grow
// with `hops`.
// CHECK:     %[[HOPS:.*]] = arith.constant 2 : index
// CHECK:     %[[UN:.*]] = scf.for %{{.*}} = %{{.*}} to %[[HOPS]] step %{{.*}} iter_args(%[[UI:.*]] = %[[U]]) -> (tensor<?x64xf32>)
// CHECK:       %[[U4:.*]] = tensor.expand_shape %[[UI]] {{\[\[}}0, 1, 2], [3]] {{.*}} into tensor<?x1x1x64xf32>
// CHECK:       %[[O:.*]] = attn.attention %[[U4]], %[[M4]], %[[C4]] {scale = 1.000000e+00 : f32}
// CHECK:       %[[R:.*]] = tensor.collapse_shape %[[O]] {{\[\[}}0, 1, 2], [3]] : tensor<?x1x1x64xf32> into tensor<?x64xf32>
// CHECK:       %[[NEXT:.*]] = linalg.generic {{.*}} ins(%[[UI]], %[[R]] : tensor<?x64xf32>, tensor<?x64xf32>)
// CHECK:         arith.addf
// CHECK:       scf.yield %[[NEXT]]
// CHECK-NOT: attn.attention
// CHECK:     return %[[UN]]
func.func @memory_network(%u: tensor<?x64xf32>, %m: tensor<?x?x64xf32>,
                          %c: tensor<?x?x64xf32>) -> tensor<?x64xf32> {
  %o = attn.memory_network %u, %m, %c {hops = 2 : i64}
      : tensor<?x64xf32>, tensor<?x?x64xf32>, tensor<?x?x64xf32>
      -> tensor<?x64xf32>
  return %o : tensor<?x64xf32>
}

// After canonicalisation no structural op, reshape of a weight or duplicate
// projection weight is left over and the sizes come from the arguments.
// CANON-LABEL: func.func @multi_head_gated_gqa
// CANON-COUNT-2: tensor.expand_shape
// CANON-NOT: tensor.expand_shape
// CANON: attn.attention
// CANON-LABEL: func.func @multi_head_self_static
// CANON-NOT: tensor.dim
// CANON: attn.attention
// CANON-NOT: attn.multi_head
// CANON-NOT: attn.feed_forward_pool
// CANON-NOT: attn.co_attention
// CANON-NOT: attn.attention_over_attention
// CANON-NOT: attn.memory_network

// A linalg.softmax that attn-raise left (not the middle of an attention)
// becomes its max, exp, sum and divide generics.
// CHECK-LABEL: func.func @leftover_softmax
// CHECK-NOT: linalg.softmax
// CHECK: arith.maxnumf
// CHECK: math.exp
// CHECK: arith.addf
// CHECK: arith.divf
func.func @leftover_softmax(%x: tensor<4x8xf32>) -> tensor<4x8xf32> {
  %e = tensor.empty() : tensor<4x8xf32>
  %p = linalg.softmax dimension(1) ins(%x : tensor<4x8xf32>)
      outs(%e : tensor<4x8xf32>) -> tensor<4x8xf32>
  return %p : tensor<4x8xf32>
}

// An expand_shape that splits one dimension into two dynamic sizes becomes
// tensor.reshape (LLVM 22's expand-strided-metadata crashes on the memref
// form); one dynamic size per group stays an expand_shape.
// CHECK-LABEL: func.func @dynamic_split
// CHECK: %[[SHAPE:.*]] = tensor.from_elements %{{.*}}, %{{.*}}, %{{.*}} : tensor<3xi64>
// CHECK: tensor.reshape %{{.*}}(%[[SHAPE]]) : (tensor<?x32xf32>, tensor<3xi64>) -> tensor<?x?x32xf32>
// CHECK: tensor.expand_shape %{{.*}} {{\[}}[0, 1], [2]] output_shape [%{{.*}}, 4, 32]
func.func @dynamic_split(%flat: tensor<?x32xf32>, %s: index, %b: index,
                         %n: index)
    -> (tensor<?x?x32xf32>, tensor<?x4x32xf32>) {
  %e = tensor.expand_shape %flat [[0, 1], [2]] output_shape [%s, %b, 32]
      : tensor<?x32xf32> into tensor<?x?x32xf32>
  %f = tensor.expand_shape %flat [[0, 1], [2]] output_shape [%n, 4, 32]
      : tensor<?x32xf32> into tensor<?x4x32xf32>
  return %e, %f : tensor<?x?x32xf32>, tensor<?x4x32xf32>
}
