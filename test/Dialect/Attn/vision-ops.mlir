// RUN: attn-opt %s --verify-roundtrip | FileCheck %s
// RUN: attn-opt %s --mlir-print-op-generic | attn-opt | FileCheck %s

// RUN: attn-opt %s --attn-abi-signature | FileCheck %s --check-prefix=ABI

// Round trips of the vision ops (AttnVisionOps.td): static and dynamic
// sizes, weights whose sizes follow from the feature map.

// The C ABI names the dynamic sizes from each op's DimRelationOpInterface,
// before any decomposition. A weight dimension tied to a static channel
// count is static in the ABI even when its type says `?`.
// ABI: attn.abi = {channel_self = {args = [{name = "arg0", symbols = array<i64: 0, 1, -1, -1>
// ABI-SAME: {name = "arg1", symbols = array<i64: -1>, type = tensor<1xf32>}
// ABI-SAME: results = [{name = "res0", symbols = array<i64: 0, 1, -1, -1>
// ABI-SAME: sizes = ["arg0.d0", "arg0.d1"]}
// ABI-SAME: non_local = {args = [{name = "arg0", symbols = array<i64: 0, -1, 1, 2>
// ABI-SAME: results = [{name = "res0", symbols = array<i64: 0, -1, 1, 2>
// ABI-SAME: sizes = ["arg0.d0", "arg0.d2", "arg0.d3"]}
// ABI-SAME: non_local_static = {args = [{name = "arg0", symbols = array<i64: -1, -1, -1, -1>, type = tensor<2x4x3x5xf32>}
// ABI-SAME: {name = "arg2", symbols = array<i64: -1, -1>, type = tensor<4x2xf32>}
// ABI-SAME: {name = "arg3", symbols = array<i64: -1, -1>, type = tensor<4x2xf32>}
// ABI-SAME: {name = "arg4", symbols = array<i64: -1, -1>, type = tensor<2x4xf32>}
// ABI-SAME: results = [{name = "res0", symbols = array<i64: -1, -1, -1, -1>, type = tensor<2x4x3x5xf32>}
// ABI-SAME: sizes = []}
// ABI-SAME: spatial_transformer = {args = [{name = "arg0", symbols = array<i64: 0, 1, 2, 3>
// ABI-SAME: {name = "arg1", symbols = array<i64: 0, -1, -1>
// ABI-SAME: results = [{name = "res0", symbols = array<i64: 0, 1, 2, 3>
// ABI-SAME: sizes = ["arg0.d0", "arg0.d1", "arg0.d2", "arg0.d3"]}

// CHECK-LABEL: func.func @non_local
// CHECK-SAME: (%[[X:[^:]*]]: tensor<?x16x?x?xf32>, %[[WT:[^:]*]]: tensor<16x8xf32>, %[[WP:[^:]*]]: tensor<16x8xf32>, %[[WG:[^:]*]]: tensor<16x8xf32>, %[[WZ:[^:]*]]: tensor<8x16xf32>)
// CHECK: %[[Z:.*]] = attn.non_local %[[X]], %[[WT]], %[[WP]], %[[WG]], %[[WZ]] : tensor<?x16x?x?xf32>, tensor<16x8xf32>, tensor<16x8xf32>, tensor<16x8xf32>, tensor<8x16xf32> -> tensor<?x16x?x?xf32>{{$}}
// CHECK: return %[[Z]]
func.func @non_local(%x: tensor<?x16x?x?xf32>, %wt: tensor<16x8xf32>,
                     %wp: tensor<16x8xf32>, %wg: tensor<16x8xf32>,
                     %wz: tensor<8x16xf32>) -> tensor<?x16x?x?xf32> {
  %z = attn.non_local %x, %wt, %wp, %wg, %wz
      : tensor<?x16x?x?xf32>, tensor<16x8xf32>, tensor<16x8xf32>,
        tensor<16x8xf32>, tensor<8x16xf32> -> tensor<?x16x?x?xf32>
  return %z : tensor<?x16x?x?xf32>
}

