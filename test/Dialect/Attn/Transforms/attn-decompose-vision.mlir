// RUN: attn-opt %s --attn-decompose | FileCheck %s --check-prefix=RAW \
// RUN:   --implicit-check-not=attn.non_local \
// RUN:   --implicit-check-not=attn.channel_self \
// RUN:   --implicit-check-not=attn.spatial_transformer
// RUN: attn-opt %s --attn-decompose --canonicalize --cse | FileCheck %s

// The vision ops of AttnVisionOps.td after attn-decompose;
// docs/variants/vision.md explains each decomposition. Without
// canonicalisation, every op is gone and the attention ops are in place:
// RAW-LABEL: func.func @non_local(
// RAW: attn.attention {{.*}} {scale = 1.000000e+00 : f32}
// RAW-LABEL: func.func @channel_self(
// RAW: attn.attention {{.*}} {scale = 1.000000e+00 : f32}
// RAW-LABEL: func.func @spatial_transformer(
// RAW-NOT: attn.attention
// RAW: linalg.generic

// Projection x3 [N,C,P] . W [C,Ci] -> [N,P,Ci], loops (n, p, c, i).
// CHECK-DAG: #[[$PROJ_X:.*]] = affine_map<(d0, d1, d2, d3) -> (d0, d2, d1)>
// CHECK-DAG: #[[$PROJ_W:.*]] = affine_map<(d0, d1, d2, d3) -> (d2, d3)>
// CHECK-DAG: #[[$PROJ_OUT:.*]] = affine_map<(d0, d1, d2, d3) -> (d0, d1, d3)>
// Output projection y [N,H,W,Ci] . Wz [Ci,C] onto a copy of x [N,C,H,W],
// loops (n, c, h, i, w).
// CHECK-DAG: #[[$OUT_Y:.*]] = affine_map<(d0, d1, d2, d3, d4) -> (d0, d2, d4, d3)>
// CHECK-DAG: #[[$OUT_W:.*]] = affine_map<(d0, d1, d2, d3, d4) -> (d3, d1)>
// CHECK-DAG: #[[$OUT_Z:.*]] = affine_map<(d0, d1, d2, d3, d4) -> (d0, d1, d2, d4)>
// CHECK-DAG: #[[$ID4:.*]] = affine_map<(d0, d1, d2, d3) -> (d0, d1, d2, d3)>
// CHECK-DAG: #[[$ID3:.*]] = affine_map<(d0, d1, d2) -> (d0, d1, d2)>

