// RUN: attn-opt %s -split-input-file -verify-diagnostics

// One case per diagnostic of the vision ops' verifiers
// (lib/Dialect/Attn/IR/VisionOps.cpp), plus the f32 ODS constraint.

//===----------------------------------------------------------------------===//
// attn.non_local
//===----------------------------------------------------------------------===//

func.func @nl_input_rank(%x: tensor<?x16x?xf32>, %wt: tensor<16x8xf32>, %wp: tensor<16x8xf32>, %wg: tensor<16x8xf32>, %wz: tensor<8x16xf32>) -> tensor<?x16x?xf32> {
  // expected-error @+1 {{'attn.non_local' op expects input of rank 4 ([N, C, H, W]), but got 'tensor<?x16x?xf32>'}}
  %z = attn.non_local %x, %wt, %wp, %wg, %wz
      : tensor<?x16x?xf32>, tensor<16x8xf32>, tensor<16x8xf32>,
        tensor<16x8xf32>, tensor<8x16xf32> -> tensor<?x16x?xf32>
  return %z : tensor<?x16x?xf32>
}

// -----

func.func @nl_dynamic_c(%x: tensor<?x?x?x?xf32>, %wt: tensor<16x8xf32>, %wp: tensor<16x8xf32>, %wg: tensor<16x8xf32>, %wz: tensor<8x16xf32>) -> tensor<?x16x?x?xf32> {
  // expected-error @+1 {{expects a static C (dimension 1 of input; the projections are [C, Ci]), but got 'tensor<?x?x?x?xf32>'}}
  %z = attn.non_local %x, %wt, %wp, %wg, %wz
      : tensor<?x?x?x?xf32>, tensor<16x8xf32>, tensor<16x8xf32>,
        tensor<16x8xf32>, tensor<8x16xf32> -> tensor<?x16x?x?xf32>
  return %z : tensor<?x16x?x?xf32>
}

// -----

func.func @nl_empty_c(%x: tensor<?x0x?x?xf32>, %wt: tensor<16x8xf32>, %wp: tensor<16x8xf32>, %wg: tensor<16x8xf32>, %wz: tensor<8x16xf32>) -> tensor<?x0x?x?xf32> {
  // expected-error @+1 {{expects C >= 1, but got 'tensor<?x0x?x?xf32>'}}
  %z = attn.non_local %x, %wt, %wp, %wg, %wz
      : tensor<?x0x?x?xf32>, tensor<16x8xf32>, tensor<16x8xf32>,
        tensor<16x8xf32>, tensor<8x16xf32> -> tensor<?x0x?x?xf32>
  return %z : tensor<?x0x?x?xf32>
}

// -----

func.func @nl_theta_rank(%x: tensor<?x16x?x?xf32>, %wt: tensor<16xf32>, %wp: tensor<16x8xf32>, %wg: tensor<16x8xf32>, %wz: tensor<8x16xf32>) -> tensor<?x16x?x?xf32> {
  // expected-error @+1 {{expects w_theta of rank 2 ([C, Ci]), but got 'tensor<16xf32>'}}
  %z = attn.non_local %x, %wt, %wp, %wg, %wz
      : tensor<?x16x?x?xf32>, tensor<16xf32>, tensor<16x8xf32>,
        tensor<16x8xf32>, tensor<8x16xf32> -> tensor<?x16x?x?xf32>
  return %z : tensor<?x16x?x?xf32>
}

// -----

func.func @nl_dynamic_ci(%x: tensor<?x16x?x?xf32>, %wt: tensor<16x?xf32>, %wp: tensor<16x8xf32>, %wg: tensor<16x8xf32>, %wz: tensor<8x16xf32>) -> tensor<?x16x?x?xf32> {
  // expected-error @+1 {{expects a static Ci (dimension 1 of w_theta; the head dimension of the attention), but got 'tensor<16x?xf32>'}}
  %z = attn.non_local %x, %wt, %wp, %wg, %wz
      : tensor<?x16x?x?xf32>, tensor<16x?xf32>, tensor<16x8xf32>,
        tensor<16x8xf32>, tensor<8x16xf32> -> tensor<?x16x?x?xf32>
  return %z : tensor<?x16x?x?xf32>
}

