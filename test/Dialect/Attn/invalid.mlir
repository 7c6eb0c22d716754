// RUN: attn-opt %s -split-input-file -verify-diagnostics --allow-unregistered-dialect

// One case per diagnostic of attn.attention's verifier (AttentionOp::verify,
// verifyRegions), then the ODS constraints and a few parse errors.

//===----------------------------------------------------------------------===//
// Ranks, element types, heads.
//===----------------------------------------------------------------------===//

func.func @query_rank(%q: tensor<4x8x16xf32>, %k: tensor<1x4x8x16xf32>,
                      %v: tensor<1x4x8x16xf32>) -> tensor<1x4x8x16xf32> {
  // expected-error @+1 {{'attn.attention' op expects query of rank 4 ([B, H, S, D]), but got 'tensor<4x8x16xf32>'}}
  %o = attn.attention %q, %k, %v
      : tensor<4x8x16xf32>, tensor<1x4x8x16xf32>, tensor<1x4x8x16xf32>
      -> tensor<1x4x8x16xf32>
  return %o : tensor<1x4x8x16xf32>
}

// -----

func.func @key_rank(%q: tensor<1x4x8x16xf32>, %k: tensor<1x1x4x8x16xf32>,
                    %v: tensor<1x4x8x16xf32>) -> tensor<1x4x8x16xf32> {
  // expected-error @+1 {{expects key of rank 4 ([B, H, S, D]), but got 'tensor<1x1x4x8x16xf32>'}}
  %o = attn.attention %q, %k, %v
      : tensor<1x4x8x16xf32>, tensor<1x1x4x8x16xf32>, tensor<1x4x8x16xf32>
      -> tensor<1x4x8x16xf32>
  return %o : tensor<1x4x8x16xf32>
}

// -----

func.func @value_rank(%q: tensor<1x4x8x16xf32>, %k: tensor<1x4x8x16xf32>,
                      %v: tensor<16xf32>) -> tensor<1x4x8x16xf32> {
  // expected-error @+1 {{expects value of rank 4 ([B, H, S, D]), but got 'tensor<16xf32>'}}
  %o = attn.attention %q, %k, %v
      : tensor<1x4x8x16xf32>, tensor<1x4x8x16xf32>, tensor<16xf32>
      -> tensor<1x4x8x16xf32>
  return %o : tensor<1x4x8x16xf32>
}

// -----

func.func @mixed_element_types(%q: tensor<1x4x8x16xf16>, %k: tensor<1x4x8x16xf16>,
                               %v: tensor<1x4x8x16xbf16>) -> tensor<1x4x8x16xf16> {
  // expected-error @+1 {{expects query, key and value to share one element type, but got 'f16', 'f16', 'bf16'}}
  %o = attn.attention %q, %k, %v
      : tensor<1x4x8x16xf16>, tensor<1x4x8x16xf16>, tensor<1x4x8x16xbf16>
      -> tensor<1x4x8x16xf16>
  return %o : tensor<1x4x8x16xf16>
}

// -----

func.func @dynamic_heads(%q: tensor<1x?x8x16xf32>, %k: tensor<1x4x8x16xf32>,
                         %v: tensor<1x4x8x16xf32>) -> tensor<1x?x8x16xf32> {
  // expected-error @+1 {{expects static head counts and head dimensions, but got query 'tensor<1x?x8x16xf32>', key 'tensor<1x4x8x16xf32>', value 'tensor<1x4x8x16xf32>'}}
  %o = attn.attention %q, %k, %v
      : tensor<1x?x8x16xf32>, tensor<1x4x8x16xf32>, tensor<1x4x8x16xf32>
      -> tensor<1x?x8x16xf32>
  return %o : tensor<1x?x8x16xf32>
}

// -----

func.func @dynamic_head_dim(%q: tensor<1x4x8x?xf32>, %k: tensor<1x4x8x?xf32>,
                            %v: tensor<1x4x8x16xf32>) -> tensor<1x4x8x16xf32> {
  // expected-error @+1 {{expects static head counts and head dimensions}}
  %o = attn.attention %q, %k, %v
      : tensor<1x4x8x?xf32>, tensor<1x4x8x?xf32>, tensor<1x4x8x16xf32>
      -> tensor<1x4x8x16xf32>
  return %o : tensor<1x4x8x16xf32>
}

// -----

func.func @dynamic_value_dim(%q: tensor<1x4x8x16xf32>, %k: tensor<1x4x8x16xf32>,
                             %v: tensor<1x4x8x?xf32>) -> tensor<1x4x8x?xf32> {
  // expected-error @+1 {{expects static head counts and head dimensions}}
  %o = attn.attention %q, %k, %v
      : tensor<1x4x8x16xf32>, tensor<1x4x8x16xf32>, tensor<1x4x8x?xf32>
      -> tensor<1x4x8x?xf32>
  return %o : tensor<1x4x8x?xf32>
}

// -----

func.func @heads_not_multiple(%q: tensor<1x6x8x16xf32>, %k: tensor<1x4x8x16xf32>,
                              %v: tensor<1x4x8x16xf32>) -> tensor<1x6x8x16xf32> {
  // expected-error @+1 {{expects query heads (6) to be a multiple of key/value heads (4)}}
  %o = attn.attention %q, %k, %v
      : tensor<1x6x8x16xf32>, tensor<1x4x8x16xf32>, tensor<1x4x8x16xf32>
      -> tensor<1x6x8x16xf32>
  return %o : tensor<1x6x8x16xf32>
}

// -----

//===----------------------------------------------------------------------===//
// Shapes of key, value and output.
//===----------------------------------------------------------------------===//

func.func @key_batch(%q: tensor<2x4x8x16xf32>, %k: tensor<3x4x8x16xf32>,
                     %v: tensor<3x4x8x16xf32>) -> tensor<2x4x8x16xf32> {
  // expected-error @+1 {{expects key of shape [B, Hkv, Skv, D] = [2, 4, 8, 16], but got 'tensor<3x4x8x16xf32>'}}
  %o = attn.attention %q, %k, %v
      : tensor<2x4x8x16xf32>, tensor<3x4x8x16xf32>, tensor<3x4x8x16xf32>
      -> tensor<2x4x8x16xf32>
  return %o : tensor<2x4x8x16xf32>
}

// -----

func.func @key_head_dim(%q: tensor<?x4x?x16xf32>, %k: tensor<?x4x?x32xf32>,
                        %v: tensor<?x4x?x16xf32>) -> tensor<?x4x?x16xf32> {
  // expected-error @+1 {{expects key of shape [B, Hkv, Skv, D] = [?, 4, ?, 16], but got 'tensor<?x4x?x32xf32>'}}
  %o = attn.attention %q, %k, %v
      : tensor<?x4x?x16xf32>, tensor<?x4x?x32xf32>, tensor<?x4x?x16xf32>
      -> tensor<?x4x?x16xf32>
  return %o : tensor<?x4x?x16xf32>
}

// -----

func.func @value_length(%q: tensor<1x4x8x16xf32>, %k: tensor<1x4x8x16xf32>,
                        %v: tensor<1x4x9x16xf32>) -> tensor<1x4x8x16xf32> {
  // expected-error @+1 {{expects value of shape [B, Hkv, Skv, Dv] = [1, 4, 8, 16], but got 'tensor<1x4x9x16xf32>'}}
  %o = attn.attention %q, %k, %v
      : tensor<1x4x8x16xf32>, tensor<1x4x8x16xf32>, tensor<1x4x9x16xf32>
      -> tensor<1x4x8x16xf32>
  return %o : tensor<1x4x8x16xf32>
}

// -----

func.func @value_heads(%q: tensor<1x4x8x16xf32>, %k: tensor<1x2x8x16xf32>,
                       %v: tensor<1x4x8x16xf32>) -> tensor<1x4x8x16xf32> {
  // expected-error @+1 {{expects value of shape [B, Hkv, Skv, Dv] = [1, 2, 8, 16], but got 'tensor<1x4x8x16xf32>'}}
  %o = attn.attention %q, %k, %v
      : tensor<1x4x8x16xf32>, tensor<1x2x8x16xf32>, tensor<1x4x8x16xf32>
      -> tensor<1x4x8x16xf32>
  return %o : tensor<1x4x8x16xf32>
}

// -----

func.func @output_value_dim(%q: tensor<1x4x8x16xf32>, %k: tensor<1x4x8x16xf32>,
                            %v: tensor<1x4x8x32xf32>) -> tensor<1x4x8x16xf32> {
  // expected-error @+1 {{expects output of shape [B, Hq, Sq, Dv] = [1, 4, 8, 32], but got 'tensor<1x4x8x16xf32>'}}
  %o = attn.attention %q, %k, %v
      : tensor<1x4x8x16xf32>, tensor<1x4x8x16xf32>, tensor<1x4x8x32xf32>
      -> tensor<1x4x8x16xf32>
  return %o : tensor<1x4x8x16xf32>
}

// -----

func.func @output_rank(%q: tensor<1x4x8x16xf32>, %k: tensor<1x4x8x16xf32>,
                       %v: tensor<1x4x8x16xf32>) -> tensor<4x8x16xf32> {
  // expected-error @+1 {{expects output of shape [B, Hq, Sq, Dv] = [1, 4, 8, 16], but got 'tensor<4x8x16xf32>'}}
  %o = attn.attention %q, %k, %v
      : tensor<1x4x8x16xf32>, tensor<1x4x8x16xf32>, tensor<1x4x8x16xf32>
      -> tensor<4x8x16xf32>
  return %o : tensor<4x8x16xf32>
}

// -----

func.func @output_element_type(%q: tensor<1x4x8x16xbf16>, %k: tensor<1x4x8x16xbf16>,
                               %v: tensor<1x4x8x16xbf16>) -> tensor<1x4x8x16xf32> {
  // expected-error @+1 {{expects output element type to equal the query element type 'bf16', but got 'f32'}}
  %o = attn.attention %q, %k, %v
      : tensor<1x4x8x16xbf16>, tensor<1x4x8x16xbf16>, tensor<1x4x8x16xbf16>
      -> tensor<1x4x8x16xf32>
  return %o : tensor<1x4x8x16xf32>
}

// -----

//===----------------------------------------------------------------------===//
// Mask, bias, key lengths.
//===----------------------------------------------------------------------===//

func.func @mask_shape(%q: tensor<2x4x8x16xf32>, %k: tensor<2x4x6x16xf32>,
                      %v: tensor<2x4x6x16xf32>, %m: tensor<2x1x8x8xi1>)
    -> tensor<2x4x8x16xf32> {
  // expected-error @+1 {{expects mask broadcastable to (each dimension 1 or) [B, Hq, Sq, Skv] = [2, 4, 8, 6], but got 'tensor<2x1x8x8xi1>'}}
  %o = attn.attention %q, %k, %v mask(%m : tensor<2x1x8x8xi1>)
      : tensor<2x4x8x16xf32>, tensor<2x4x6x16xf32>, tensor<2x4x6x16xf32>
      -> tensor<2x4x8x16xf32>
  return %o : tensor<2x4x8x16xf32>
}

