// RUN: attn-opt %s -split-input-file -verify-diagnostics

// One case per diagnostic of the gating ops' verifiers
// (lib/Dialect/Attn/IR/GateOps.cpp), plus the f32 ODS constraint.

//===----------------------------------------------------------------------===//
// attn.squeeze_excite
//===----------------------------------------------------------------------===//

// -----

func.func @se_input_rank(%x: tensor<2x64x5xf32>, %w1: tensor<64x16xf32>, %b1: tensor<16xf32>, %w2: tensor<16x64xf32>, %b2: tensor<64xf32>) -> tensor<2x64x5x5xf32> {
  // expected-error @+1 {{'attn.squeeze_excite' op expects input of rank 4 ([N, C, H, W]), but got 'tensor<2x64x5xf32>'}}
  %y = attn.squeeze_excite %x, %w1, %b1, %w2, %b2
      : tensor<2x64x5xf32>, tensor<64x16xf32>, tensor<16xf32>, tensor<16x64xf32>, tensor<64xf32> -> tensor<2x64x5x5xf32>
  return %y : tensor<2x64x5x5xf32>
}

// -----

func.func @se_w1(%x: tensor<2x64x5x5xf32>, %w1: tensor<32x16xf32>, %b1: tensor<16xf32>, %w2: tensor<16x64xf32>, %b2: tensor<64xf32>) -> tensor<2x64x5x5xf32> {
  // expected-error @+1 {{expects w1 of shape [C, R] = [64, 16], but got 'tensor<32x16xf32>'}}
  %y = attn.squeeze_excite %x, %w1, %b1, %w2, %b2
      : tensor<2x64x5x5xf32>, tensor<32x16xf32>, tensor<16xf32>, tensor<16x64xf32>, tensor<64xf32> -> tensor<2x64x5x5xf32>
  return %y : tensor<2x64x5x5xf32>
}

// -----

func.func @se_w1_rank(%x: tensor<2x64x5x5xf32>, %w1: tensor<64xf32>, %b1: tensor<16xf32>, %w2: tensor<16x64xf32>, %b2: tensor<64xf32>) -> tensor<2x64x5x5xf32> {
  // expected-error @+1 {{expects w1 of shape [C, R] = [64, ?], but got 'tensor<64xf32>'}}
  %y = attn.squeeze_excite %x, %w1, %b1, %w2, %b2
      : tensor<2x64x5x5xf32>, tensor<64xf32>, tensor<16xf32>, tensor<16x64xf32>, tensor<64xf32> -> tensor<2x64x5x5xf32>
  return %y : tensor<2x64x5x5xf32>
}

// -----

func.func @se_b1(%x: tensor<2x64x5x5xf32>, %w1: tensor<64x16xf32>, %b1: tensor<8xf32>, %w2: tensor<16x64xf32>, %b2: tensor<64xf32>) -> tensor<2x64x5x5xf32> {
  // expected-error @+1 {{expects b1 of shape [R] = [16], but got 'tensor<8xf32>'}}
  %y = attn.squeeze_excite %x, %w1, %b1, %w2, %b2
      : tensor<2x64x5x5xf32>, tensor<64x16xf32>, tensor<8xf32>, tensor<16x64xf32>, tensor<64xf32> -> tensor<2x64x5x5xf32>
  return %y : tensor<2x64x5x5xf32>
}

// -----

func.func @se_w2(%x: tensor<2x64x5x5xf32>, %w1: tensor<64x16xf32>, %b1: tensor<16xf32>, %w2: tensor<16x32xf32>, %b2: tensor<64xf32>) -> tensor<2x64x5x5xf32> {
  // expected-error @+1 {{expects w2 of shape [R, C] = [16, 64], but got 'tensor<16x32xf32>'}}
  %y = attn.squeeze_excite %x, %w1, %b1, %w2, %b2
      : tensor<2x64x5x5xf32>, tensor<64x16xf32>, tensor<16xf32>, tensor<16x32xf32>, tensor<64xf32> -> tensor<2x64x5x5xf32>
  return %y : tensor<2x64x5x5xf32>
}