// -----

func.func @nl_empty_ci(%x: tensor<?x16x?x?xf32>, %wt: tensor<16x0xf32>, %wp: tensor<16x8xf32>, %wg: tensor<16x8xf32>, %wz: tensor<8x16xf32>) -> tensor<?x16x?x?xf32> {
  // expected-error @+1 {{expects Ci >= 1, but got 'tensor<16x0xf32>'}}
  %z = attn.non_local %x, %wt, %wp, %wg, %wz
      : tensor<?x16x?x?xf32>, tensor<16x0xf32>, tensor<16x8xf32>,
        tensor<16x8xf32>, tensor<8x16xf32> -> tensor<?x16x?x?xf32>
  return %z : tensor<?x16x?x?xf32>
}

// -----

func.func @nl_theta_c(%x: tensor<?x16x?x?xf32>, %wt: tensor<12x8xf32>, %wp: tensor<16x8xf32>, %wg: tensor<16x8xf32>, %wz: tensor<8x16xf32>) -> tensor<?x16x?x?xf32> {
  // expected-error @+1 {{expects w_theta of shape [C, Ci] = [16, 8], but got 'tensor<12x8xf32>'}}
  %z = attn.non_local %x, %wt, %wp, %wg, %wz
      : tensor<?x16x?x?xf32>, tensor<12x8xf32>, tensor<16x8xf32>,
        tensor<16x8xf32>, tensor<8x16xf32> -> tensor<?x16x?x?xf32>
  return %z : tensor<?x16x?x?xf32>
}

// -----

func.func @nl_phi(%x: tensor<?x16x?x?xf32>, %wt: tensor<16x8xf32>, %wp: tensor<16x4xf32>, %wg: tensor<16x8xf32>, %wz: tensor<8x16xf32>) -> tensor<?x16x?x?xf32> {
  // expected-error @+1 {{expects w_phi of shape [C, Ci] = [16, 8], but got 'tensor<16x4xf32>'}}
  %z = attn.non_local %x, %wt, %wp, %wg, %wz
      : tensor<?x16x?x?xf32>, tensor<16x8xf32>, tensor<16x4xf32>,
        tensor<16x8xf32>, tensor<8x16xf32> -> tensor<?x16x?x?xf32>
  return %z : tensor<?x16x?x?xf32>
}

// -----

func.func @nl_g(%x: tensor<?x16x?x?xf32>, %wt: tensor<16x8xf32>, %wp: tensor<16x8xf32>, %wg: tensor<8x16xf32>, %wz: tensor<8x16xf32>) -> tensor<?x16x?x?xf32> {
  // expected-error @+1 {{expects w_g of shape [C, Ci] = [16, 8], but got 'tensor<8x16xf32>'}}
  %z = attn.non_local %x, %wt, %wp, %wg, %wz
      : tensor<?x16x?x?xf32>, tensor<16x8xf32>, tensor<16x8xf32>,
        tensor<8x16xf32>, tensor<8x16xf32> -> tensor<?x16x?x?xf32>
  return %z : tensor<?x16x?x?xf32>
}

// -----

func.func @nl_z(%x: tensor<?x16x?x?xf32>, %wt: tensor<16x8xf32>, %wp: tensor<16x8xf32>, %wg: tensor<16x8xf32>, %wz: tensor<16x8xf32>) -> tensor<?x16x?x?xf32> {
  // expected-error @+1 {{expects w_z of shape [Ci, C] = [8, 16], but got 'tensor<16x8xf32>'}}
  %z = attn.non_local %x, %wt, %wp, %wg, %wz
      : tensor<?x16x?x?xf32>, tensor<16x8xf32>, tensor<16x8xf32>,
        tensor<16x8xf32>, tensor<16x8xf32> -> tensor<?x16x?x?xf32>
  return %z : tensor<?x16x?x?xf32>
}

