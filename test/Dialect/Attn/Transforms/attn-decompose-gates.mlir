// RUN: attn-opt %s --attn-decompose | FileCheck %s
// RUN: attn-opt %s --attn-decompose --canonicalize --cse | FileCheck %s --check-prefix=PASSES

// The gating vision ops become linalg.generic ops: one pooling generic over
// the feature map, small generics for the gate, one rescaling generic;
// docs/variants/vision.md explains each. PASSES counts the generics that
// read the feature map (the passes over it) after cleanup.

// Loops (n, c, h, w) over the map.
// CHECK-DAG: #[[$MAP:.*]] = affine_map<(d0, d1, d2, d3) -> (d0, d1, d2, d3)>
// CHECK-DAG: #[[$NC4:.*]] = affine_map<(d0, d1, d2, d3) -> (d0, d1)>
// CHECK-DAG: #[[$NHW4:.*]] = affine_map<(d0, d1, d2, d3) -> (d0, d2, d3)>
// Contractions over three loops: (n, k, m) with k reduced.
// CHECK-DAG: #[[$NK:.*]] = affine_map<(d0, d1, d2) -> (d0, d1)>
// CHECK-DAG: #[[$KM:.*]] = affine_map<(d0, d1, d2) -> (d1, d2)>
// CHECK-DAG: #[[$NM:.*]] = affine_map<(d0, d1, d2) -> (d0, d2)>
// CHECK-DAG: #[[$K:.*]] = affine_map<(d0, d1, d2) -> (d1)>
// CHECK-DAG: #[[$T:.*]] = affine_map<(d0, d1, d2) -> (d2)>
// [N, C] elementwise.
// CHECK-DAG: #[[$ID2:.*]] = affine_map<(d0, d1) -> (d0, d1)>
// CHECK-DAG: #[[$C2:.*]] = affine_map<(d0, d1) -> (d1)>
// The spatial convolution, loops (n, h, w, i, j): the two kernel planes.
// CHECK-DAG: #[[$WMEAN:.*]] = affine_map<(d0, d1, d2, d3, d4) -> (0, 0, d3, d4)>
// CHECK-DAG: #[[$WMAX:.*]] = affine_map<(d0, d1, d2, d3, d4) -> (0, 1, d3, d4)>
// CHECK-DAG: #[[$NHW5:.*]] = affine_map<(d0, d1, d2, d3, d4) -> (d0, d1, d2)>
// CHECK-DAG: #[[$ID3:.*]] = affine_map<(d0, d1, d2) -> (d0, d1, d2)>
// CHECK-DAG: #[[$BS:.*]] = affine_map<(d0, d1, d2) -> (0)>