// non_local: three projections to [N,1,P,Ci], one unscaled attention over
// the P = H*W positions, the attention output reshaped to [N,H,W,Ci] (two
// dynamic sizes from one: tensor.reshape), and the output projection
// accumulated onto a copy of x (the residual; never onto x itself, which
// bufferization would turn into a write to the caller's input).
// CHECK-LABEL: func.func @non_local
// CHECK-SAME: (%[[X:[^:]*]]: tensor<?x16x?x?xf32>, %[[WT:[^:]*]]: tensor<16x8xf32>, %[[WP:[^:]*]]: tensor<16x8xf32>, %[[WG:[^:]*]]: tensor<16x8xf32>, %[[WZ:[^:]*]]: tensor<8x16xf32>)
// CHECK:     %[[X3:.*]] = tensor.collapse_shape %[[X]] {{\[\[}}0], [1], [2, 3]] : tensor<?x16x?x?xf32> into tensor<?x16x?xf32>
// CHECK:     %[[N:.*]] = tensor.dim %[[X3]], %{{.*}} : tensor<?x16x?xf32>
// CHECK:     %[[P:.*]] = tensor.dim %[[X3]], %{{.*}} : tensor<?x16x?xf32>
// CHECK:     %[[E:.*]] = tensor.empty(%[[N]], %[[P]]) : tensor<?x?x8xf32>
// CHECK:     %[[ZERO:.*]] = linalg.fill ins(%{{.*}} : f32) outs(%[[E]] : tensor<?x?x8xf32>)
// CHECK:     %[[T:.*]] = linalg.generic {indexing_maps = [#[[$PROJ_X]], #[[$PROJ_W]], #[[$PROJ_OUT]]], iterator_types = ["parallel", "parallel", "reduction", "parallel"]} ins(%[[X3]], %[[WT]] : tensor<?x16x?xf32>, tensor<16x8xf32>) outs(%[[ZERO]] : tensor<?x?x8xf32>)
// CHECK-NEXT: ^bb0(%[[XV:.*]]: f32, %[[WV:.*]]: f32, %[[ACC:.*]]: f32):
// CHECK-NEXT:   %[[PR:.*]] = arith.mulf %[[XV]], %[[WV]] : f32
// CHECK-NEXT:   %[[S:.*]] = arith.addf %[[ACC]], %[[PR]] : f32
// CHECK-NEXT:   linalg.yield %[[S]] : f32
// CHECK:     %[[T4:.*]] = tensor.expand_shape %[[T]] {{\[\[}}0, 1], [2], [3]] output_shape [%[[N]], 1, %[[P]], 8] : tensor<?x?x8xf32> into tensor<?x1x?x8xf32>
// CHECK:     %[[PH:.*]] = linalg.generic {{.*}} ins(%[[X3]], %[[WP]] : {{.*}}) outs(%[[ZERO]] : tensor<?x?x8xf32>)
// CHECK:     %[[PH4:.*]] = tensor.expand_shape %[[PH]]
// CHECK:     %[[G:.*]] = linalg.generic {{.*}} ins(%[[X3]], %[[WG]] : {{.*}}) outs(%[[ZERO]] : tensor<?x?x8xf32>)
// CHECK:     %[[G4:.*]] = tensor.expand_shape %[[G]]
// CHECK:     %[[Y:.*]] = attn.attention %[[T4]], %[[PH4]], %[[G4]] {scale = 1.000000e+00 : f32} : tensor<?x1x?x8xf32>, tensor<?x1x?x8xf32>, tensor<?x1x?x8xf32> -> tensor<?x1x?x8xf32>
// CHECK:     %[[Y3:.*]] = tensor.collapse_shape %[[Y]] {{\[\[}}0, 1], [2], [3]] : tensor<?x1x?x8xf32> into tensor<?x?x8xf32>
// CHECK:     %[[H:.*]] = tensor.dim %[[X]], %{{.*}} : tensor<?x16x?x?xf32>
// CHECK:     %[[W:.*]] = tensor.dim %[[X]], %{{.*}} : tensor<?x16x?x?xf32>
// CHECK:     %[[SHAPE:.*]] = tensor.from_elements %[[N]], %[[H]], %[[W]], %{{.*}} : tensor<4xindex>
// CHECK:     %[[Y4:.*]] = tensor.reshape %[[Y3]](%[[SHAPE]]) : (tensor<?x?x8xf32>, tensor<4xindex>) -> tensor<?x?x?x8xf32>
// CHECK:     %[[ZE:.*]] = tensor.empty(%[[N]], %[[H]], %[[W]]) : tensor<?x16x?x?xf32>
// CHECK:     %[[RES:.*]] = linalg.copy ins(%[[X]] : tensor<?x16x?x?xf32>) outs(%[[ZE]] : tensor<?x16x?x?xf32>)
// CHECK:     %[[Z:.*]] = linalg.generic {indexing_maps = [#[[$OUT_Y]], #[[$OUT_W]], #[[$OUT_Z]]], iterator_types = ["parallel", "parallel", "parallel", "reduction", "parallel"]} ins(%[[Y4]], %[[WZ]] : tensor<?x?x?x8xf32>, tensor<8x16xf32>) outs(%[[RES]] : tensor<?x16x?x?xf32>)
// CHECK-NEXT: ^bb0(%[[YV:.*]]: f32, %[[ZW:.*]]: f32, %[[ZACC:.*]]: f32):
// CHECK-NEXT:   %[[ZP:.*]] = arith.mulf %[[YV]], %[[ZW]] : f32
// CHECK-NEXT:   %[[ZS:.*]] = arith.addf %[[ZACC]], %[[ZP]] : f32
// CHECK-NEXT:   linalg.yield %[[ZS]] : f32
// CHECK:     return %[[Z]] : tensor<?x16x?x?xf32>
func.func @non_local(%x: tensor<?x16x?x?xf32>, %wt: tensor<16x8xf32>,
                     %wp: tensor<16x8xf32>, %wg: tensor<16x8xf32>,
                     %wz: tensor<8x16xf32>) -> tensor<?x16x?x?xf32> {
  %z = attn.non_local %x, %wt, %wp, %wg, %wz
      : tensor<?x16x?x?xf32>, tensor<16x8xf32>, tensor<16x8xf32>,
        tensor<16x8xf32>, tensor<8x16xf32> -> tensor<?x16x?x?xf32>
  return %z : tensor<?x16x?x?xf32>
}

