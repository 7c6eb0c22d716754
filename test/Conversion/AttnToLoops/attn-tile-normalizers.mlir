// RUN: attn-opt %s --attn-tile --split-input-file | FileCheck %s
// RUN: attn-opt %s --attn-tile=key-major=false --split-input-file | FileCheck %s --check-prefix=ROW

// Normalisers inside the fused loop nest.

// sigmoid: weights 1 / (1 + 2^-s) per score (s carries log2(e)); no running
// max, no sum and no rescaling; the epilogue stores acc as is.
// CHECK-LABEL: func.func @sigmoid
// CHECK-NOT:     arith.maximumf
// CHECK:         scf.for %{{.*}} = %{{.*}} to %{{.*}} step %c64
// CHECK:           %[[NEG:.*]] = arith.negf %{{.*}} : vector<16xf32>
// CHECK:           %[[E:.*]] = math.exp2 %[[NEG]] : vector<16xf32>
// CHECK:           %[[D:.*]] = arith.addf %{{.*}}, %[[E]] : vector<16xf32>
// CHECK:           arith.divf %{{.*}}, %[[D]] : vector<16xf32>
// CHECK:           vector.fma
// CHECK-NOT:     arith.maximumf
// CHECK-NOT:     arith.cmpf ogt
// CHECK:         return
func.func @sigmoid(%q: tensor<?x4x?x64xf32>, %k: tensor<?x4x?x64xf32>,
                   %v: tensor<?x4x?x64xf32>) -> tensor<?x4x?x64xf32> {
  %o = attn.attention %q, %k, %v {normalizer = #attn.normalizer<sigmoid>}
      : tensor<?x4x?x64xf32>, tensor<?x4x?x64xf32>, tensor<?x4x?x64xf32>
      -> tensor<?x4x?x64xf32>
  return %o : tensor<?x4x?x64xf32>
}

// -----

// softmax, key-major tile: each key tile's max of a vector of rows runs
// over the keys as llvm.maximum with nnan and nsz (one vmaxps): the max
// only keeps exp2 in range, and a NaN score still reaches its row through
// its own weight. Then the exponentials and their sum.
// CHECK-LABEL: func.func @softmax
// CHECK:         scf.for %{{.*}} = %{{.*}} to %{{.*}} step %c64
// CHECK:           llvm.intr.maximum(%{{.*}}, %{{.*}}) {fastmathFlags = #llvm.fastmath<nnan, nsz>} : (vector<16xf32>, vector<16xf32>) -> vector<16xf32>
// CHECK:           math.exp2 %{{.*}} : vector<16xf32>
// CHECK:         return
func.func @softmax(%q: tensor<?x4x?x64xf32>, %k: tensor<?x4x?x64xf32>,
                   %v: tensor<?x4x?x64xf32>) -> tensor<?x4x?x64xf32> {
  %o = attn.attention %q, %k, %v
      : tensor<?x4x?x64xf32>, tensor<?x4x?x64xf32>, tensor<?x4x?x64xf32>
      -> tensor<?x4x?x64xf32>
  return %o : tensor<?x4x?x64xf32>
}

// -----

// hard, row-major tile (ROW): a running (max, index) per row. In each key tile the lowest key
// index reaching the tile maximum (a min-reduction) replaces the row's best
// when greater, or equal at a lower index (lowering::hardPrefers, shared
// with the GPU kernel; an earlier tile's j is lower, so it keeps a tie).
// No exp2 and no P*V: the epilogue copies the value row v[j*], or zeros
// for a row without a visible key.
// ROW-LABEL: func.func @hard
// ROW-SAME:    %[[V:[^:]*]]: tensor<?x4x?x64xf32>) -> tensor
// ROW:         %[[VB:.*]] = bufferization.to_buffer %[[V]]
// ROW-DAG:     memref.alloca() {{.*}} : memref<32xf32>
// ROW-DAG:     memref.alloca() {{.*}} : memref<32xi64>
// ROW-NOT:     math.exp2
// ROW:         scf.for %{{.*}} = %{{.*}} to %{{.*}} step %c64
// ROW:           %[[MAX:.*]] = vector.reduction <maximumf>
// ROW:           arith.cmpf oeq, {{.*}} : vector<16xf32>
// ROW:           %[[FIRST:.*]] = vector.reduction <minsi>, %{{.*}} : vector<16xi64> into i64
// ROW:           arith.cmpf ogt, %[[MAX]], %{{.*}} : f32
// ROW:           arith.cmpf oeq, %[[MAX]], %{{.*}} : f32
// ROW:           arith.cmpi slt, %{{.*}}, %{{.*}} : index
// ROW:           %[[BETTER:.*]] = arith.ori
// ROW:           arith.select %[[BETTER]], %[[MAX]]
// ROW-NOT:     math.exp2
// ROW-NOT:     %[[VB]][
// ROW:         %[[FOUND:.*]] = arith.cmpi sge
// ROW:         scf.if %[[FOUND]] {
// ROW:           vector.load %[[VB]]
// ROW:         } else {
// ROW:           vector.store %{{.*}} : memref<?x4x?x64xf32>, vector<16xf32>
//
// hard, key-major tile: the running (max, index) of a vector of rows stays
// in registers across the keys of a tile, in increasing j; a key replaces
// a lane's best only when strictly greater, so ties keep the lowest j.
// CHECK-LABEL: func.func @hard
// CHECK-SAME:    %[[V:[^:]*]]: tensor<?x4x?x64xf32>) -> tensor
// CHECK:         %[[VB:.*]] = bufferization.to_buffer %[[V]]
// CHECK-DAG:     %[[BEST:.*]] = memref.alloca() {{.*}} : memref<32xf32>
// CHECK-DAG:     %[[IDX:.*]] = memref.alloca() {{.*}} : memref<32xi64>
// CHECK-NOT:     math.exp2
// CHECK:         scf.for %{{.*}} = %{{.*}} to %{{.*}} step %c64
// CHECK:           vector.load %[[BEST]]
// CHECK:           vector.load %[[IDX]]
// CHECK:           scf.for {{.*}} iter_args({{.*}}) -> (vector<16xf32>, vector<16xi64>)
// CHECK:             %[[KEY:.*]] = vector.broadcast %{{.*}} : i64 to vector<16xi64>
// CHECK:             %[[GT:.*]] = arith.cmpf ogt, %{{.*}}, %{{.*}} : vector<16xf32>
// CHECK:             arith.select %[[GT]], %{{.*}}, %{{.*}} : vector<16xi1>, vector<16xf32>
// CHECK:             arith.select %[[GT]], %[[KEY]], %{{.*}} : vector<16xi1>, vector<16xi64>
// CHECK-NOT:     math.exp2
// CHECK-NOT:     %[[VB]][
// CHECK:         %[[FOUND:.*]] = arith.cmpi sge
// CHECK:         scf.if %[[FOUND]] {
// CHECK:           vector.load %[[VB]]
func.func @hard(%q: tensor<?x4x?x64xf32>, %k: tensor<?x4x?x64xf32>,
                %v: tensor<?x4x?x64xf32>) -> tensor<?x4x?x64xf32> {
  %o = attn.attention %q, %k, %v {normalizer = #attn.normalizer<hard>}
      : tensor<?x4x?x64xf32>, tensor<?x4x?x64xf32>, tensor<?x4x?x64xf32>
      -> tensor<?x4x?x64xf32>
  return %o : tensor<?x4x?x64xf32>
}

// -----

// topk (k = 8), row-major tile (ROW): per row, 8 (score, index) slots kept sorted across key tiles.
// A chunk of 16 keys is skipped unless its maximum beats the 8th slot; a key
// that beats it is inserted by one pass over the 8 slots that carries the
// displaced entry down. The epilogue is a softmax over the kept slots.
// ROW-LABEL: func.func @topk
// ROW-SAME:    %[[V:[^:]*]]: tensor<?x4x?x64xf32>) -> tensor
// ROW:         %[[VB:.*]] = bufferization.to_buffer %[[V]]
// ROW-DAG:     %[[VALS:.*]] = memref.alloca() {{.*}} : memref<32x8xf32>
// ROW-DAG:     %[[IDX:.*]] = memref.alloca() {{.*}} : memref<32x8xi64>
// ROW:         scf.for %{{.*}} = %{{.*}} to %{{.*}} step %c64
// ROW:           %[[KTH:.*]] = memref.load %[[VALS]][%{{.*}}, %c7] : memref<32x8xf32>
// ROW:           %[[CMAX:.*]] = vector.reduction <maximumf>
// ROW:           %[[ANY:.*]] = arith.cmpf ogt, %[[CMAX]], %[[KTH]] : f32
// ROW:           scf.if %[[ANY]] {
// ROW:             scf.for {{.*}} to %c16
// ROW:               scf.if
// ROW:                 scf.for {{.*}} to %c8 {{.*}} iter_args({{.*}}) -> (f32, i64, i1)
// ROW:                   memref.store %{{.*}}, %[[VALS]]
// ROW:                   memref.store %{{.*}}, %[[IDX]]
// ROW-NOT:     %[[VB]][
// ROW:         scf.for
// ROW:           scf.for {{.*}} iter_args({{.*}}) -> (vector<16xf32>, vector<16xf32>, vector<16xf32>, vector<16xf32>, f32)
// ROW:             %[[J64:.*]] = memref.load %[[IDX]]
// ROW:             %[[J:.*]] = arith.index_cast %[[J64]] : i64 to index
// ROW:             math.exp2 %{{.*}} : f32
// ROW:             vector.load %[[VB]][%{{.*}}, %{{.*}}, %[[J]], %{{.*}}]
// ROW:             vector.fma
//
// topk, key-major tile: the slots are [8, rows], so that slot t of a vector
// of rows is one vector; the 8 slot vectors and their i64 indices stay in
// registers across the keys, and every key is inserted lane-wise without a
// branch: take = moved | key > slot, then the same selects as above.
// CHECK-LABEL: func.func @topk
// CHECK-SAME:    %[[V:[^:]*]]: tensor<?x4x?x64xf32>) -> tensor
// CHECK:         %[[VB:.*]] = bufferization.to_buffer %[[V]]
// CHECK-DAG:     %[[VALS:.*]] = memref.alloca() {{.*}} : memref<8x32xf32>
// CHECK-DAG:     %[[IDX:.*]] = memref.alloca() {{.*}} : memref<8x32xi64>
// CHECK:         scf.for %{{.*}} = %{{.*}} to %{{.*}} step %c64
// CHECK:           scf.for {{.*}} iter_args({{.*}}) -> (vector<16xf32>, vector<16xi64>, vector<16xf32>, vector<16xi64>,
// CHECK:             %[[GT:.*]] = arith.cmpf ogt, %{{.*}}, %{{.*}} : vector<16xf32>
// CHECK:             %[[TAKE:.*]] = arith.ori %{{.*}}, %[[GT]] : vector<16xi1>
// CHECK:             arith.select %[[TAKE]], %{{.*}}, %{{.*}} : vector<16xi1>, vector<16xf32>
// CHECK:             arith.select %[[TAKE]], %{{.*}}, %{{.*}} : vector<16xi1>, vector<16xi64>
// CHECK:             %[[GT2:.*]] = arith.cmpf ogt, %{{.*}}, %{{.*}} : vector<16xf32>
// CHECK:             arith.ori %[[TAKE]], %[[GT2]] : vector<16xi1>
// CHECK-NOT:     %[[VB]][
// CHECK:         scf.for
// CHECK:           scf.for {{.*}} iter_args({{.*}}) -> (vector<16xf32>, vector<16xf32>, vector<16xf32>, vector<16xf32>, f32)
// CHECK:             memref.load %[[IDX]][%{{.*}}, %{{.*}}] : memref<8x32xi64>
// CHECK:             math.exp2 %{{.*}} : f32
// CHECK:             vector.load %[[VB]]
// CHECK:             vector.fma
func.func @topk(%q: tensor<?x4x?x64xf32>, %k: tensor<?x4x?x64xf32>,
                %v: tensor<?x4x?x64xf32>) -> tensor<?x4x?x64xf32> {
  %o = attn.attention %q, %k, %v {normalizer = #attn.normalizer<topk>, top_k = 8 : i64}
      : tensor<?x4x?x64xf32>, tensor<?x4x?x64xf32>, tensor<?x4x?x64xf32>
      -> tensor<?x4x?x64xf32>
  return %o : tensor<?x4x?x64xf32>
}

// -----

// hard_sample, row-major tile (ROW): two passes over the key tiles. Pass 1 is the online max and
// sum (log-sum-exp); no value is read in either pass. Pass 2 skips rows that have their sample
// and accumulates the CDF; a tile that lifts it past u is scanned key by key.
// ROW-LABEL: func.func @hard_sample
// ROW-SAME:    %[[V:[^:]*]]: tensor<?x4x?x64xf32>, %[[U:[^:]*]]: tensor<?x4x?xf32>
// ROW:         %[[VB:.*]] = bufferization.to_buffer %[[V]]
// ROW:         %[[UB:.*]] = bufferization.to_buffer %[[U]]
// ROW:         scf.parallel
// ROW:           scf.for %{{.*}} = %{{.*}} to %{{.*}} step %c64
// ROW-NOT:         %[[VB]][
// ROW:             vector.reduction <maximumf>
// ROW:             vector.reduction <add>
// ROW-NOT:         %[[VB]][
// ROW:           scf.for %{{.*}} = %{{.*}} to %{{.*}} step %c64
// ROW-NOT:         %[[VB]][
// ROW:             %[[TODO:.*]] = arith.cmpi slt, %{{.*}}, %c0{{.*}} : index
// ROW:             scf.if %[[TODO]] {
// ROW:               vector.reduction <maxsi>
// ROW:               %[[TOTAL:.*]] = vector.reduction <add>
// ROW:               %[[UV:.*]] = memref.load %[[UB]]
// ROW:               %[[CUM:.*]] = arith.addf %{{.*}}, %[[TOTAL]] : f32
// ROW:               %[[CROSS:.*]] = arith.cmpf ogt, %[[CUM]], %[[UV]] : f32
// ROW:               scf.if %[[CROSS]] {
// ROW:                 scf.for {{.*}} iter_args({{.*}}) -> (f32, index)
// ROW:               } else {
//
// hard_sample, key-major tile: pass 1 is the same lane-wise online max and
// sum as the softmax's, without storing the weights; pass 2 carries the
// CDF, the chosen key (-1 until found) and the last visible key of a
// vector of rows in registers across the keys, in increasing j, against u
// copied per row at the start of the pass.
// CHECK-LABEL: func.func @hard_sample
// CHECK-SAME:    %[[V:[^:]*]]: tensor<?x4x?x64xf32>, %[[U:[^:]*]]: tensor<?x4x?xf32>
// CHECK:         %[[VB:.*]] = bufferization.to_buffer %[[V]]
// CHECK:         %[[UB:.*]] = bufferization.to_buffer %[[U]]
// CHECK:         scf.parallel
// CHECK:           scf.for %{{.*}} = %{{.*}} to %{{.*}} step %c64
// CHECK-NOT:         %[[VB]][
// CHECK:             arith.maximumf %{{.*}} : vector<16xf32>
// CHECK:             math.exp2 %{{.*}} : vector<16xf32>
// CHECK-NOT:         %[[VB]][
// CHECK:           memref.load %[[UB]]
// CHECK:           scf.for %{{.*}} = %{{.*}} to %{{.*}} step %c64
// CHECK-NOT:         %[[VB]][
// CHECK:             scf.for {{.*}} iter_args({{.*}}) -> (vector<16xf32>, vector<16xi64>, vector<16xi64>)
// CHECK:               math.exp2 %{{.*}} : vector<16xf32>
// CHECK:               %[[PAST:.*]] = arith.cmpf ogt, %{{.*}}, %{{.*}} : vector<16xf32>
// CHECK:               %[[OPEN:.*]] = arith.cmpi eq, %{{.*}}, %{{.*}} : vector<16xi64>
// CHECK:               arith.andi %[[PAST]], %[[OPEN]] : vector<16xi1>
// CHECK-NOT:     %[[VB]][
// CHECK:         scf.if
// CHECK:           vector.load %[[VB]]
func.func @hard_sample(%q: tensor<?x4x?x64xf32>, %k: tensor<?x4x?x64xf32>,
                       %v: tensor<?x4x?x64xf32>, %u: tensor<?x4x?xf32>)
    -> tensor<?x4x?x64xf32> {
  %o = attn.attention %q, %k, %v normalizer_operands(%u : tensor<?x4x?xf32>)
      {normalizer = #attn.normalizer<hard_sample>}
      : tensor<?x4x?x64xf32>, tensor<?x4x?x64xf32>, tensor<?x4x?x64xf32>
      -> tensor<?x4x?x64xf32>
  return %o : tensor<?x4x?x64xf32>
}

// -----

// Normalisers compose with masks: hidden keys score -inf (sigmoid weight 0,
// never the argmax) and a causal key loop still stops at the diagonal.
// CHECK-LABEL: func.func @hard_causal
// CHECK:         scf.for %{{.*}} = %{{.*}} to %{{.*}} step %c64
// CHECK:           scf.if
// CHECK:           } else {
// CHECK:             arith.cmpi sle, %{{.*}}, %{{.*}} : vector<16xindex>
// CHECK:           arith.cmpf ogt, %{{.*}}, %{{.*}} : vector<16xf32>
// ROW-LABEL: func.func @hard_causal
// ROW:         scf.for %{{.*}} = %{{.*}} to %{{.*}} step %c64
// ROW:           scf.if
// ROW:           } else {
// ROW:             arith.cmpi sle, %{{.*}}, %{{.*}} : vector<16xindex>
// ROW:             vector.reduction <minsi>
func.func @hard_causal(%q: tensor<?x4x?x64xf32>, %k: tensor<?x4x?x64xf32>,
                       %v: tensor<?x4x?x64xf32>) -> tensor<?x4x?x64xf32> {
  %o = attn.attention %q, %k, %v {causal, normalizer = #attn.normalizer<hard>}
      : tensor<?x4x?x64xf32>, tensor<?x4x?x64xf32>, tensor<?x4x?x64xf32>
      -> tensor<?x4x?x64xf32>
  return %o : tensor<?x4x?x64xf32>
}