// CHECK-LABEL: func.func @squeeze_excite
// CHECK-SAME: (%[[X:[^:]*]]: tensor<?x64x?x?xf32>, %[[W1:[^:]*]]: tensor<64x16xf32>, %[[B1:[^:]*]]: tensor<16xf32>, %[[W2:[^:]*]]: tensor<16x64xf32>, %[[B2:[^:]*]]: tensor<64xf32>)
// CHECK:     %[[N:.*]] = tensor.dim %[[X]], %{{.*}} : tensor<?x64x?x?xf32>
// CHECK:     %[[H:.*]] = tensor.dim %[[X]], %{{.*}} : tensor<?x64x?x?xf32>
// CHECK:     %[[W:.*]] = tensor.dim %[[X]], %{{.*}} : tensor<?x64x?x?xf32>
// CHECK:     %[[HW:.*]] = arith.muli %[[H]], %[[W]] : index
// CHECK:     %[[HW64:.*]] = arith.index_castui %[[HW]] : index to i64
// CHECK:     %[[COUNT:.*]] = arith.uitofp %[[HW64]] : i64 to f32
// CHECK:     %[[Z0:.*]] = linalg.fill ins(%{{.*}} : f32) outs(%{{.*}} : tensor<?x64xf32>)
// CHECK:     %[[SUM:.*]] = linalg.generic {indexing_maps = [#[[$MAP]], #[[$NC4]]], iterator_types = ["parallel", "parallel", "reduction", "reduction"]} ins(%[[X]] : tensor<?x64x?x?xf32>) outs(%[[Z0]] : tensor<?x64xf32>)
// CHECK-NEXT: ^bb0(%[[XV:.*]]: f32, %[[ACC:.*]]: f32):
// CHECK-NEXT:   %[[S:.*]] = arith.addf %[[ACC]], %[[XV]] : f32
// CHECK-NEXT:   linalg.yield %[[S]] : f32
// CHECK:     %[[PRE:.*]] = linalg.generic {indexing_maps = [#[[$NK]], #[[$KM]], #[[$NM]]], iterator_types = ["parallel", "reduction", "parallel"]} ins(%[[SUM]], %[[W1]] : tensor<?x64xf32>, tensor<64x16xf32>) outs(%{{.*}} : tensor<?x16xf32>)
// CHECK:     %[[T:.*]] = linalg.generic {indexing_maps = [#[[$NK]], #[[$K]], #[[$KM]], #[[$NM]]], iterator_types = ["parallel", "reduction", "parallel"]} ins(%[[PRE]], %[[B1]], %[[W2]] : tensor<?x16xf32>, tensor<16xf32>, tensor<16x64xf32>) outs(%{{.*}} : tensor<?x64xf32>)
// CHECK-NEXT: ^bb0(%[[P:.*]]: f32, %[[B:.*]]: f32, %[[WV:.*]]: f32, %[[ACC:.*]]: f32):
// CHECK-NEXT:   %[[MEAN:.*]] = arith.divf %[[P]], %[[COUNT]] : f32
// CHECK-NEXT:   %[[PB:.*]] = arith.addf %[[MEAN]], %[[B]] : f32
// CHECK:        %[[R:.*]] = arith.maximumf %[[PB]], %{{.*}} : f32
// CHECK-NEXT:   %[[RW:.*]] = arith.mulf %[[R]], %[[WV]] : f32
// CHECK-NEXT:   %[[S:.*]] = arith.addf %[[ACC]], %[[RW]] : f32
// CHECK-NEXT:   linalg.yield %[[S]] : f32
// CHECK:     %[[GATE:.*]] = linalg.generic {indexing_maps = [#[[$ID2]], #[[$C2]], #[[$ID2]]], iterator_types = ["parallel", "parallel"]} ins(%[[T]], %[[B2]] : tensor<?x64xf32>, tensor<64xf32>)
// CHECK-NEXT: ^bb0(%[[TV:.*]]: f32, %[[BV:.*]]: f32, %{{.*}}: f32):
// CHECK-NEXT:   %[[L:.*]] = arith.addf %[[TV]], %[[BV]] : f32
// CHECK-NEXT:   %[[NL:.*]] = arith.negf %[[L]] : f32
// CHECK-NEXT:   %[[E:.*]] = math.exp %[[NL]] : f32
// CHECK:        %[[D:.*]] = arith.addf %{{.*}}, %[[E]] : f32
// CHECK-NEXT:   %[[SIG:.*]] = arith.divf %{{.*}}, %[[D]] : f32
// CHECK-NEXT:   linalg.yield %[[SIG]] : f32
// CHECK:     %[[OUT:.*]] = tensor.empty(%[[N]], %[[H]], %[[W]]) : tensor<?x64x?x?xf32>
// CHECK:     %[[Y:.*]] = linalg.generic {indexing_maps = [#[[$MAP]], #[[$NC4]], #[[$MAP]]], iterator_types = ["parallel", "parallel", "parallel", "parallel"]} ins(%[[X]], %[[GATE]] : tensor<?x64x?x?xf32>, tensor<?x64xf32>) outs(%[[OUT]] : tensor<?x64x?x?xf32>)
// CHECK-NEXT: ^bb0(%[[XV:.*]]: f32, %[[SV:.*]]: f32, %{{.*}}: f32):
// CHECK-NEXT:   %[[P:.*]] = arith.mulf %[[XV]], %[[SV]] : f32
// CHECK-NEXT:   linalg.yield %[[P]] : f32
// CHECK:     return %[[Y]] : tensor<?x64x?x?xf32>
// CHECK-NOT: attn.squeeze_excite