// Static sizes: a weight typed `?` is cast to [C, Ci]; the attention output
// becomes [N,H,W,Ci] by an expand_shape.
// CHECK-LABEL: func.func @non_local_static
// CHECK-SAME: (%[[X:[^:]*]]: tensor<2x4x3x5xf32>
// CHECK:     tensor.cast %{{.*}} : tensor<?x?xf32> to tensor<4x2xf32>
// CHECK:     %[[Y:.*]] = attn.attention %{{.*}} {scale = 1.000000e+00 : f32} : tensor<2x1x15x2xf32>, tensor<2x1x15x2xf32>, tensor<2x1x15x2xf32> -> tensor<2x1x15x2xf32>
// CHECK:     %[[Y3:.*]] = tensor.collapse_shape %[[Y]]
// CHECK:     %[[Y4:.*]] = tensor.expand_shape %[[Y3]] {{\[\[}}0], [1, 2], [3]] output_shape [2, 3, 5, 2] : tensor<2x15x2xf32> into tensor<2x3x5x2xf32>
// CHECK:     %[[RES:.*]] = linalg.copy ins(%[[X]] : tensor<2x4x3x5xf32>)
// CHECK:     %[[Z:.*]] = linalg.generic {{.*}} ins(%[[Y4]], %{{.*}} : tensor<2x3x5x2xf32>, tensor<2x4xf32>) outs(%[[RES]] : tensor<2x4x3x5xf32>)
// CHECK:     return %[[Z]]
func.func @non_local_static(%x: tensor<2x4x3x5xf32>, %wt: tensor<4x2xf32>,
                            %wp: tensor<?x?xf32>, %wg: tensor<4x2xf32>,
                            %wz: tensor<2x4xf32>) -> tensor<2x4x3x5xf32> {
  %z = attn.non_local %x, %wt, %wp, %wg, %wz
      : tensor<2x4x3x5xf32>, tensor<4x2xf32>, tensor<?x?xf32>,
        tensor<4x2xf32>, tensor<2x4xf32> -> tensor<2x4x3x5xf32>
  return %z : tensor<2x4x3x5xf32>
}

