// RUN: attn-opt %s --verify-roundtrip | FileCheck %s
// RUN: attn-opt %s --mlir-print-op-generic | attn-opt | FileCheck %s

// RUN: attn-opt %s --attn-abi-signature | FileCheck %s --check-prefix=ABI

// Round trips of the gating vision ops (AttnGateOps.td): static and dynamic
// sizes, other kernel widths than the examples'.

// The C ABI names the dynamic sizes from each op's DimRelationOpInterface,
// before any decomposition: the result takes the input's sizes, weights
// tie C (and R, Z) to the feature map.
// ABI: attn.abi = {cbam = {args = [{name = "arg0", symbols = array<i64: 0, -1, 1, 2>
// ABI-SAME: results = [{name = "res0", symbols = array<i64: 0, -1, 1, 2>
// ABI-SAME: sizes = ["arg0.d0", "arg0.d2", "arg0.d3"]}
// ABI-SAME: eca = {args = [{name = "arg0", symbols = array<i64: 0, 1, 2, 3>
// ABI-SAME: results = [{name = "res0", symbols = array<i64: 0, 1, 2, 3>
// ABI-SAME: sizes = ["arg0.d0", "arg0.d1", "arg0.d2", "arg0.d3"]}
// ABI-SAME: selective_kernel_dynamic = {args = [{name = "arg0", symbols = array<i64: 0, 1, 2, 3>
// ABI-SAME: {name = "arg1", symbols = array<i64: 0, 1, 2, 3>
// ABI-SAME: {name = "arg2", symbols = array<i64: 1, 4>
// ABI-SAME: {name = "arg3", symbols = array<i64: 4>
// ABI-SAME: {name = "arg4", symbols = array<i64: 4, 1>
// ABI-SAME: {name = "arg5", symbols = array<i64: 4, 1>
// ABI-SAME: results = [{name = "res0", symbols = array<i64: 0, 1, 2, 3>
// ABI-SAME: sizes = ["arg0.d0", "arg0.d1", "arg0.d2", "arg0.d3", "arg2.d1"]}
// ABI-SAME: squeeze_excite = {args = [{name = "arg0", symbols = array<i64: 0, -1, 1, 2>
// ABI-SAME: squeeze_excite_dynamic_c = {args = [{name = "arg0", symbols = array<i64: 0, -1, 1, 2>, type = tensor<?x8x?x?xf32>}
// ABI-SAME: {name = "arg1", symbols = array<i64: -1, 3>
// ABI-SAME: {name = "arg2", symbols = array<i64: 3>
// ABI-SAME: {name = "arg3", symbols = array<i64: 3, -1>
// ABI-SAME: sizes = ["arg0.d0", "arg0.d2", "arg0.d3", "arg1.d1"]}

// CHECK-LABEL: func.func @squeeze_excite
// CHECK-SAME: (%[[X:[^:]*]]: tensor<?x64x?x?xf32>, %[[W1:[^:]*]]: tensor<64x16xf32>, %[[B1:[^:]*]]: tensor<16xf32>, %[[W2:[^:]*]]: tensor<16x64xf32>, %[[B2:[^:]*]]: tensor<64xf32>)
// CHECK: %[[Y:.*]] = attn.squeeze_excite %[[X]], %[[W1]], %[[B1]], %[[W2]], %[[B2]] : tensor<?x64x?x?xf32>, tensor<64x16xf32>, tensor<16xf32>, tensor<16x64xf32>, tensor<64xf32> -> tensor<?x64x?x?xf32>{{$}}
// CHECK: return %[[Y]]
func.func @squeeze_excite(%x: tensor<?x64x?x?xf32>, %w1: tensor<64x16xf32>,
                          %b1: tensor<16xf32>, %w2: tensor<16x64xf32>,
                          %b2: tensor<64xf32>) -> tensor<?x64x?x?xf32> {
  %y = attn.squeeze_excite %x, %w1, %b1, %w2, %b2
      : tensor<?x64x?x?xf32>, tensor<64x16xf32>, tensor<16xf32>,
        tensor<16x64xf32>, tensor<64xf32> -> tensor<?x64x?x?xf32>
  return %y : tensor<?x64x?x?xf32>
}

// C dynamic in the map but static in the weights (the ABI still knows it),
// R dynamic, static result.
// CHECK-LABEL: func.func @squeeze_excite_dynamic_c
// CHECK: attn.squeeze_excite %{{.*}} : tensor<?x?x?x?xf32>, tensor<8x?xf32>, tensor<?xf32>, tensor<?x8xf32>, tensor<8xf32> -> tensor<?x8x?x?xf32>
func.func @squeeze_excite_dynamic_c(%x: tensor<?x?x?x?xf32>, %w1: tensor<8x?xf32>,
                                    %b1: tensor<?xf32>, %w2: tensor<?x8xf32>,
                                    %b2: tensor<8xf32>) -> tensor<?x8x?x?xf32> {
  %y = attn.squeeze_excite %x, %w1, %b1, %w2, %b2
      : tensor<?x?x?x?xf32>, tensor<8x?xf32>, tensor<?xf32>, tensor<?x8xf32>,
        tensor<8xf32> -> tensor<?x8x?x?xf32>
  return %y : tensor<?x8x?x?xf32>
}