// -----

func.func @se_b2(%x: tensor<2x64x5x5xf32>, %w1: tensor<64x16xf32>, %b1: tensor<16xf32>, %w2: tensor<16x64xf32>, %b2: tensor<32xf32>) -> tensor<2x64x5x5xf32> {
  // expected-error @+1 {{expects b2 of shape [C] = [64], but got 'tensor<32xf32>'}}
  %y = attn.squeeze_excite %x, %w1, %b1, %w2, %b2
      : tensor<2x64x5x5xf32>, tensor<64x16xf32>, tensor<16xf32>, tensor<16x64xf32>, tensor<32xf32> -> tensor<2x64x5x5xf32>
  return %y : tensor<2x64x5x5xf32>
}

// -----

// C is dynamic in the map; the weights fix it, and the message says so.
func.func @se_b2_c_from_weights(%x: tensor<2x?x5x5xf32>, %w1: tensor<64x16xf32>, %b1: tensor<16xf32>, %w2: tensor<16x64xf32>, %b2: tensor<32xf32>) -> tensor<2x?x5x5xf32> {
  // expected-error @+1 {{expects b2 of shape [C] = [64], but got 'tensor<32xf32>'}}
  %y = attn.squeeze_excite %x, %w1, %b1, %w2, %b2
      : tensor<2x?x5x5xf32>, tensor<64x16xf32>, tensor<16xf32>, tensor<16x64xf32>, tensor<32xf32> -> tensor<2x?x5x5xf32>
  return %y : tensor<2x?x5x5xf32>
}

// -----

func.func @se_output(%x: tensor<2x64x5x5xf32>, %w1: tensor<64x16xf32>, %b1: tensor<16xf32>, %w2: tensor<16x64xf32>, %b2: tensor<64xf32>) -> tensor<2x64x5x6xf32> {
  // expected-error @+1 {{expects output of shape [N, C, H, W] = [2, 64, 5, 5], but got 'tensor<2x64x5x6xf32>'}}
  %y = attn.squeeze_excite %x, %w1, %b1, %w2, %b2
      : tensor<2x64x5x5xf32>, tensor<64x16xf32>, tensor<16xf32>, tensor<16x64xf32>, tensor<64xf32> -> tensor<2x64x5x6xf32>
  return %y : tensor<2x64x5x6xf32>
}

// -----

// The ODS type constraint: f32 only.
func.func @se_f16(%x: tensor<2x64x5x5xf16>, %w1: tensor<64x16xf32>, %b1: tensor<16xf32>, %w2: tensor<16x64xf32>, %b2: tensor<64xf32>) -> tensor<2x64x5x5xf32> {
  // expected-error @+1 {{operand #0 must be ranked tensor of 32-bit float values, but got 'tensor<2x64x5x5xf16>'}}
  %y = attn.squeeze_excite %x, %w1, %b1, %w2, %b2
      : tensor<2x64x5x5xf16>, tensor<64x16xf32>, tensor<16xf32>, tensor<16x64xf32>, tensor<64xf32> -> tensor<2x64x5x5xf32>
  return %y : tensor<2x64x5x5xf32>
}

//===----------------------------------------------------------------------===//
// attn.eca
//===----------------------------------------------------------------------===//

// -----

func.func @eca_input_rank(%x: tensor<64x5x5xf32>, %w: tensor<3xf32>) -> tensor<64x5x5xf32> {
  // expected-error @+1 {{'attn.eca' op expects input of rank 4 ([N, C, H, W]), but got 'tensor<64x5x5xf32>'}}
  %y = attn.eca %x, %w : tensor<64x5x5xf32>, tensor<3xf32> -> tensor<64x5x5xf32>
  return %y : tensor<64x5x5xf32>
}