// -----

func.func @nl_z_rank(%x: tensor<?x16x?x?xf32>, %wt: tensor<16x8xf32>, %wp: tensor<16x8xf32>, %wg: tensor<16x8xf32>, %wz: tensor<8x16x1xf32>) -> tensor<?x16x?x?xf32> {
  // expected-error @+1 {{expects w_z of shape [Ci, C] = [8, 16], but got 'tensor<8x16x1xf32>'}}
  %z = attn.non_local %x, %wt, %wp, %wg, %wz
      : tensor<?x16x?x?xf32>, tensor<16x8xf32>, tensor<16x8xf32>,
        tensor<16x8xf32>, tensor<8x16x1xf32> -> tensor<?x16x?x?xf32>
  return %z : tensor<?x16x?x?xf32>
}

// -----

func.func @nl_output(%x: tensor<?x16x7x?xf32>, %wt: tensor<16x8xf32>, %wp: tensor<16x8xf32>, %wg: tensor<16x8xf32>, %wz: tensor<8x16xf32>) -> tensor<?x16x9x?xf32> {
  // expected-error @+1 {{expects output of shape [N, C, H, W] = [?, 16, 7, ?], but got 'tensor<?x16x9x?xf32>'}}
  %z = attn.non_local %x, %wt, %wp, %wg, %wz
      : tensor<?x16x7x?xf32>, tensor<16x8xf32>, tensor<16x8xf32>,
        tensor<16x8xf32>, tensor<8x16xf32> -> tensor<?x16x9x?xf32>
  return %z : tensor<?x16x9x?xf32>
}

// -----

func.func @nl_f16(%x: tensor<?x16x?x?xf16>, %wt: tensor<16x8xf32>, %wp: tensor<16x8xf32>, %wg: tensor<16x8xf32>, %wz: tensor<8x16xf32>) -> tensor<?x16x?x?xf32> {
  // expected-error @+1 {{operand #0 must be ranked tensor of 32-bit float values, but got 'tensor<?x16x?x?xf16>'}}
  %z = attn.non_local %x, %wt, %wp, %wg, %wz
      : tensor<?x16x?x?xf16>, tensor<16x8xf32>, tensor<16x8xf32>,
        tensor<16x8xf32>, tensor<8x16xf32> -> tensor<?x16x?x?xf32>
  return %z : tensor<?x16x?x?xf32>
}

//===----------------------------------------------------------------------===//
// attn.channel_self
//===----------------------------------------------------------------------===//

// -----

func.func @cs_input_rank(%x: tensor<?x?x64xf32>, %g: tensor<1xf32>) -> tensor<?x?x64xf32> {
  // expected-error @+1 {{'attn.channel_self' op expects input of rank 4 ([N, C, H, W]), but got 'tensor<?x?x64xf32>'}}
  %y = attn.channel_self %x, %g : tensor<?x?x64xf32>, tensor<1xf32> -> tensor<?x?x64xf32>
  return %y : tensor<?x?x64xf32>
}

// -----

func.func @cs_dynamic_h(%x: tensor<?x?x?x8xf32>, %g: tensor<1xf32>) -> tensor<?x?x?x8xf32> {
  // expected-error @+1 {{expects a static H (dimension 2 of input; H*W is the head dimension of the channel attention), but got 'tensor<?x?x?x8xf32>'}}
  %y = attn.channel_self %x, %g : tensor<?x?x?x8xf32>, tensor<1xf32> -> tensor<?x?x?x8xf32>
  return %y : tensor<?x?x?x8xf32>
}

// -----

