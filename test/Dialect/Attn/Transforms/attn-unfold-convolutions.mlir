// RUN: attn-opt %s --attn-unfold-convolutions | FileCheck %s --enable-var-scope
// RUN: attn-opt %s --attn-unfold-convolutions --attn-parallelize | FileCheck %s --check-prefix=TILED

// A 3x3 convolution with a dynamic batch: the windows copied into columns
// (strides and dilations in the read map), then W[16, 72] x col[N, 72, 64]
// into the collapsed accumulator, expanded back.
// CHECK-DAG: #[[$READ:.*]] = affine_map<(d0, d1, d2, d3, d4, d5) -> (d0, d1, d4 * 2 + d2 * 3, d3 + d5)>
// CHECK-DAG: #[[$ID6:.*]] = affine_map<(d0, d1, d2, d3, d4, d5) -> (d0, d1, d2, d3, d4, d5)>
// CHECK-DAG: #[[$W:.*]] = affine_map<(d0, d1, d2, d3) -> (d1, d3)>
// CHECK-DAG: #[[$COL:.*]] = affine_map<(d0, d1, d2, d3) -> (d0, d3, d2)>
// CHECK-DAG: #[[$OUT:.*]] = affine_map<(d0, d1, d2, d3) -> (d0, d1, d2)>
// CHECK-LABEL: func.func @conv3x3
// CHECK-SAME: (%[[X:.*]]: tensor<?x8x20x10xf32>, %[[F:.*]]: tensor<16x8x3x3xf32>, %[[ACC:.*]]: tensor<?x16x7x8xf32>)
// CHECK: %[[N:.*]] = tensor.dim %[[X]], %{{.*}}
// CHECK: %[[E:.*]] = tensor.empty(%[[N]]) : tensor<?x8x3x3x7x8xf32>
// CHECK: %[[COLS:.*]] = linalg.generic {indexing_maps = [#[[$READ]], #[[$ID6]]], iterator_types = ["parallel", "parallel", "parallel", "parallel", "parallel", "parallel"]} ins(%[[X]] : tensor<?x8x20x10xf32>) outs(%[[E]] : tensor<?x8x3x3x7x8xf32>)
// CHECK: %[[FC:.*]] = tensor.collapse_shape %[[COLS]] {{\[}}[0], [1, 2, 3], [4, 5]] : tensor<?x8x3x3x7x8xf32> into tensor<?x72x56xf32>
// CHECK: %[[FW:.*]] = tensor.collapse_shape %[[F]] {{\[}}[0], [1, 2, 3]] : tensor<16x8x3x3xf32> into tensor<16x72xf32>
// CHECK: %[[FA:.*]] = tensor.collapse_shape %[[ACC]] {{\[}}[0], [1], [2, 3]] : tensor<?x16x7x8xf32> into tensor<?x16x56xf32>
// CHECK: %[[P:.*]] = linalg.generic {indexing_maps = [#[[$W]], #[[$COL]], #[[$OUT]]], iterator_types = ["parallel", "parallel", "parallel", "reduction"]} ins(%[[FW]], %[[FC]] : tensor<16x72xf32>, tensor<?x72x56xf32>) outs(%[[FA]] : tensor<?x16x56xf32>)
// CHECK: arith.mulf
// CHECK: arith.addf
// CHECK: %[[Y:.*]] = tensor.expand_shape %[[P]] {{\[}}[0], [1], [2, 3]] output_shape [%{{.*}}, 16, 7, 8] : tensor<?x16x56xf32> into tensor<?x16x7x8xf32>
// CHECK-NOT: linalg.conv
// CHECK: return %[[Y]]
// attn-parallelize tiles the contraction by images and blocks of rows
// (output channels), each tile on all 56 columns.
// The copy into columns is a gather (all loops parallel, the output
// written in order): attn-parallelize distributes its rows too.
// TILED-LABEL: func.func @conv3x3
// TILED: scf.forall (%{{.*}}, %{{.*}}, %{{.*}}, %{{.*}}, %{{.*}}) in (%{{.*}}, 8, 3, 3, 7)
// TILED: linalg.generic {{.*}} ins(%{{.*}} : tensor<1x1x1x8xf32>) outs(%{{.*}} : tensor<1x1x1x1x1x8xf32>)
// TILED: scf.forall (%{{.*}}, %{{.*}}) = (0, 0) to (%{{.*}}, 16) step (1, 64)
// TILED: linalg.generic {{.*}} ins(%{{.*}}, %{{.*}} : tensor<?x72xf32>, tensor<1x72x56xf32>) outs(%{{.*}} : tensor<1x?x56xf32>)
func.func @conv3x3(%x: tensor<?x8x20x10xf32>, %f: tensor<16x8x3x3xf32>,
                   %acc: tensor<?x16x7x8xf32>) -> tensor<?x16x7x8xf32> {
  %0 = linalg.conv_2d_nchw_fchw {dilations = dense<[3, 1]> : tensor<2xi64>,
                                 strides = dense<[2, 1]> : tensor<2xi64>}
         ins(%x, %f : tensor<?x8x20x10xf32>, tensor<16x8x3x3xf32>)
         outs(%acc : tensor<?x16x7x8xf32>) -> tensor<?x16x7x8xf32>
  return %0 : tensor<?x16x7x8xf32>
}