// -----

func.func @mask_rank(%q: tensor<2x4x8x16xf32>, %k: tensor<2x4x6x16xf32>,
                     %v: tensor<2x4x6x16xf32>, %m: tensor<8x6xi1>)
    -> tensor<2x4x8x16xf32> {
  // expected-error @+1 {{expects mask broadcastable to (each dimension 1 or) [B, Hq, Sq, Skv] = [2, 4, 8, 6], but got 'tensor<8x6xi1>'}}
  %o = attn.attention %q, %k, %v mask(%m : tensor<8x6xi1>)
      : tensor<2x4x8x16xf32>, tensor<2x4x6x16xf32>, tensor<2x4x6x16xf32>
      -> tensor<2x4x8x16xf32>
  return %o : tensor<2x4x8x16xf32>
}

// -----

func.func @bias_shape(%q: tensor<?x4x?x16xf32>, %k: tensor<?x4x?x16xf32>,
                      %v: tensor<?x4x?x16xf32>, %b: tensor<?x2x?x?xf32>)
    -> tensor<?x4x?x16xf32> {
  // expected-error @+1 {{expects bias broadcastable to (each dimension 1 or) [B, Hq, Sq, Skv] = [?, 4, ?, ?], but got 'tensor<?x2x?x?xf32>'}}
  %o = attn.attention %q, %k, %v bias(%b : tensor<?x2x?x?xf32>)
      : tensor<?x4x?x16xf32>, tensor<?x4x?x16xf32>, tensor<?x4x?x16xf32>
      -> tensor<?x4x?x16xf32>
  return %o : tensor<?x4x?x16xf32>
}

// -----

func.func @scales_without_fp8(%q: tensor<1x4x8x16xbf16>, %s: tensor<3xf32>)
    -> tensor<1x4x8x16xbf16> {
  // expected-error @+1 {{expects scales only with f8E4M3FN query, key and value, but they are 'bf16'}}
  %o = attn.attention %q, %q, %q scales(%s : tensor<3xf32>)
      : tensor<1x4x8x16xbf16>, tensor<1x4x8x16xbf16>, tensor<1x4x8x16xbf16>
      -> tensor<1x4x8x16xbf16>
  return %o : tensor<1x4x8x16xbf16>
}

// -----

func.func @scales_shape(%q: tensor<1x4x8x16xf8E4M3FN>, %s: tensor<2xf32>)
    -> tensor<1x4x8x16xbf16> {
  // expected-error @+1 {{expects scales of type tensor<3xf32> (the query's, key's and value's), but got 'tensor<2xf32>'}}
  %o = attn.attention %q, %q, %q scales(%s : tensor<2xf32>)
      : tensor<1x4x8x16xf8E4M3FN>, tensor<1x4x8x16xf8E4M3FN>,
        tensor<1x4x8x16xf8E4M3FN> -> tensor<1x4x8x16xbf16>
  return %o : tensor<1x4x8x16xbf16>
}

// -----

func.func @fp8_mixed_inputs(%q: tensor<1x4x8x16xf8E4M3FN>,
                            %k: tensor<1x4x8x16xbf16>) -> tensor<1x4x8x16xbf16> {
  // expected-error @+1 {{expects query, key and value to share one element type, but got 'f8E4M3FN', 'bf16', 'bf16'}}
  %o = attn.attention %q, %k, %k
      : tensor<1x4x8x16xf8E4M3FN>, tensor<1x4x8x16xbf16>, tensor<1x4x8x16xbf16>
      -> tensor<1x4x8x16xbf16>
  return %o : tensor<1x4x8x16xbf16>
}

// -----

func.func @fp8_output(%q: tensor<1x4x8x16xf8E4M3FN>) -> tensor<1x4x8x16xf8E4M3FN> {
  // expected-error @+1 {{result #0 must be ranked tensor of 32-bit float or 16-bit float or bfloat16 type values}}
  %o = attn.attention %q, %q, %q
      : tensor<1x4x8x16xf8E4M3FN>, tensor<1x4x8x16xf8E4M3FN>,
        tensor<1x4x8x16xf8E4M3FN> -> tensor<1x4x8x16xf8E4M3FN>
  return %o : tensor<1x4x8x16xf8E4M3FN>
}

// -----

func.func @fp8_bias_element_type(%q: tensor<1x4x8x16xf8E4M3FN>,
                                 %b: tensor<1x4x8x8xf16>) -> tensor<1x4x8x16xbf16> {
  // expected-error @+1 {{expects bias element type f32 or 'bf16', but got 'f16'}}
  %o = attn.attention %q, %q, %q bias(%b : tensor<1x4x8x8xf16>)
      : tensor<1x4x8x16xf8E4M3FN>, tensor<1x4x8x16xf8E4M3FN>,
        tensor<1x4x8x16xf8E4M3FN> -> tensor<1x4x8x16xbf16>
  return %o : tensor<1x4x8x16xbf16>
}

// -----

func.func @fp8_e5m2(%q: tensor<1x4x8x16xf8E5M2>) -> tensor<1x4x8x16xbf16> {
  // expected-error @+1 {{operand #0 must be ranked tensor of 32-bit float or 16-bit float or bfloat16 type or f8E4M3FN type values}}
  %o = attn.attention %q, %q, %q
      : tensor<1x4x8x16xf8E5M2>, tensor<1x4x8x16xf8E5M2>,
        tensor<1x4x8x16xf8E5M2> -> tensor<1x4x8x16xbf16>
  return %o : tensor<1x4x8x16xbf16>
}

// -----

func.func @bias_element_type(%q: tensor<1x4x8x16xbf16>, %k: tensor<1x4x8x16xbf16>,
                             %v: tensor<1x4x8x16xbf16>, %b: tensor<1x4x8x8xf16>)
    -> tensor<1x4x8x16xbf16> {
  // expected-error @+1 {{expects bias element type f32 or 'bf16', but got 'f16'}}
  %o = attn.attention %q, %k, %v bias(%b : tensor<1x4x8x8xf16>)
      : tensor<1x4x8x16xbf16>, tensor<1x4x8x16xbf16>, tensor<1x4x8x16xbf16>
      -> tensor<1x4x8x16xbf16>
  return %o : tensor<1x4x8x16xbf16>
}

// -----

func.func @key_lengths_shape(%q: tensor<2x4x8x16xf32>, %k: tensor<2x4x8x16xf32>,
                             %v: tensor<2x4x8x16xf32>, %len: tensor<3xi32>)
    -> tensor<2x4x8x16xf32> {
  // expected-error @+1 {{expects key_lengths of shape [B] = [2], but got 'tensor<3xi32>'}}
  %o = attn.attention %q, %k, %v key_lengths(%len : tensor<3xi32>)
      : tensor<2x4x8x16xf32>, tensor<2x4x8x16xf32>, tensor<2x4x8x16xf32>
      -> tensor<2x4x8x16xf32>
  return %o : tensor<2x4x8x16xf32>
}

// -----

func.func @key_lengths_rank(%q: tensor<2x4x8x16xf32>, %k: tensor<2x4x8x16xf32>,
                            %v: tensor<2x4x8x16xf32>, %len: tensor<2x1xi32>)
    -> tensor<2x4x8x16xf32> {
  // expected-error @+1 {{expects key_lengths of shape [B] = [2], but got 'tensor<2x1xi32>'}}
  %o = attn.attention %q, %k, %v key_lengths(%len : tensor<2x1xi32>)
      : tensor<2x4x8x16xf32>, tensor<2x4x8x16xf32>, tensor<2x4x8x16xf32>
      -> tensor<2x4x8x16xf32>
  return %o : tensor<2x4x8x16xf32>
}

// -----

//===----------------------------------------------------------------------===//
// Score functions and their operands.
//===----------------------------------------------------------------------===//