func.func @cs_dynamic_w(%x: tensor<?x?x8x?xf32>, %g: tensor<1xf32>) -> tensor<?x?x8x?xf32> {
  // expected-error @+1 {{expects a static W (dimension 3 of input; H*W is the head dimension of the channel attention), but got 'tensor<?x?x8x?xf32>'}}
  %y = attn.channel_self %x, %g : tensor<?x?x8x?xf32>, tensor<1xf32> -> tensor<?x?x8x?xf32>
  return %y : tensor<?x?x8x?xf32>
}

// -----

func.func @cs_empty_h(%x: tensor<?x?x0x8xf32>, %g: tensor<1xf32>) -> tensor<?x?x0x8xf32> {
  // expected-error @+1 {{expects H >= 1, but got 'tensor<?x?x0x8xf32>'}}
  %y = attn.channel_self %x, %g : tensor<?x?x0x8xf32>, tensor<1xf32> -> tensor<?x?x0x8xf32>
  return %y : tensor<?x?x0x8xf32>
}

// -----

func.func @cs_empty_w(%x: tensor<?x?x8x0xf32>, %g: tensor<1xf32>) -> tensor<?x?x8x0xf32> {
  // expected-error @+1 {{expects W >= 1, but got 'tensor<?x?x8x0xf32>'}}
  %y = attn.channel_self %x, %g : tensor<?x?x8x0xf32>, tensor<1xf32> -> tensor<?x?x8x0xf32>
  return %y : tensor<?x?x8x0xf32>
}

// -----

func.func @cs_gamma(%x: tensor<?x?x8x8xf32>, %g: tensor<2xf32>) -> tensor<?x?x8x8xf32> {
  // expected-error @+1 {{expects gamma of shape [1] = [1], but got 'tensor<2xf32>'}}
  %y = attn.channel_self %x, %g : tensor<?x?x8x8xf32>, tensor<2xf32> -> tensor<?x?x8x8xf32>
  return %y : tensor<?x?x8x8xf32>
}

// -----

func.func @cs_gamma_dynamic(%x: tensor<?x?x8x8xf32>, %g: tensor<?xf32>) -> tensor<?x?x8x8xf32> {
  // expected-error @+1 {{expects gamma of shape [1] = [1], but got 'tensor<?xf32>'}}
  %y = attn.channel_self %x, %g : tensor<?x?x8x8xf32>, tensor<?xf32> -> tensor<?x?x8x8xf32>
  return %y : tensor<?x?x8x8xf32>
}

// -----

func.func @cs_gamma_scalar(%x: tensor<?x?x8x8xf32>, %g: tensor<f32>) -> tensor<?x?x8x8xf32> {
  // expected-error @+1 {{expects gamma of shape [1] = [1], but got 'tensor<f32>'}}
  %y = attn.channel_self %x, %g : tensor<?x?x8x8xf32>, tensor<f32> -> tensor<?x?x8x8xf32>
  return %y : tensor<?x?x8x8xf32>
}

// -----

func.func @cs_output(%x: tensor<2x?x8x8xf32>, %g: tensor<1xf32>) -> tensor<3x?x8x8xf32> {
  // expected-error @+1 {{expects output of shape [N, C, H, W] = [2, ?, 8, 8], but got 'tensor<3x?x8x8xf32>'}}
  %y = attn.channel_self %x, %g : tensor<2x?x8x8xf32>, tensor<1xf32> -> tensor<3x?x8x8xf32>
  return %y : tensor<3x?x8x8xf32>
}

// -----

func.func @cs_output_rank(%x: tensor<?x?x8x8xf32>, %g: tensor<1xf32>) -> tensor<?x?x64xf32> {
  // expected-error @+1 {{expects output of shape [N, C, H, W] = [?, ?, 8, 8], but got 'tensor<?x?x64xf32>'}}
  %y = attn.channel_self %x, %g : tensor<?x?x8x8xf32>, tensor<1xf32> -> tensor<?x?x64xf32>
  return %y : tensor<?x?x64xf32>
}

// -----

