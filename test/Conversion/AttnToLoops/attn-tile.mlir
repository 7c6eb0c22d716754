// RUN: attn-opt %s --attn-tile --split-input-file | FileCheck %s
// RUN: attn-opt %s --attn-tile="query-tile=8 key-tile=32 vector-width=8" --split-input-file | FileCheck %s --check-prefix=SMALL

// A causal op becomes one loop nest: (batch, head, query tile) loops, a key
// loop bounded by the mask analysis, and a tile body split into a variant
// without mask arithmetic and one with it. No Sq x Skv buffer appears: all
// scratch is static and tile-sized.

// CHECK-LABEL: func.func @causal
// CHECK-SAME:    %[[Q:.*]]: tensor<?x4x?x64xf32>, %[[K:.*]]: tensor<?x4x?x64xf32>, %[[V:.*]]: tensor<?x4x?x64xf32>
// CHECK-DAG:     %[[QB:.*]] = bufferization.to_buffer %[[Q]] read_only
// CHECK-DAG:     %[[KB:.*]] = bufferization.to_buffer %[[K]] read_only
// CHECK-DAG:     %[[VB:.*]] = bufferization.to_buffer %[[V]] read_only
// CHECK:         %[[OUT:.*]] = memref.alloc(%{{.*}}, %{{.*}}) {alignment = 64 : i64} : memref<?x4x?x64xf32>
// CHECK-NOT:     memref.alloc(
// The (batch, head, query tile) work items are independent and each owns
// its scratch.
// CHECK:         scf.parallel (%[[B:.*]], %[[H:.*]], %[[T:.*]]) =
// CHECK:           memref.alloca_scope
// The inner tile is key-major: the transposed query tile qT [D, rows], the
// scores [keys, rows] and the accumulator [rows, Dv].
// CHECK-DAG:         memref.alloca() {{.*}} : memref<64x32xf32>
// CHECK-DAG:         memref.alloca() {{.*}} : memref<32x64xf32>
// CHECK-DAG:         memref.alloca() {{.*}} : memref<32xf32>
// The query tile is loaded once, pre-scaled by 1/sqrt(64) * log2(e).
// CHECK:               arith.constant 0.180336878 : f32
// CHECK:               scf.for %[[K0:.*]] = %{{.*}} to %[[END:.*]] step %{{.*}} {
// CHECK:                 %[[FULL:.*]] = arith.andi
// Query tiles of at most 4 rows take per-row dot products; the others
// S^T = K Q'^T, a register tile of 12 keys x 2 row vectors: 24 FMAs per
// step of the head dimension.
// CHECK:                 arith.cmpi ule, %{{.*}}, %c4
// CHECK:                 } else {
// CHECK-COUNT-24:          vector.fma {{.*}} : vector<16xf32>
// Masks only where the tile is not fully visible (one copy of the tile).
// CHECK:                 scf.if %[[FULL]] {
// CHECK-NEXT:            } else {
// CHECK:                   vector.step : vector<16xindex>
// CHECK:                   arith.cmpi sle, %{{.*}}, %{{.*}} : vector<16xindex>
// CHECK:                   arith.select %{{.*}}, %{{.*}}, %{{.*}} : vector<16xi1>, vector<16xf32>
// CHECK:                 }
// Online softmax with rows in the lanes: lane-wise maxima, no reductions.
// CHECK:                   arith.maximumf {{.*}} : vector<16xf32>
// CHECK-NOT:               vector.reduction <maximumf>
// CHECK:                   math.exp2 {{.*}} : vector<16xf32>
// P V: a register tile of 6 rows x 4 value chunks.
// CHECK-COUNT-24:          vector.fma {{.*}} : vector<16xf32>
// Epilogue: rows with l = 0 (no visible key) get zeros.
// CHECK:               arith.cmpf ogt
// CHECK:               vector.store %{{.*}}, %[[OUT]]
// CHECK:         %[[RES:.*]] = bufferization.to_tensor %[[OUT]] restrict writable
// CHECK:         return %[[RES]]