// PASSES-LABEL: func.func @squeeze_excite
// PASSES-SAME: (%[[X:[^:]*]]: tensor
// PASSES-COUNT-2: linalg.generic {{.*}} ins(%[[X]]
// PASSES-NOT: ins(%[[X]]
// PASSES: return
func.func @squeeze_excite(%x: tensor<?x64x?x?xf32>, %w1: tensor<64x16xf32>,
                          %b1: tensor<16xf32>, %w2: tensor<16x64xf32>,
                          %b2: tensor<64xf32>) -> tensor<?x64x?x?xf32> {
  %y = attn.squeeze_excite %x, %w1, %b1, %w2, %b2
      : tensor<?x64x?x?xf32>, tensor<64x16xf32>, tensor<16xf32>,
        tensor<16x64xf32>, tensor<64xf32> -> tensor<?x64x?x?xf32>
  return %y : tensor<?x64x?x?xf32>
}

// ECA with 5 taps on a fully dynamic map: the convolution over channels
// reads the sums at c + t - 2, zero outside [0, C), without a padded copy.
// CHECK-LABEL: func.func @eca
// CHECK-SAME: (%[[X:[^:]*]]: tensor<?x?x?x?xf32>, %[[WT:[^:]*]]: tensor<5xf32>)
// CHECK:     %[[COUNT:.*]] = arith.uitofp %{{.*}} : i64 to f32
// CHECK:     %[[SUM:.*]] = linalg.generic {indexing_maps = [#[[$MAP]], #[[$NC4]]], iterator_types = ["parallel", "parallel", "reduction", "reduction"]} ins(%[[X]] : tensor<?x?x?x?xf32>)
// CHECK:     tensor.dim %[[SUM]], %{{.*}} : tensor<?x?xf32>
// CHECK:     %[[C:.*]] = tensor.dim %[[SUM]], %{{.*}} : tensor<?x?xf32>
// CHECK:     %[[LOGIT:.*]] = linalg.generic {indexing_maps = [#[[$T]], #[[$NK]]], iterator_types = ["parallel", "parallel", "reduction"]} ins(%[[WT]] : tensor<5xf32>)
// CHECK-NEXT: ^bb0(%[[WV:.*]]: f32, %[[ACC:.*]]: f32):
// CHECK-NEXT:   %[[IN:.*]] = linalg.index 0 : index
// CHECK-NEXT:   %[[IC:.*]] = linalg.index 1 : index
// CHECK-NEXT:   %[[IT:.*]] = linalg.index 2 : index
// CHECK-NEXT:   %[[CT:.*]] = arith.addi %[[IC]], %[[IT]] : index
// CHECK-NEXT:   %[[TWO:.*]] = arith.constant 2 : index
// CHECK-NEXT:   %[[CC:.*]] = arith.subi %[[CT]], %[[TWO]] : index
// CHECK:        %[[GE:.*]] = arith.cmpi sge, %[[CC]], %{{.*}} : index
// CHECK-NEXT:   %[[LT:.*]] = arith.cmpi slt, %[[CC]], %[[C]] : index
// CHECK-NEXT:   %[[OK:.*]] = arith.andi %[[GE]], %[[LT]] : i1
// CHECK:        %[[ZV:.*]] = tensor.extract %[[SUM]][%[[IN]], %{{.*}}] : tensor<?x?xf32>
// CHECK:        %[[ZP:.*]] = arith.select %[[OK]], %[[ZV]], %{{.*}} : f32
// CHECK-NEXT:   %[[P:.*]] = arith.mulf %[[WV]], %[[ZP]] : f32
// CHECK-NEXT:   %[[S:.*]] = arith.addf %[[ACC]], %[[P]] : f32
// CHECK-NEXT:   linalg.yield %[[S]] : f32
// CHECK:     %[[GATE:.*]] = linalg.generic {indexing_maps = [#[[$ID2]], #[[$ID2]]], iterator_types = ["parallel", "parallel"]} ins(%[[LOGIT]] : tensor<?x?xf32>)
// CHECK-NEXT: ^bb0(%[[L:.*]]: f32, %{{.*}}: f32):
// CHECK-NEXT:   %[[MEAN:.*]] = arith.divf %[[L]], %[[COUNT]] : f32
// CHECK-NEXT:   arith.negf %[[MEAN]] : f32
// CHECK:     %[[Y:.*]] = linalg.generic {indexing_maps = [#[[$MAP]], #[[$NC4]], #[[$MAP]]], iterator_types = ["parallel", "parallel", "parallel", "parallel"]} ins(%[[X]], %[[GATE]] : tensor<?x?x?x?xf32>, tensor<?x?xf32>)
// CHECK:     return %[[Y]] : tensor<?x?x?x?xf32>