func.func @cs_bf16(%x: tensor<?x?x8x8xf32>, %g: tensor<1xbf16>) -> tensor<?x?x8x8xf32> {
  // expected-error @+1 {{operand #1 must be ranked tensor of 32-bit float values, but got 'tensor<1xbf16>'}}
  %y = attn.channel_self %x, %g : tensor<?x?x8x8xf32>, tensor<1xbf16> -> tensor<?x?x8x8xf32>
  return %y : tensor<?x?x8x8xf32>
}

//===----------------------------------------------------------------------===//
// attn.spatial_transformer
//===----------------------------------------------------------------------===//

// -----

func.func @st_input_rank(%x: tensor<?x?x?xf32>, %t: tensor<?x2x3xf32>) -> tensor<?x?x?xf32> {
  // expected-error @+1 {{'attn.spatial_transformer' op expects input of rank 4 ([N, C, H, W]), but got 'tensor<?x?x?xf32>'}}
  %y = attn.spatial_transformer %x, %t : tensor<?x?x?xf32>, tensor<?x2x3xf32> -> tensor<?x?x?xf32>
  return %y : tensor<?x?x?xf32>
}

// -----

func.func @st_theta(%x: tensor<?x?x?x?xf32>, %t: tensor<?x3x3xf32>) -> tensor<?x?x?x?xf32> {
  // expected-error @+1 {{expects theta of shape [N, 2, 3] = [?, 2, 3], but got 'tensor<?x3x3xf32>'}}
  %y = attn.spatial_transformer %x, %t : tensor<?x?x?x?xf32>, tensor<?x3x3xf32> -> tensor<?x?x?x?xf32>
  return %y : tensor<?x?x?x?xf32>
}

// -----

func.func @st_theta_dynamic(%x: tensor<?x?x?x?xf32>, %t: tensor<?x2x?xf32>) -> tensor<?x?x?x?xf32> {
  // expected-error @+1 {{expects theta of shape [N, 2, 3] = [?, 2, 3], but got 'tensor<?x2x?xf32>'}}
  %y = attn.spatial_transformer %x, %t : tensor<?x?x?x?xf32>, tensor<?x2x?xf32> -> tensor<?x?x?x?xf32>
  return %y : tensor<?x?x?x?xf32>
}

// -----

func.func @st_theta_batch(%x: tensor<4x?x?x?xf32>, %t: tensor<3x2x3xf32>) -> tensor<4x?x?x?xf32> {
  // expected-error @+1 {{expects theta of shape [N, 2, 3] = [4, 2, 3], but got 'tensor<3x2x3xf32>'}}
  %y = attn.spatial_transformer %x, %t : tensor<4x?x?x?xf32>, tensor<3x2x3xf32> -> tensor<4x?x?x?xf32>
  return %y : tensor<4x?x?x?xf32>
}

// -----

func.func @st_theta_rank(%x: tensor<?x?x?x?xf32>, %t: tensor<2x3xf32>) -> tensor<?x?x?x?xf32> {
  // expected-error @+1 {{expects theta of shape [N, 2, 3] = [?, 2, 3], but got 'tensor<2x3xf32>'}}
  %y = attn.spatial_transformer %x, %t : tensor<?x?x?x?xf32>, tensor<2x3xf32> -> tensor<?x?x?x?xf32>
  return %y : tensor<?x?x?x?xf32>
}

// -----

func.func @st_output(%x: tensor<?x3x?x?xf32>, %t: tensor<?x2x3xf32>) -> tensor<?x4x?x?xf32> {
  // expected-error @+1 {{expects output of shape [N, C, H, W] = [?, 3, ?, ?], but got 'tensor<?x4x?x?xf32>'}}
  %y = attn.spatial_transformer %x, %t : tensor<?x3x?x?xf32>, tensor<?x2x3xf32> -> tensor<?x4x?x?xf32>
  return %y : tensor<?x4x?x?xf32>
}