// channel_self: the channels are the sequence of one head whose dimension
// is H*W = 64; softmax_row(max_row(E) - E) = softmax_row(-E) with
// -E = (-A) A^T: the query is negated, the scale is 1.
// CHECK-LABEL: func.func @channel_self
// CHECK-SAME: (%[[X:[^:]*]]: tensor<?x?x8x8xf32>, %[[G:[^:]*]]: tensor<1xf32>)
// CHECK:     %[[X3:.*]] = tensor.collapse_shape %[[X]] {{\[\[}}0], [1], [2, 3]] : tensor<?x?x8x8xf32> into tensor<?x?x64xf32>
// CHECK:     %[[A:.*]] = tensor.expand_shape %[[X3]] {{\[\[}}0, 1], [2], [3]] output_shape [%{{.*}}, 1, %{{.*}}, 64] : tensor<?x?x64xf32> into tensor<?x1x?x64xf32>
// CHECK:     %[[NEG:.*]] = linalg.generic {indexing_maps = [#[[$ID4]], #[[$ID4]]], iterator_types = ["parallel", "parallel", "parallel", "parallel"]} ins(%[[A]] : tensor<?x1x?x64xf32>)
// CHECK-NEXT: ^bb0(%[[AV:.*]]: f32, %{{.*}}: f32):
// CHECK-NEXT:   %[[NV:.*]] = arith.negf %[[AV]] : f32
// CHECK-NEXT:   linalg.yield %[[NV]] : f32
// CHECK:     %[[O:.*]] = attn.attention %[[NEG]], %[[A]], %[[A]] {scale = 1.000000e+00 : f32} : tensor<?x1x?x64xf32>, tensor<?x1x?x64xf32>, tensor<?x1x?x64xf32> -> tensor<?x1x?x64xf32>
// CHECK:     %[[O3:.*]] = tensor.collapse_shape %[[O]] {{\[\[}}0, 1], [2], [3]] : tensor<?x1x?x64xf32> into tensor<?x?x64xf32>
// CHECK:     %[[GAMMA:.*]] = tensor.extract %[[G]][%{{.*}}] : tensor<1xf32>
// CHECK:     %[[Y3:.*]] = linalg.generic {indexing_maps = [#[[$ID3]], #[[$ID3]], #[[$ID3]]], iterator_types = ["parallel", "parallel", "parallel"]} ins(%[[O3]], %[[X3]] : tensor<?x?x64xf32>, tensor<?x?x64xf32>)
// CHECK-NEXT: ^bb0(%[[OV:.*]]: f32, %[[XV:.*]]: f32, %{{.*}}: f32):
// CHECK-NEXT:   %[[SC:.*]] = arith.mulf %[[GAMMA]], %[[OV]] : f32
// CHECK-NEXT:   %[[R:.*]] = arith.addf %[[SC]], %[[XV]] : f32
// CHECK-NEXT:   linalg.yield %[[R]] : f32
// CHECK:     %[[Y:.*]] = tensor.expand_shape %[[Y3]] {{\[\[}}0], [1], [2, 3]] output_shape [%{{.*}}, %{{.*}}, 8, 8] : tensor<?x?x64xf32> into tensor<?x?x8x8xf32>
// CHECK:     return %[[Y]] : tensor<?x?x8x8xf32>
func.func @channel_self(%x: tensor<?x?x8x8xf32>, %g: tensor<1xf32>)
    -> tensor<?x?x8x8xf32> {
  %y = attn.channel_self %x, %g
      : tensor<?x?x8x8xf32>, tensor<1xf32> -> tensor<?x?x8x8xf32>
  return %y : tensor<?x?x8x8xf32>
}

