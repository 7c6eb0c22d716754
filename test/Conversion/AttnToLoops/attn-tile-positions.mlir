// RUN: attn-opt %s --attn-tile --split-input-file | FileCheck %s
// RUN: attn-opt %s --attn-tile="query-tile=8 key-tile=32 vector-width=8 key-major=false" --split-input-file | FileCheck %s --check-prefix=SMALL
// RUN: attn-opt %s --attn-tile="query-tile=16 key-tile=32 vector-width=8" --split-input-file | FileCheck %s --check-prefix=KM

// Masks and positional terms inside the fused loop nest.

// local_window (window = [16, 16]) is a named mask: the key loop runs over
// [first row' - 16, last row' + 17) only, and the partial tiles compare the
// keys against both sides of each row's window.
// CHECK-LABEL: func.func @local_window
// CHECK:         %[[LO:.*]] = arith.subi %{{.*}}, %c16{{.*}} : index
// CHECK:         %[[BEGIN:.*]] = arith.maxsi %{{.*}}, %[[LO]] : index
// CHECK:         scf.for %{{.*}} = %[[BEGIN]] to %{{.*}} step %c64
// CHECK:           scf.if
// CHECK:           } else {
// CHECK:             arith.cmpi sge, %{{.*}}, %{{.*}} : vector<16xindex>
// CHECK:             arith.cmpi sle, %{{.*}}, %{{.*}} : vector<16xindex>
// SMALL-LABEL: func.func @local_window
func.func @local_window(%q: tensor<?x4x?x64xf32>, %k: tensor<?x4x?x64xf32>,
                        %v: tensor<?x4x?x64xf32>) -> tensor<?x4x?x64xf32> {
  %o = attn.attention %q, %k, %v {window = array<i64: 16, 16>}
      : tensor<?x4x?x64xf32>, tensor<?x4x?x64xf32>, tensor<?x4x?x64xf32>
      -> tensor<?x4x?x64xf32>
  return %o : tensor<?x4x?x64xf32>
}

// -----

// local_gaussian: the prologue turns each row's position p into the integer
// window [ceil(p - 8), floor(p + 8)] (in f64: exact; clamped to the keys,
// then rounded from the truncation, t + (t < x) and t - (t > x)) and folds
// the union and
// the intersection over the tile's rows, which bound the key loop and pick
// the unmasked tiles. In a masked tile, a row whose window misses the tile
// skips it. The Gaussian factor multiplies the weights of V after their sum
// went into l (no renormalisation).
// CHECK-LABEL: func.func @local_gaussian
// CHECK:         scf.parallel
// CHECK:           %[[W:.*]]:4 = scf.for {{.*}} -> (index, index, index, index) {
// CHECK:             arith.extf %{{.*}} : f32 to f64
// CHECK:             arith.cmpf uno, %{{.*}}, %{{.*}} : f64
// CHECK:             arith.fptosi %{{.*}} : f64 to i64
// CHECK:             arith.cmpf olt, %{{.*}}, %{{.*}} : f64
// CHECK:             arith.fptosi %{{.*}} : f64 to i64
// CHECK:             arith.cmpf ogt, %{{.*}}, %{{.*}} : f64
// CHECK:             arith.cmpi sgt, %{{.*}}, %{{.*}} : index
// CHECK:           %[[BEGIN:.*]] = arith.maxsi %{{.*}}, %[[W]]#0 : index
// CHECK:           scf.for %{{.*}} = %[[BEGIN]] to %{{.*}} step %c64
// CHECK:             scf.if
// CHECK:               vector.reduction <add>
// CHECK:               %[[G:.*]] = math.exp2 %{{.*}} : vector<16xf32>
// CHECK:               arith.mulf %{{.*}}, %[[G]] : vector<16xf32>
// CHECK:             } else {
// CHECK:               %[[MEETS:.*]] = arith.andi %{{.*}}, %{{.*}} : i1
// CHECK:               scf.if %[[MEETS]] {
// CHECK:                 arith.cmpi sge, %{{.*}}, %{{.*}} : vector<16xindex>
// CHECK:                 arith.cmpi sle, %{{.*}}, %{{.*}} : vector<16xindex>
// SMALL-LABEL: func.func @local_gaussian
func.func @local_gaussian(%q: tensor<?x4x?x64xf32>, %k: tensor<?x4x?x64xf32>,
                          %v: tensor<?x4x?x64xf32>, %p: tensor<?x4x?xf32>)
    -> tensor<?x4x?x64xf32> {
  %o = attn.attention %q, %k, %v position_operands(%p : tensor<?x4x?xf32>)
      {gaussian_window = 8 : i64, gaussian_sigma = 4.0 : f32}
      : tensor<?x4x?x64xf32>, tensor<?x4x?x64xf32>, tensor<?x4x?x64xf32>
      -> tensor<?x4x?x64xf32>
  return %o : tensor<?x4x?x64xf32>
}

// -----