// A 5-tap ECA on a fully dynamic map.
// CHECK-LABEL: func.func @eca
// CHECK-SAME: (%[[X:[^:]*]]: tensor<?x?x?x?xf32>, %[[W:[^:]*]]: tensor<5xf32>)
// CHECK: attn.eca %[[X]], %[[W]] : tensor<?x?x?x?xf32>, tensor<5xf32> -> tensor<?x?x?x?xf32>{{$}}
func.func @eca(%x: tensor<?x?x?x?xf32>, %w: tensor<5xf32>) -> tensor<?x?x?x?xf32> {
  %y = attn.eca %x, %w : tensor<?x?x?x?xf32>, tensor<5xf32> -> tensor<?x?x?x?xf32>
  return %y : tensor<?x?x?x?xf32>
}

// A 3x3 spatial gate on a static map.
// CHECK-LABEL: func.func @spatial_gate
// CHECK-SAME: (%[[X:[^:]*]]: tensor<2x16x5x7xf32>, %[[WS:[^:]*]]: tensor<1x2x3x3xf32>, %[[BS:[^:]*]]: tensor<1xf32>)
// CHECK: attn.spatial_gate %[[X]], %[[WS]], %[[BS]] : tensor<2x16x5x7xf32>, tensor<1x2x3x3xf32>, tensor<1xf32> -> tensor<2x16x5x7xf32>{{$}}
func.func @spatial_gate(%x: tensor<2x16x5x7xf32>, %ws: tensor<1x2x3x3xf32>,
                        %bs: tensor<1xf32>) -> tensor<2x16x5x7xf32> {
  %y = attn.spatial_gate %x, %ws, %bs
      : tensor<2x16x5x7xf32>, tensor<1x2x3x3xf32>, tensor<1xf32>
      -> tensor<2x16x5x7xf32>
  return %y : tensor<2x16x5x7xf32>
}

// CHECK-LABEL: func.func @cbam
// CHECK-SAME: (%[[X:[^:]*]]: tensor<?x64x?x?xf32>, %[[W1:[^:]*]]: tensor<64x16xf32>, %[[B1:[^:]*]]: tensor<16xf32>, %[[W2:[^:]*]]: tensor<16x64xf32>, %[[B2:[^:]*]]: tensor<64xf32>, %[[WS:[^:]*]]: tensor<1x2x7x7xf32>, %[[BS:[^:]*]]: tensor<1xf32>)
// CHECK: attn.cbam %[[X]], %[[W1]], %[[B1]], %[[W2]], %[[B2]], %[[WS]], %[[BS]] : tensor<?x64x?x?xf32>, tensor<64x16xf32>, tensor<16xf32>, tensor<16x64xf32>, tensor<64xf32>, tensor<1x2x7x7xf32>, tensor<1xf32> -> tensor<?x64x?x?xf32>{{$}}
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

// CHECK-LABEL: func.func @selective_kernel
// CHECK-SAME: (%[[U1:[^:]*]]: tensor<?x64x?x?xf32>, %[[U2:[^:]*]]: tensor<?x64x?x?xf32>, %[[WFC:[^:]*]]: tensor<64x32xf32>, %[[BFC:[^:]*]]: tensor<32xf32>, %[[WA:[^:]*]]: tensor<32x64xf32>, %[[WB:[^:]*]]: tensor<32x64xf32>)
// CHECK: attn.selective_kernel %[[U1]], %[[U2]], %[[WFC]], %[[BFC]], %[[WA]], %[[WB]] : tensor<?x64x?x?xf32>, tensor<?x64x?x?xf32>, tensor<64x32xf32>, tensor<32xf32>, tensor<32x64xf32>, tensor<32x64xf32> -> tensor<?x64x?x?xf32>{{$}}
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

// Every size dynamic: one symbol per independent size (N, C, H, W, Z).
// CHECK-LABEL: func.func @selective_kernel_dynamic
// CHECK: attn.selective_kernel %{{.*}} : tensor<?x?x?x?xf32>, tensor<?x?x?x?xf32>, tensor<?x?xf32>, tensor<?xf32>, tensor<?x?xf32>, tensor<?x?xf32> -> tensor<?x?x?x?xf32>
func.func @selective_kernel_dynamic(%u1: tensor<?x?x?x?xf32>, %u2: tensor<?x?x?x?xf32>,
                                    %wfc: tensor<?x?xf32>, %bfc: tensor<?xf32>,
                                    %wa: tensor<?x?xf32>, %wb: tensor<?x?xf32>)
    -> tensor<?x?x?x?xf32> {
  %y = attn.selective_kernel %u1, %u2, %wfc, %bfc, %wa, %wb
      : tensor<?x?x?x?xf32>, tensor<?x?x?x?xf32>, tensor<?x?xf32>,
        tensor<?xf32>, tensor<?x?xf32>, tensor<?x?xf32>
      -> tensor<?x?x?x?xf32>
  return %y : tensor<?x?x?x?xf32>
}