// -----

func.func @eca_w_rank(%x: tensor<2x64x5x5xf32>, %w: tensor<1x3xf32>) -> tensor<2x64x5x5xf32> {
  // expected-error @+1 {{expects w of rank 1 ([K]), but got 'tensor<1x3xf32>'}}
  %y = attn.eca %x, %w : tensor<2x64x5x5xf32>, tensor<1x3xf32> -> tensor<2x64x5x5xf32>
  return %y : tensor<2x64x5x5xf32>
}

// -----

func.func @eca_even(%x: tensor<2x64x5x5xf32>, %w: tensor<4xf32>) -> tensor<2x64x5x5xf32> {
  // expected-error @+1 {{expects a static odd kernel size K (dimension 0 of w), but got 'tensor<4xf32>'}}
  %y = attn.eca %x, %w : tensor<2x64x5x5xf32>, tensor<4xf32> -> tensor<2x64x5x5xf32>
  return %y : tensor<2x64x5x5xf32>
}

// -----

func.func @eca_dynamic_k(%x: tensor<2x64x5x5xf32>, %w: tensor<?xf32>) -> tensor<2x64x5x5xf32> {
  // expected-error @+1 {{expects a static odd kernel size K (dimension 0 of w), but got 'tensor<?xf32>'}}
  %y = attn.eca %x, %w : tensor<2x64x5x5xf32>, tensor<?xf32> -> tensor<2x64x5x5xf32>
  return %y : tensor<2x64x5x5xf32>
}

// -----

func.func @eca_output(%x: tensor<?x64x?x?xf32>, %w: tensor<3xf32>) -> tensor<?x32x?x?xf32> {
  // expected-error @+1 {{expects output of shape [N, C, H, W] = [?, 64, ?, ?], but got 'tensor<?x32x?x?xf32>'}}
  %y = attn.eca %x, %w : tensor<?x64x?x?xf32>, tensor<3xf32> -> tensor<?x32x?x?xf32>
  return %y : tensor<?x32x?x?xf32>
}

//===----------------------------------------------------------------------===//
// attn.spatial_gate
//===----------------------------------------------------------------------===//

// -----

func.func @sp_input_rank(%x: tensor<2x64x5x5x1xf32>, %ws: tensor<1x2x7x7xf32>, %bs: tensor<1xf32>) -> tensor<2x64x5x5xf32> {
  // expected-error @+1 {{'attn.spatial_gate' op expects input of rank 4 ([N, C, H, W]), but got 'tensor<2x64x5x5x1xf32>'}}
  %y = attn.spatial_gate %x, %ws, %bs
      : tensor<2x64x5x5x1xf32>, tensor<1x2x7x7xf32>, tensor<1xf32> -> tensor<2x64x5x5xf32>
  return %y : tensor<2x64x5x5xf32>
}

// -----

func.func @sp_ws_rank(%x: tensor<2x64x5x5xf32>, %ws: tensor<2x7x7xf32>, %bs: tensor<1xf32>) -> tensor<2x64x5x5xf32> {
  // expected-error @+1 {{expects ws of rank 4 ([1, 2, K, K]), but got 'tensor<2x7x7xf32>'}}
  %y = attn.spatial_gate %x, %ws, %bs
      : tensor<2x64x5x5xf32>, tensor<2x7x7xf32>, tensor<1xf32> -> tensor<2x64x5x5xf32>
  return %y : tensor<2x64x5x5xf32>
}

// -----

func.func @sp_ws_even(%x: tensor<2x64x5x5xf32>, %ws: tensor<1x2x6x6xf32>, %bs: tensor<1xf32>) -> tensor<2x64x5x5xf32> {
  // expected-error @+1 {{expects a static odd kernel size K (dimension 2 of ws), but got 'tensor<1x2x6x6xf32>'}}
  %y = attn.spatial_gate %x, %ws, %bs
      : tensor<2x64x5x5xf32>, tensor<1x2x6x6xf32>, tensor<1xf32> -> tensor<2x64x5x5xf32>
  return %y : tensor<2x64x5x5xf32>
}