// relative_position (clip 16), shown with vector width 8. Row-major tile
// (SMALL, key-major=false): per query tile,
// q . aK_r for the 33 buckets goes into a padded row of 33 + 2 * 7 = 47
// slots (48 allocated): slot x holds bucket clamp(x - 7, 0, 32). A chunk of 8
// keys then reads its key-side terms with one vector load at the clamped
// offset j0 - i + 23 in [0, 39], and adds its softmax weights to the
// value-side bucket weights the same way, after rescaling them by corr. The
// epilogue adds sum_x w[x] aV[bucket(x)] before dividing by l.
// SMALL-LABEL: func.func @relative_position
// SMALL-SAME:    %[[AK:[^:]*]]: tensor<33x64xf32>, %[[AV:[^:]*]]: tensor<33x64xf32>
// SMALL-DAG:     %[[AKB:.*]] = bufferization.to_buffer %[[AK]]
// SMALL-DAG:     %[[AVB:.*]] = bufferization.to_buffer %[[AV]]
// SMALL:         scf.parallel
// SMALL-DAG:       %[[RK:.*]] = memref.alloca() {{.*}} : memref<8x48xf32>
// SMALL-DAG:       %[[RW:.*]] = memref.alloca() {{.*}} : memref<8x48xf32>
// SMALL:           scf.for %{{.*}} = %{{.*}} to %c33
// SMALL:             vector.load %[[AKB]]
// SMALL:             vector.reduction <add>
// SMALL:             memref.store %{{.*}}, %[[RK]]
// SMALL:           scf.for %{{.*}} = %{{.*}} to %{{.*}} step %c32
// SMALL-NOT:         %[[AKB]][
// SMALL:             %[[OFF:.*]] = arith.minsi %{{.*}}, %c39{{(_[0-9]+)?}} : index
// SMALL:             %[[REL:.*]] = vector.load %[[RK]][%{{.*}}, %[[OFF]]] : memref<8x48xf32>, vector<8xf32>
// SMALL:             arith.addf %{{.*}}, %[[REL]] : vector<8xf32>
// SMALL:             %[[CORR:.*]] = math.exp2 %{{.*}} : f32
// SMALL:             %[[CORRV:.*]] = vector.broadcast %[[CORR]]
// SMALL:             %[[OLD:.*]] = vector.load %[[RW]][%{{.*}}, %c0{{.*}}]
// SMALL:             arith.mulf %[[OLD]], %[[CORRV]] : vector<8xf32>
// SMALL:             %[[WOFF:.*]] = arith.minsi %{{.*}}, %c39{{(_[0-9]+)?}} : index
// SMALL:             %[[W:.*]] = vector.load %[[RW]][%{{.*}}, %[[WOFF]]]
// SMALL:             %[[SUM:.*]] = arith.addf %[[W]], %{{.*}} : vector<8xf32>
// SMALL:             vector.store %[[SUM]], %[[RW]][%{{.*}}, %[[WOFF]]]
// SMALL-NOT:         %[[AVB]][
// SMALL:           scf.for %{{.*}} = %{{.*}} to %c47
// SMALL:             memref.load %[[RW]]
// SMALL:             vector.load %[[AVB]]
// SMALL:             vector.fma
// SMALL:           arith.mulf {{.*}} : vector<8xf32>
//
// Key-major tile (KM, two vectors of 8 rows): the padded table is copied
// once per query tile into a skewed one of 2 * 16 + 8 = 40 slots, lane l of
// slot y being padded slot y + 7 - l of row l; a key j reads the terms of
// a vector of rows from i0 at slot clamp(j - i0 + 16, 0, 39), and its
// weights go to the same slot of the skewed bucket weights after their
// rescaling by corr. The epilogue maps slot x of lane l to bucket
// clamp(x - l, 0, 32).
// KM-LABEL: func.func @relative_position
// KM-SAME:    %[[AK:[^:]*]]: tensor<33x64xf32>, %[[AV:[^:]*]]: tensor<33x64xf32>
// KM-DAG:     %[[AVB:.*]] = bufferization.to_buffer %[[AV]]
// KM:         scf.parallel
// KM:           %[[RK:.*]] = memref.alloca() {{.*}} : memref<16x48xf32>
// KM:           %[[SK:.*]] = memref.alloca() {{.*}} : memref<40x16xf32>
// KM:           %[[SW:.*]] = memref.alloca() {{.*}} : memref<40x16xf32>
// KM:           scf.for %[[R:.*]] = %{{.*}} to %c16
// KM:             %[[LANE:.*]] = arith.remui %[[R]], %c8
// KM:             %[[SHIFT:.*]] = arith.subi %c7{{.*}}, %[[LANE]] : index
// KM:             scf.for %[[Y:.*]] = %{{.*}} to %c40
// KM:               %[[X:.*]] = arith.addi %[[Y]], %[[SHIFT]] : index
// KM:               memref.load %[[RK]][%{{.*}}, %[[X]]]
// KM:               memref.store %{{.*}}, %[[SK]][%[[Y]], %[[R]]]
// KM:           scf.for %{{.*}} = %{{.*}} to %{{.*}} step %c32
// KM:             %[[SLOT:.*]] = arith.minsi %{{.*}}, %c39{{.*}} : index
// KM:             %[[REL:.*]] = vector.load %[[SK]][%[[SLOT]], %c0{{.*}}] : memref<40x16xf32>, vector<8xf32>
// KM:             arith.addf %{{.*}}, %[[REL]] : vector<8xf32>
// KM:             scf.for %{{.*}} = %{{.*}} to %c40
// KM:               %[[OLD:.*]] = vector.load %[[SW]]
// KM:               arith.mulf %[[OLD]], %{{.*}} : vector<8xf32>
// KM:             scf.for
// KM:               %[[WSLOT:.*]] = arith.minsi %{{.*}}, %c39{{.*}} : index
// KM:               %[[W:.*]] = vector.load %[[SW]][%[[WSLOT]], %c0{{.*}}]
// KM:               %[[SUM:.*]] = arith.addf %[[W]], %{{.*}} : vector<8xf32>
// KM:               vector.store %[[SUM]], %[[SW]][%[[WSLOT]], %c0{{.*}}]
// KM:             %[[ELANE:.*]] = arith.remui %[[ER:.*]], %c8
// KM:             scf.for %[[EX:.*]] = %{{.*}} to %c40
// KM:               arith.subi %[[EX]], %[[ELANE]] : index
// KM:               memref.load %[[SW]][%[[EX]], %[[ER]]]
// KM:               vector.load %[[AVB]]
// KM:               vector.fma
// CHECK-LABEL: func.func @relative_position
func.func @relative_position(%q: tensor<?x4x?x64xf32>, %k: tensor<?x4x?x64xf32>,
                             %v: tensor<?x4x?x64xf32>, %ak: tensor<33x64xf32>,
                             %av: tensor<33x64xf32>) -> tensor<?x4x?x64xf32> {
  %o = attn.attention %q, %k, %v
      position_operands(%ak, %av : tensor<33x64xf32>, tensor<33x64xf32>)
      {relative_clip = 16 : i64}
      : tensor<?x4x?x64xf32>, tensor<?x4x?x64xf32>, tensor<?x4x?x64xf32>
      -> tensor<?x4x?x64xf32>
  return %o : tensor<?x4x?x64xf32>
}