func.func @general_without_weight(%q: tensor<1x4x8x16xf32>, %k: tensor<1x4x8x16xf32>,
                                  %v: tensor<1x4x8x16xf32>) -> tensor<1x4x8x16xf32> {
  // expected-error @+1 {{score 'general' expects 1 score operands (W), but got 0}}
  %o = attn.attention %q, %k, %v {score = #attn.score<general>}
      : tensor<1x4x8x16xf32>, tensor<1x4x8x16xf32>, tensor<1x4x8x16xf32>
      -> tensor<1x4x8x16xf32>
  return %o : tensor<1x4x8x16xf32>
}

// -----

func.func @dot_with_weight(%q: tensor<1x4x8x16xf32>, %k: tensor<1x4x8x16xf32>,
                           %v: tensor<1x4x8x16xf32>, %w: tensor<16x16xf32>)
    -> tensor<1x4x8x16xf32> {
  // expected-error @+1 {{score 'dot' expects 0 score operands (none), but got 1}}
  %o = attn.attention %q, %k, %v score_operands(%w : tensor<16x16xf32>)
      : tensor<1x4x8x16xf32>, tensor<1x4x8x16xf32>, tensor<1x4x8x16xf32>
      -> tensor<1x4x8x16xf32>
  return %o : tensor<1x4x8x16xf32>
}

// -----

func.func @general_weight_shape(%q: tensor<1x4x8x16xf32>, %k: tensor<1x4x8x16xf32>,
                                %v: tensor<1x4x8x16xf32>, %w: tensor<16x8xf32>)
    -> tensor<1x4x8x16xf32> {
  // expected-error @+1 {{expects score operands 'W' of shape [D, D] = [16, 16], but got 'tensor<16x8xf32>'}}
  %o = attn.attention %q, %k, %v score_operands(%w : tensor<16x8xf32>)
      {score = #attn.score<general>}
      : tensor<1x4x8x16xf32>, tensor<1x4x8x16xf32>, tensor<1x4x8x16xf32>
      -> tensor<1x4x8x16xf32>
  return %o : tensor<1x4x8x16xf32>
}

// -----

func.func @additive_count(%q: tensor<1x4x8x16xf32>, %k: tensor<1x4x8x16xf32>,
                          %v: tensor<1x4x8x16xf32>, %wq: tensor<16x8xf32>,
                          %wk: tensor<16x8xf32>) -> tensor<1x4x8x16xf32> {
  // expected-error @+1 {{score 'additive' expects 3 score operands (Wq, Wk, va), but got 2}}
  %o = attn.attention %q, %k, %v
      score_operands(%wq, %wk : tensor<16x8xf32>, tensor<16x8xf32>)
      {score = #attn.score<additive>}
      : tensor<1x4x8x16xf32>, tensor<1x4x8x16xf32>, tensor<1x4x8x16xf32>
      -> tensor<1x4x8x16xf32>
  return %o : tensor<1x4x8x16xf32>
}

// -----

// The attention width A is taken from Wq (the first of Wq, Wk, va with a
// static A); va must match it.
func.func @additive_width(%q: tensor<1x4x8x16xf32>, %k: tensor<1x4x8x16xf32>,
                          %v: tensor<1x4x8x16xf32>, %wq: tensor<16x8xf32>,
                          %wk: tensor<16x8xf32>, %va: tensor<7xf32>)
    -> tensor<1x4x8x16xf32> {
  // expected-error @+1 {{expects score operands 'va' of shape [A] = [8], but got 'tensor<7xf32>'}}
  %o = attn.attention %q, %k, %v
      score_operands(%wq, %wk, %va
                     : tensor<16x8xf32>, tensor<16x8xf32>, tensor<7xf32>)
      {score = #attn.score<additive>}
      : tensor<1x4x8x16xf32>, tensor<1x4x8x16xf32>, tensor<1x4x8x16xf32>
      -> tensor<1x4x8x16xf32>
  return %o : tensor<1x4x8x16xf32>
}

// -----

func.func @additive_wk_shape(%q: tensor<1x4x8x16xf32>, %k: tensor<1x4x8x16xf32>,
                             %v: tensor<1x4x8x16xf32>, %wq: tensor<16x8xf32>,
                             %wk: tensor<16x4xf32>, %va: tensor<8xf32>)
    -> tensor<1x4x8x16xf32> {
  // expected-error @+1 {{expects score operands 'Wk' of shape [D, A] = [16, 8], but got 'tensor<16x4xf32>'}}
  %o = attn.attention %q, %k, %v
      score_operands(%wq, %wk, %va
                     : tensor<16x8xf32>, tensor<16x4xf32>, tensor<8xf32>)
      {score = #attn.score<additive>}
      : tensor<1x4x8x16xf32>, tensor<1x4x8x16xf32>, tensor<1x4x8x16xf32>
      -> tensor<1x4x8x16xf32>
  return %o : tensor<1x4x8x16xf32>
}

// -----

// A is static in all of Wq, Wk and va or dynamic in all: here Wk fixes it
// to 8, so Wq's `?` is an error (and va's 4 used to slip through).
func.func @additive_width_from_wk(%q: tensor<1x4x8x16xf32>, %k: tensor<1x4x8x16xf32>,
                                  %v: tensor<1x4x8x16xf32>, %wq: tensor<16x?xf32>,
                                  %wk: tensor<16x8xf32>, %va: tensor<4xf32>)
    -> tensor<1x4x8x16xf32> {
  // expected-error @+1 {{expects score operands 'Wq' of shape [D, A] = [16, 8], but got 'tensor<16x?xf32>'}}
  %o = attn.attention %q, %k, %v
      score_operands(%wq, %wk, %va
                     : tensor<16x?xf32>, tensor<16x8xf32>, tensor<4xf32>)
      {score = #attn.score<additive>}
      : tensor<1x4x8x16xf32>, tensor<1x4x8x16xf32>, tensor<1x4x8x16xf32>
      -> tensor<1x4x8x16xf32>
  return %o : tensor<1x4x8x16xf32>
}

// -----

// Weight dimensions that D or Dv fix are static: a `?` crashed attn-tile and
// left the C ABI a size the caller could get wrong.
func.func @general_dynamic_weight(%q: tensor<1x4x8x16xf32>, %k: tensor<1x4x8x16xf32>,
                                  %v: tensor<1x4x8x16xf32>, %w: tensor<?x?xf32>)
    -> tensor<1x4x8x16xf32> {
  // expected-error @+1 {{expects score operands 'W' of shape [D, D] = [16, 16], but got 'tensor<?x?xf32>'}}
  %o = attn.attention %q, %k, %v score_operands(%w : tensor<?x?xf32>)
      {score = #attn.score<general>}
      : tensor<1x4x8x16xf32>, tensor<1x4x8x16xf32>, tensor<1x4x8x16xf32>
      -> tensor<1x4x8x16xf32>
  return %o : tensor<1x4x8x16xf32>
}

// -----

func.func @multi_dimensional_dynamic_bias(%q: tensor<1x4x8x16xf32>, %k: tensor<1x4x8x16xf32>,
                                          %v: tensor<1x4x8x32xf32>, %w1: tensor<16x32xf32>,
                                          %w2: tensor<16x32xf32>, %b: tensor<?xf32>)
    -> tensor<1x4x8x32xf32> {
  // expected-error @+1 {{expects score operands 'b' of shape [Dv] = [32], but got 'tensor<?xf32>'}}
  %o = attn.attention %q, %k, %v
      score_operands(%w1, %w2, %b
                     : tensor<16x32xf32>, tensor<16x32xf32>, tensor<?xf32>)
      {score = #attn.score<multi_dimensional>}
      : tensor<1x4x8x16xf32>, tensor<1x4x8x16xf32>, tensor<1x4x8x32xf32>
      -> tensor<1x4x8x32xf32>
  return %o : tensor<1x4x8x32xf32>
}

// -----

func.func @multi_dimensional_bias(%q: tensor<1x1x8x16xf32>, %k: tensor<1x1x8x16xf32>,
                                  %v: tensor<1x1x8x32xf32>, %w1: tensor<16x32xf32>,
                                  %w2: tensor<16x32xf32>, %b: tensor<16xf32>)
    -> tensor<1x1x8x32xf32> {
  // expected-error @+1 {{expects score operands 'b' of shape [Dv] = [32], but got 'tensor<16xf32>'}}
  %o = attn.attention %q, %k, %v
      score_operands(%w1, %w2, %b
                     : tensor<16x32xf32>, tensor<16x32xf32>, tensor<16xf32>)
      {score = #attn.score<multi_dimensional>}
      : tensor<1x1x8x16xf32>, tensor<1x1x8x16xf32>, tensor<1x1x8x32xf32>
      -> tensor<1x1x8x32xf32>
  return %o : tensor<1x1x8x32xf32>
}

// -----

func.func @multi_dimensional_sigmoid(%q: tensor<1x1x8x16xf32>, %k: tensor<1x1x8x16xf32>,
                                     %v: tensor<1x1x8x16xf32>, %w1: tensor<16x16xf32>,
                                     %w2: tensor<16x16xf32>, %b: tensor<16xf32>)
    -> tensor<1x1x8x16xf32> {
  // expected-error @+1 {{score 'multi_dimensional' normalises per feature and expects normalizer 'softmax', but got 'sigmoid'}}
  %o = attn.attention %q, %k, %v
      score_operands(%w1, %w2, %b
                     : tensor<16x16xf32>, tensor<16x16xf32>, tensor<16xf32>)
      {score = #attn.score<multi_dimensional>,
       normalizer = #attn.normalizer<sigmoid>}
      : tensor<1x1x8x16xf32>, tensor<1x1x8x16xf32>, tensor<1x1x8x16xf32>
      -> tensor<1x1x8x16xf32>
  return %o : tensor<1x1x8x16xf32>
}

// -----

func.func @compositional_softmax(%q: tensor<1x4x8x16xf32>, %k: tensor<1x4x8x16xf32>,
                                 %v: tensor<1x4x8x16xf32>) -> tensor<1x4x8x16xf32> {
  // expected-error @+1 {{score 'compositional' is not normalised and expects normalizer 'none', but got 'softmax'}}
  %o = attn.attention %q, %k, %v {score = #attn.score<compositional>}
      : tensor<1x4x8x16xf32>, tensor<1x4x8x16xf32>, tensor<1x4x8x16xf32>
      -> tensor<1x4x8x16xf32>
  return %o : tensor<1x4x8x16xf32>
}

// -----

//===----------------------------------------------------------------------===//
// Normalisers and their operands.
//===----------------------------------------------------------------------===//

func.func @hard_sample_without_u(%q: tensor<1x4x8x16xf32>, %k: tensor<1x4x8x16xf32>,
                                 %v: tensor<1x4x8x16xf32>) -> tensor<1x4x8x16xf32> {
  // expected-error @+1 {{normalizer 'hard_sample' expects 1 normalizer operands (u), but got 0}}
  %o = attn.attention %q, %k, %v {normalizer = #attn.normalizer<hard_sample>}
      : tensor<1x4x8x16xf32>, tensor<1x4x8x16xf32>, tensor<1x4x8x16xf32>
      -> tensor<1x4x8x16xf32>
  return %o : tensor<1x4x8x16xf32>
}

// -----

func.func @softmax_with_u(%q: tensor<1x4x8x16xf32>, %k: tensor<1x4x8x16xf32>,
                          %v: tensor<1x4x8x16xf32>, %u: tensor<1x4x8xf32>)
    -> tensor<1x4x8x16xf32> {
  // expected-error @+1 {{normalizer 'softmax' expects 0 normalizer operands (none), but got 1}}
  %o = attn.attention %q, %k, %v normalizer_operands(%u : tensor<1x4x8xf32>)
      : tensor<1x4x8x16xf32>, tensor<1x4x8x16xf32>, tensor<1x4x8x16xf32>
      -> tensor<1x4x8x16xf32>
  return %o : tensor<1x4x8x16xf32>
}

// -----

func.func @hard_sample_u_shape(%q: tensor<1x4x8x16xf32>, %k: tensor<1x4x8x16xf32>,
                               %v: tensor<1x4x8x16xf32>, %u: tensor<1x4x8x1xf32>)
    -> tensor<1x4x8x16xf32> {
  // expected-error @+1 {{expects normalizer operands 'u' of shape [B, Hq, Sq] = [1, 4, 8], but got 'tensor<1x4x8x1xf32>'}}
  %o = attn.attention %q, %k, %v normalizer_operands(%u : tensor<1x4x8x1xf32>)
      {normalizer = #attn.normalizer<hard_sample>}
      : tensor<1x4x8x16xf32>, tensor<1x4x8x16xf32>, tensor<1x4x8x16xf32>
      -> tensor<1x4x8x16xf32>
  return %o : tensor<1x4x8x16xf32>
}

// -----

func.func @topk_without_k(%q: tensor<1x4x8x16xf32>, %k: tensor<1x4x8x16xf32>,
                          %v: tensor<1x4x8x16xf32>) -> tensor<1x4x8x16xf32> {
  // expected-error @+1 {{expects the top_k attribute exactly when the normalizer is 'topk'}}
  %o = attn.attention %q, %k, %v {normalizer = #attn.normalizer<topk>}
      : tensor<1x4x8x16xf32>, tensor<1x4x8x16xf32>, tensor<1x4x8x16xf32>
      -> tensor<1x4x8x16xf32>
  return %o : tensor<1x4x8x16xf32>
}

// -----

func.func @k_without_topk(%q: tensor<1x4x8x16xf32>, %k: tensor<1x4x8x16xf32>,
                          %v: tensor<1x4x8x16xf32>) -> tensor<1x4x8x16xf32> {
  // expected-error @+1 {{expects the top_k attribute exactly when the normalizer is 'topk'}}
  %o = attn.attention %q, %k, %v {top_k = 8}
      : tensor<1x4x8x16xf32>, tensor<1x4x8x16xf32>, tensor<1x4x8x16xf32>
      -> tensor<1x4x8x16xf32>
  return %o : tensor<1x4x8x16xf32>
}

// -----

func.func @topk_zero(%q: tensor<1x4x8x16xf32>, %k: tensor<1x4x8x16xf32>,
                     %v: tensor<1x4x8x16xf32>) -> tensor<1x4x8x16xf32> {
  // expected-error @+1 {{expects top_k >= 1, but got 0}}
  %o = attn.attention %q, %k, %v {normalizer = #attn.normalizer<topk>, top_k = 0}
      : tensor<1x4x8x16xf32>, tensor<1x4x8x16xf32>, tensor<1x4x8x16xf32>
      -> tensor<1x4x8x16xf32>
  return %o : tensor<1x4x8x16xf32>
}

// -----

//===----------------------------------------------------------------------===//
// Positional terms and their operands.
//===----------------------------------------------------------------------===//

func.func @relative_and_gaussian(%q: tensor<1x4x8x16xf32>, %k: tensor<1x4x8x16xf32>,
                                 %v: tensor<1x4x8x16xf32>) -> tensor<1x4x8x16xf32> {
  // expected-error @+1 {{expects at most one of relative_clip and gaussian_window}}
  %o = attn.attention %q, %k, %v
      {relative_clip = 2, gaussian_window = 2, gaussian_sigma = 1.0 : f32}
      : tensor<1x4x8x16xf32>, tensor<1x4x8x16xf32>, tensor<1x4x8x16xf32>
      -> tensor<1x4x8x16xf32>
  return %o : tensor<1x4x8x16xf32>
}

// -----

func.func @grid_without_width(%q: tensor<1x4x8x4xf32>, %k: tensor<1x4x8x4xf32>,
    %v: tensor<1x4x8x4xf32>) -> tensor<1x4x8x4xf32> {
  // expected-error @+1 {{expects the grid_width operand (the map's width) with grid_window}}
  %o = attn.attention %q, %k, %v
      {grid_window = array<i64: 1, 1>}
      : tensor<1x4x8x4xf32>, tensor<1x4x8x4xf32>, tensor<1x4x8x4xf32>
      -> tensor<1x4x8x4xf32>
  return %o : tensor<1x4x8x4xf32>
}

// -----

func.func @width_without_grid(%q: tensor<1x4x8x4xf32>, %k: tensor<1x4x8x4xf32>,
    %v: tensor<1x4x8x4xf32>, %w: index) -> tensor<1x4x8x4xf32> {
  // expected-error @+1 {{expects the grid_width operand only with grid_window}}
  %o = attn.attention %q, %k, %v grid_width(%w)
      {scale = 1.0 : f32}
      : tensor<1x4x8x4xf32>, tensor<1x4x8x4xf32>, tensor<1x4x8x4xf32>
      -> tensor<1x4x8x4xf32>
  return %o : tensor<1x4x8x4xf32>
}

// -----

func.func @dilation_without_grid(%q: tensor<1x4x8x4xf32>, %k: tensor<1x4x8x4xf32>,
    %v: tensor<1x4x8x4xf32>) -> tensor<1x4x8x4xf32> {
  // expected-error @+1 {{expects grid_dilation only with grid_window}}
  %o = attn.attention %q, %k, %v
      {grid_dilation = array<i64: 2>}
      : tensor<1x4x8x4xf32>, tensor<1x4x8x4xf32>, tensor<1x4x8x4xf32>
      -> tensor<1x4x8x4xf32>
  return %o : tensor<1x4x8x4xf32>
}

// -----

func.func @grid_one_radius(%q: tensor<1x4x8x4xf32>, %k: tensor<1x4x8x4xf32>,
    %v: tensor<1x4x8x4xf32>, %w: index) -> tensor<1x4x8x4xf32> {
  // expected-error @+1 {{expects grid_window = [ry, rx] with both in [0, 2^31 - 1]}}
  %o = attn.attention %q, %k, %v grid_width(%w)
      {grid_window = array<i64: 1>}
      : tensor<1x4x8x4xf32>, tensor<1x4x8x4xf32>, tensor<1x4x8x4xf32>
      -> tensor<1x4x8x4xf32>
  return %o : tensor<1x4x8x4xf32>
}

// -----

func.func @grid_negative_radius(%q: tensor<1x4x8x4xf32>, %k: tensor<1x4x8x4xf32>,
    %v: tensor<1x4x8x4xf32>, %w: index) -> tensor<1x4x8x4xf32> {
  // expected-error @+1 {{expects grid_window = [ry, rx] with both in [0, 2^31 - 1]}}
  %o = attn.attention %q, %k, %v grid_width(%w)
      {grid_window = array<i64: 1, -1>}
      : tensor<1x4x8x4xf32>, tensor<1x4x8x4xf32>, tensor<1x4x8x4xf32>
      -> tensor<1x4x8x4xf32>
  return %o : tensor<1x4x8x4xf32>
}

// -----

func.func @grid_dilation_count(%q: tensor<1x4x8x4xf32>, %k: tensor<1x4x8x4xf32>,
    %v: tensor<1x4x8x4xf32>, %w: index) -> tensor<1x4x8x4xf32> {
  // expected-error @+1 {{expects grid_dilation with 1 or Hq = 4 entries, but got 2}}
  %o = attn.attention %q, %k, %v grid_width(%w)
      {grid_window = array<i64: 1, 1>, grid_dilation = array<i64: 1, 2>}
      : tensor<1x4x8x4xf32>, tensor<1x4x8x4xf32>, tensor<1x4x8x4xf32>
      -> tensor<1x4x8x4xf32>
  return %o : tensor<1x4x8x4xf32>
}

// -----

func.func @grid_dilation_zero(%q: tensor<1x4x8x4xf32>, %k: tensor<1x4x8x4xf32>,
    %v: tensor<1x4x8x4xf32>, %w: index) -> tensor<1x4x8x4xf32> {
  // expected-error @+1 {{expects grid_dilation entries in [1, 2^31 - 1], but got 0}}
  %o = attn.attention %q, %k, %v grid_width(%w)
      {grid_window = array<i64: 1, 1>, grid_dilation = array<i64: 0>}
      : tensor<1x4x8x4xf32>, tensor<1x4x8x4xf32>, tensor<1x4x8x4xf32>
      -> tensor<1x4x8x4xf32>
  return %o : tensor<1x4x8x4xf32>
}

// -----

func.func @grid_and_relative(%q: tensor<1x4x8x4xf32>, %k: tensor<1x4x8x4xf32>,
    %v: tensor<1x4x8x4xf32>, %w: index) -> tensor<1x4x8x4xf32> {
  // expected-error @+1 {{expects grid_window without relative_clip and gaussian_window}}
  %o = attn.attention %q, %k, %v grid_width(%w)
      {grid_window = array<i64: 1, 1>, relative_clip = 2}
      : tensor<1x4x8x4xf32>, tensor<1x4x8x4xf32>, tensor<1x4x8x4xf32>
      -> tensor<1x4x8x4xf32>
  return %o : tensor<1x4x8x4xf32>
}

// -----

func.func @grid_one_table(%q: tensor<1x4x8x4xf32>, %k: tensor<1x4x8x4xf32>,
    %v: tensor<1x4x8x4xf32>, %w: index, %t: tensor<4x3x4xf32>) -> tensor<1x4x8x4xf32> {
  // expected-error @+1 {{the positional attributes expects 2 position operands (rows, cols), but got 1}}
  %o = attn.attention %q, %k, %v grid_width(%w) position_operands(%t : tensor<4x3x4xf32>)
      {grid_window = array<i64: 1, 1>}
      : tensor<1x4x8x4xf32>, tensor<1x4x8x4xf32>, tensor<1x4x8x4xf32>
      -> tensor<1x4x8x4xf32>
  return %o : tensor<1x4x8x4xf32>
}

// -----

func.func @grid_table_shape(%q: tensor<1x4x8x4xf32>, %k: tensor<1x4x8x4xf32>,
    %v: tensor<1x4x8x4xf32>, %w: index, %t: tensor<4x3x4xf32>) -> tensor<1x4x8x4xf32> {
  // expected-error @+1 {{expects position operands 'cols' of shape [Hq, 2*rx+1, D] = [4, 5, 4], but got 'tensor<4x3x4xf32>'}}
  %o = attn.attention %q, %k, %v grid_width(%w) position_operands(%t, %t : tensor<4x3x4xf32>, tensor<4x3x4xf32>)
      {grid_window = array<i64: 1, 2>}
      : tensor<1x4x8x4xf32>, tensor<1x4x8x4xf32>, tensor<1x4x8x4xf32>
      -> tensor<1x4x8x4xf32>
  return %o : tensor<1x4x8x4xf32>
}

// -----

func.func @grid_table_type(%q: tensor<1x4x8x4xf32>, %k: tensor<1x4x8x4xf32>,
    %v: tensor<1x4x8x4xf32>, %w: index, %t: tensor<4x3x4xf16>) -> tensor<1x4x8x4xf32> {
  // expected-error @+1 {{expects position operands of element type f32 or the output's, but got 'f16'}}
  %o = attn.attention %q, %k, %v grid_width(%w) position_operands(%t, %t : tensor<4x3x4xf16>, tensor<4x3x4xf16>)
      {grid_window = array<i64: 1, 1>}
      : tensor<1x4x8x4xf32>, tensor<1x4x8x4xf32>, tensor<1x4x8x4xf32>
      -> tensor<1x4x8x4xf32>
  return %o : tensor<1x4x8x4xf32>
}

// -----

func.func @gaussian_without_sigma(%q: tensor<1x4x8x16xf32>, %k: tensor<1x4x8x16xf32>,
                                  %v: tensor<1x4x8x16xf32>, %p: tensor<1x4x8xf32>)
    -> tensor<1x4x8x16xf32> {
  // expected-error @+1 {{expects gaussian_window and gaussian_sigma together}}
  %o = attn.attention %q, %k, %v position_operands(%p : tensor<1x4x8xf32>)
      {gaussian_window = 2}
      : tensor<1x4x8x16xf32>, tensor<1x4x8x16xf32>, tensor<1x4x8x16xf32>
      -> tensor<1x4x8x16xf32>
  return %o : tensor<1x4x8x16xf32>
}

// -----

func.func @sigma_without_gaussian(%q: tensor<1x4x8x16xf32>, %k: tensor<1x4x8x16xf32>,
                                  %v: tensor<1x4x8x16xf32>) -> tensor<1x4x8x16xf32> {
  // expected-error @+1 {{expects gaussian_window and gaussian_sigma together}}
  %o = attn.attention %q, %k, %v {gaussian_sigma = 1.0 : f32}
      : tensor<1x4x8x16xf32>, tensor<1x4x8x16xf32>, tensor<1x4x8x16xf32>
      -> tensor<1x4x8x16xf32>
  return %o : tensor<1x4x8x16xf32>
}

// -----

func.func @negative_relative_clip(%q: tensor<1x4x8x16xf32>, %k: tensor<1x4x8x16xf32>,
                                  %v: tensor<1x4x8x16xf32>) -> tensor<1x4x8x16xf32> {
  // expected-error @+1 {{expects relative_clip in [0, 2^31 - 1]}}
  %o = attn.attention %q, %k, %v {relative_clip = -1}
      : tensor<1x4x8x16xf32>, tensor<1x4x8x16xf32>, tensor<1x4x8x16xf32>
      -> tensor<1x4x8x16xf32>
  return %o : tensor<1x4x8x16xf32>
}

// -----

func.func @negative_gaussian_window(%q: tensor<1x4x8x16xf32>, %k: tensor<1x4x8x16xf32>,
                                    %v: tensor<1x4x8x16xf32>, %p: tensor<1x4x8xf32>)
    -> tensor<1x4x8x16xf32> {
  // expected-error @+1 {{expects gaussian_window >= 0}}
  %o = attn.attention %q, %k, %v position_operands(%p : tensor<1x4x8xf32>)
      {gaussian_window = -3, gaussian_sigma = 1.0 : f32}
      : tensor<1x4x8x16xf32>, tensor<1x4x8x16xf32>, tensor<1x4x8x16xf32>
      -> tensor<1x4x8x16xf32>
  return %o : tensor<1x4x8x16xf32>
}

// -----

func.func @relative_without_tables(%q: tensor<1x4x8x16xf32>, %k: tensor<1x4x8x16xf32>,
                                   %v: tensor<1x4x8x16xf32>) -> tensor<1x4x8x16xf32> {
  // expected-error @+1 {{the positional attributes expects 2 position operands (aK, aV), but got 0}}
  %o = attn.attention %q, %k, %v {relative_clip = 4}
      : tensor<1x4x8x16xf32>, tensor<1x4x8x16xf32>, tensor<1x4x8x16xf32>
      -> tensor<1x4x8x16xf32>
  return %o : tensor<1x4x8x16xf32>
}

// -----

func.func @position_operand_without_attr(%q: tensor<1x4x8x16xf32>,
                                         %k: tensor<1x4x8x16xf32>,
                                         %v: tensor<1x4x8x16xf32>,
                                         %p: tensor<1x4x8xf32>)
    -> tensor<1x4x8x16xf32> {
  // expected-error @+1 {{the positional attributes expects 0 position operands (none), but got 1}}
  %o = attn.attention %q, %k, %v position_operands(%p : tensor<1x4x8xf32>)
      : tensor<1x4x8x16xf32>, tensor<1x4x8x16xf32>, tensor<1x4x8x16xf32>
      -> tensor<1x4x8x16xf32>
  return %o : tensor<1x4x8x16xf32>
}

// -----

func.func @relative_table_rows(%q: tensor<1x4x8x16xf32>, %k: tensor<1x4x8x16xf32>,
                               %v: tensor<1x4x8x16xf32>, %ak: tensor<8x16xf32>,
                               %av: tensor<9x16xf32>) -> tensor<1x4x8x16xf32> {
  // expected-error @+1 {{expects position operands 'aK' of shape [2*clip+1, D] = [9, 16], but got 'tensor<8x16xf32>'}}
  %o = attn.attention %q, %k, %v
      position_operands(%ak, %av : tensor<8x16xf32>, tensor<9x16xf32>)
      {relative_clip = 4}
      : tensor<1x4x8x16xf32>, tensor<1x4x8x16xf32>, tensor<1x4x8x16xf32>
      -> tensor<1x4x8x16xf32>
  return %o : tensor<1x4x8x16xf32>
}

// -----

func.func @relative_value_table(%q: tensor<1x4x8x16xf32>, %k: tensor<1x4x8x16xf32>,
                                %v: tensor<1x4x8x32xf32>, %ak: tensor<9x16xf32>,
                                %av: tensor<9x16xf32>) -> tensor<1x4x8x32xf32> {
  // expected-error @+1 {{expects position operands 'aV' of shape [2*clip+1, Dv] = [9, 32], but got 'tensor<9x16xf32>'}}
  %o = attn.attention %q, %k, %v
      position_operands(%ak, %av : tensor<9x16xf32>, tensor<9x16xf32>)
      {relative_clip = 4}
      : tensor<1x4x8x16xf32>, tensor<1x4x8x16xf32>, tensor<1x4x8x32xf32>
      -> tensor<1x4x8x32xf32>
  return %o : tensor<1x4x8x32xf32>
}

// -----

// The tables' row count 2*clip+1 is static: with `?` rows the C ABI took a
// table of any length and the kernel read rows past its end.
func.func @relative_table_dynamic_rows(%q: tensor<1x4x8x16xf32>, %k: tensor<1x4x8x16xf32>,
                                       %v: tensor<1x4x8x16xf32>, %ak: tensor<?x16xf32>,
                                       %av: tensor<?x16xf32>) -> tensor<1x4x8x16xf32> {
  // expected-error @+1 {{expects position operands 'aK' of shape [2*clip+1, D] = [9, 16], but got 'tensor<?x16xf32>'}}
  %o = attn.attention %q, %k, %v
      position_operands(%ak, %av : tensor<?x16xf32>, tensor<?x16xf32>)
      {relative_clip = 4}
      : tensor<1x4x8x16xf32>, tensor<1x4x8x16xf32>, tensor<1x4x8x16xf32>
      -> tensor<1x4x8x16xf32>
  return %o : tensor<1x4x8x16xf32>
}

// -----

func.func @gaussian_p_shape(%q: tensor<1x4x8x16xf32>, %k: tensor<1x4x8x16xf32>,
                            %v: tensor<1x4x8x16xf32>, %p: tensor<1x1x8xf32>)
    -> tensor<1x4x8x16xf32> {
  // expected-error @+1 {{expects position operands 'p' of shape [B, Hq, Sq] = [1, 4, 8], but got 'tensor<1x1x8xf32>'}}
  %o = attn.attention %q, %k, %v position_operands(%p : tensor<1x1x8xf32>)
      {gaussian_window = 2, gaussian_sigma = 1.0 : f32}
      : tensor<1x4x8x16xf32>, tensor<1x4x8x16xf32>, tensor<1x4x8x16xf32>
      -> tensor<1x4x8x16xf32>
  return %o : tensor<1x4x8x16xf32>
}

// -----

//===----------------------------------------------------------------------===//
// Scalar attributes.
//===----------------------------------------------------------------------===//

func.func @zero_scale(%q: tensor<1x4x8x16xf32>, %k: tensor<1x4x8x16xf32>,
                      %v: tensor<1x4x8x16xf32>) -> tensor<1x4x8x16xf32> {
  // expected-error @+1 {{expects scale to be positive and finite, but got 0}}
  %o = attn.attention %q, %k, %v {scale = 0.0 : f32}
      : tensor<1x4x8x16xf32>, tensor<1x4x8x16xf32>, tensor<1x4x8x16xf32>
      -> tensor<1x4x8x16xf32>
  return %o : tensor<1x4x8x16xf32>
}

// -----

func.func @infinite_scale(%q: tensor<1x4x8x16xf32>, %k: tensor<1x4x8x16xf32>,
                          %v: tensor<1x4x8x16xf32>) -> tensor<1x4x8x16xf32> {
  // expected-error @+1 {{expects scale to be positive and finite, but got INF}}
  %o = attn.attention %q, %k, %v {scale = 0x7F800000 : f32}
      : tensor<1x4x8x16xf32>, tensor<1x4x8x16xf32>, tensor<1x4x8x16xf32>
      -> tensor<1x4x8x16xf32>
  return %o : tensor<1x4x8x16xf32>
}

// -----

func.func @nan_scale(%q: tensor<1x4x8x16xf32>, %k: tensor<1x4x8x16xf32>,
                     %v: tensor<1x4x8x16xf32>) -> tensor<1x4x8x16xf32> {
  // expected-error @+1 {{expects scale to be positive and finite, but got nan}}
  %o = attn.attention %q, %k, %v {scale = 0x7FC00000 : f32}
      : tensor<1x4x8x16xf32>, tensor<1x4x8x16xf32>, tensor<1x4x8x16xf32>
      -> tensor<1x4x8x16xf32>
  return %o : tensor<1x4x8x16xf32>
}

// -----

func.func @negative_softcap(%q: tensor<1x4x8x16xf32>, %k: tensor<1x4x8x16xf32>,
                            %v: tensor<1x4x8x16xf32>) -> tensor<1x4x8x16xf32> {
  // expected-error @+1 {{expects softcap to be positive and finite, but got -5}}
  %o = attn.attention %q, %k, %v {softcap = -5.0 : f32}
      : tensor<1x4x8x16xf32>, tensor<1x4x8x16xf32>, tensor<1x4x8x16xf32>
      -> tensor<1x4x8x16xf32>
  return %o : tensor<1x4x8x16xf32>
}

// -----

func.func @zero_gaussian_sigma(%q: tensor<1x4x8x16xf32>, %k: tensor<1x4x8x16xf32>,
                               %v: tensor<1x4x8x16xf32>, %p: tensor<1x4x8xf32>)
    -> tensor<1x4x8x16xf32> {
  // expected-error @+1 {{expects gaussian_sigma to be positive and finite, but got 0}}
  %o = attn.attention %q, %k, %v position_operands(%p : tensor<1x4x8xf32>)
      {gaussian_window = 2, gaussian_sigma = 0.0 : f32}
      : tensor<1x4x8x16xf32>, tensor<1x4x8x16xf32>, tensor<1x4x8x16xf32>
      -> tensor<1x4x8x16xf32>
  return %o : tensor<1x4x8x16xf32>
}

// -----

func.func @window_size(%q: tensor<1x4x8x16xf32>, %k: tensor<1x4x8x16xf32>,
                       %v: tensor<1x4x8x16xf32>) -> tensor<1x4x8x16xf32> {
  // expected-error @+1 {{expects window = [left, right] with both >= 0}}
  %o = attn.attention %q, %k, %v {window = array<i64: 4>}
      : tensor<1x4x8x16xf32>, tensor<1x4x8x16xf32>, tensor<1x4x8x16xf32>
      -> tensor<1x4x8x16xf32>
  return %o : tensor<1x4x8x16xf32>
}

// -----

func.func @window_negative(%q: tensor<1x4x8x16xf32>, %k: tensor<1x4x8x16xf32>,
                           %v: tensor<1x4x8x16xf32>) -> tensor<1x4x8x16xf32> {
  // expected-error @+1 {{expects window = [left, right] with both >= 0}}
  %o = attn.attention %q, %k, %v {window = array<i64: 4, -1>}
      : tensor<1x4x8x16xf32>, tensor<1x4x8x16xf32>, tensor<1x4x8x16xf32>
      -> tensor<1x4x8x16xf32>
  return %o : tensor<1x4x8x16xf32>
}

// -----

//===----------------------------------------------------------------------===//
// The lse result.
//===----------------------------------------------------------------------===//

func.func @lse_with_sigmoid(%q: tensor<1x4x8x16xf32>, %k: tensor<1x4x8x16xf32>,
                            %v: tensor<1x4x8x16xf32>)
    -> (tensor<1x4x8x16xf32>, tensor<1x4x8xf32>) {
  // expected-error @+1 {{expects the lse result only with a per-row softmax normalizer}}
  %o, %lse = attn.attention %q, %k, %v {normalizer = #attn.normalizer<sigmoid>}
      : tensor<1x4x8x16xf32>, tensor<1x4x8x16xf32>, tensor<1x4x8x16xf32>
      -> tensor<1x4x8x16xf32>, tensor<1x4x8xf32>
  return %o, %lse : tensor<1x4x8x16xf32>, tensor<1x4x8xf32>
}

// -----

func.func @lse_with_multi_dimensional(%q: tensor<1x1x8x16xf32>, %k: tensor<1x1x8x16xf32>,
                                      %v: tensor<1x1x8x16xf32>, %w1: tensor<16x16xf32>,
                                      %w2: tensor<16x16xf32>, %b: tensor<16xf32>)
    -> (tensor<1x1x8x16xf32>, tensor<1x1x8xf32>) {
  // expected-error @+1 {{expects the lse result only with a per-row softmax normalizer}}
  %o, %lse = attn.attention %q, %k, %v
      score_operands(%w1, %w2, %b
                     : tensor<16x16xf32>, tensor<16x16xf32>, tensor<16xf32>)
      {score = #attn.score<multi_dimensional>}
      : tensor<1x1x8x16xf32>, tensor<1x1x8x16xf32>, tensor<1x1x8x16xf32>
      -> tensor<1x1x8x16xf32>, tensor<1x1x8xf32>
  return %o, %lse : tensor<1x1x8x16xf32>, tensor<1x1x8xf32>
}

// -----

func.func @lse_shape(%q: tensor<1x4x8x16xf32>, %k: tensor<1x4x8x16xf32>,
                     %v: tensor<1x4x8x16xf32>)
    -> (tensor<1x4x8x16xf32>, tensor<1x4x8x1xf32>) {
  // expected-error @+1 {{expects lse result of shape [B, Hq, Sq] = [1, 4, 8], but got 'tensor<1x4x8x1xf32>'}}
  %o, %lse = attn.attention %q, %k, %v
      : tensor<1x4x8x16xf32>, tensor<1x4x8x16xf32>, tensor<1x4x8x16xf32>
      -> tensor<1x4x8x16xf32>, tensor<1x4x8x1xf32>
  return %o, %lse : tensor<1x4x8x16xf32>, tensor<1x4x8x1xf32>
}

// -----

//===----------------------------------------------------------------------===//
// Regions.
//===----------------------------------------------------------------------===//

func.func @score_mod_two_blocks(%q: tensor<1x4x8x16xf32>, %k: tensor<1x4x8x16xf32>,
                                %v: tensor<1x4x8x16xf32>) -> tensor<1x4x8x16xf32> {
  // expected-error @+1 {{expects the score_mod region to have one block}}
  %o = attn.attention %q, %k, %v
      : tensor<1x4x8x16xf32>, tensor<1x4x8x16xf32>, tensor<1x4x8x16xf32>
      -> tensor<1x4x8x16xf32>
      score_mod {
      ^bb0(%s: f32, %b: index, %h: index, %i: index, %j: index):
        attn.yield %s : f32
      ^bb1(%t: f32, %b1: index, %h1: index, %i1: index, %j1: index):
        attn.yield %t : f32
      }
  return %o : tensor<1x4x8x16xf32>
}

// -----

func.func @score_mod_arguments(%q: tensor<1x4x8x16xf32>, %k: tensor<1x4x8x16xf32>,
                               %v: tensor<1x4x8x16xf32>) -> tensor<1x4x8x16xf32> {
  // expected-error @+1 {{expects the score_mod region arguments to be (f32, index, index, index, index)}}
  %o = attn.attention %q, %k, %v
      : tensor<1x4x8x16xf32>, tensor<1x4x8x16xf32>, tensor<1x4x8x16xf32>
      -> tensor<1x4x8x16xf32>
      score_mod {
      ^bb0(%s: f32, %i: index, %j: index):
        attn.yield %s : f32
      }
  return %o : tensor<1x4x8x16xf32>
}

// -----

func.func @score_mod_yield_type(%q: tensor<1x4x8x16xf32>, %k: tensor<1x4x8x16xf32>,
                                %v: tensor<1x4x8x16xf32>) -> tensor<1x4x8x16xf32> {
  // expected-error @+1 {{expects the score_mod region to yield 'f32', but it yields 'index'}}
  %o = attn.attention %q, %k, %v
      : tensor<1x4x8x16xf32>, tensor<1x4x8x16xf32>, tensor<1x4x8x16xf32>
      -> tensor<1x4x8x16xf32>
      score_mod {
      ^bb0(%s: f32, %b: index, %h: index, %i: index, %j: index):
        attn.yield %i : index
      }
  return %o : tensor<1x4x8x16xf32>
}

// -----

func.func @score_mod_terminator(%q: tensor<1x4x8x16xf32>, %k: tensor<1x4x8x16xf32>,
                                %v: tensor<1x4x8x16xf32>) -> tensor<1x4x8x16xf32> {
  // expected-error @+1 {{expects the score_mod region to end in attn.yield}}
  %o = attn.attention %q, %k, %v
      : tensor<1x4x8x16xf32>, tensor<1x4x8x16xf32>, tensor<1x4x8x16xf32>
      -> tensor<1x4x8x16xf32>
      score_mod {
      ^bb0(%s: f32, %b: index, %h: index, %i: index, %j: index):
        "test.terminator"(%s) : (f32) -> ()
      }
  return %o : tensor<1x4x8x16xf32>
}

// -----

func.func @score_mod_side_effect(%q: tensor<1x4x8x16xf32>, %k: tensor<1x4x8x16xf32>,
                                 %v: tensor<1x4x8x16xf32>) -> tensor<1x4x8x16xf32> {
  // expected-error @+1 {{expects the score_mod region to hold only side-effect-free ops without regions, but found 'test.opaque'}}
  %o = attn.attention %q, %k, %v
      : tensor<1x4x8x16xf32>, tensor<1x4x8x16xf32>, tensor<1x4x8x16xf32>
      -> tensor<1x4x8x16xf32>
      score_mod {
      ^bb0(%s: f32, %b: index, %h: index, %i: index, %j: index):
        %t = "test.opaque"(%s) : (f32) -> f32
        attn.yield %t : f32
      }
  return %o : tensor<1x4x8x16xf32>
}

// -----

func.func @mask_mod_arguments(%q: tensor<1x4x8x16xf32>, %k: tensor<1x4x8x16xf32>,
                              %v: tensor<1x4x8x16xf32>) -> tensor<1x4x8x16xf32> {
  // expected-error @+1 {{expects the mask_mod region arguments to be (index, index, index, index)}}
  %o = attn.attention %q, %k, %v
      : tensor<1x4x8x16xf32>, tensor<1x4x8x16xf32>, tensor<1x4x8x16xf32>
      -> tensor<1x4x8x16xf32>
      mask_mod {
      ^bb0(%b: index, %h: index, %i: i64, %j: i64):
        %ok = arith.cmpi sle, %j, %i : i64
        attn.yield %ok : i1
      }
  return %o : tensor<1x4x8x16xf32>
}

// -----

func.func @mask_mod_yield_type(%q: tensor<1x4x8x16xf32>, %k: tensor<1x4x8x16xf32>,
                               %v: tensor<1x4x8x16xf32>) -> tensor<1x4x8x16xf32> {
  // expected-error @+1 {{expects the mask_mod region to yield 'i1', but it yields 'index'}}
  %o = attn.attention %q, %k, %v
      : tensor<1x4x8x16xf32>, tensor<1x4x8x16xf32>, tensor<1x4x8x16xf32>
      -> tensor<1x4x8x16xf32>
      mask_mod {
      ^bb0(%b: index, %h: index, %i: index, %j: index):
        %d = arith.subi %i, %j : index
        attn.yield %d : index
      }
  return %o : tensor<1x4x8x16xf32>
}

// -----

func.func @mask_mod_two_blocks(%q: tensor<1x4x8x16xf32>, %k: tensor<1x4x8x16xf32>,
                               %v: tensor<1x4x8x16xf32>) -> tensor<1x4x8x16xf32> {
  // expected-error @+1 {{expects the mask_mod region to have one block}}
  %o = attn.attention %q, %k, %v
      : tensor<1x4x8x16xf32>, tensor<1x4x8x16xf32>, tensor<1x4x8x16xf32>
      -> tensor<1x4x8x16xf32>
      mask_mod {
      ^bb0(%b: index, %h: index, %i: index, %j: index):
        %t = arith.constant true
        attn.yield %t : i1
      ^bb1:
        %f = arith.constant false
        attn.yield %f : i1
      }
  return %o : tensor<1x4x8x16xf32>
}

// -----

func.func @mask_mod_terminator(%q: tensor<1x4x8x16xf32>, %k: tensor<1x4x8x16xf32>,
                               %v: tensor<1x4x8x16xf32>) -> tensor<1x4x8x16xf32> {
  // expected-error @+1 {{expects the mask_mod region to end in attn.yield}}
  %o = attn.attention %q, %k, %v
      : tensor<1x4x8x16xf32>, tensor<1x4x8x16xf32>, tensor<1x4x8x16xf32>
      -> tensor<1x4x8x16xf32>
      mask_mod {
      ^bb0(%b: index, %h: index, %i: index, %j: index):
        %ok = arith.cmpi sle, %j, %i : index
        "test.terminator"(%ok) : (i1) -> ()
      }
  return %o : tensor<1x4x8x16xf32>
}

// -----

func.func @mask_mod_nested_region(%q: tensor<1x4x8x16xf32>, %k: tensor<1x4x8x16xf32>,
                                  %v: tensor<1x4x8x16xf32>) -> tensor<1x4x8x16xf32> {
  // expected-error @+1 {{expects the mask_mod region to hold only side-effect-free ops without regions, but found 'tensor.generate'}}
  %o = attn.attention %q, %k, %v
      : tensor<1x4x8x16xf32>, tensor<1x4x8x16xf32>, tensor<1x4x8x16xf32>
      -> tensor<1x4x8x16xf32>
      mask_mod {
      ^bb0(%b: index, %h: index, %i: index, %j: index):
        %t = tensor.generate {
        ^bb0(%x: index):
          %c = arith.constant true
          tensor.yield %c : i1
        } : tensor<2xi1>
        %ok = arith.cmpi sle, %j, %i : index
        attn.yield %ok : i1
      }
  return %o : tensor<1x4x8x16xf32>
}

// -----

// Region bodies are scalar: attn-tile widens every op to a vector of (query,
// key) pairs and would build vector<16xtensor<2xf32>> out of this.
func.func @score_mod_tensor_value(%q: tensor<1x4x8x16xf32>, %k: tensor<1x4x8x16xf32>,
                                  %v: tensor<1x4x8x16xf32>) -> tensor<1x4x8x16xf32> {
  // expected-error @+1 {{expects the score_mod region to compute on scalars (integers, index, floats), but 'arith.constant' has a value of type 'tensor<2xf32>'}}
  %o = attn.attention %q, %k, %v
      : tensor<1x4x8x16xf32>, tensor<1x4x8x16xf32>, tensor<1x4x8x16xf32>
      -> tensor<1x4x8x16xf32>
      score_mod {
      ^bb0(%s: f32, %b: index, %h: index, %i: index, %j: index):
        %c = arith.constant dense<1.0> : tensor<2xf32>
        %d = arith.addf %c, %c : tensor<2xf32>
        attn.yield %s : f32
      }
  return %o : tensor<1x4x8x16xf32>
}

// -----

func.func @mask_mod_vector_value(%q: tensor<1x4x8x16xf32>, %k: tensor<1x4x8x16xf32>,
                                 %v: tensor<1x4x8x16xf32>) -> tensor<1x4x8x16xf32> {
  // expected-error @+1 {{expects the mask_mod region to compute on scalars (integers, index, floats), but 'vector.broadcast' has a value of type 'vector<4xi1>'}}
  %o = attn.attention %q, %k, %v
      : tensor<1x4x8x16xf32>, tensor<1x4x8x16xf32>, tensor<1x4x8x16xf32>
      -> tensor<1x4x8x16xf32>
      mask_mod {
      ^bb0(%b: index, %h: index, %i: index, %j: index):
        %t = arith.constant true
        %c = vector.broadcast %t : i1 to vector<4xi1>
        %d = arith.andi %c, %c : vector<4xi1>
        attn.yield %t : i1
      }
  return %o : tensor<1x4x8x16xf32>
}

// -----

// A yield outside attn.attention.
func.func @yield_outside() {
  %c = arith.constant true
  // expected-error @+1 {{'attn.yield' op expects parent op 'attn.attention'}}
  attn.yield %c : i1
}

// -----

//===----------------------------------------------------------------------===//
// ODS type and attribute constraints.
//===----------------------------------------------------------------------===//

func.func @integer_query(%q: tensor<1x4x8x16xi32>, %k: tensor<1x4x8x16xf32>,
                         %v: tensor<1x4x8x16xf32>) -> tensor<1x4x8x16xf32> {
  // expected-error @+1 {{operand #0 must be ranked tensor of 32-bit float or 16-bit float or bfloat16 type or f8E4M3FN type values, but got 'tensor<1x4x8x16xi32>'}}
  %o = attn.attention %q, %k, %v
      : tensor<1x4x8x16xi32>, tensor<1x4x8x16xf32>, tensor<1x4x8x16xf32>
      -> tensor<1x4x8x16xf32>
  return %o : tensor<1x4x8x16xf32>
}

// -----

func.func @f64_query(%q: tensor<1x4x8x16xf64>, %k: tensor<1x4x8x16xf64>,
                     %v: tensor<1x4x8x16xf64>) -> tensor<1x4x8x16xf64> {
  // expected-error @+1 {{operand #0 must be ranked tensor of 32-bit float or 16-bit float or bfloat16 type or f8E4M3FN type values}}
  %o = attn.attention %q, %k, %v
      : tensor<1x4x8x16xf64>, tensor<1x4x8x16xf64>, tensor<1x4x8x16xf64>
      -> tensor<1x4x8x16xf64>
  return %o : tensor<1x4x8x16xf64>
}

// -----

func.func @float_mask(%q: tensor<1x4x8x16xf32>, %k: tensor<1x4x8x16xf32>,
                      %v: tensor<1x4x8x16xf32>, %m: tensor<1x1x8x8xf32>)
    -> tensor<1x4x8x16xf32> {
  // expected-error @+1 {{operand #3 must be ranked tensor of 1-bit signless integer values}}
  %o = attn.attention %q, %k, %v mask(%m : tensor<1x1x8x8xf32>)
      : tensor<1x4x8x16xf32>, tensor<1x4x8x16xf32>, tensor<1x4x8x16xf32>
      -> tensor<1x4x8x16xf32>
  return %o : tensor<1x4x8x16xf32>
}

// -----

func.func @i64_key_lengths(%q: tensor<1x4x8x16xf32>, %k: tensor<1x4x8x16xf32>,
                           %v: tensor<1x4x8x16xf32>, %len: tensor<1xi64>)
    -> tensor<1x4x8x16xf32> {
  // expected-error @+1 {{operand #3 must be ranked tensor of 32-bit signless integer values}}
  %o = attn.attention %q, %k, %v key_lengths(%len : tensor<1xi64>)
      : tensor<1x4x8x16xf32>, tensor<1x4x8x16xf32>, tensor<1x4x8x16xf32>
      -> tensor<1x4x8x16xf32>
  return %o : tensor<1x4x8x16xf32>
}

// -----

func.func @f16_lse(%q: tensor<1x4x8x16xf16>, %k: tensor<1x4x8x16xf16>,
                   %v: tensor<1x4x8x16xf16>)
    -> (tensor<1x4x8x16xf16>, tensor<1x4x8xf16>) {
  // expected-error @+1 {{result #1 must be ranked tensor of 32-bit float values}}
  %o, %lse = attn.attention %q, %k, %v
      : tensor<1x4x8x16xf16>, tensor<1x4x8x16xf16>, tensor<1x4x8x16xf16>
      -> tensor<1x4x8x16xf16>, tensor<1x4x8xf16>
  return %o, %lse : tensor<1x4x8x16xf16>, tensor<1x4x8xf16>
}

// -----

func.func @window_not_array(%q: tensor<1x4x8x16xf32>, %k: tensor<1x4x8x16xf32>,
                            %v: tensor<1x4x8x16xf32>) -> tensor<1x4x8x16xf32> {
  // expected-error @+1 {{attribute 'window' failed to satisfy constraint: i64 dense array attribute}}
  %o = attn.attention %q, %k, %v {window = [4, 0]}
      : tensor<1x4x8x16xf32>, tensor<1x4x8x16xf32>, tensor<1x4x8x16xf32>
      -> tensor<1x4x8x16xf32>
  return %o : tensor<1x4x8x16xf32>
}

// -----

func.func @f64_scale(%q: tensor<1x4x8x16xf32>, %k: tensor<1x4x8x16xf32>,
                     %v: tensor<1x4x8x16xf32>) -> tensor<1x4x8x16xf32> {
  // expected-error @+1 {{attribute 'scale' failed to satisfy constraint: 32-bit float attribute}}
  %o = attn.attention %q, %k, %v {scale = 0.5 : f64}
      : tensor<1x4x8x16xf32>, tensor<1x4x8x16xf32>, tensor<1x4x8x16xf32>
      -> tensor<1x4x8x16xf32>
  return %o : tensor<1x4x8x16xf32>
}

// -----

//===----------------------------------------------------------------------===//
// Parse errors.
//===----------------------------------------------------------------------===//

func.func @unknown_score(%q: tensor<1x4x8x16xf32>, %k: tensor<1x4x8x16xf32>,
                         %v: tensor<1x4x8x16xf32>) -> tensor<1x4x8x16xf32> {
  // expected-error @+2 {{expected ::mlir::attn::ScoreKind to be one of: dot, general, additive, cosine, neg_l2, multi_dimensional, compositional}}
  // expected-error @+1 {{failed to parse Attn_ScoreKindAttr parameter 'value' which is to be a `::mlir::attn::ScoreKind`}}
  %o = attn.attention %q, %k, %v {score = #attn.score<bilinear>}
      : tensor<1x4x8x16xf32>, tensor<1x4x8x16xf32>, tensor<1x4x8x16xf32>
      -> tensor<1x4x8x16xf32>
  return %o : tensor<1x4x8x16xf32>
}

// -----

func.func @unknown_normalizer(%q: tensor<1x4x8x16xf32>, %k: tensor<1x4x8x16xf32>,
                              %v: tensor<1x4x8x16xf32>) -> tensor<1x4x8x16xf32> {
  // expected-error @+2 {{expected ::mlir::attn::Normalizer to be one of: softmax, sigmoid, hard, topk, hard_sample, none}}
  // expected-error @+1 {{failed to parse Attn_NormalizerAttr parameter 'value' which is to be a `::mlir::attn::Normalizer`}}
  %o = attn.attention %q, %k, %v {normalizer = #attn.normalizer<sparsemax>}
      : tensor<1x4x8x16xf32>, tensor<1x4x8x16xf32>, tensor<1x4x8x16xf32>
      -> tensor<1x4x8x16xf32>
  return %o : tensor<1x4x8x16xf32>
}

// -----

func.func @missing_types(%q: tensor<1x4x8x16xf32>, %k: tensor<1x4x8x16xf32>,
                         %v: tensor<1x4x8x16xf32>) -> tensor<1x4x8x16xf32> {
  // expected-error @+1 {{expected ':'}}
  %o = attn.attention %q, %k, %v
  return %o : tensor<1x4x8x16xf32>
}

// -----

func.func @missing_mask_type(%q: tensor<1x4x8x16xf32>, %k: tensor<1x4x8x16xf32>,
                             %v: tensor<1x4x8x16xf32>, %m: tensor<1x1x8x8xi1>)
    -> tensor<1x4x8x16xf32> {
  // expected-error @+1 {{expected ':'}}
  %o = attn.attention %q, %k, %v mask(%m)
      : tensor<1x4x8x16xf32>, tensor<1x4x8x16xf32>, tensor<1x4x8x16xf32>
      -> tensor<1x4x8x16xf32>
  return %o : tensor<1x4x8x16xf32>
}

// -----

func.func @unknown_region_keyword(%q: tensor<1x4x8x16xf32>, %k: tensor<1x4x8x16xf32>,
                                  %v: tensor<1x4x8x16xf32>) -> tensor<1x4x8x16xf32> {
  %o = attn.attention %q, %k, %v
      : tensor<1x4x8x16xf32>, tensor<1x4x8x16xf32>, tensor<1x4x8x16xf32>
      -> tensor<1x4x8x16xf32>
      // expected-error @+1 {{custom op 'bias_mod' is unknown}}
      bias_mod {
      ^bb0(%s: f32):
        attn.yield %s : f32
      }
  return %o : tensor<1x4x8x16xf32>
}

// -----

func.func @output_type_count(%q: tensor<1x4x8x16xf32>, %k: tensor<1x4x8x16xf32>,
                             %v: tensor<1x4x8x16xf32>) -> tensor<1x4x8x16xf32> {
  // expected-error @+1 {{operation defines 2 results but was provided 1 to bind}}
  %o = attn.attention %q, %k, %v
      : tensor<1x4x8x16xf32>, tensor<1x4x8x16xf32>, tensor<1x4x8x16xf32>
      -> tensor<1x4x8x16xf32>, tensor<1x4x8xf32>
  return %o : tensor<1x4x8x16xf32>
}

// -----

func.func @zero_kv_heads(%q: tensor<1x2x8x16xf32>, %k: tensor<1x0x8x16xf32>, %v: tensor<1x0x8x16xf32>) -> tensor<1x2x8x16xf32> {
  // expected-error @+1 {{expects at least one head and a head dimension of at least 1}}
  %o = attn.attention %q, %k, %v : tensor<1x2x8x16xf32>, tensor<1x0x8x16xf32>, tensor<1x0x8x16xf32> -> tensor<1x2x8x16xf32>
  return %o : tensor<1x2x8x16xf32>
}

// -----

func.func @negative_top_k(%q: tensor<1x2x8x16xf32>, %k: tensor<1x2x8x16xf32>, %v: tensor<1x2x8x16xf32>) -> tensor<1x2x8x16xf32> {
  // expected-error @+1 {{expects top_k >= 1, but got -1}}
  %o = attn.attention %q, %k, %v {normalizer = #attn.normalizer<topk>, top_k = -1 : i64} : tensor<1x2x8x16xf32>, tensor<1x2x8x16xf32>, tensor<1x2x8x16xf32> -> tensor<1x2x8x16xf32>
  return %o : tensor<1x2x8x16xf32>
}

// -----

func.func @huge_relative_clip(%q: tensor<1x2x8x16xf32>, %k: tensor<1x2x8x16xf32>, %v: tensor<1x2x8x16xf32>, %a: tensor<3x16xf32>) -> tensor<1x2x8x16xf32> {
  // expected-error @+1 {{expects relative_clip in [0, 2^31 - 1]}}
  %o = attn.attention %q, %k, %v position_operands(%a, %a : tensor<3x16xf32>, tensor<3x16xf32>) {relative_clip = 9223372036854775807 : i64} : tensor<1x2x8x16xf32>, tensor<1x2x8x16xf32>, tensor<1x2x8x16xf32> -> tensor<1x2x8x16xf32>
  return %o : tensor<1x2x8x16xf32>
}

// -----

func.func @score_operand_type(%q: tensor<1x2x8x16xf32>, %k: tensor<1x2x8x16xf32>, %v: tensor<1x2x8x16xf32>, %w: tensor<16x16xbf16>) -> tensor<1x2x8x16xf32> {
  // expected-error @+1 {{expects score operands of element type f32 or 'f32', but got 'bf16'}}
  %o = attn.attention %q, %k, %v score_operands(%w : tensor<16x16xbf16>) {score = #attn.score<general>} : tensor<1x2x8x16xf32>, tensor<1x2x8x16xf32>, tensor<1x2x8x16xf32> -> tensor<1x2x8x16xf32>
  return %o : tensor<1x2x8x16xf32>
}

// -----

func.func @position_operand_type(%q: tensor<1x2x8x16xf32>, %k: tensor<1x2x8x16xf32>, %v: tensor<1x2x8x16xf32>, %p: tensor<1x2x8xf16>) -> tensor<1x2x8x16xf32> {
  // expected-error @+1 {{expects position operands of element type f32, but got 'f16'}}
  %o = attn.attention %q, %k, %v position_operands(%p : tensor<1x2x8xf16>) {gaussian_window = 8 : i64, gaussian_sigma = 4.0 : f32} : tensor<1x2x8x16xf32>, tensor<1x2x8x16xf32>, tensor<1x2x8x16xf32> -> tensor<1x2x8x16xf32>
  return %o : tensor<1x2x8x16xf32>
}

// -----

func.func @unknown_alignment(%q: tensor<1x1x4x8xf32>) -> tensor<1x1x4x8xf32> {
  // expected-error @+2 {{expected ::mlir::attn::Alignment to be one of: bottom_right, top_left}}
  // expected-error @+1 {{failed to parse Attn_AlignmentAttr parameter 'value'}}
  %o = attn.attention %q, %q, %q {causal, align = #attn.align<middle>}
      : tensor<1x1x4x8xf32>, tensor<1x1x4x8xf32>, tensor<1x1x4x8xf32>
      -> tensor<1x1x4x8xf32>
  return %o : tensor<1x1x4x8xf32>
}

// -----

func.func @block_table_rank(%q: tensor<2x4x1x16xf32>, %k: tensor<9x4x8x16xf32>,
                            %v: tensor<9x4x8x16xf32>, %bt: tensor<2xi32>)
    -> tensor<2x4x1x16xf32> {
  // expected-error @+1 {{expects block_table of rank 2 ([B, P]), but got 'tensor<2xi32>'}}
  %o = attn.attention %q, %k, %v block_table(%bt : tensor<2xi32>)
      : tensor<2x4x1x16xf32>, tensor<9x4x8x16xf32>, tensor<9x4x8x16xf32>
      -> tensor<2x4x1x16xf32>
  return %o : tensor<2x4x1x16xf32>
}

// -----

func.func @block_table_batch(%q: tensor<2x4x1x16xf32>, %k: tensor<9x4x8x16xf32>,
                             %v: tensor<9x4x8x16xf32>, %bt: tensor<3x5xi32>)
    -> tensor<2x4x1x16xf32> {
  // expected-error @+1 {{expects block_table of shape [B, P] = [2, 5], but got 'tensor<3x5xi32>'}}
  %o = attn.attention %q, %k, %v block_table(%bt : tensor<3x5xi32>)
      : tensor<2x4x1x16xf32>, tensor<9x4x8x16xf32>, tensor<9x4x8x16xf32>
      -> tensor<2x4x1x16xf32>
  return %o : tensor<2x4x1x16xf32>
}

// -----

func.func @block_table_i64(%q: tensor<2x4x1x16xf32>, %k: tensor<9x4x8x16xf32>,
                           %v: tensor<9x4x8x16xf32>, %bt: tensor<2x5xi64>)
    -> tensor<2x4x1x16xf32> {
  // expected-error @+1 {{operand #3 must be ranked tensor of 32-bit signless integer values}}
  %o = attn.attention %q, %k, %v block_table(%bt : tensor<2x5xi64>)
      : tensor<2x4x1x16xf32>, tensor<9x4x8x16xf32>, tensor<9x4x8x16xf32>
      -> tensor<2x4x1x16xf32>
  return %o : tensor<2x4x1x16xf32>
}

// -----

func.func @page_pools_pages(%q: tensor<2x4x1x16xf32>, %k: tensor<9x4x8x16xf32>,
                            %v: tensor<7x4x8x16xf32>, %bt: tensor<2x5xi32>)
    -> tensor<2x4x1x16xf32> {
  // expected-error @+1 {{expects value page pool of shape [num_pages, Hkv, page_size, Dv] = [9, 4, 8, 16], but got 'tensor<7x4x8x16xf32>'}}
  %o = attn.attention %q, %k, %v block_table(%bt : tensor<2x5xi32>)
      : tensor<2x4x1x16xf32>, tensor<9x4x8x16xf32>, tensor<7x4x8x16xf32>
      -> tensor<2x4x1x16xf32>
  return %o : tensor<2x4x1x16xf32>
}

// -----

func.func @page_pools_page_size(%q: tensor<2x4x1x16xf32>, %k: tensor<9x4x8x16xf32>,
                                %v: tensor<9x4x16x16xf32>, %bt: tensor<2x5xi32>)
    -> tensor<2x4x1x16xf32> {
  // expected-error @+1 {{expects value page pool of shape [num_pages, Hkv, page_size, Dv] = [9, 4, 8, 16], but got 'tensor<9x4x16x16xf32>'}}
  %o = attn.attention %q, %k, %v block_table(%bt : tensor<2x5xi32>)
      : tensor<2x4x1x16xf32>, tensor<9x4x8x16xf32>, tensor<9x4x16x16xf32>
      -> tensor<2x4x1x16xf32>
  return %o : tensor<2x4x1x16xf32>
}

// -----

func.func @page_pool_head_dim(%q: tensor<2x4x1x16xf32>, %k: tensor<9x4x8x32xf32>,
                              %v: tensor<9x4x8x16xf32>, %bt: tensor<2x5xi32>)
    -> tensor<2x4x1x16xf32> {
  // expected-error @+1 {{expects key page pool of shape [num_pages, Hkv, page_size, D] = [9, 4, 8, 16], but got 'tensor<9x4x8x32xf32>'}}
  %o = attn.attention %q, %k, %v block_table(%bt : tensor<2x5xi32>)
      : tensor<2x4x1x16xf32>, tensor<9x4x8x32xf32>, tensor<9x4x8x16xf32>
      -> tensor<2x4x1x16xf32>
  return %o : tensor<2x4x1x16xf32>
}

// -----

func.func @page_size_zero(%q: tensor<2x4x1x16xf32>, %k: tensor<9x4x0x16xf32>,
                          %v: tensor<9x4x0x16xf32>, %bt: tensor<2x5xi32>)
    -> tensor<2x4x1x16xf32> {
  // expected-error @+1 {{expects a page size of at least 1, but got the key page pool 'tensor<9x4x0x16xf32>'}}
  %o = attn.attention %q, %k, %v block_table(%bt : tensor<2x5xi32>)
      : tensor<2x4x1x16xf32>, tensor<9x4x0x16xf32>, tensor<9x4x0x16xf32>
      -> tensor<2x4x1x16xf32>
  return %o : tensor<2x4x1x16xf32>
}

// -----

func.func @paged_mask_dynamic_keys(%q: tensor<2x4x1x16xf32>, %k: tensor<9x4x8x16xf32>,
                                   %v: tensor<9x4x8x16xf32>, %bt: tensor<2x?xi32>,
                                   %m: tensor<2x1x1x?xi1>)
    -> tensor<2x4x1x16xf32> {
  // expected-error @+1 {{expects a mask over a paged key/value cache to have a key dimension of 1, or static P, page_size and key dimension (P * page_size), but got block_table 'tensor<2x?xi32>', key page pool 'tensor<9x4x8x16xf32>' and mask 'tensor<2x1x1x?xi1>'}}
  %o = attn.attention %q, %k, %v mask(%m : tensor<2x1x1x?xi1>)
      block_table(%bt : tensor<2x?xi32>)
      : tensor<2x4x1x16xf32>, tensor<9x4x8x16xf32>, tensor<9x4x8x16xf32>
      -> tensor<2x4x1x16xf32>
  return %o : tensor<2x4x1x16xf32>
}

// -----

func.func @paged_bias_keys(%q: tensor<2x4x1x16xf32>, %k: tensor<9x4x8x16xf32>,
                           %v: tensor<9x4x8x16xf32>, %bt: tensor<2x5xi32>,
                           %b: tensor<2x4x1x32xf32>)
    -> tensor<2x4x1x16xf32> {
  // expected-error @+1 {{expects bias broadcastable to (each dimension 1 or) [B, Hq, Sq, Skv] = [2, 4, 1, 40], but got 'tensor<2x4x1x32xf32>'}}
  %o = attn.attention %q, %k, %v bias(%b : tensor<2x4x1x32xf32>)
      block_table(%bt : tensor<2x5xi32>)
      : tensor<2x4x1x16xf32>, tensor<9x4x8x16xf32>, tensor<9x4x8x16xf32>
      -> tensor<2x4x1x16xf32>
  return %o : tensor<2x4x1x16xf32>
}