// -----

func.func @sp_ws_dynamic(%x: tensor<2x64x5x5xf32>, %ws: tensor<1x2x?x7xf32>, %bs: tensor<1xf32>) -> tensor<2x64x5x5xf32> {
  // expected-error @+1 {{expects a static odd kernel size K (dimension 2 of ws), but got 'tensor<1x2x?x7xf32>'}}
  %y = attn.spatial_gate %x, %ws, %bs
      : tensor<2x64x5x5xf32>, tensor<1x2x?x7xf32>, tensor<1xf32> -> tensor<2x64x5x5xf32>
  return %y : tensor<2x64x5x5xf32>
}

// -----

func.func @sp_ws_channels(%x: tensor<2x64x5x5xf32>, %ws: tensor<1x1x7x7xf32>, %bs: tensor<1xf32>) -> tensor<2x64x5x5xf32> {
  // expected-error @+1 {{expects ws of shape [1, 2, K, K] = [1, 2, 7, 7], but got 'tensor<1x1x7x7xf32>'}}
  %y = attn.spatial_gate %x, %ws, %bs
      : tensor<2x64x5x5xf32>, tensor<1x1x7x7xf32>, tensor<1xf32> -> tensor<2x64x5x5xf32>
  return %y : tensor<2x64x5x5xf32>
}

// -----

func.func @sp_ws_not_square(%x: tensor<2x64x5x5xf32>, %ws: tensor<1x2x7x5xf32>, %bs: tensor<1xf32>) -> tensor<2x64x5x5xf32> {
  // expected-error @+1 {{expects ws of shape [1, 2, K, K] = [1, 2, 7, 7], but got 'tensor<1x2x7x5xf32>'}}
  %y = attn.spatial_gate %x, %ws, %bs
      : tensor<2x64x5x5xf32>, tensor<1x2x7x5xf32>, tensor<1xf32> -> tensor<2x64x5x5xf32>
  return %y : tensor<2x64x5x5xf32>
}

// -----

func.func @sp_bs(%x: tensor<2x64x5x5xf32>, %ws: tensor<1x2x7x7xf32>, %bs: tensor<2xf32>) -> tensor<2x64x5x5xf32> {
  // expected-error @+1 {{expects bs of shape [1] = [1], but got 'tensor<2xf32>'}}
  %y = attn.spatial_gate %x, %ws, %bs
      : tensor<2x64x5x5xf32>, tensor<1x2x7x7xf32>, tensor<2xf32> -> tensor<2x64x5x5xf32>
  return %y : tensor<2x64x5x5xf32>
}

// -----

func.func @sp_output(%x: tensor<2x64x5x5xf32>, %ws: tensor<1x2x7x7xf32>, %bs: tensor<1xf32>) -> tensor<3x64x5x5xf32> {
  // expected-error @+1 {{expects output of shape [N, C, H, W] = [2, 64, 5, 5], but got 'tensor<3x64x5x5xf32>'}}
  %y = attn.spatial_gate %x, %ws, %bs
      : tensor<2x64x5x5xf32>, tensor<1x2x7x7xf32>, tensor<1xf32> -> tensor<3x64x5x5xf32>
  return %y : tensor<3x64x5x5xf32>
}

//===----------------------------------------------------------------------===//
// attn.cbam
//===----------------------------------------------------------------------===//

// -----

