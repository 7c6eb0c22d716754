// RUN: attn-opt %s --attn-tile="bf16-dot-products=true" --split-input-file | FileCheck %s
// RUN: attn-opt %s --attn-tile --split-input-file | FileCheck %s --check-prefix=NODOT

// bf16 dot-product scores with AVX512-BF16 pair dot products: the query
// tile is kept unscaled in bf16 pairs along the head dimension, the key
// pair of each key is one 32-bit broadcast, vdpbf16ps (x86vector.avx512.dot)
// adds both products to each of 16 f32 sums, and the sums are scaled after.
// CHECK-LABEL: func.func @scaled_dot_bf16
// CHECK:         memref.alloca() {{.*}} : memref<32x64xbf16>
// CHECK:         scf.for %{{.*}} = %{{.*}} to %{{.*}} step %c64
// CHECK:           %[[PAIR:.*]] = vector.load %{{.*}} : memref<?x4x?x64xbf16>, vector<2xbf16>
// CHECK:           %[[WORD:.*]] = vector.bitcast %[[PAIR]] : vector<2xbf16> to vector<1xi32>
// CHECK:           %[[WORDS:.*]] = vector.broadcast %[[WORD]] : vector<1xi32> to vector<16xi32>
// CHECK:           %[[KEYS:.*]] = vector.bitcast %[[WORDS]] : vector<16xi32> to vector<32xbf16>
// CHECK:           x86vector.avx512.dot %{{.*}}, %[[KEYS]], %{{.*}} : vector<32xbf16> -> vector<16xf32>
// 0.125 * log2(e): the scale, applied to the f32 sums.
// CHECK:           arith.constant 0.180336878 : f32
// CHECK:           arith.mulf {{.*}} : vector<16xf32>
// P V takes pairs of keys the same way: the values of keys 2p and 2p + 1
// interleaved, the weights rounded to bf16 (vcvtneps2bf16) and
// interleaved, the weight pair of a row one 32-bit broadcast.
// CHECK:           vector.shuffle %{{.*}}, %{{.*}} [0, 16, 1, 17, {{.*}}, 15, 31] : vector<16xbf16>, vector<16xbf16>
// CHECK:           x86vector.avx512.cvt.packed.f32_to_bf16 %{{.*}} : vector<16xf32> -> vector<16xbf16>
// CHECK:           vector.shuffle %{{.*}}, %{{.*}} [0, 16, 1, 17, {{.*}}, 15, 31] : vector<16xbf16>, vector<16xbf16>
// CHECK:           vector.bitcast %{{.*}} : vector<16xi32> to vector<32xbf16>
// CHECK:           x86vector.avx512.dot %{{.*}} : vector<32xbf16> -> vector<16xf32>
// NODOT-LABEL: func.func @scaled_dot_bf16
// NODOT-NOT:     x86vector.avx512.dot
// NODOT:         return
func.func @scaled_dot_bf16(%q: tensor<?x4x?x64xbf16>, %k: tensor<?x4x?x64xbf16>,
                           %v: tensor<?x4x?x64xbf16>) -> tensor<?x4x?x64xbf16> {
  %o = attn.attention %q, %k, %v
      : tensor<?x4x?x64xbf16>, tensor<?x4x?x64xbf16>, tensor<?x4x?x64xbf16>
      -> tensor<?x4x?x64xbf16>
  return %o : tensor<?x4x?x64xbf16>
}

// -----

// Only bf16 `dot` scores take it for Q K^T: the pairs are exact only for
// the unscaled input; the prepared queries of other scores keep the f32
// register tile. P V of any bf16 key-major tile takes pairs.
// CHECK-LABEL: func.func @cosine_bf16
// CHECK-NOT:     x86vector.avx512.dot
// CHECK:         vector.fma
// CHECK-NOT:     x86vector.avx512.dot
// CHECK:         x86vector.avx512.cvt.packed.f32_to_bf16 %{{.*}} : vector<16xf32> -> vector<16xbf16>
// CHECK:         x86vector.avx512.dot %{{.*}} : vector<32xbf16> -> vector<16xf32>
// CHECK:         return
func.func @cosine_bf16(%q: tensor<?x4x?x64xbf16>, %k: tensor<?x4x?x64xbf16>,
                       %v: tensor<?x4x?x64xbf16>) -> tensor<?x4x?x64xbf16> {
  %o = attn.attention %q, %k, %v {score = #attn.score<cosine>, scale = 10.0 : f32}
      : tensor<?x4x?x64xbf16>, tensor<?x4x?x64xbf16>, tensor<?x4x?x64xbf16>
      -> tensor<?x4x?x64xbf16>
  return %o : tensor<?x4x?x64xbf16>
}

// -----

// CHECK-LABEL: func.func @scaled_dot_f16
// CHECK-NOT:     x86vector.avx512.dot
// CHECK:         return
func.func @scaled_dot_f16(%q: tensor<?x4x?x64xf16>, %k: tensor<?x4x?x64xf16>,
                          %v: tensor<?x4x?x64xf16>) -> tensor<?x4x?x64xf16> {
  %o = attn.attention %q, %k, %v
      : tensor<?x4x?x64xf16>, tensor<?x4x?x64xf16>, tensor<?x4x?x64xf16>
      -> tensor<?x4x?x64xf16>
  return %o : tensor<?x4x?x64xf16>
}