// SMALL-LABEL: func.func @causal
// SMALL-DAG:     memref.alloca() {{.*}} : memref<64x8xf32>
// SMALL-DAG:     memref.alloca() {{.*}} : memref<32x8xf32>
// SMALL:         vector.fma {{.*}} : vector<8xf32>
func.func @causal(%q: tensor<?x4x?x64xf32>, %k: tensor<?x4x?x64xf32>,
                  %v: tensor<?x4x?x64xf32>) -> tensor<?x4x?x64xf32> {
  %o = attn.attention %q, %k, %v {causal}
      : tensor<?x4x?x64xf32>, tensor<?x4x?x64xf32>, tensor<?x4x?x64xf32>
      -> tensor<?x4x?x64xf32>
  return %o : tensor<?x4x?x64xf32>
}

// -----

// Without masks only the last, partial key tile (70 = 64 + 6) is masked, and
// only against the end of the keys.
// CHECK-LABEL: func.func @unmasked
// CHECK:         scf.if
// CHECK:         } else {
// CHECK:           arith.cmpi slt, %{{.*}}, %{{.*}} : vector<16xindex>
// CHECK-NOT:       arith.cmpi sle
// CHECK:         return
func.func @unmasked(%q: tensor<2x4x100x64xf32>, %k: tensor<2x4x70x64xf32>,
                    %v: tensor<2x4x70x64xf32>) -> tensor<2x4x100x64xf32> {
  %o = attn.attention %q, %k, %v
      : tensor<2x4x100x64xf32>, tensor<2x4x70x64xf32>, tensor<2x4x70x64xf32>
      -> tensor<2x4x100x64xf32>
  return %o : tensor<2x4x100x64xf32>
}

// -----

// A boolean mask is opaque to the analysis: every tile is masked (no test
// of a fully visible tile). i1 buffers hold a byte per element (an i1
// vector would be bit-packed): the mask of a key tile is read as bytes
// along the keys through an i8 view, in 16 x 16 blocks transposed to a
// keys x rows f32 tile of 0 / 1, and compared per vector of rows.
// CHECK-LABEL: func.func @bool_mask
// CHECK:         memref.alloca() {{.*}} : memref<64x32xf32>
// CHECK-NEXT:    %[[MT:.*]] = memref.alloca() {{.*}} : memref<64x32xf32>
// CHECK:         scf.for
// CHECK:         %[[BYTES:.*]] = builtin.unrealized_conversion_cast %{{.*}} : memref<?x1x?x?xi1> to memref<?x1x?x?xi8>
// CHECK:         vector.maskedload %[[BYTES]]{{.*}} : memref<?x1x?x?xi8>, vector<16xi1>, vector<16xi8> into vector<16xi8>
// CHECK:         arith.uitofp {{.*}} : vector<16xi8> to vector<16xf32>
// CHECK:         vector.shuffle {{.*}} [0, 16, 2, 18, 4, 20, 6, 22, 8, 24, 10, 26, 12, 28, 14, 30] : vector<16xf32>, vector<16xf32>
// CHECK:         vector.shuffle {{.*}} [8, 9, 10, 11, 12, 13, 14, 15, 24, 25, 26, 27, 28, 29, 30, 31] : vector<16xf32>, vector<16xf32>
// CHECK:         vector.load %[[MT]]{{.*}} : memref<64x32xf32>, vector<16xf32>
// CHECK:         arith.cmpf one, {{.*}} : vector<16xf32>
func.func @bool_mask(%q: tensor<?x4x?x64xf32>, %k: tensor<?x4x?x64xf32>,
                     %v: tensor<?x4x?x64xf32>, %m: tensor<?x1x?x?xi1>)
    -> tensor<?x4x?x64xf32> {
  %o = attn.attention %q, %k, %v mask(%m : tensor<?x1x?x?xi1>)
      : tensor<?x4x?x64xf32>, tensor<?x4x?x64xf32>, tensor<?x4x?x64xf32>
      -> tensor<?x4x?x64xf32>
  return %o : tensor<?x4x?x64xf32>
}

// -----

// Key lengths are loaded once per query tile and clamped to [0, Skv]; they
// bound the key loop.
// CHECK-LABEL: func.func @key_padding
// CHECK:         %[[LEN:.*]] = memref.load %{{.*}}[%{{.*}}] : memref<?xi32>
// CHECK:         %[[LENI:.*]] = arith.index_cast %[[LEN]] : i32 to index
// CHECK:         %[[CLAMP:.*]] = arith.minsi %[[LENI]]
// CHECK:         %[[LIMIT:.*]] = arith.maxsi %{{.*}}, %[[CLAMP]]
// CHECK:         scf.for %{{.*}} = %{{.*}} to %{{.*}} step
func.func @key_padding(%q: tensor<?x4x?x64xf32>, %k: tensor<?x4x?x64xf32>,
                       %v: tensor<?x4x?x64xf32>, %len: tensor<?xi32>)
    -> tensor<?x4x?x64xf32> {
  %o = attn.attention %q, %k, %v key_lengths(%len : tensor<?xi32>)
      : tensor<?x4x?x64xf32>, tensor<?x4x?x64xf32>, tensor<?x4x?x64xf32>
      -> tensor<?x4x?x64xf32>
  return %o : tensor<?x4x?x64xf32>
}