func.func @cbam_input_rank(%x: tensor<64x5x5xf32>, %w1: tensor<64x16xf32>, %b1: tensor<16xf32>, %w2: tensor<16x64xf32>, %b2: tensor<64xf32>, %ws: tensor<1x2x7x7xf32>, %bs: tensor<1xf32>) -> tensor<64x5x5xf32> {
  // expected-error @+1 {{'attn.cbam' op expects input of rank 4 ([N, C, H, W]), but got 'tensor<64x5x5xf32>'}}
  %y = attn.cbam %x, %w1, %b1, %w2, %b2, %ws, %bs
      : tensor<64x5x5xf32>, tensor<64x16xf32>, tensor<16xf32>, tensor<16x64xf32>, tensor<64xf32>,
        tensor<1x2x7x7xf32>, tensor<1xf32> -> tensor<64x5x5xf32>
  return %y : tensor<64x5x5xf32>
}

// -----

func.func @cbam_w2(%x: tensor<2x64x5x5xf32>, %w1: tensor<64x16xf32>, %b1: tensor<16xf32>, %w2: tensor<8x64xf32>, %b2: tensor<64xf32>, %ws: tensor<1x2x7x7xf32>, %bs: tensor<1xf32>) -> tensor<2x64x5x5xf32> {
  // expected-error @+1 {{expects w2 of shape [R, C] = [16, 64], but got 'tensor<8x64xf32>'}}
  %y = attn.cbam %x, %w1, %b1, %w2, %b2, %ws, %bs
      : tensor<2x64x5x5xf32>, tensor<64x16xf32>, tensor<16xf32>, tensor<8x64xf32>, tensor<64xf32>,
        tensor<1x2x7x7xf32>, tensor<1xf32> -> tensor<2x64x5x5xf32>
  return %y : tensor<2x64x5x5xf32>
}

// -----

func.func @cbam_ws(%x: tensor<2x64x5x5xf32>, %w1: tensor<64x16xf32>, %b1: tensor<16xf32>, %w2: tensor<16x64xf32>, %b2: tensor<64xf32>, %ws: tensor<1x2x4x4xf32>, %bs: tensor<1xf32>) -> tensor<2x64x5x5xf32> {
  // expected-error @+1 {{expects a static odd kernel size K (dimension 2 of ws), but got 'tensor<1x2x4x4xf32>'}}
  %y = attn.cbam %x, %w1, %b1, %w2, %b2, %ws, %bs
      : tensor<2x64x5x5xf32>, tensor<64x16xf32>, tensor<16xf32>, tensor<16x64xf32>, tensor<64xf32>,
        tensor<1x2x4x4xf32>, tensor<1xf32> -> tensor<2x64x5x5xf32>
  return %y : tensor<2x64x5x5xf32>
}

// -----

func.func @cbam_bs(%x: tensor<2x64x5x5xf32>, %w1: tensor<64x16xf32>, %b1: tensor<16xf32>, %w2: tensor<16x64xf32>, %b2: tensor<64xf32>, %ws: tensor<1x2x7x7xf32>, %bs: tensor<f32>) -> tensor<2x64x5x5xf32> {
  // expected-error @+1 {{expects bs of shape [1] = [1], but got 'tensor<f32>'}}
  %y = attn.cbam %x, %w1, %b1, %w2, %b2, %ws, %bs
      : tensor<2x64x5x5xf32>, tensor<64x16xf32>, tensor<16xf32>, tensor<16x64xf32>, tensor<64xf32>,
        tensor<1x2x7x7xf32>, tensor<f32> -> tensor<2x64x5x5xf32>
  return %y : tensor<2x64x5x5xf32>
}

// -----

func.func @cbam_output(%x: tensor<2x64x5x5xf32>, %w1: tensor<64x16xf32>, %b1: tensor<16xf32>, %w2: tensor<16x64xf32>, %b2: tensor<64xf32>, %ws: tensor<1x2x7x7xf32>, %bs: tensor<1xf32>) -> tensor<2x64x5xf32> {
  // expected-error @+1 {{expects output of shape [N, C, H, W] = [2, 64, 5, 5], but got 'tensor<2x64x5xf32>'}}
  %y = attn.cbam %x, %w1, %b1, %w2, %b2, %ws, %bs
      : tensor<2x64x5x5xf32>, tensor<64x16xf32>, tensor<16xf32>, tensor<16x64xf32>, tensor<64xf32>,
        tensor<1x2x7x7xf32>, tensor<1xf32> -> tensor<2x64x5xf32>
  return %y : tensor<2x64x5xf32>
}