// PASSES-LABEL: func.func @eca
// PASSES-SAME: (%[[X:[^:]*]]: tensor
// PASSES-COUNT-2: linalg.generic {{.*}} ins(%[[X]]
// PASSES-NOT: ins(%[[X]]
// PASSES: return
func.func @eca(%x: tensor<?x?x?x?xf32>, %w: tensor<5xf32>) -> tensor<?x?x?x?xf32> {
  %y = attn.eca %x, %w : tensor<?x?x?x?xf32>, tensor<5xf32> -> tensor<?x?x?x?xf32>
  return %y : tensor<?x?x?x?xf32>
}

// A 3x3 spatial gate on a static map: one generic with two results takes
// the channel sum and max, the convolution reads both at (h + i - 1,
// w + j - 1) behind one bounds check and divides the sum by C = 16.
// CHECK-LABEL: func.func @spatial_gate
// CHECK-SAME: (%[[X:[^:]*]]: tensor<2x16x5x7xf32>, %[[WS:[^:]*]]: tensor<1x2x3x3xf32>, %[[BS:[^:]*]]: tensor<1xf32>)
// CHECK:     %[[ZERO:.*]] = linalg.fill ins(%{{.*}} : f32) outs(%{{.*}} : tensor<2x5x7xf32>)
// CHECK:     %[[NEGINF:.*]] = arith.constant 0xFF800000 : f32
// CHECK:     %[[LOW:.*]] = linalg.fill ins(%[[NEGINF]] : f32) outs(%{{.*}} : tensor<2x5x7xf32>)
// CHECK:     %[[STATS:.*]]:2 = linalg.generic {indexing_maps = [#[[$MAP]], #[[$NHW4]], #[[$NHW4]]], iterator_types = ["parallel", "reduction", "parallel", "parallel"]} ins(%[[X]] : tensor<2x16x5x7xf32>) outs(%[[ZERO]], %[[LOW]] : tensor<2x5x7xf32>, tensor<2x5x7xf32>)
// CHECK-NEXT: ^bb0(%[[XV:.*]]: f32, %[[ACC:.*]]: f32, %[[MX:.*]]: f32):
// CHECK-NEXT:   %[[S:.*]] = arith.addf %[[ACC]], %[[XV]] : f32
// CHECK-NEXT:   %[[M:.*]] = arith.maximumf %[[MX]], %[[XV]] : f32
// CHECK-NEXT:   linalg.yield %[[S]], %[[M]] : f32, f32
// CHECK:     %[[C:.*]] = arith.constant 1.600000e+01 : f32
// CHECK:     %[[CONV:.*]] = linalg.generic {indexing_maps = [#[[$WMEAN]], #[[$WMAX]], #[[$NHW5]]], iterator_types = ["parallel", "parallel", "parallel", "reduction", "reduction"]} ins(%[[WS]], %[[WS]] : tensor<1x2x3x3xf32>, tensor<1x2x3x3xf32>) outs(%{{.*}} : tensor<2x5x7xf32>)
// CHECK-NEXT: ^bb0(%[[WA:.*]]: f32, %[[WM:.*]]: f32, %[[ACC:.*]]: f32):
// CHECK:        %[[SUMV:.*]] = tensor.extract %[[STATS]]#0[{{.*}}] : tensor<2x5x7xf32>
// CHECK-NEXT:   %[[ZERO_F:.*]] = arith.constant 0.000000e+00 : f32
// CHECK-NEXT:   %[[SUMP:.*]] = arith.select %[[OK:.*]], %[[SUMV]], %[[ZERO_F]] : f32
// CHECK-NEXT:   %[[MAXV:.*]] = tensor.extract %[[STATS]]#1[{{.*}}] : tensor<2x5x7xf32>
// CHECK-NEXT:   %[[ZERO_F2:.*]] = arith.constant 0.000000e+00 : f32
// CHECK-NEXT:   %[[MAXP:.*]] = arith.select %[[OK]], %[[MAXV]], %[[ZERO_F2]] : f32
// CHECK-NEXT:   %[[MEAN:.*]] = arith.divf %[[SUMP]], %[[C]] : f32
// CHECK-NEXT:   %[[TA:.*]] = arith.mulf %[[WA]], %[[MEAN]] : f32
// CHECK-NEXT:   %[[TM:.*]] = arith.mulf %[[WM]], %[[MAXP]] : f32
// CHECK-NEXT:   %[[T:.*]] = arith.addf %[[TA]], %[[TM]] : f32
// CHECK-NEXT:   %[[S:.*]] = arith.addf %[[ACC]], %[[T]] : f32
// CHECK-NEXT:   linalg.yield %[[S]] : f32
// CHECK:     %[[GATE:.*]] = linalg.generic {indexing_maps = [#[[$ID3]], #[[$BS]], #[[$ID3]]], iterator_types = ["parallel", "parallel", "parallel"]} ins(%[[CONV]], %[[BS]] : tensor<2x5x7xf32>, tensor<1xf32>)
// CHECK:     %[[Y:.*]] = linalg.generic {indexing_maps = [#[[$MAP]], #[[$NHW4]], #[[$MAP]]], iterator_types = ["parallel", "parallel", "parallel", "parallel"]} ins(%[[X]], %[[GATE]] : tensor<2x16x5x7xf32>, tensor<2x5x7xf32>)
// CHECK-NEXT: ^bb0(%[[XV:.*]]: f32, %[[SV:.*]]: f32, %{{.*}}: f32):
// CHECK-NEXT:   %[[P:.*]] = arith.mulf %[[XV]], %[[SV]] : f32
// CHECK:     return %[[Y]] : tensor<2x16x5x7xf32>