// -----

// GQA: query head h reads key/value head h / 4. bf16 inputs are widened to
// f32 and the output narrowed back.
// CHECK-LABEL: func.func @gqa_bf16
// CHECK:         arith.divui %{{.*}}, %c4
// CHECK:         arith.extf %{{.*}} : bf16 to f32
// CHECK:         arith.extf %{{.*}} : vector<16xbf16> to vector<16xf32>
// CHECK:         arith.truncf %{{.*}} : vector<16xf32> to vector<16xbf16>
func.func @gqa_bf16(%q: tensor<?x8x?x64xbf16>, %k: tensor<?x2x?x64xbf16>,
                    %v: tensor<?x2x?x64xbf16>) -> tensor<?x8x?x64xbf16> {
  %o = attn.attention %q, %k, %v
      : tensor<?x8x?x64xbf16>, tensor<?x2x?x64xbf16>, tensor<?x2x?x64xbf16>
      -> tensor<?x8x?x64xbf16>
  return %o : tensor<?x8x?x64xbf16>
}

// -----

// Score changes run in natural units, then scores move to log2 units; the
// score_mod region is cloned onto vectors with global indices.
// CHECK-LABEL: func.func @mods
// The scores, then the bias tile (keys x rows).
// CHECK:         memref.alloca() {{.*}} : memref<64x32xf32>
// CHECK-NEXT:    %[[BT:.*]] = memref.alloca() {{.*}} : memref<64x32xf32>
// CHECK:         arith.constant 1.250000e-01 : f32
// The bias of a key tile is read along the keys in 16 x 16 blocks,
// transposed in registers (four stages of two-source shuffles, the first
// interleaving lanes, the last halves), and stored keys x rows, so that the
// query rows of a key (the lanes of the key-major tile) are one vector load.
// CHECK:         vector.transfer_read {{.*}} : memref<?x4x?x?xf32>, vector<16xf32>
// CHECK:         vector.shuffle {{.*}} [0, 16, 2, 18, 4, 20, 6, 22, 8, 24, 10, 26, 12, 28, 14, 30] : vector<16xf32>, vector<16xf32>
// CHECK:         vector.shuffle {{.*}} [8, 9, 10, 11, 12, 13, 14, 15, 24, 25, 26, 27, 28, 29, 30, 31] : vector<16xf32>, vector<16xf32>
// CHECK:         vector.store {{.*}}, %[[BT]]
// CHECK:         vector.load %[[BT]]{{.*}} : memref<64x32xf32>, vector<16xf32>
// CHECK:         math.tanh {{.*}} : vector<16xf32>
// CHECK:         arith.mulf {{.*}} : vector<16xf32>
// CHECK:         arith.constant 1.44269502 : f32
// CHECK:         math.log2
func.func @mods(%q: tensor<?x4x?x64xf32>, %k: tensor<?x4x?x64xf32>,
                %v: tensor<?x4x?x64xf32>, %b: tensor<?x4x?x?xf32>)
    -> (tensor<?x4x?x64xf32>, tensor<?x4x?xf32>) {
  %o, %lse = attn.attention %q, %k, %v bias(%b : tensor<?x4x?x?xf32>)
      {softcap = 30.0 : f32}
      : tensor<?x4x?x64xf32>, tensor<?x4x?x64xf32>, tensor<?x4x?x64xf32>
      -> tensor<?x4x?x64xf32>, tensor<?x4x?xf32>
      score_mod {
      ^bb0(%s: f32, %bb: index, %h: index, %i: index, %j: index):
        %c = arith.constant 2.0 : f32
        %t = arith.mulf %s, %c : f32
        attn.yield %t : f32
      }
  return %o, %lse : tensor<?x4x?x64xf32>, tensor<?x4x?xf32>
}