//===----------------------------------------------------------------------===//
// attn.selective_kernel
//===----------------------------------------------------------------------===//

// -----

func.func @sk_u1_rank(%u1: tensor<?x64x?xf32>, %u2: tensor<?x64x?x?xf32>, %wfc: tensor<64x32xf32>, %bfc: tensor<32xf32>, %wa: tensor<32x64xf32>, %wb: tensor<32x64xf32>) -> tensor<?x64x?x?xf32> {
  // expected-error @+1 {{'attn.selective_kernel' op expects u1 of rank 4 ([N, C, H, W]), but got 'tensor<?x64x?xf32>'}}
  %y = attn.selective_kernel %u1, %u2, %wfc, %bfc, %wa, %wb
      : tensor<?x64x?xf32>, tensor<?x64x?x?xf32>, tensor<64x32xf32>, tensor<32xf32>,
        tensor<32x64xf32>, tensor<32x64xf32> -> tensor<?x64x?x?xf32>
  return %y : tensor<?x64x?x?xf32>
}

// -----

func.func @sk_u2(%u1: tensor<2x64x5x5xf32>, %u2: tensor<2x64x5x7xf32>, %wfc: tensor<64x32xf32>, %bfc: tensor<32xf32>, %wa: tensor<32x64xf32>, %wb: tensor<32x64xf32>) -> tensor<2x64x5x5xf32> {
  // expected-error @+1 {{expects u2 of shape [N, C, H, W] = [2, 64, 5, 5], but got 'tensor<2x64x5x7xf32>'}}
  %y = attn.selective_kernel %u1, %u2, %wfc, %bfc, %wa, %wb
      : tensor<2x64x5x5xf32>, tensor<2x64x5x7xf32>, tensor<64x32xf32>, tensor<32xf32>,
        tensor<32x64xf32>, tensor<32x64xf32> -> tensor<2x64x5x5xf32>
  return %y : tensor<2x64x5x5xf32>
}

// -----

func.func @sk_wfc(%u1: tensor<?x64x?x?xf32>, %u2: tensor<?x64x?x?xf32>, %wfc: tensor<32x64xf32>, %bfc: tensor<32xf32>, %wa: tensor<32x64xf32>, %wb: tensor<32x64xf32>) -> tensor<?x64x?x?xf32> {
  // expected-error @+1 {{expects wfc of shape [C, Z] = [64, 64], but got 'tensor<32x64xf32>'}}
  %y = attn.selective_kernel %u1, %u2, %wfc, %bfc, %wa, %wb
      : tensor<?x64x?x?xf32>, tensor<?x64x?x?xf32>, tensor<32x64xf32>, tensor<32xf32>,
        tensor<32x64xf32>, tensor<32x64xf32> -> tensor<?x64x?x?xf32>
  return %y : tensor<?x64x?x?xf32>
}

// -----

func.func @sk_bfc(%u1: tensor<?x64x?x?xf32>, %u2: tensor<?x64x?x?xf32>, %wfc: tensor<64x32xf32>, %bfc: tensor<64xf32>, %wa: tensor<32x64xf32>, %wb: tensor<32x64xf32>) -> tensor<?x64x?x?xf32> {
  // expected-error @+1 {{expects bfc of shape [Z] = [32], but got 'tensor<64xf32>'}}
  %y = attn.selective_kernel %u1, %u2, %wfc, %bfc, %wa, %wb
      : tensor<?x64x?x?xf32>, tensor<?x64x?x?xf32>, tensor<64x32xf32>, tensor<64xf32>,
        tensor<32x64xf32>, tensor<32x64xf32> -> tensor<?x64x?x?xf32>
  return %y : tensor<?x64x?x?xf32>
}