// Dynamic output height and width would expand one dimension into two
// dynamic sizes: a tensor.reshape instead.
// CHECK-LABEL: func.func @dynamic_spatial
// CHECK: linalg.generic
// CHECK: tensor.collapse_shape {{.*}} into tensor<2x4x?xf32>
// CHECK: %[[P:.*]] = linalg.generic
// CHECK: %[[Y:.*]] = tensor.reshape %[[P]]
// CHECK: return %[[Y]]
func.func @dynamic_spatial(%x: tensor<2x3x?x?xf32>, %f: tensor<4x3x1x1xf32>,
                           %acc: tensor<2x4x?x?xf32>) -> tensor<2x4x?x?xf32> {
  %0 = linalg.conv_2d_nchw_fchw {dilations = dense<1> : tensor<2xi64>,
                                 strides = dense<1> : tensor<2xi64>}
         ins(%x, %f : tensor<2x3x?x?xf32>, tensor<4x3x1x1xf32>)
         outs(%acc : tensor<2x4x?x?xf32>) -> tensor<2x4x?x?xf32>
  return %0 : tensor<2x4x?x?xf32>
}

// Not f32, or on buffers: left alone.
// CHECK-LABEL: func.func @f16
// CHECK: linalg.conv_2d_nchw_fchw
// CHECK-LABEL: func.func @buffers
// CHECK: linalg.conv_2d_nchw_fchw
func.func @f16(%x: tensor<1x2x5x5xf16>, %f: tensor<3x2x3x3xf16>,
               %acc: tensor<1x3x3x3xf16>) -> tensor<1x3x3x3xf16> {
  %0 = linalg.conv_2d_nchw_fchw ins(%x, %f : tensor<1x2x5x5xf16>, tensor<3x2x3x3xf16>)
         outs(%acc : tensor<1x3x3x3xf16>) -> tensor<1x3x3x3xf16>
  return %0 : tensor<1x3x3x3xf16>
}
func.func @buffers(%x: memref<1x2x5x5xf32>, %f: memref<3x2x3x3xf32>,
                   %acc: memref<1x3x3x3xf32>) {
  linalg.conv_2d_nchw_fchw ins(%x, %f : memref<1x2x5x5xf32>, memref<3x2x3x3xf32>)
    outs(%acc : memref<1x3x3x3xf32>)
  return
}

// A filled accumulator is filled in its collapsed form: the contraction's
// init is the fill itself, which attn-parallelize fuses into its tiles.
// CHECK-LABEL: func.func @filled
// CHECK: %[[E:.*]] = tensor.empty() : tensor<1x4x6x6xf32>
// CHECK-NOT: linalg.fill
// CHECK: %[[FLAT:.*]] = tensor.collapse_shape %[[E]] {{\[}}[0], [1], [2, 3]] : tensor<1x4x6x6xf32> into tensor<1x4x36xf32>
// CHECK: %[[FILL:.*]] = linalg.fill ins(%{{.*}} : f32) outs(%[[FLAT]] : tensor<1x4x36xf32>)
// CHECK: linalg.generic {{.*}} outs(%[[FILL]] : tensor<1x4x36xf32>)
func.func @filled(%x: tensor<1x2x8x8xf32>, %f: tensor<4x2x3x3xf32>) -> tensor<1x4x6x6xf32> {
  %zero = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<1x4x6x6xf32>
  %acc = linalg.fill ins(%zero : f32) outs(%e : tensor<1x4x6x6xf32>) -> tensor<1x4x6x6xf32>
  %0 = linalg.conv_2d_nchw_fchw ins(%x, %f : tensor<1x2x8x8xf32>, tensor<4x2x3x3xf32>)
         outs(%acc : tensor<1x4x6x6xf32>) -> tensor<1x4x6x6xf32>
  return %0 : tensor<1x4x6x6xf32>
}
