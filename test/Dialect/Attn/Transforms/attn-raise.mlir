// RUN: attn-opt %s --split-input-file --pass-pipeline='builtin.module(func.func(attn-raise))' | FileCheck %s

#qk_a = affine_map<(b, h, m, n, k) -> (b, h, m, k)>
#qk_kt = affine_map<(b, h, m, n, k) -> (b, h, k, n)>
#qk_k = affine_map<(b, h, m, n, k) -> (b, h, n, k)>
#qk_o = affine_map<(b, h, m, n, k) -> (b, h, m, n)>
#id = affine_map<(b, h, i, j) -> (b, h, i, j)>
#scalar = affine_map<(b, h, i, j) -> ()>
#bias = affine_map<(b, h, i, j) -> (0, 0, i, j)>

// The form the ONNX importer writes for an exported attention: K^T as a
// transpose of the head split, a division by sqrt(D), an additive mask,
// linalg.softmax over the keys, P V. One attn.attention remains, reading K
// through one composed transpose; the scores and the softmax are gone.
// CHECK-LABEL: func.func @unfused
// CHECK-SAME: (%[[Q:.*]]: tensor<2x4x16x8xf32>, %[[K:.*]]: tensor<2x16x4x8xf32>, %[[V:.*]]: tensor<2x4x16x8xf32>, %[[M:.*]]: tensor<1x1x16x16xf32>)
// CHECK: %[[KT:.*]] = linalg.transpose ins(%[[K]] : tensor<2x16x4x8xf32>) outs(%{{.*}} : tensor<2x4x16x8xf32>) permutation = [0, 2, 1, 3]
// CHECK: %[[O:.*]] = attn.attention %[[Q]], %[[KT]], %[[V]] bias(%[[M]] : tensor<1x1x16x16xf32>) {scale = 2.500000e-01 : f32}
// CHECK-NOT: linalg.softmax
// CHECK-NOT: linalg.generic
// CHECK: return %[[O]]
func.func @unfused(%q: tensor<2x4x16x8xf32>, %k: tensor<2x16x4x8xf32>,
                   %v: tensor<2x4x16x8xf32>, %mask: tensor<1x1x16x16xf32>)
    -> tensor<2x4x16x8xf32> {
  %zero = arith.constant 0.0 : f32
  %four = arith.constant dense<4.0> : tensor<f32>
  %kt0 = tensor.empty() : tensor<2x4x8x16xf32>
  %kt = linalg.transpose ins(%k : tensor<2x16x4x8xf32>)
      outs(%kt0 : tensor<2x4x8x16xf32>) permutation = [0, 2, 3, 1]
  %s0 = tensor.empty() : tensor<2x4x16x16xf32>
  %sf = linalg.fill ins(%zero : f32) outs(%s0 : tensor<2x4x16x16xf32>)
      -> tensor<2x4x16x16xf32>
  %s = linalg.generic {indexing_maps = [#qk_a, #qk_kt, #qk_o],
      iterator_types = ["parallel", "parallel", "parallel", "parallel",
                        "reduction"]}
      ins(%q, %kt : tensor<2x4x16x8xf32>, tensor<2x4x8x16xf32>)
      outs(%sf : tensor<2x4x16x16xf32>) {
  ^bb0(%a: f32, %b: f32, %o: f32):
    %p = arith.mulf %a, %b : f32
    %r = arith.addf %o, %p : f32
    linalg.yield %r : f32
  } -> tensor<2x4x16x16xf32>
  %d0 = tensor.empty() : tensor<2x4x16x16xf32>
  %d = linalg.generic {indexing_maps = [#id, #scalar, #id],
      iterator_types = ["parallel", "parallel", "parallel", "parallel"]}
      ins(%s, %four : tensor<2x4x16x16xf32>, tensor<f32>)
      outs(%d0 : tensor<2x4x16x16xf32>) {
  ^bb0(%a: f32, %b: f32, %o: f32):
    %r = arith.divf %a, %b : f32
    linalg.yield %r : f32
  } -> tensor<2x4x16x16xf32>
  %m0 = tensor.empty() : tensor<2x4x16x16xf32>
  %m = linalg.generic {indexing_maps = [#id, #bias, #id],
      iterator_types = ["parallel", "parallel", "parallel", "parallel"]}
      ins(%d, %mask : tensor<2x4x16x16xf32>, tensor<1x1x16x16xf32>)
      outs(%m0 : tensor<2x4x16x16xf32>) {
  ^bb0(%a: f32, %b: f32, %o: f32):
    %r = arith.addf %a, %b : f32
    linalg.yield %r : f32
  } -> tensor<2x4x16x16xf32>
  %p0 = tensor.empty() : tensor<2x4x16x16xf32>
  %p = linalg.softmax dimension(3) ins(%m : tensor<2x4x16x16xf32>)
      outs(%p0 : tensor<2x4x16x16xf32>) -> tensor<2x4x16x16xf32>
  %o0 = tensor.empty() : tensor<2x4x16x8xf32>
  %of = linalg.fill ins(%zero : f32) outs(%o0 : tensor<2x4x16x8xf32>)
      -> tensor<2x4x16x8xf32>
  %o = linalg.generic {indexing_maps = [#qk_a, #qk_kt, #qk_o],
      iterator_types = ["parallel", "parallel", "parallel", "parallel",
                        "reduction"]}
      ins(%p, %v : tensor<2x4x16x16xf32>, tensor<2x4x16x8xf32>)
      outs(%of : tensor<2x4x16x8xf32>) {
  ^bb0(%a: f32, %b: f32, %o: f32):
    %pr = arith.mulf %a, %b : f32
    %r = arith.addf %o, %pr : f32
    linalg.yield %r : f32
  } -> tensor<2x4x16x8xf32>
  return %o : tensor<2x4x16x8xf32>
}

// -----

#qk_a = affine_map<(b, h, m, n, k) -> (b, h, m, k)>
#qk_k = affine_map<(b, h, m, n, k) -> (b, h, n, k)>
#qk_kt = affine_map<(b, h, m, n, k) -> (b, h, k, n)>
#qk_o = affine_map<(b, h, m, n, k) -> (b, h, m, n)>

// K read transposed by the map (no transpose op), no scale, no bias: the
// attention has scale 1 and reads K as it is.
// CHECK-LABEL: func.func @plain
// CHECK-SAME: (%[[Q:.*]]: tensor<1x2x8x16xf32>, %[[K:.*]]: tensor<1x2x8x16xf32>, %[[V:.*]]: tensor<1x2x8x16xf32>)
// CHECK: attn.attention %[[Q]], %[[K]], %[[V]] {scale = 1.000000e+00 : f32}
func.func @plain(%q: tensor<1x2x8x16xf32>, %k: tensor<1x2x8x16xf32>,
                 %v: tensor<1x2x8x16xf32>) -> tensor<1x2x8x16xf32> {
  %zero = arith.constant 0.0 : f32
  %s0 = tensor.empty() : tensor<1x2x8x8xf32>
  %sf = linalg.fill ins(%zero : f32) outs(%s0 : tensor<1x2x8x8xf32>)
      -> tensor<1x2x8x8xf32>
  %s = linalg.generic {indexing_maps = [#qk_a, #qk_k, #qk_o],
      iterator_types = ["parallel", "parallel", "parallel", "parallel",
                        "reduction"]}
      ins(%q, %k : tensor<1x2x8x16xf32>, tensor<1x2x8x16xf32>)
      outs(%sf : tensor<1x2x8x8xf32>) {
  ^bb0(%a: f32, %b: f32, %o: f32):
    %p = arith.mulf %a, %b : f32
    %r = arith.addf %o, %p : f32
    linalg.yield %r : f32
  } -> tensor<1x2x8x8xf32>
  %p0 = tensor.empty() : tensor<1x2x8x8xf32>
  %p = linalg.softmax dimension(3) ins(%s : tensor<1x2x8x8xf32>)
      outs(%p0 : tensor<1x2x8x8xf32>) -> tensor<1x2x8x8xf32>
  %o0 = tensor.empty() : tensor<1x2x8x16xf32>
  %of = linalg.fill ins(%zero : f32) outs(%o0 : tensor<1x2x8x16xf32>)
      -> tensor<1x2x8x16xf32>
  %o = linalg.generic {indexing_maps = [#qk_a, #qk_kt, #qk_o],
      iterator_types = ["parallel", "parallel", "parallel", "parallel",
                        "reduction"]}
      ins(%p, %v : tensor<1x2x8x8xf32>, tensor<1x2x8x16xf32>)
      outs(%of : tensor<1x2x8x16xf32>) {
  ^bb0(%a: f32, %b: f32, %o: f32):
    %pr = arith.mulf %a, %b : f32
    %r = arith.addf %o, %pr : f32
    linalg.yield %r : f32
  } -> tensor<1x2x8x16xf32>
  return %o : tensor<1x2x8x16xf32>
}

// -----

#qk_a = affine_map<(b, h, m, n, k) -> (b, h, m, k)>
#qk_k = affine_map<(b, h, m, n, k) -> (b, h, n, k)>
#qk_kt = affine_map<(b, h, m, n, k) -> (b, h, k, n)>
#qk_o = affine_map<(b, h, m, n, k) -> (b, h, m, n)>
#id = affine_map<(b, h, i, j) -> (b, h, i, j)>

// Near misses, each left alone: a softmax over the query axis
// (dimension 2), a scale that is not a constant, and scores that are also
// returned (another use).
// CHECK-LABEL: func.func @near_misses
// CHECK-NOT: attn.attention
// CHECK-COUNT-3: linalg.softmax
// CHECK-NOT: attn.attention
func.func @near_misses(%q: tensor<1x2x8x16xf32>, %k: tensor<1x2x8x16xf32>,
                       %v: tensor<1x2x8x16xf32>, %c: tensor<1x2x8x8xf32>)
    -> (tensor<1x2x8x16xf32>, tensor<1x2x8x16xf32>, tensor<1x2x8x16xf32>,
        tensor<1x2x8x8xf32>) {
  %zero = arith.constant 0.0 : f32
  %s0 = tensor.empty() : tensor<1x2x8x8xf32>
  %sf = linalg.fill ins(%zero : f32) outs(%s0 : tensor<1x2x8x8xf32>)
      -> tensor<1x2x8x8xf32>
  %o0 = tensor.empty() : tensor<1x2x8x16xf32>
  %of = linalg.fill ins(%zero : f32) outs(%o0 : tensor<1x2x8x16xf32>)
      -> tensor<1x2x8x16xf32>
  %s1 = linalg.generic {indexing_maps = [#qk_a, #qk_k, #qk_o],
      iterator_types = ["parallel", "parallel", "parallel", "parallel",
                        "reduction"]}
      ins(%q, %k : tensor<1x2x8x16xf32>, tensor<1x2x8x16xf32>)
      outs(%sf : tensor<1x2x8x8xf32>) {
  ^bb0(%a: f32, %b: f32, %o: f32):
    %p = arith.mulf %a, %b : f32
    %r = arith.addf %o, %p : f32
    linalg.yield %r : f32
  } -> tensor<1x2x8x8xf32>
  %p1 = linalg.softmax dimension(2) ins(%s1 : tensor<1x2x8x8xf32>)
      outs(%s0 : tensor<1x2x8x8xf32>) -> tensor<1x2x8x8xf32>
  %o1 = linalg.generic {indexing_maps = [#qk_a, #qk_kt, #qk_o],
      iterator_types = ["parallel", "parallel", "parallel", "parallel",
                        "reduction"]}
      ins(%p1, %v : tensor<1x2x8x8xf32>, tensor<1x2x8x16xf32>)
      outs(%of : tensor<1x2x8x16xf32>) {
  ^bb0(%a: f32, %b: f32, %o: f32):
    %pr = arith.mulf %a, %b : f32
    %r = arith.addf %o, %pr : f32
    linalg.yield %r : f32
  } -> tensor<1x2x8x16xf32>

  %s2 = linalg.generic {indexing_maps = [#qk_a, #qk_k, #qk_o],
      iterator_types = ["parallel", "parallel", "parallel", "parallel",
                        "reduction"]}
      ins(%q, %k : tensor<1x2x8x16xf32>, tensor<1x2x8x16xf32>)
      outs(%sf : tensor<1x2x8x8xf32>) {
  ^bb0(%a: f32, %b: f32, %o: f32):
    %p = arith.mulf %a, %b : f32
    %r = arith.addf %o, %p : f32
    linalg.yield %r : f32
  } -> tensor<1x2x8x8xf32>
  %d2 = linalg.generic {indexing_maps = [#id, #id, #id],
      iterator_types = ["parallel", "parallel", "parallel", "parallel"]}
      ins(%s2, %c : tensor<1x2x8x8xf32>, tensor<1x2x8x8xf32>)
      outs(%s0 : tensor<1x2x8x8xf32>) {
  ^bb0(%a: f32, %b: f32, %o: f32):
    %r = arith.mulf %a, %b : f32
    linalg.yield %r : f32
  } -> tensor<1x2x8x8xf32>
  %p2 = linalg.softmax dimension(3) ins(%d2 : tensor<1x2x8x8xf32>)
      outs(%s0 : tensor<1x2x8x8xf32>) -> tensor<1x2x8x8xf32>
  %o2 = linalg.generic {indexing_maps = [#qk_a, #qk_kt, #qk_o],
      iterator_types = ["parallel", "parallel", "parallel", "parallel",
                        "reduction"]}
      ins(%p2, %v : tensor<1x2x8x8xf32>, tensor<1x2x8x16xf32>)
      outs(%of : tensor<1x2x8x16xf32>) {
  ^bb0(%a: f32, %b: f32, %o: f32):
    %pr = arith.mulf %a, %b : f32
    %r = arith.addf %o, %pr : f32
    linalg.yield %r : f32
  } -> tensor<1x2x8x16xf32>

  %s3 = linalg.generic {indexing_maps = [#qk_a, #qk_k, #qk_o],
      iterator_types = ["parallel", "parallel", "parallel", "parallel",
                        "reduction"]}
      ins(%q, %k : tensor<1x2x8x16xf32>, tensor<1x2x8x16xf32>)
      outs(%sf : tensor<1x2x8x8xf32>) {
  ^bb0(%a: f32, %b: f32, %o: f32):
    %p = arith.mulf %a, %b : f32
    %r = arith.addf %o, %p : f32
    linalg.yield %r : f32
  } -> tensor<1x2x8x8xf32>
  %p3 = linalg.softmax dimension(3) ins(%s3 : tensor<1x2x8x8xf32>)
      outs(%s0 : tensor<1x2x8x8xf32>) -> tensor<1x2x8x8xf32>
  %o3 = linalg.generic {indexing_maps = [#qk_a, #qk_kt, #qk_o],
      iterator_types = ["parallel", "parallel", "parallel", "parallel",
                        "reduction"]}
      ins(%p3, %v : tensor<1x2x8x8xf32>, tensor<1x2x8x16xf32>)
      outs(%of : tensor<1x2x8x16xf32>) {
  ^bb0(%a: f32, %b: f32, %o: f32):
    %pr = arith.mulf %a, %b : f32
    %r = arith.addf %o, %pr : f32
    linalg.yield %r : f32
  } -> tensor<1x2x8x16xf32>
  return %o1, %o2, %o3, %s3
      : tensor<1x2x8x16xf32>, tensor<1x2x8x16xf32>, tensor<1x2x8x16xf32>,
        tensor<1x2x8x8xf32>
}

// -----

#mm_a = affine_map<(b, m, n, k) -> (b, m, k)>
#mm_b = affine_map<(b, m, n, k) -> (b, k, n)>
#mm_o = affine_map<(b, m, n, k) -> (b, m, n)>
#id3 = affine_map<(b, i, j) -> (b, i, j)>
#scalar3 = affine_map<(b, i, j) -> ()>

// Rank 3 ([B*H, S, D], as PyTorch's nn.MultiheadAttention), with Q scaled
// before Q K^T and K^T made by two transposes: one attention of one head
// per batch entry, K through one composed transpose, scale 1/2.
// CHECK-LABEL: func.func @rank3
// CHECK-SAME: (%[[Q:.*]]: tensor<6x5x8xf32>, %[[K:.*]]: tensor<5x6x8xf32>, %[[V:.*]]: tensor<6x5x8xf32>)
// CHECK: %[[KT:.*]] = linalg.transpose ins(%[[K]] : tensor<5x6x8xf32>) outs(%{{.*}} : tensor<6x5x8xf32>) permutation = [1, 0, 2]
// CHECK-DAG: %[[Q4:.*]] = tensor.expand_shape %[[Q]] {{\[}}[0, 1], [2], [3]] {{.*}} into tensor<6x1x5x8xf32>
// CHECK-DAG: %[[K4:.*]] = tensor.expand_shape %[[KT]] {{\[}}[0, 1], [2], [3]] {{.*}} into tensor<6x1x5x8xf32>
// CHECK-DAG: %[[V4:.*]] = tensor.expand_shape %[[V]] {{\[}}[0, 1], [2], [3]] {{.*}} into tensor<6x1x5x8xf32>
// CHECK: %[[O:.*]] = attn.attention %[[Q4]], %[[K4]], %[[V4]] {scale = 5.000000e-01 : f32}
// CHECK: %[[O3:.*]] = tensor.collapse_shape %[[O]] {{\[}}[0, 1], [2], [3]] : tensor<6x1x5x8xf32> into tensor<6x5x8xf32>
// CHECK-NOT: linalg.softmax
// CHECK: return %[[O3]]
func.func @rank3(%q: tensor<6x5x8xf32>, %k: tensor<5x6x8xf32>,
                 %v: tensor<6x5x8xf32>) -> tensor<6x5x8xf32> {
  %zero = arith.constant 0.0 : f32
  %two = arith.constant dense<2.0> : tensor<f32>
  %qs0 = tensor.empty() : tensor<6x5x8xf32>
  %qs = linalg.generic {indexing_maps = [#id3, #scalar3, #id3],
      iterator_types = ["parallel", "parallel", "parallel"]}
      ins(%q, %two : tensor<6x5x8xf32>, tensor<f32>)
      outs(%qs0 : tensor<6x5x8xf32>) {
  ^bb0(%a: f32, %b: f32, %o: f32):
    %r = arith.divf %a, %b : f32
    linalg.yield %r : f32
  } -> tensor<6x5x8xf32>
  %kh0 = tensor.empty() : tensor<6x5x8xf32>
  %kh = linalg.transpose ins(%k : tensor<5x6x8xf32>)
      outs(%kh0 : tensor<6x5x8xf32>) permutation = [1, 0, 2]
  %kt0 = tensor.empty() : tensor<6x8x5xf32>
  %kt = linalg.transpose ins(%kh : tensor<6x5x8xf32>)
      outs(%kt0 : tensor<6x8x5xf32>) permutation = [0, 2, 1]
  %s0 = tensor.empty() : tensor<6x5x5xf32>
  %sf = linalg.fill ins(%zero : f32) outs(%s0 : tensor<6x5x5xf32>)
      -> tensor<6x5x5xf32>
  %s = linalg.generic {indexing_maps = [#mm_a, #mm_b, #mm_o],
      iterator_types = ["parallel", "parallel", "parallel", "reduction"]}
      ins(%qs, %kt : tensor<6x5x8xf32>, tensor<6x8x5xf32>)
      outs(%sf : tensor<6x5x5xf32>) {
  ^bb0(%a: f32, %b: f32, %o: f32):
    %p = arith.mulf %a, %b : f32
    %r = arith.addf %o, %p : f32
    linalg.yield %r : f32
  } -> tensor<6x5x5xf32>
  %p = linalg.softmax dimension(2) ins(%s : tensor<6x5x5xf32>)
      outs(%s0 : tensor<6x5x5xf32>) -> tensor<6x5x5xf32>
  %o0 = tensor.empty() : tensor<6x5x8xf32>
  %of = linalg.fill ins(%zero : f32) outs(%o0 : tensor<6x5x8xf32>)
      -> tensor<6x5x8xf32>
  %o = linalg.generic {indexing_maps = [#mm_a, #mm_b, #mm_o],
      iterator_types = ["parallel", "parallel", "parallel", "reduction"]}
      ins(%p, %v : tensor<6x5x5xf32>, tensor<6x5x8xf32>)
      outs(%of : tensor<6x5x8xf32>) {
  ^bb0(%a: f32, %b: f32, %o: f32):
    %pr = arith.mulf %a, %b : f32
    %r = arith.addf %o, %pr : f32
    linalg.yield %r : f32
  } -> tensor<6x5x8xf32>
  return %o : tensor<6x5x8xf32>
}

// -----

#mm_a = affine_map<(b, m, n, k) -> (b, m, k)>
#mm_b = affine_map<(b, m, n, k) -> (b, k, n)>
#mm_o = affine_map<(b, m, n, k) -> (b, m, n)>
#id2 = affine_map<(i, j) -> (i, j)>
#id3 = affine_map<(b, i, j) -> (b, i, j)>
#scalar3 = affine_map<(b, i, j) -> ()>
#row3 = affine_map<(b, i, j) -> (0, i, j)>

// PyTorch's causal attn_mask: -inf where j - i >= 1 (ONNX Trilu, upper,
// k = 1), scaled by baddbmm's beta = 1 and added to the scores, becomes
// `causal` aligned top-left; the mask is no longer read. With k = 0 (the
// diagonal hidden too) the same chain is not causal and stays a bias.
// CHECK-LABEL: func.func @causal_triangle
// CHECK: attn.attention %{{.*}}, %{{.*}}, %{{.*}} {align = #attn.align<top_left>, causal, scale = 1.000000e+00 : f32}
// CHECK: attn.attention %{{.*}}, %{{.*}}, %{{.*}} bias(%{{.*}} : tensor<1x1x5x5xf32>) {scale = 1.000000e+00 : f32}
func.func @causal_triangle(%q: tensor<6x5x8xf32>, %kt: tensor<6x8x5xf32>,
                           %v: tensor<6x5x8xf32>)
    -> (tensor<6x5x8xf32>, tensor<6x5x8xf32>) {
  %zero = arith.constant 0.0 : f32
  %ninf = arith.constant 0xFF800000 : f32
  %one = arith.constant dense<1.0> : tensor<f32>
  %m0 = tensor.empty() : tensor<5x5xf32>
  %full = linalg.fill ins(%ninf : f32) outs(%m0 : tensor<5x5xf32>)
      -> tensor<5x5xf32>
  %above = linalg.generic {indexing_maps = [#id2, #id2],
      iterator_types = ["parallel", "parallel"]}
      ins(%full : tensor<5x5xf32>) outs(%m0 : tensor<5x5xf32>) {
  ^bb0(%x: f32, %o: f32):
    %i = linalg.index 0 : index
    %j = linalg.index 1 : index
    %d = arith.subi %j, %i : index
    %c1 = arith.constant 1 : index
    %keep = arith.cmpi sge, %d, %c1 : index
    %z = arith.constant 0.0 : f32
    %r = arith.select %keep, %x, %z : f32
    linalg.yield %r : f32
  } -> tensor<5x5xf32>
  %on = linalg.generic {indexing_maps = [#id2, #id2],
      iterator_types = ["parallel", "parallel"]}
      ins(%full : tensor<5x5xf32>) outs(%m0 : tensor<5x5xf32>) {
  ^bb0(%x: f32, %o: f32):
    %i = linalg.index 0 : index
    %j = linalg.index 1 : index
    %d = arith.subi %j, %i : index
    %c0 = arith.constant 0 : index
    %keep = arith.cmpi sge, %d, %c0 : index
    %z = arith.constant 0.0 : f32
    %r = arith.select %keep, %x, %z : f32
    linalg.yield %r : f32
  } -> tensor<5x5xf32>
  %b0 = tensor.empty() : tensor<1x5x5xf32>
  %s0 = tensor.empty() : tensor<6x5x5xf32>
  %sf = linalg.fill ins(%zero : f32) outs(%s0 : tensor<6x5x5xf32>)
      -> tensor<6x5x5xf32>
  %o0 = tensor.empty() : tensor<6x5x8xf32>
  %of = linalg.fill ins(%zero : f32) outs(%o0 : tensor<6x5x8xf32>)
      -> tensor<6x5x8xf32>
  %mx1 = tensor.expand_shape %above [[0, 1], [2]] output_shape [1, 5, 5]
      : tensor<5x5xf32> into tensor<1x5x5xf32>
  %mb1 = linalg.generic {indexing_maps = [#id3, #scalar3, #id3],
      iterator_types = ["parallel", "parallel", "parallel"]}
      ins(%mx1, %one : tensor<1x5x5xf32>, tensor<f32>)
      outs(%b0 : tensor<1x5x5xf32>) {
  ^bb0(%a: f32, %b: f32, %o: f32):
    %r = arith.mulf %a, %b : f32
    linalg.yield %r : f32
  } -> tensor<1x5x5xf32>
  %s1 = linalg.generic {indexing_maps = [#mm_a, #mm_b, #mm_o],
      iterator_types = ["parallel", "parallel", "parallel", "reduction"]}
      ins(%q, %kt : tensor<6x5x8xf32>, tensor<6x8x5xf32>)
      outs(%sf : tensor<6x5x5xf32>) {
  ^bb0(%a: f32, %b: f32, %o: f32):
    %p = arith.mulf %a, %b : f32
    %r = arith.addf %o, %p : f32
    linalg.yield %r : f32
  } -> tensor<6x5x5xf32>
  %t1 = linalg.generic {indexing_maps = [#id3, #row3, #id3],
      iterator_types = ["parallel", "parallel", "parallel"]}
      ins(%s1, %mb1 : tensor<6x5x5xf32>, tensor<1x5x5xf32>)
      outs(%s0 : tensor<6x5x5xf32>) {
  ^bb0(%a: f32, %b: f32, %o: f32):
    %r = arith.addf %a, %b : f32
    linalg.yield %r : f32
  } -> tensor<6x5x5xf32>
  %p1 = linalg.softmax dimension(2) ins(%t1 : tensor<6x5x5xf32>)
      outs(%s0 : tensor<6x5x5xf32>) -> tensor<6x5x5xf32>
  %o1 = linalg.generic {indexing_maps = [#mm_a, #mm_b, #mm_o],
      iterator_types = ["parallel", "parallel", "parallel", "reduction"]}
      ins(%p1, %v : tensor<6x5x5xf32>, tensor<6x5x8xf32>)
      outs(%of : tensor<6x5x8xf32>) {
  ^bb0(%a: f32, %b: f32, %o: f32):
    %pr = arith.mulf %a, %b : f32
    %r = arith.addf %o, %pr : f32
    linalg.yield %r : f32
  } -> tensor<6x5x8xf32>
  %mx2 = tensor.expand_shape %on [[0, 1], [2]] output_shape [1, 5, 5]
      : tensor<5x5xf32> into tensor<1x5x5xf32>
  %mb2 = linalg.generic {indexing_maps = [#id3, #scalar3, #id3],
      iterator_types = ["parallel", "parallel", "parallel"]}
      ins(%mx2, %one : tensor<1x5x5xf32>, tensor<f32>)
      outs(%b0 : tensor<1x5x5xf32>) {
  ^bb0(%a: f32, %b: f32, %o: f32):
    %r = arith.mulf %a, %b : f32
    linalg.yield %r : f32
  } -> tensor<1x5x5xf32>
  %s2 = linalg.generic {indexing_maps = [#mm_a, #mm_b, #mm_o],
      iterator_types = ["parallel", "parallel", "parallel", "reduction"]}
      ins(%q, %kt : tensor<6x5x8xf32>, tensor<6x8x5xf32>)
      outs(%sf : tensor<6x5x5xf32>) {
  ^bb0(%a: f32, %b: f32, %o: f32):
    %p = arith.mulf %a, %b : f32
    %r = arith.addf %o, %p : f32
    linalg.yield %r : f32
  } -> tensor<6x5x5xf32>
  %t2 = linalg.generic {indexing_maps = [#id3, #row3, #id3],
      iterator_types = ["parallel", "parallel", "parallel"]}
      ins(%s2, %mb2 : tensor<6x5x5xf32>, tensor<1x5x5xf32>)
      outs(%s0 : tensor<6x5x5xf32>) {
  ^bb0(%a: f32, %b: f32, %o: f32):
    %r = arith.addf %a, %b : f32
    linalg.yield %r : f32
  } -> tensor<6x5x5xf32>
  %p2 = linalg.softmax dimension(2) ins(%t2 : tensor<6x5x5xf32>)
      outs(%s0 : tensor<6x5x5xf32>) -> tensor<6x5x5xf32>
  %o2 = linalg.generic {indexing_maps = [#mm_a, #mm_b, #mm_o],
      iterator_types = ["parallel", "parallel", "parallel", "reduction"]}
      ins(%p2, %v : tensor<6x5x5xf32>, tensor<6x5x8xf32>)
      outs(%of : tensor<6x5x8xf32>) {
  ^bb0(%a: f32, %b: f32, %o: f32):
    %pr = arith.mulf %a, %b : f32
    %r = arith.addf %o, %pr : f32
    linalg.yield %r : f32
  } -> tensor<6x5x8xf32>
  return %o1, %o2 : tensor<6x5x8xf32>, tensor<6x5x8xf32>
}

// -----

#qk_a = affine_map<(b, h, m, n, k) -> (b, h, m, k)>
#qk_kt = affine_map<(b, h, m, n, k) -> (b, h, k, n)>
#qk_o = affine_map<(b, h, m, n, k) -> (b, h, m, n)>
#id = affine_map<(b, h, i, j) -> (b, h, i, j)>
#scalar = affine_map<(b, h, i, j) -> ()>
#mask2 = affine_map<(b, h, i, j) -> (i, j)>
#rows = affine_map<(b, h, i, j) -> (b, h, i)>
#row1 = affine_map<(b, h, i, j) -> (b, h, i, 0)>

// The softmax decomposed as ONNX ReduceMax/Sub/Exp/ReduceSum/Div write it
// (the maximum broadcast straight from [B,H,Sq], the sum through a unit-dim
// expand_shape), after Where(mask, s, -inf) with a [Sq, Skv] mask: one
// attn.attention with the mask made [1, 1, Sq, Skv]. Near misses stay as
// they are: a maximum that starts from 0 (not a safe softmax), exp2 for
// exp, a select that hides keys with -1 (a finite score).
// CHECK-LABEL: func.func @decomposed
// CHECK-SAME: (%[[Q:.*]]: tensor<1x2x5x8xf32>, %[[KT:.*]]: tensor<1x2x8x7xf32>, %[[V:.*]]: tensor<1x2x7x8xf32>, %[[M:.*]]: tensor<5x7xi1>)
// CHECK: %[[M4:.*]] = tensor.expand_shape %[[M]] {{\[}}[0, 1, 2], [3]] output_shape [1, 1, 5, 7] : tensor<5x7xi1> into tensor<1x1x5x7xi1>
// CHECK: %[[O:.*]] = attn.attention %[[Q]], %{{.*}}, %[[V]] mask(%[[M4]] : tensor<1x1x5x7xi1>) {scale = 1.000000e+00 : f32}
// CHECK-NOT: math.exp
// CHECK: return %[[O]]
// CHECK-LABEL: func.func @max_from_zero
// CHECK-NOT: attn.attention
// CHECK-LABEL: func.func @exp2_not_exp
// CHECK-NOT: attn.attention
// CHECK-LABEL: func.func @finite_hiding
// CHECK-NOT: attn.attention
func.func @decomposed(%q: tensor<1x2x5x8xf32>, %kt: tensor<1x2x8x7xf32>,
    %v: tensor<1x2x7x8xf32>, %m: tensor<5x7xi1>) -> tensor<1x2x5x8xf32> {
  %zero = arith.constant 0.0 : f32
  %lowest = arith.constant 0xFF800000 : f32
  %hide = arith.constant dense<0xFF800000> : tensor<f32>
  %s0 = tensor.empty() : tensor<1x2x5x7xf32>
  %sf = linalg.fill ins(%zero : f32) outs(%s0 : tensor<1x2x5x7xf32>) -> tensor<1x2x5x7xf32>
  %s = linalg.generic {indexing_maps = [#qk_a, #qk_kt, #qk_o],
      iterator_types = ["parallel", "parallel", "parallel", "parallel", "reduction"]}
      ins(%q, %kt : tensor<1x2x5x8xf32>, tensor<1x2x8x7xf32>) outs(%sf : tensor<1x2x5x7xf32>) {
  ^bb0(%a: f32, %b: f32, %o: f32):
    %p = arith.mulf %a, %b : f32
    %r = arith.addf %o, %p : f32
    linalg.yield %r : f32
  } -> tensor<1x2x5x7xf32>
  %t = linalg.generic {indexing_maps = [#mask2, #id, #scalar, #id],
      iterator_types = ["parallel", "parallel", "parallel", "parallel"]}
      ins(%m, %s, %hide : tensor<5x7xi1>, tensor<1x2x5x7xf32>, tensor<f32>) outs(%s0 : tensor<1x2x5x7xf32>) {
  ^bb0(%c: i1, %a: f32, %h: f32, %o: f32):
    %r = arith.select %c, %a, %h : f32
    linalg.yield %r : f32
  } -> tensor<1x2x5x7xf32>
  %r0 = tensor.empty() : tensor<1x2x5xf32>
  %mf = linalg.fill ins(%lowest : f32) outs(%r0 : tensor<1x2x5xf32>) -> tensor<1x2x5xf32>
  %mx = linalg.generic {indexing_maps = [#id, #rows],
      iterator_types = ["parallel", "parallel", "parallel", "reduction"]}
      ins(%t : tensor<1x2x5x7xf32>) outs(%mf : tensor<1x2x5xf32>) {
  ^bb0(%a: f32, %o: f32):
    %r = arith.maximumf %o, %a : f32
    linalg.yield %r : f32
  } -> tensor<1x2x5xf32>
  %d = linalg.generic {indexing_maps = [#id, #rows, #id],
      iterator_types = ["parallel", "parallel", "parallel", "parallel"]}
      ins(%t, %mx : tensor<1x2x5x7xf32>, tensor<1x2x5xf32>) outs(%s0 : tensor<1x2x5x7xf32>) {
  ^bb0(%a: f32, %b: f32, %o: f32):
    %r = arith.subf %a, %b : f32
    linalg.yield %r : f32
  } -> tensor<1x2x5x7xf32>
  %e = linalg.generic {indexing_maps = [#id, #id],
      iterator_types = ["parallel", "parallel", "parallel", "parallel"]}
      ins(%d : tensor<1x2x5x7xf32>) outs(%s0 : tensor<1x2x5x7xf32>) {
  ^bb0(%a: f32, %o: f32):
    %r = math.exp %a : f32
    linalg.yield %r : f32
  } -> tensor<1x2x5x7xf32>
  %zf = linalg.fill ins(%zero : f32) outs(%r0 : tensor<1x2x5xf32>) -> tensor<1x2x5xf32>
  %z = linalg.generic {indexing_maps = [#id, #rows],
      iterator_types = ["parallel", "parallel", "parallel", "reduction"]}
      ins(%e : tensor<1x2x5x7xf32>) outs(%zf : tensor<1x2x5xf32>) {
  ^bb0(%a: f32, %o: f32):
    %r = arith.addf %o, %a : f32
    linalg.yield %r : f32
  } -> tensor<1x2x5xf32>
  %z4 = tensor.expand_shape %z [[0], [1], [2, 3]] output_shape [1, 2, 5, 1]
      : tensor<1x2x5xf32> into tensor<1x2x5x1xf32>
  %p = linalg.generic {indexing_maps = [#id, #row1, #id],
      iterator_types = ["parallel", "parallel", "parallel", "parallel"]}
      ins(%e, %z4 : tensor<1x2x5x7xf32>, tensor<1x2x5x1xf32>) outs(%s0 : tensor<1x2x5x7xf32>) {
  ^bb0(%a: f32, %b: f32, %o: f32):
    %r = arith.divf %a, %b : f32
    linalg.yield %r : f32
  } -> tensor<1x2x5x7xf32>
  %o0 = tensor.empty() : tensor<1x2x5x8xf32>
  %of = linalg.fill ins(%zero : f32) outs(%o0 : tensor<1x2x5x8xf32>) -> tensor<1x2x5x8xf32>
  %o = linalg.generic {indexing_maps = [#qk_a, #qk_kt, #qk_o],
      iterator_types = ["parallel", "parallel", "parallel", "parallel", "reduction"]}
      ins(%p, %v : tensor<1x2x5x7xf32>, tensor<1x2x7x8xf32>) outs(%of : tensor<1x2x5x8xf32>) {
  ^bb0(%a: f32, %b: f32, %o: f32):
    %pr = arith.mulf %a, %b : f32
    %r = arith.addf %o, %pr : f32
    linalg.yield %r : f32
  } -> tensor<1x2x5x8xf32>
  return %o : tensor<1x2x5x8xf32>
}
func.func @max_from_zero(%q: tensor<1x2x5x8xf32>, %kt: tensor<1x2x8x7xf32>,
    %v: tensor<1x2x7x8xf32>, %m: tensor<5x7xi1>) -> tensor<1x2x5x8xf32> {
  %zero = arith.constant 0.0 : f32
  %lowest = arith.constant 0.0 : f32
  %hide = arith.constant dense<0xFF800000> : tensor<f32>
  %s0 = tensor.empty() : tensor<1x2x5x7xf32>
  %sf = linalg.fill ins(%zero : f32) outs(%s0 : tensor<1x2x5x7xf32>) -> tensor<1x2x5x7xf32>
  %s = linalg.generic {indexing_maps = [#qk_a, #qk_kt, #qk_o],
      iterator_types = ["parallel", "parallel", "parallel", "parallel", "reduction"]}
      ins(%q, %kt : tensor<1x2x5x8xf32>, tensor<1x2x8x7xf32>) outs(%sf : tensor<1x2x5x7xf32>) {
  ^bb0(%a: f32, %b: f32, %o: f32):
    %p = arith.mulf %a, %b : f32
    %r = arith.addf %o, %p : f32
    linalg.yield %r : f32
  } -> tensor<1x2x5x7xf32>
  %t = linalg.generic {indexing_maps = [#mask2, #id, #scalar, #id],
      iterator_types = ["parallel", "parallel", "parallel", "parallel"]}
      ins(%m, %s, %hide : tensor<5x7xi1>, tensor<1x2x5x7xf32>, tensor<f32>) outs(%s0 : tensor<1x2x5x7xf32>) {
  ^bb0(%c: i1, %a: f32, %h: f32, %o: f32):
    %r = arith.select %c, %a, %h : f32
    linalg.yield %r : f32
  } -> tensor<1x2x5x7xf32>
  %r0 = tensor.empty() : tensor<1x2x5xf32>
  %mf = linalg.fill ins(%lowest : f32) outs(%r0 : tensor<1x2x5xf32>) -> tensor<1x2x5xf32>
  %mx = linalg.generic {indexing_maps = [#id, #rows],
      iterator_types = ["parallel", "parallel", "parallel", "reduction"]}
      ins(%t : tensor<1x2x5x7xf32>) outs(%mf : tensor<1x2x5xf32>) {
  ^bb0(%a: f32, %o: f32):
    %r = arith.maximumf %o, %a : f32
    linalg.yield %r : f32
  } -> tensor<1x2x5xf32>
  %d = linalg.generic {indexing_maps = [#id, #rows, #id],
      iterator_types = ["parallel", "parallel", "parallel", "parallel"]}
      ins(%t, %mx : tensor<1x2x5x7xf32>, tensor<1x2x5xf32>) outs(%s0 : tensor<1x2x5x7xf32>) {
  ^bb0(%a: f32, %b: f32, %o: f32):
    %r = arith.subf %a, %b : f32
    linalg.yield %r : f32
  } -> tensor<1x2x5x7xf32>
  %e = linalg.generic {indexing_maps = [#id, #id],
      iterator_types = ["parallel", "parallel", "parallel", "parallel"]}
      ins(%d : tensor<1x2x5x7xf32>) outs(%s0 : tensor<1x2x5x7xf32>) {
  ^bb0(%a: f32, %o: f32):
    %r = math.exp %a : f32
    linalg.yield %r : f32
  } -> tensor<1x2x5x7xf32>
  %zf = linalg.fill ins(%zero : f32) outs(%r0 : tensor<1x2x5xf32>) -> tensor<1x2x5xf32>
  %z = linalg.generic {indexing_maps = [#id, #rows],
      iterator_types = ["parallel", "parallel", "parallel", "reduction"]}
      ins(%e : tensor<1x2x5x7xf32>) outs(%zf : tensor<1x2x5xf32>) {
  ^bb0(%a: f32, %o: f32):
    %r = arith.addf %o, %a : f32
    linalg.yield %r : f32
  } -> tensor<1x2x5xf32>
  %z4 = tensor.expand_shape %z [[0], [1], [2, 3]] output_shape [1, 2, 5, 1]
      : tensor<1x2x5xf32> into tensor<1x2x5x1xf32>
  %p = linalg.generic {indexing_maps = [#id, #row1, #id],
      iterator_types = ["parallel", "parallel", "parallel", "parallel"]}
      ins(%e, %z4 : tensor<1x2x5x7xf32>, tensor<1x2x5x1xf32>) outs(%s0 : tensor<1x2x5x7xf32>) {
  ^bb0(%a: f32, %b: f32, %o: f32):
    %r = arith.divf %a, %b : f32
    linalg.yield %r : f32
  } -> tensor<1x2x5x7xf32>
  %o0 = tensor.empty() : tensor<1x2x5x8xf32>
  %of = linalg.fill ins(%zero : f32) outs(%o0 : tensor<1x2x5x8xf32>) -> tensor<1x2x5x8xf32>
  %o = linalg.generic {indexing_maps = [#qk_a, #qk_kt, #qk_o],
      iterator_types = ["parallel", "parallel", "parallel", "parallel", "reduction"]}
      ins(%p, %v : tensor<1x2x5x7xf32>, tensor<1x2x7x8xf32>) outs(%of : tensor<1x2x5x8xf32>) {
  ^bb0(%a: f32, %b: f32, %o: f32):
    %pr = arith.mulf %a, %b : f32
    %r = arith.addf %o, %pr : f32
    linalg.yield %r : f32
  } -> tensor<1x2x5x8xf32>
  return %o : tensor<1x2x5x8xf32>
}
func.func @exp2_not_exp(%q: tensor<1x2x5x8xf32>, %kt: tensor<1x2x8x7xf32>,
    %v: tensor<1x2x7x8xf32>, %m: tensor<5x7xi1>) -> tensor<1x2x5x8xf32> {
  %zero = arith.constant 0.0 : f32
  %lowest = arith.constant 0xFF800000 : f32
  %hide = arith.constant dense<0xFF800000> : tensor<f32>
  %s0 = tensor.empty() : tensor<1x2x5x7xf32>
  %sf = linalg.fill ins(%zero : f32) outs(%s0 : tensor<1x2x5x7xf32>) -> tensor<1x2x5x7xf32>
  %s = linalg.generic {indexing_maps = [#qk_a, #qk_kt, #qk_o],
      iterator_types = ["parallel", "parallel", "parallel", "parallel", "reduction"]}
      ins(%q, %kt : tensor<1x2x5x8xf32>, tensor<1x2x8x7xf32>) outs(%sf : tensor<1x2x5x7xf32>) {
  ^bb0(%a: f32, %b: f32, %o: f32):
    %p = arith.mulf %a, %b : f32
    %r = arith.addf %o, %p : f32
    linalg.yield %r : f32
  } -> tensor<1x2x5x7xf32>
  %t = linalg.generic {indexing_maps = [#mask2, #id, #scalar, #id],
      iterator_types = ["parallel", "parallel", "parallel", "parallel"]}
      ins(%m, %s, %hide : tensor<5x7xi1>, tensor<1x2x5x7xf32>, tensor<f32>) outs(%s0 : tensor<1x2x5x7xf32>) {
  ^bb0(%c: i1, %a: f32, %h: f32, %o: f32):
    %r = arith.select %c, %a, %h : f32
    linalg.yield %r : f32
  } -> tensor<1x2x5x7xf32>
  %r0 = tensor.empty() : tensor<1x2x5xf32>
  %mf = linalg.fill ins(%lowest : f32) outs(%r0 : tensor<1x2x5xf32>) -> tensor<1x2x5xf32>
  %mx = linalg.generic {indexing_maps = [#id, #rows],
      iterator_types = ["parallel", "parallel", "parallel", "reduction"]}
      ins(%t : tensor<1x2x5x7xf32>) outs(%mf : tensor<1x2x5xf32>) {
  ^bb0(%a: f32, %o: f32):
    %r = arith.maximumf %o, %a : f32
    linalg.yield %r : f32
  } -> tensor<1x2x5xf32>
  %d = linalg.generic {indexing_maps = [#id, #rows, #id],
      iterator_types = ["parallel", "parallel", "parallel", "parallel"]}
      ins(%t, %mx : tensor<1x2x5x7xf32>, tensor<1x2x5xf32>) outs(%s0 : tensor<1x2x5x7xf32>) {
  ^bb0(%a: f32, %b: f32, %o: f32):
    %r = arith.subf %a, %b : f32
    linalg.yield %r : f32
  } -> tensor<1x2x5x7xf32>
  %e = linalg.generic {indexing_maps = [#id, #id],
      iterator_types = ["parallel", "parallel", "parallel", "parallel"]}
      ins(%d : tensor<1x2x5x7xf32>) outs(%s0 : tensor<1x2x5x7xf32>) {
  ^bb0(%a: f32, %o: f32):
    %r = math.exp2 %a : f32
    linalg.yield %r : f32
  } -> tensor<1x2x5x7xf32>
  %zf = linalg.fill ins(%zero : f32) outs(%r0 : tensor<1x2x5xf32>) -> tensor<1x2x5xf32>
  %z = linalg.generic {indexing_maps = [#id, #rows],
      iterator_types = ["parallel", "parallel", "parallel", "reduction"]}
      ins(%e : tensor<1x2x5x7xf32>) outs(%zf : tensor<1x2x5xf32>) {
  ^bb0(%a: f32, %o: f32):
    %r = arith.addf %o, %a : f32
    linalg.yield %r : f32
  } -> tensor<1x2x5xf32>
  %z4 = tensor.expand_shape %z [[0], [1], [2, 3]] output_shape [1, 2, 5, 1]
      : tensor<1x2x5xf32> into tensor<1x2x5x1xf32>
  %p = linalg.generic {indexing_maps = [#id, #row1, #id],
      iterator_types = ["parallel", "parallel", "parallel", "parallel"]}
      ins(%e, %z4 : tensor<1x2x5x7xf32>, tensor<1x2x5x1xf32>) outs(%s0 : tensor<1x2x5x7xf32>) {
  ^bb0(%a: f32, %b: f32, %o: f32):
    %r = arith.divf %a, %b : f32
    linalg.yield %r : f32
  } -> tensor<1x2x5x7xf32>
  %o0 = tensor.empty() : tensor<1x2x5x8xf32>
  %of = linalg.fill ins(%zero : f32) outs(%o0 : tensor<1x2x5x8xf32>) -> tensor<1x2x5x8xf32>
  %o = linalg.generic {indexing_maps = [#qk_a, #qk_kt, #qk_o],
      iterator_types = ["parallel", "parallel", "parallel", "parallel", "reduction"]}
      ins(%p, %v : tensor<1x2x5x7xf32>, tensor<1x2x7x8xf32>) outs(%of : tensor<1x2x5x8xf32>) {
  ^bb0(%a: f32, %b: f32, %o: f32):
    %pr = arith.mulf %a, %b : f32
    %r = arith.addf %o, %pr : f32
    linalg.yield %r : f32
  } -> tensor<1x2x5x8xf32>
  return %o : tensor<1x2x5x8xf32>
}
func.func @finite_hiding(%q: tensor<1x2x5x8xf32>, %kt: tensor<1x2x8x7xf32>,
    %v: tensor<1x2x7x8xf32>, %m: tensor<5x7xi1>) -> tensor<1x2x5x8xf32> {
  %zero = arith.constant 0.0 : f32
  %lowest = arith.constant 0xFF800000 : f32
  %hide = arith.constant dense<-1.0> : tensor<f32>
  %s0 = tensor.empty() : tensor<1x2x5x7xf32>
  %sf = linalg.fill ins(%zero : f32) outs(%s0 : tensor<1x2x5x7xf32>) -> tensor<1x2x5x7xf32>
  %s = linalg.generic {indexing_maps = [#qk_a, #qk_kt, #qk_o],
      iterator_types = ["parallel", "parallel", "parallel", "parallel", "reduction"]}
      ins(%q, %kt : tensor<1x2x5x8xf32>, tensor<1x2x8x7xf32>) outs(%sf : tensor<1x2x5x7xf32>) {
  ^bb0(%a: f32, %b: f32, %o: f32):
    %p = arith.mulf %a, %b : f32
    %r = arith.addf %o, %p : f32
    linalg.yield %r : f32
  } -> tensor<1x2x5x7xf32>
  %t = linalg.generic {indexing_maps = [#mask2, #id, #scalar, #id],
      iterator_types = ["parallel", "parallel", "parallel", "parallel"]}
      ins(%m, %s, %hide : tensor<5x7xi1>, tensor<1x2x5x7xf32>, tensor<f32>) outs(%s0 : tensor<1x2x5x7xf32>) {
  ^bb0(%c: i1, %a: f32, %h: f32, %o: f32):
    %r = arith.select %c, %a, %h : f32
    linalg.yield %r : f32
  } -> tensor<1x2x5x7xf32>
  %r0 = tensor.empty() : tensor<1x2x5xf32>
  %mf = linalg.fill ins(%lowest : f32) outs(%r0 : tensor<1x2x5xf32>) -> tensor<1x2x5xf32>
  %mx = linalg.generic {indexing_maps = [#id, #rows],
      iterator_types = ["parallel", "parallel", "parallel", "reduction"]}
      ins(%t : tensor<1x2x5x7xf32>) outs(%mf : tensor<1x2x5xf32>) {
  ^bb0(%a: f32, %o: f32):
    %r = arith.maximumf %o, %a : f32
    linalg.yield %r : f32
  } -> tensor<1x2x5xf32>
  %d = linalg.generic {indexing_maps = [#id, #rows, #id],
      iterator_types = ["parallel", "parallel", "parallel", "parallel"]}
      ins(%t, %mx : tensor<1x2x5x7xf32>, tensor<1x2x5xf32>) outs(%s0 : tensor<1x2x5x7xf32>) {
  ^bb0(%a: f32, %b: f32, %o: f32):
    %r = arith.subf %a, %b : f32
    linalg.yield %r : f32
  } -> tensor<1x2x5x7xf32>
  %e = linalg.generic {indexing_maps = [#id, #id],
      iterator_types = ["parallel", "parallel", "parallel", "parallel"]}
      ins(%d : tensor<1x2x5x7xf32>) outs(%s0 : tensor<1x2x5x7xf32>) {
  ^bb0(%a: f32, %o: f32):
    %r = math.exp %a : f32
    linalg.yield %r : f32
  } -> tensor<1x2x5x7xf32>
  %zf = linalg.fill ins(%zero : f32) outs(%r0 : tensor<1x2x5xf32>) -> tensor<1x2x5xf32>
  %z = linalg.generic {indexing_maps = [#id, #rows],
      iterator_types = ["parallel", "parallel", "parallel", "reduction"]}
      ins(%e : tensor<1x2x5x7xf32>) outs(%zf : tensor<1x2x5xf32>) {
  ^bb0(%a: f32, %o: f32):
    %r = arith.addf %o, %a : f32
    linalg.yield %r : f32
  } -> tensor<1x2x5xf32>
  %z4 = tensor.expand_shape %z [[0], [1], [2, 3]] output_shape [1, 2, 5, 1]
      : tensor<1x2x5xf32> into tensor<1x2x5x1xf32>
  %p = linalg.generic {indexing_maps = [#id, #row1, #id],
      iterator_types = ["parallel", "parallel", "parallel", "parallel"]}
      ins(%e, %z4 : tensor<1x2x5x7xf32>, tensor<1x2x5x1xf32>) outs(%s0 : tensor<1x2x5x7xf32>) {
  ^bb0(%a: f32, %b: f32, %o: f32):
    %r = arith.divf %a, %b : f32
    linalg.yield %r : f32
  } -> tensor<1x2x5x7xf32>
  %o0 = tensor.empty() : tensor<1x2x5x8xf32>
  %of = linalg.fill ins(%zero : f32) outs(%o0 : tensor<1x2x5x8xf32>) -> tensor<1x2x5x8xf32>
  %o = linalg.generic {indexing_maps = [#qk_a, #qk_kt, #qk_o],
      iterator_types = ["parallel", "parallel", "parallel", "parallel", "reduction"]}
      ins(%p, %v : tensor<1x2x5x7xf32>, tensor<1x2x7x8xf32>) outs(%of : tensor<1x2x5x8xf32>) {
  ^bb0(%a: f32, %b: f32, %o: f32):
    %pr = arith.mulf %a, %b : f32
    %r = arith.addf %o, %pr : f32
    linalg.yield %r : f32
  } -> tensor<1x2x5x8xf32>
  return %o : tensor<1x2x5x8xf32>
}

// -----

#qk_a = affine_map<(b, h, m, n, k) -> (b, h, m, k)>
#qk_k = affine_map<(b, h, m, n, k) -> (b, h, n, k)>
#qk_o = affine_map<(b, h, m, n, k) -> (b, h, m, n)>
#pv_v = affine_map<(b, h, m, n, k) -> (b, h, k, n)>
#bcast = affine_map<(b, h, g, s, d) -> (b, h, 0, s, d)>
#id5 = affine_map<(b, h, g, s, d) -> (b, h, g, s, d)>

// Grouped-query attention with the kv heads repeated (expand_shape, a
// broadcast copy, collapse_shape) for K and V: attn.attention reads the 2
// kv heads for 8 query heads. Repeating only K is not GQA: left alone.
// CHECK-LABEL: func.func @repeated_kv_heads
// CHECK-SAME: (%[[Q:.*]]: tensor<1x8x5x16xf32>, %[[K:.*]]: tensor<1x2x7x16xf32>, %[[V:.*]]: tensor<1x2x7x16xf32>, %{{.*}}: tensor<1x8x7x16xf32>)
// CHECK: attn.attention %[[Q]], %[[K]], %[[V]] {scale = 1.000000e+00 : f32} : tensor<1x8x5x16xf32>, tensor<1x2x7x16xf32>, tensor<1x2x7x16xf32> -> tensor<1x8x5x16xf32>
// CHECK-NOT: attn.attention
// CHECK: linalg.softmax
func.func @repeated_kv_heads(%q: tensor<1x8x5x16xf32>, %k: tensor<1x2x7x16xf32>,
                             %v: tensor<1x2x7x16xf32>, %v8: tensor<1x8x7x16xf32>)
    -> (tensor<1x8x5x16xf32>, tensor<1x8x5x16xf32>) {
  %zero = arith.constant 0.0 : f32
  %r0 = tensor.empty() : tensor<1x2x4x7x16xf32>
  %s0 = tensor.empty() : tensor<1x8x5x7xf32>
  %sf = linalg.fill ins(%zero : f32) outs(%s0 : tensor<1x8x5x7xf32>) -> tensor<1x8x5x7xf32>
  %o0 = tensor.empty() : tensor<1x8x5x16xf32>
  %of = linalg.fill ins(%zero : f32) outs(%o0 : tensor<1x8x5x16xf32>) -> tensor<1x8x5x16xf32>
  %ku1 = tensor.expand_shape %k [[0], [1, 2], [3], [4]] output_shape [1, 2, 1, 7, 16]
      : tensor<1x2x7x16xf32> into tensor<1x2x1x7x16xf32>
  %kb1 = linalg.generic {indexing_maps = [#bcast, #id5],
      iterator_types = ["parallel", "parallel", "parallel", "parallel", "parallel"]}
      ins(%ku1 : tensor<1x2x1x7x16xf32>) outs(%r0 : tensor<1x2x4x7x16xf32>) {
  ^bb0(%a: f32, %o: f32):
    linalg.yield %a : f32
  } -> tensor<1x2x4x7x16xf32>
  %kr1 = tensor.collapse_shape %kb1 [[0], [1, 2], [3], [4]]
      : tensor<1x2x4x7x16xf32> into tensor<1x8x7x16xf32>
  %vu1 = tensor.expand_shape %v [[0], [1, 2], [3], [4]] output_shape [1, 2, 1, 7, 16]
      : tensor<1x2x7x16xf32> into tensor<1x2x1x7x16xf32>
  %vb1 = linalg.generic {indexing_maps = [#bcast, #id5],
      iterator_types = ["parallel", "parallel", "parallel", "parallel", "parallel"]}
      ins(%vu1 : tensor<1x2x1x7x16xf32>) outs(%r0 : tensor<1x2x4x7x16xf32>) {
  ^bb0(%a: f32, %o: f32):
    linalg.yield %a : f32
  } -> tensor<1x2x4x7x16xf32>
  %vr1 = tensor.collapse_shape %vb1 [[0], [1, 2], [3], [4]]
      : tensor<1x2x4x7x16xf32> into tensor<1x8x7x16xf32>
  %s1 = linalg.generic {indexing_maps = [#qk_a, #qk_k, #qk_o],
      iterator_types = ["parallel", "parallel", "parallel", "parallel", "reduction"]}
      ins(%q, %kr1 : tensor<1x8x5x16xf32>, tensor<1x8x7x16xf32>) outs(%sf : tensor<1x8x5x7xf32>) {
  ^bb0(%a: f32, %b: f32, %o: f32):
    %p = arith.mulf %a, %b : f32
    %r = arith.addf %o, %p : f32
    linalg.yield %r : f32
  } -> tensor<1x8x5x7xf32>
  %p1 = linalg.softmax dimension(3) ins(%s1 : tensor<1x8x5x7xf32>)
      outs(%s0 : tensor<1x8x5x7xf32>) -> tensor<1x8x5x7xf32>
  %o1 = linalg.generic {indexing_maps = [#qk_a, #pv_v, #qk_o],
      iterator_types = ["parallel", "parallel", "parallel", "parallel", "reduction"]}
      ins(%p1, %vr1 : tensor<1x8x5x7xf32>, tensor<1x8x7x16xf32>) outs(%of : tensor<1x8x5x16xf32>) {
  ^bb0(%a: f32, %b: f32, %o: f32):
    %pr = arith.mulf %a, %b : f32
    %r = arith.addf %o, %pr : f32
    linalg.yield %r : f32
  } -> tensor<1x8x5x16xf32>
  %ku2 = tensor.expand_shape %k [[0], [1, 2], [3], [4]] output_shape [1, 2, 1, 7, 16]
      : tensor<1x2x7x16xf32> into tensor<1x2x1x7x16xf32>
  %kb2 = linalg.generic {indexing_maps = [#bcast, #id5],
      iterator_types = ["parallel", "parallel", "parallel", "parallel", "parallel"]}
      ins(%ku2 : tensor<1x2x1x7x16xf32>) outs(%r0 : tensor<1x2x4x7x16xf32>) {
  ^bb0(%a: f32, %o: f32):
    linalg.yield %a : f32
  } -> tensor<1x2x4x7x16xf32>
  %kr2 = tensor.collapse_shape %kb2 [[0], [1, 2], [3], [4]]
      : tensor<1x2x4x7x16xf32> into tensor<1x8x7x16xf32>
  %s2 = linalg.generic {indexing_maps = [#qk_a, #qk_k, #qk_o],
      iterator_types = ["parallel", "parallel", "parallel", "parallel", "reduction"]}
      ins(%q, %kr2 : tensor<1x8x5x16xf32>, tensor<1x8x7x16xf32>) outs(%sf : tensor<1x8x5x7xf32>) {
  ^bb0(%a: f32, %b: f32, %o: f32):
    %p = arith.mulf %a, %b : f32
    %r = arith.addf %o, %p : f32
    linalg.yield %r : f32
  } -> tensor<1x8x5x7xf32>
  %p2 = linalg.softmax dimension(3) ins(%s2 : tensor<1x8x5x7xf32>)
      outs(%s0 : tensor<1x8x5x7xf32>) -> tensor<1x8x5x7xf32>
  %o2 = linalg.generic {indexing_maps = [#qk_a, #pv_v, #qk_o],
      iterator_types = ["parallel", "parallel", "parallel", "parallel", "reduction"]}
      ins(%p2, %v8 : tensor<1x8x5x7xf32>, tensor<1x8x7x16xf32>) outs(%of : tensor<1x8x5x16xf32>) {
  ^bb0(%a: f32, %b: f32, %o: f32):
    %pr = arith.mulf %a, %b : f32
    %r = arith.addf %o, %pr : f32
    linalg.yield %r : f32
  } -> tensor<1x8x5x16xf32>
  return %o1, %o2 : tensor<1x8x5x16xf32>, tensor<1x8x5x16xf32>
}