// -----

func.func @sk_wa(%u1: tensor<?x64x?x?xf32>, %u2: tensor<?x64x?x?xf32>, %wfc: tensor<64x32xf32>, %bfc: tensor<32xf32>, %wa: tensor<64x32xf32>, %wb: tensor<32x64xf32>) -> tensor<?x64x?x?xf32> {
  // expected-error @+1 {{expects wa of shape [Z, C] = [32, 64], but got 'tensor<64x32xf32>'}}
  %y = attn.selective_kernel %u1, %u2, %wfc, %bfc, %wa, %wb
      : tensor<?x64x?x?xf32>, tensor<?x64x?x?xf32>, tensor<64x32xf32>, tensor<32xf32>,
        tensor<64x32xf32>, tensor<32x64xf32> -> tensor<?x64x?x?xf32>
  return %y : tensor<?x64x?x?xf32>
}

// -----

func.func @sk_wb(%u1: tensor<?x64x?x?xf32>, %u2: tensor<?x64x?x?xf32>, %wfc: tensor<64x32xf32>, %bfc: tensor<32xf32>, %wa: tensor<32x64xf32>, %wb: tensor<32x16xf32>) -> tensor<?x64x?x?xf32> {
  // expected-error @+1 {{expects wb of shape [Z, C] = [32, 64], but got 'tensor<32x16xf32>'}}
  %y = attn.selective_kernel %u1, %u2, %wfc, %bfc, %wa, %wb
      : tensor<?x64x?x?xf32>, tensor<?x64x?x?xf32>, tensor<64x32xf32>, tensor<32xf32>,
        tensor<32x64xf32>, tensor<32x16xf32> -> tensor<?x64x?x?xf32>
  return %y : tensor<?x64x?x?xf32>
}

// -----

// Every size of the maps dynamic: wa fixes Z and C, so wb must agree.
func.func @sk_wb_c_from_wa(%u1: tensor<?x?x?x?xf32>, %u2: tensor<?x?x?x?xf32>, %wfc: tensor<?x?xf32>, %bfc: tensor<?xf32>, %wa: tensor<32x64xf32>, %wb: tensor<32x16xf32>) -> tensor<?x?x?x?xf32> {
  // expected-error @+1 {{expects wb of shape [Z, C] = [32, 64], but got 'tensor<32x16xf32>'}}
  %y = attn.selective_kernel %u1, %u2, %wfc, %bfc, %wa, %wb
      : tensor<?x?x?x?xf32>, tensor<?x?x?x?xf32>, tensor<?x?xf32>, tensor<?xf32>,
        tensor<32x64xf32>, tensor<32x16xf32> -> tensor<?x?x?x?xf32>
  return %y : tensor<?x?x?x?xf32>
}

// -----

func.func @sk_output(%u1: tensor<?x64x?x?xf32>, %u2: tensor<?x64x?x?xf32>, %wfc: tensor<64x32xf32>, %bfc: tensor<32xf32>, %wa: tensor<32x64xf32>, %wb: tensor<32x64xf32>) -> tensor<?x32x?x?xf32> {
  // expected-error @+1 {{expects output of shape [N, C, H, W] = [?, 64, ?, ?], but got 'tensor<?x32x?x?xf32>'}}
  %y = attn.selective_kernel %u1, %u2, %wfc, %bfc, %wa, %wb
      : tensor<?x64x?x?xf32>, tensor<?x64x?x?xf32>, tensor<64x32xf32>, tensor<32xf32>,
        tensor<32x64xf32>, tensor<32x64xf32> -> tensor<?x32x?x?xf32>
  return %y : tensor<?x32x?x?xf32>
}
