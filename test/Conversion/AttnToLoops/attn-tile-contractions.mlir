// RUN: attn-opt %s --split-input-file --attn-tile-contractions --canonicalize | FileCheck %s --enable-var-scope
// RUN: attn-opt %s --split-input-file --attn-tile-contractions="vector-width=8 vector-registers=16" --canonicalize | FileCheck %s --check-prefix=AVX2
// RUN: not attn-opt %s --split-input-file --attn-tile-contractions="depth-block=0" 2>&1 | FileCheck %s --check-prefix=OPTIONS

// OPTIONS: attn-tile-contractions expects vector-width in [1, 64] and positive vector-registers, row-block and depth-block, but got 16, 32, 64, 0

// C [8,40] += A [8,300] B [300,40], static: 40 columns are 3 vectors, so
// one register tile of 2 whole vectors and one masked vector (8 lanes)
// per row; 300 = a depth block of 256 and one of 44. Each panel's depth
// block of B is packed into a stack buffer first (the masked vector padded
// with zeros); the accumulators are loaded from C, carried through the
// depth loop reading the packed panel, and stored back.
// CHECK-LABEL: func.func @matmul_static
// CHECK-SAME:    %[[A:[a-z0-9]+]]: memref<8x300xf32>, %[[B:[a-z0-9]+]]: memref<300x40xf32>, %[[C:[a-z0-9]+]]: memref<8x40xf32>
// CHECK-NOT:     linalg.matmul
// CHECK:         %[[P:.*]] = memref.alloca() {alignment = 64 : i64} : memref<256x48xf32>
// CHECK:         scf.for %[[KB:.*]] = %{{.*}} to %{{.*}} step
// CHECK:           scf.for
// CHECK:             %[[BR:.*]] = vector.load %[[B]][%{{.*}}, %{{.*}}] : memref<300x40xf32>, vector<16xf32>
// CHECK:             vector.store %[[BR]], %[[P]][%{{.*}}, %{{.*}}] : memref<256x48xf32>, vector<16xf32>
// CHECK:           %[[C0:.*]] = vector.load %[[C]][%{{.*}}, %{{.*}}] : memref<8x40xf32>, vector<16xf32>
// CHECK:           %[[ACC:.*]]:{{[0-9]+}} = scf.for %[[K:.*]] = {{.*}} iter_args(%{{.*}} = %[[C0]]
// CHECK:             %[[BV:.*]] = vector.load %[[P]][%[[K]], %{{.*}}] : memref<256x48xf32>, vector<16xf32>
// CHECK:             %[[AS:.*]] = memref.load %[[A]][%{{.*}}, %{{.*}}] : memref<8x300xf32>
// CHECK:             %[[AB:.*]] = vector.broadcast %[[AS]] : f32 to vector<16xf32>
// CHECK:             vector.fma %[[AB]], %[[BV]], %{{.*}} : vector<16xf32>
// CHECK:           vector.store %{{.*}}, %[[C]][%{{.*}}, %{{.*}}] : memref<8x40xf32>, vector<16xf32>
// CHECK:           %[[MASK:.*]] = vector.{{create_mask|constant_mask}} {{.*}} : vector<16xi1>
// CHECK:           vector.maskedload %[[B]][%{{.*}}, %{{.*}}], %[[MASK]]
// CHECK:           vector.maskedload %[[C]][%{{.*}}, %{{.*}}], %[[MASK]]
// CHECK:           vector.maskedstore %[[C]][%{{.*}}, %{{.*}}], %[[MASK]]
// AVX2-LABEL:    func.func @matmul_static
// AVX2:            vector.fma {{.*}} : vector<8xf32>
func.func @matmul_static(%a: memref<8x300xf32>, %b: memref<300x40xf32>,
                         %c: memref<8x40xf32>) {
  linalg.matmul ins(%a, %b : memref<8x300xf32>, memref<300x40xf32>)
                outs(%c : memref<8x40xf32>)
  return
}