// PASSES-LABEL: func.func @spatial_gate
// PASSES-SAME: (%[[X:[^:]*]]: tensor
// PASSES-COUNT-2: linalg.generic {{.*}} ins(%[[X]]
// PASSES-NOT: ins(%[[X]]
// PASSES: return
func.func @spatial_gate(%x: tensor<2x16x5x7xf32>, %ws: tensor<1x2x3x3xf32>,
                        %bs: tensor<1xf32>) -> tensor<2x16x5x7xf32> {
  %y = attn.spatial_gate %x, %ws, %bs
      : tensor<2x16x5x7xf32>, tensor<1x2x3x3xf32>, tensor<1xf32>
      -> tensor<2x16x5x7xf32>
  return %y : tensor<2x16x5x7xf32>
}

// CBAM: the mean and max over H, W in one generic; both branches through
// the shared MLP in two contractions (b2 added twice); the spatial
// statistics of x * s_c formed on the fly; x' never stored.
// CHECK-LABEL: func.func @cbam
// CHECK-SAME: (%[[X:[^:]*]]: tensor<?x64x?x?xf32>, %[[W1:[^:]*]]: tensor<64x16xf32>, %[[B1:[^:]*]]: tensor<16xf32>, %[[W2:[^:]*]]: tensor<16x64xf32>, %[[B2:[^:]*]]: tensor<64xf32>, %[[WS:[^:]*]]: tensor<1x2x7x7xf32>, %[[BS:[^:]*]]: tensor<1xf32>)
// CHECK:     %[[POOL:.*]]:2 = linalg.generic {indexing_maps = [#[[$MAP]], #[[$NC4]], #[[$NC4]]], iterator_types = ["parallel", "parallel", "reduction", "reduction"]} ins(%[[X]] : tensor<?x64x?x?xf32>) outs(%{{.*}}, %{{.*}} : tensor<?x64xf32>, tensor<?x64xf32>)
// CHECK-NEXT: ^bb0(%[[XV:.*]]: f32, %[[ACC:.*]]: f32, %[[MX:.*]]: f32):
// CHECK-NEXT:   arith.addf %[[ACC]], %[[XV]] : f32
// CHECK-NEXT:   arith.maximumf %[[MX]], %[[XV]] : f32
// CHECK:     %[[COUNT:.*]] = arith.uitofp %{{.*}} : i64 to f32
// CHECK:     %[[PRE:.*]]:2 = linalg.generic {indexing_maps = [#[[$NK]], #[[$NK]], #[[$KM]], #[[$NM]], #[[$NM]]], iterator_types = ["parallel", "reduction", "parallel"]} ins(%[[POOL]]#0, %[[POOL]]#1, %[[W1]] : tensor<?x64xf32>, tensor<?x64xf32>, tensor<64x16xf32>) outs(%{{.*}}, %{{.*}} : tensor<?x16xf32>, tensor<?x16xf32>)
// CHECK:     %[[T:.*]] = linalg.generic {indexing_maps = [#[[$NK]], #[[$NK]], #[[$K]], #[[$KM]], #[[$NM]]], iterator_types = ["parallel", "reduction", "parallel"]} ins(%[[PRE]]#0, %[[PRE]]#1, %[[B1]], %[[W2]] : tensor<?x16xf32>, tensor<?x16xf32>, tensor<16xf32>, tensor<16x64xf32>)
// CHECK-NEXT: ^bb0(%[[PA:.*]]: f32, %[[PM:.*]]: f32, %[[B:.*]]: f32, %[[WV:.*]]: f32, %[[ACC:.*]]: f32):
// CHECK-NEXT:   %[[MEAN:.*]] = arith.divf %[[PA]], %[[COUNT]] : f32
// CHECK-NEXT:   %[[A1:.*]] = arith.addf %[[MEAN]], %[[B]] : f32
// CHECK:        %[[RA:.*]] = arith.maximumf %[[A1]], %{{.*}} : f32
// CHECK-NEXT:   %[[M1:.*]] = arith.addf %[[PM]], %[[B]] : f32
// CHECK:        %[[RM:.*]] = arith.maximumf %[[M1]], %{{.*}} : f32
// CHECK-NEXT:   %[[H:.*]] = arith.addf %[[RA]], %[[RM]] : f32
// CHECK-NEXT:   %[[HW:.*]] = arith.mulf %[[H]], %[[WV]] : f32
// CHECK-NEXT:   arith.addf %[[ACC]], %[[HW]] : f32
// CHECK:     %[[SC:.*]] = linalg.generic {indexing_maps = [#[[$ID2]], #[[$C2]], #[[$ID2]]], iterator_types = ["parallel", "parallel"]} ins(%[[T]], %[[B2]] : tensor<?x64xf32>, tensor<64xf32>)
// CHECK-NEXT: ^bb0(%[[TV:.*]]: f32, %[[BV:.*]]: f32, %{{.*}}: f32):
// CHECK-NEXT:   %[[L1:.*]] = arith.addf %[[TV]], %[[BV]] : f32
// CHECK-NEXT:   %[[L2:.*]] = arith.addf %[[L1]], %[[BV]] : f32
// CHECK-NEXT:   arith.negf %[[L2]] : f32
// CHECK:     %[[STATS:.*]]:2 = linalg.generic {indexing_maps = [#[[$MAP]], #[[$NC4]], #[[$NHW4]], #[[$NHW4]]], iterator_types = ["parallel", "reduction", "parallel", "parallel"]} ins(%[[X]], %[[SC]] : tensor<?x64x?x?xf32>, tensor<?x64xf32>) outs(%{{.*}}, %{{.*}} : tensor<?x?x?xf32>, tensor<?x?x?xf32>)
// CHECK-NEXT: ^bb0(%[[XV:.*]]: f32, %[[SV:.*]]: f32, %[[ACC:.*]]: f32, %[[MX:.*]]: f32):
// CHECK-NEXT:   %[[XC:.*]] = arith.mulf %[[XV]], %[[SV]] : f32
// CHECK-NEXT:   arith.addf %[[ACC]], %[[XC]] : f32
// CHECK-NEXT:   arith.maximumf %[[MX]], %[[XC]] : f32
// CHECK:     %[[CONV:.*]] = linalg.generic {indexing_maps = [#[[$WMEAN]], #[[$WMAX]], #[[$NHW5]]], {{.*}} ins(%[[WS]], %[[WS]] : tensor<1x2x7x7xf32>, tensor<1x2x7x7xf32>)
// CHECK:        tensor.extract %[[STATS]]#0
// CHECK:        tensor.extract %[[STATS]]#1
// CHECK:     %[[S:.*]] = linalg.generic {indexing_maps = [#[[$ID3]], #[[$BS]], #[[$ID3]]], {{.*}} ins(%[[CONV]], %[[BS]] : tensor<?x?x?xf32>, tensor<1xf32>)
// CHECK:     %[[Y:.*]] = linalg.generic {indexing_maps = [#[[$MAP]], #[[$NC4]], #[[$NHW4]], #[[$MAP]]], iterator_types = ["parallel", "parallel", "parallel", "parallel"]} ins(%[[X]], %[[SC]], %[[S]] : tensor<?x64x?x?xf32>, tensor<?x64xf32>, tensor<?x?x?xf32>)
// CHECK-NEXT: ^bb0(%[[XV:.*]]: f32, %[[CV:.*]]: f32, %[[PV:.*]]: f32, %{{.*}}: f32):
// CHECK-NEXT:   %[[XC:.*]] = arith.mulf %[[XV]], %[[CV]] : f32
// CHECK-NEXT:   %[[P:.*]] = arith.mulf %[[XC]], %[[PV]] : f32
// CHECK-NEXT:   linalg.yield %[[P]] : f32
// CHECK:     return %[[Y]] : tensor<?x64x?x?xf32>