// -----

// grid_window (2-D dilated neighbourhoods, stand_alone's relative tables):
// the head's dilation comes from a chain of selects over the heads; the
// tile's first and last positions give its map rows (floor division), and
// the band of rows within r * ry of them bounds the key loop. Per vector of
// keys, each key's row comes from the f64 quotient (j + 1/2) / W without an
// integer division, and the relative terms are two gathers from the row's
// 2 ry + 1 + 2 rx + 1 = 14 dot products.
// CHECK-LABEL: func.func @grid_window
// CHECK:         scf.parallel
// CHECK:           %[[W:.*]] = arith.minsi %{{.*}}, %c2147483647 : index
// CHECK:           %[[H2:.*]] = arith.cmpi eq, %{{.*}}, %c2{{.*}} : index
// CHECK:           arith.select %[[H2]], %c3{{.*}}, %c4{{.*}} : index
// CHECK:           %[[FIRST:.*]] = arith.floordivsi %{{.*}}, %[[W]] : index
// CHECK:           %[[LAST:.*]] = arith.floordivsi %{{.*}}, %[[W]] : index
// CHECK:           %[[BEGIN:.*]] = arith.maxsi %c0{{.*}}, %{{.*}} : index
// CHECK:           scf.for %{{.*}} = %[[BEGIN]] to %{{.*}} step %c64
// CHECK:             arith.fptosi %{{.*}} : vector<16xf64> to vector<16xi64>
// CHECK:             vector.gather %{{.*}} : memref<32x14xf32>, vector<16xi64>
// CHECK:             vector.gather %{{.*}} : memref<32x14xf32>, vector<16xi64>
// SMALL-LABEL: func.func @grid_window
// SMALL:         vector.gather %{{.*}} : memref<8x14xf32>, vector<8xi64>
func.func @grid_window(%q: tensor<?x4x?x4xf32>, %k: tensor<?x4x?x4xf32>,
                       %v: tensor<?x4x?x4xf32>, %w: index,
                       %rows: tensor<4x7x4xf32>, %cols: tensor<4x7x4xf32>)
    -> tensor<?x4x?x4xf32> {
  %o = attn.attention %q, %k, %v grid_width(%w)
      position_operands(%rows, %cols : tensor<4x7x4xf32>, tensor<4x7x4xf32>)
      {grid_window = array<i64: 3, 3>, grid_dilation = array<i64: 1, 2, 3, 4>}
      : tensor<?x4x?x4xf32>, tensor<?x4x?x4xf32>, tensor<?x4x?x4xf32>
      -> tensor<?x4x?x4xf32>
  return %o : tensor<?x4x?x4xf32>
}