// -----

// A register tile is rows x column vectors: with 64 columns (4 vectors)
// and 32 registers, 6 rows x 4 vectors, 24 FMAs per depth step.
// CHECK-LABEL: func.func @tile_shape
// CHECK:         scf.for {{.*}} -> (vector<16xf32>, vector<16xf32>, vector<16xf32>, vector<16xf32>, vector<16xf32>, vector<16xf32>, vector<16xf32>, vector<16xf32>, vector<16xf32>, vector<16xf32>, vector<16xf32>, vector<16xf32>, vector<16xf32>, vector<16xf32>, vector<16xf32>, vector<16xf32>, vector<16xf32>, vector<16xf32>, vector<16xf32>, vector<16xf32>, vector<16xf32>, vector<16xf32>, vector<16xf32>, vector<16xf32>)
// CHECK-COUNT-24: vector.fma
func.func @tile_shape(%a: memref<?x64xf32>, %b: memref<64x64xf32>,
                      %c: memref<?x64xf32>) {
  linalg.matmul ins(%a, %b : memref<?x64xf32>, memref<64x64xf32>)
                outs(%c : memref<?x64xf32>)
  return
}

// -----

// The columns of B are not contiguous (B is [N, K]): left to
// convert-linalg-to-loops.
// CHECK-LABEL: func.func @transposed_rhs
// CHECK:         linalg.generic
// CHECK-NOT:     vector.fma
#a = affine_map<(m, n, k) -> (m, k)>
#b = affine_map<(m, n, k) -> (n, k)>
#c = affine_map<(m, n, k) -> (m, n)>
func.func @transposed_rhs(%a: memref<?x?xf32>, %b: memref<?x?xf32>,
                          %c: memref<?x?xf32>) {
  linalg.generic {indexing_maps = [#a, #b, #c],
                  iterator_types = ["parallel", "parallel", "reduction"]}
      ins(%a, %b : memref<?x?xf32>, memref<?x?xf32>) outs(%c : memref<?x?xf32>) {
  ^bb0(%x: f32, %y: f32, %o: f32):
    %m = arith.mulf %x, %y : f32
    %s = arith.addf %o, %m : f32
    linalg.yield %s : f32
  }
  return
}

// -----

// Not a multiply-accumulate (a max-plus product), and not f32: left alone.
// CHECK-LABEL: func.func @not_contractions
// CHECK:         linalg.generic
// CHECK:         linalg.matmul
// CHECK-NOT:     vector.fma
#a = affine_map<(m, n, k) -> (m, k)>
#b = affine_map<(m, n, k) -> (k, n)>
#c = affine_map<(m, n, k) -> (m, n)>
func.func @not_contractions(%a: memref<?x?xf32>, %b: memref<?x?xf32>,
                            %c: memref<?x?xf32>, %a16: memref<?x?xbf16>,
                            %b16: memref<?x?xbf16>, %c16: memref<?x?xbf16>) {
  linalg.generic {indexing_maps = [#a, #b, #c],
                  iterator_types = ["parallel", "parallel", "reduction"]}
      ins(%a, %b : memref<?x?xf32>, memref<?x?xf32>) outs(%c : memref<?x?xf32>) {
  ^bb0(%x: f32, %y: f32, %o: f32):
    %m = arith.addf %x, %y : f32
    %s = arith.maximumf %o, %m : f32
    linalg.yield %s : f32
  }
  linalg.matmul ins(%a16, %b16 : memref<?x?xbf16>, memref<?x?xbf16>)
                outs(%c16 : memref<?x?xbf16>)
  return
}

// -----

// A fill of the output right before the contraction (as attn-parallelize
// fuses one into each row tile) is not written: the first depth block
// starts its accumulators at the fill's value instead of reading C.
// CHECK-LABEL: func.func @fill_elided
// CHECK-SAME:    %{{[a-z0-9]+}}: memref<?x300xf32>, %{{[a-z0-9]+}}: memref<300x64xf32>, %[[C:[a-z0-9]+]]: memref<?x64xf32>, %[[V:[a-z0-9]+]]: f32
// CHECK-NOT:     linalg.fill
// CHECK:         %[[FIRST:.*]] = arith.cmpi eq
// CHECK:         scf.if %[[FIRST]]
// CHECK:           %[[S:.*]] = vector.broadcast %[[V]] : f32 to vector<16xf32>
// CHECK:           scf.yield %[[S]], %[[S]]
// CHECK:         } else {
// CHECK:           vector.load %[[C]]
func.func @fill_elided(%a: memref<?x300xf32>, %b: memref<300x64xf32>,
                       %c: memref<?x64xf32>, %v: f32) {
  linalg.fill ins(%v : f32) outs(%c : memref<?x64xf32>)
  linalg.matmul ins(%a, %b : memref<?x300xf32>, memref<300x64xf32>)
                outs(%c : memref<?x64xf32>)
  return
}

// -----

// With a second reduction loop (h) around the tiles, C accumulates across
// its iterations, so the fill stays.
// CHECK-LABEL: func.func @fill_kept
// CHECK:         linalg.fill
// CHECK:         vector.fma
#o = affine_map<(s, h, d, f) -> (h, s, d)>
#w = affine_map<(s, h, d, f) -> (h, d, f)>
#y = affine_map<(s, h, d, f) -> (s, f)>
func.func @fill_kept(%a: memref<2x?x32xf32>, %w: memref<2x32x64xf32>,
                     %c: memref<?x64xf32>, %v: f32) {
  linalg.fill ins(%v : f32) outs(%c : memref<?x64xf32>)
  linalg.generic {indexing_maps = [#o, #w, #y],
                  iterator_types = ["parallel", "reduction", "reduction", "parallel"]}
      ins(%a, %w : memref<2x?x32xf32>, memref<2x32x64xf32>) outs(%c : memref<?x64xf32>) {
  ^bb0(%x: f32, %y: f32, %out: f32):
    %m = arith.mulf %x, %y : f32
    %s = arith.addf %out, %m : f32
    linalg.yield %s : f32
  }
  return
}

// -----

// A depth that may be zero keeps the fill: with no depth block, nothing
// else would write the fill's value into C.
// CHECK-LABEL: func.func @fill_kept_dynamic_depth
// CHECK:         linalg.fill
// CHECK:         vector.fma
func.func @fill_kept_dynamic_depth(%a: memref<?x?xf32>, %b: memref<?x64xf32>,
                                   %c: memref<?x64xf32>, %v: f32) {
  linalg.fill ins(%v : f32) outs(%c : memref<?x64xf32>)
  linalg.matmul ins(%a, %b : memref<?x?xf32>, memref<?x64xf32>)
                outs(%c : memref<?x64xf32>)
  return
}

// -----

// A contraction inside an scf.for (a recurrent step): the panel is
// allocated before the loop, once for every iteration, and no stack scope
// goes inside the loop (lowering one splits its block, and the loop body
// must stay one block). In a function body the function frees it.
// CHECK-LABEL: func.func @in_loop
// CHECK: memref.alloca() {alignment = 64 : i64} : memref<256x{{[0-9]+}}xf32>
// CHECK-NEXT: scf.for
// CHECK-NOT: memref.alloca_scope
// CHECK: vector.fma
func.func @in_loop(%a: memref<32x64xf32>, %b: memref<64x48xf32>,
                   %c: memref<32x48xf32>, %n: index) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  scf.for %i = %c0 to %n step %c1 {
    linalg.matmul ins(%a, %b : memref<32x64xf32>, memref<64x48xf32>)
                  outs(%c : memref<32x48xf32>)
  }
  return
}