// spatial_transformer: one linalg.generic over the output with no inputs.
// The body maps (h, w) through theta, takes the floor of the source
// coordinates, and reads each of the 4 neighbours at an index clamped to
// the image in f32 (maxnumf/minnumf, so NaN and huge values clamp too),
// keeping its weighted value only when the neighbour is inside (select).
// CHECK-LABEL: func.func @spatial_transformer
// CHECK-SAME: (%[[X:[^:]*]]: tensor<?x?x?x?xf32>, %[[T:[^:]*]]: tensor<?x2x3xf32>)
// CHECK-DAG: %[[ZF:.*]] = arith.constant 0.000000e+00 : f32
// CHECK-DAG: %[[ONE:.*]] = arith.constant 1.000000e+00 : f32
// CHECK:     %[[INIT:.*]] = tensor.empty(%{{.*}}, %{{.*}}, %{{.*}}, %{{.*}}) : tensor<?x?x?x?xf32>
// CHECK:     %[[HF:.*]] = arith.sitofp %{{.*}} : i64 to f32
// CHECK:     %[[WF:.*]] = arith.sitofp %{{.*}} : i64 to f32
// CHECK:     %[[LASTROW:.*]] = arith.subf %[[HF]], %[[ONE]] : f32
// CHECK:     %[[LASTCOL:.*]] = arith.subf %[[WF]], %[[ONE]] : f32
// CHECK:     %[[Y:.*]] = linalg.generic {indexing_maps = [#[[$ID4]]], iterator_types = ["parallel", "parallel", "parallel", "parallel"]} outs(%[[INIT]] : tensor<?x?x?x?xf32>)
// CHECK:       %[[N:.*]] = linalg.index 0 : index
// CHECK:       %[[C:.*]] = linalg.index 1 : index
// CHECK:       linalg.index 2 : index
// CHECK:       linalg.index 3 : index
// CHECK:       tensor.extract %[[T]][%[[N]], %{{.*}}, %{{.*}}] : tensor<?x2x3xf32>
// CHECK:       %[[X0:.*]] = math.floor %{{.*}} : f32
// CHECK:       %[[Y0:.*]] = math.floor %{{.*}} : f32
// CHECK:       %[[YGE:.*]] = arith.cmpf oge, %[[Y0]], %[[ZF]] : f32
// CHECK:       %[[YLE:.*]] = arith.cmpf ole, %[[Y0]], %[[LASTROW]] : f32
// CHECK:       %[[YIN:.*]] = arith.andi %[[YGE]], %[[YLE]] : i1
// CHECK:       %[[YLO:.*]] = arith.maxnumf %[[Y0]], %[[ZF]] : f32
// CHECK:       %[[YCL:.*]] = arith.minnumf %[[YLO]], %[[LASTROW]] : f32
// CHECK:       %[[YI64:.*]] = arith.fptosi %[[YCL]] : f32 to i64
// CHECK:       %[[YI:.*]] = arith.index_cast %[[YI64]] : i64 to index
// CHECK:       %[[XGE:.*]] = arith.cmpf oge, %[[X0]], %[[ZF]] : f32
// CHECK:       %[[XLE:.*]] = arith.cmpf ole, %[[X0]], %[[LASTCOL]] : f32
// CHECK:       %[[XIN:.*]] = arith.andi %[[XGE]], %[[XLE]] : i1
// CHECK:       %[[VALID:.*]] = arith.andi %[[YIN]], %[[XIN]] : i1
// CHECK:       %[[XLO:.*]] = arith.maxnumf %[[X0]], %[[ZF]] : f32
// CHECK:       %[[XCL:.*]] = arith.minnumf %[[XLO]], %[[LASTCOL]] : f32
// CHECK:       %[[XI64:.*]] = arith.fptosi %[[XCL]] : f32 to i64
// CHECK:       %[[XI:.*]] = arith.index_cast %[[XI64]] : i64 to index
// CHECK:       %[[V:.*]] = tensor.extract %[[X]][%[[N]], %[[C]], %[[YI]], %[[XI]]] : tensor<?x?x?x?xf32>
// CHECK:       %[[WV:.*]] = arith.mulf %[[V]], %{{.*}} : f32
// CHECK:       arith.select %[[VALID]], %[[WV]], %[[ZF]] : f32
// CHECK-COUNT-3: tensor.extract %[[X]]
// CHECK:       linalg.yield
// CHECK:     return %[[Y]] : tensor<?x?x?x?xf32>
func.func @spatial_transformer(%x: tensor<?x?x?x?xf32>, %t: tensor<?x2x3xf32>)
    -> tensor<?x?x?x?xf32> {
  %y = attn.spatial_transformer %x, %t
      : tensor<?x?x?x?xf32>, tensor<?x2x3xf32> -> tensor<?x?x?x?xf32>
  return %y : tensor<?x?x?x?xf32>
}