// PASSES-LABEL: func.func @cbam
// PASSES-SAME: (%[[X:[^:]*]]: tensor
// PASSES-COUNT-3: linalg.generic {{.*}} ins(%[[X]]
// PASSES-NOT: ins(%[[X]]
// PASSES: return
func.func @cbam(%x: tensor<?x64x?x?xf32>, %w1: tensor<64x16xf32>,
                %b1: tensor<16xf32>, %w2: tensor<16x64xf32>,
                %b2: tensor<64xf32>, %ws: tensor<1x2x7x7xf32>,
                %bs: tensor<1xf32>) -> tensor<?x64x?x?xf32> {
  %y = attn.cbam %x, %w1, %b1, %w2, %b2, %ws, %bs
      : tensor<?x64x?x?xf32>, tensor<64x16xf32>, tensor<16xf32>,
        tensor<16x64xf32>, tensor<64xf32>, tensor<1x2x7x7xf32>,
        tensor<1xf32> -> tensor<?x64x?x?xf32>
  return %y : tensor<?x64x?x?xf32>
}

// Selective kernel: u1 + u2 pooled in one generic; a and b in one
// contraction with two results; the branch weights as two sigmoids.
// CHECK-LABEL: func.func @selective_kernel
// CHECK-SAME: (%[[U1:[^:]*]]: tensor<?x64x?x?xf32>, %[[U2:[^:]*]]: tensor<?x64x?x?xf32>, %[[WFC:[^:]*]]: tensor<64x32xf32>, %[[BFC:[^:]*]]: tensor<32xf32>, %[[WA:[^:]*]]: tensor<32x64xf32>, %[[WB:[^:]*]]: tensor<32x64xf32>)
// CHECK:     %[[SUM:.*]] = linalg.generic {indexing_maps = [#[[$MAP]], #[[$MAP]], #[[$NC4]]], iterator_types = ["parallel", "parallel", "reduction", "reduction"]} ins(%[[U1]], %[[U2]] : tensor<?x64x?x?xf32>, tensor<?x64x?x?xf32>) outs(%{{.*}} : tensor<?x64xf32>)
// CHECK-NEXT: ^bb0(%[[A:.*]]: f32, %[[B:.*]]: f32, %[[ACC:.*]]: f32):
// CHECK-NEXT:   %[[AB:.*]] = arith.addf %[[A]], %[[B]] : f32
// CHECK-NEXT:   arith.addf %[[ACC]], %[[AB]] : f32
// CHECK:     %[[COUNT:.*]] = arith.uitofp %{{.*}} : i64 to f32
// CHECK:     %[[PRE:.*]] = linalg.generic {indexing_maps = [#[[$NK]], #[[$KM]], #[[$NM]]], iterator_types = ["parallel", "reduction", "parallel"]} ins(%[[SUM]], %[[WFC]] : tensor<?x64xf32>, tensor<64x32xf32>) outs(%{{.*}} : tensor<?x32xf32>)
// CHECK:     %[[LOGITS:.*]]:2 = linalg.generic {indexing_maps = [#[[$NK]], #[[$K]], #[[$KM]], #[[$KM]], #[[$NM]], #[[$NM]]], iterator_types = ["parallel", "reduction", "parallel"]} ins(%[[PRE]], %[[BFC]], %[[WA]], %[[WB]] : tensor<?x32xf32>, tensor<32xf32>, tensor<32x64xf32>, tensor<32x64xf32>) outs(%{{.*}}, %{{.*}} : tensor<?x64xf32>, tensor<?x64xf32>)
// CHECK-NEXT: ^bb0(%[[P:.*]]: f32, %[[BV:.*]]: f32, %[[AV:.*]]: f32, %[[BW:.*]]: f32, %[[ACCA:.*]]: f32, %[[ACCB:.*]]: f32):
// CHECK-NEXT:   %[[MEAN:.*]] = arith.divf %[[P]], %[[COUNT]] : f32
// CHECK-NEXT:   %[[ZB:.*]] = arith.addf %[[MEAN]], %[[BV]] : f32
// CHECK:        %[[Z:.*]] = arith.maximumf %[[ZB]], %{{.*}} : f32
// CHECK-NEXT:   %[[TA:.*]] = arith.mulf %[[Z]], %[[AV]] : f32
// CHECK-NEXT:   %[[SA:.*]] = arith.addf %[[ACCA]], %[[TA]] : f32
// CHECK-NEXT:   %[[TB:.*]] = arith.mulf %[[Z]], %[[BW]] : f32
// CHECK-NEXT:   %[[SB:.*]] = arith.addf %[[ACCB]], %[[TB]] : f32
// CHECK-NEXT:   linalg.yield %[[SA]], %[[SB]] : f32, f32
// CHECK:     %[[WEIGHTS:.*]]:2 = linalg.generic {indexing_maps = [#[[$ID2]], #[[$ID2]], #[[$ID2]], #[[$ID2]]], iterator_types = ["parallel", "parallel"]} ins(%[[LOGITS]]#0, %[[LOGITS]]#1 : tensor<?x64xf32>, tensor<?x64xf32>)
// CHECK-NEXT: ^bb0(%[[LA:.*]]: f32, %[[LB:.*]]: f32, %{{.*}}: f32, %{{.*}}: f32):
// CHECK-NEXT:   arith.subf %[[LA]], %[[LB]] : f32
// CHECK:        arith.subf %[[LB]], %[[LA]] : f32
// CHECK:     %[[Y:.*]] = linalg.generic {indexing_maps = [#[[$MAP]], #[[$MAP]], #[[$NC4]], #[[$NC4]], #[[$MAP]]], iterator_types = ["parallel", "parallel", "parallel", "parallel"]} ins(%[[U1]], %[[U2]], %[[WEIGHTS]]#0, %[[WEIGHTS]]#1 : tensor<?x64x?x?xf32>, tensor<?x64x?x?xf32>, tensor<?x64xf32>, tensor<?x64xf32>)
// CHECK-NEXT: ^bb0(%[[A:.*]]: f32, %[[B:.*]]: f32, %[[AL:.*]]: f32, %[[BE:.*]]: f32, %{{.*}}: f32):
// CHECK-NEXT:   %[[YA:.*]] = arith.mulf %[[AL]], %[[A]] : f32
// CHECK-NEXT:   %[[YB:.*]] = arith.mulf %[[BE]], %[[B]] : f32
// CHECK-NEXT:   %[[YS:.*]] = arith.addf %[[YA]], %[[YB]] : f32
// CHECK-NEXT:   linalg.yield %[[YS]] : f32
// CHECK:     return %[[Y]] : tensor<?x64x?x?xf32>

// PASSES-LABEL: func.func @selective_kernel
// PASSES-SAME: (%[[U1:[^:]*]]: tensor
// PASSES-COUNT-2: linalg.generic {{.*}} ins(%[[U1]], %{{.*}}
// PASSES-NOT: ins(%[[U1]]
// PASSES: return
func.func @selective_kernel(%u1: tensor<?x64x?x?xf32>, %u2: tensor<?x64x?x?xf32>,
                            %wfc: tensor<64x32xf32>, %bfc: tensor<32xf32>,
                            %wa: tensor<32x64xf32>, %wb: tensor<32x64xf32>)
    -> tensor<?x64x?x?xf32> {
  %y = attn.selective_kernel %u1, %u2, %wfc, %bfc, %wa, %wb
      : tensor<?x64x?x?xf32>, tensor<?x64x?x?xf32>, tensor<64x32xf32>,
        tensor<32xf32>, tensor<32x64xf32>, tensor<32x64xf32>
      -> tensor<?x64x?x?xf32>
  return %y : tensor<?x64x?x?xf32>
}