// Static map; only w_theta has to state Ci, the other weights may leave
// their sizes to the verifier; the result may be less static.
// CHECK-LABEL: func.func @non_local_static
// CHECK: attn.non_local %{{.*}} : tensor<2x4x3x5xf32>, tensor<4x2xf32>, tensor<?x?xf32>, tensor<4x?xf32>, tensor<?x4xf32> -> tensor<?x?x?x?xf32>
func.func @non_local_static(%x: tensor<2x4x3x5xf32>, %wt: tensor<4x2xf32>,
                            %wp: tensor<?x?xf32>, %wg: tensor<4x?xf32>,
                            %wz: tensor<?x4xf32>) -> tensor<?x?x?x?xf32> {
  %z = attn.non_local %x, %wt, %wp, %wg, %wz
      : tensor<2x4x3x5xf32>, tensor<4x2xf32>, tensor<?x?xf32>,
        tensor<4x?xf32>, tensor<?x4xf32> -> tensor<?x?x?x?xf32>
  return %z : tensor<?x?x?x?xf32>
}

// CHECK-LABEL: func.func @channel_self
// CHECK-SAME: (%[[X:[^:]*]]: tensor<?x?x8x8xf32>, %[[G:[^:]*]]: tensor<1xf32>)
// CHECK: %[[Y:.*]] = attn.channel_self %[[X]], %[[G]] : tensor<?x?x8x8xf32>, tensor<1xf32> -> tensor<?x?x8x8xf32>{{$}}
// CHECK: return %[[Y]]
func.func @channel_self(%x: tensor<?x?x8x8xf32>, %g: tensor<1xf32>)
    -> tensor<?x?x8x8xf32> {
  %y = attn.channel_self %x, %g
      : tensor<?x?x8x8xf32>, tensor<1xf32> -> tensor<?x?x8x8xf32>
  return %y : tensor<?x?x8x8xf32>
}

// CHECK-LABEL: func.func @channel_self_static
// CHECK: attn.channel_self %{{.*}}, %{{.*}} : tensor<1x3x1x1xf32>, tensor<1xf32> -> tensor<1x3x1x1xf32>
func.func @channel_self_static(%x: tensor<1x3x1x1xf32>, %g: tensor<1xf32>)
    -> tensor<1x3x1x1xf32> {
  %y = attn.channel_self %x, %g
      : tensor<1x3x1x1xf32>, tensor<1xf32> -> tensor<1x3x1x1xf32>
  return %y : tensor<1x3x1x1xf32>
}

// CHECK-LABEL: func.func @spatial_transformer
// CHECK-SAME: (%[[X:[^:]*]]: tensor<?x?x?x?xf32>, %[[T:[^:]*]]: tensor<?x2x3xf32>)
// CHECK: %[[Y:.*]] = attn.spatial_transformer %[[X]], %[[T]] : tensor<?x?x?x?xf32>, tensor<?x2x3xf32> -> tensor<?x?x?x?xf32>{{$}}
// CHECK: return %[[Y]]
func.func @spatial_transformer(%x: tensor<?x?x?x?xf32>, %t: tensor<?x2x3xf32>)
    -> tensor<?x?x?x?xf32> {
  %y = attn.spatial_transformer %x, %t
      : tensor<?x?x?x?xf32>, tensor<?x2x3xf32> -> tensor<?x?x?x?xf32>
  return %y : tensor<?x?x?x?xf32>
}

// CHECK-LABEL: func.func @spatial_transformer_static
// CHECK: attn.spatial_transformer %{{.*}}, %{{.*}} : tensor<2x3x4x5xf32>, tensor<2x2x3xf32> -> tensor<2x3x4x5xf32>
func.func @spatial_transformer_static(%x: tensor<2x3x4x5xf32>,
                                      %t: tensor<2x2x3xf32>)
    -> tensor<2x3x4x5xf32> {
  %y = attn.spatial_transformer %x, %t
      : tensor<2x3x4x5xf32>, tensor<2x2x3xf32> -> tensor<2x3x4x5xf32>
  return %y : tensor<2x3x4x5xf32>
}
