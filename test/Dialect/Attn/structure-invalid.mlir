// RUN: attn-opt %s -split-input-file -verify-diagnostics

// One case per diagnostic of the structural ops' verifiers
// (lib/Dialect/Attn/IR/StructureOps.cpp), plus the f32 ODS constraint.

//===----------------------------------------------------------------------===//
// attn.multi_head
//===----------------------------------------------------------------------===//


// -----

func.func @mh_query_rank(%xq: tensor<2x64xf32>, %xkv: tensor<2x?x64xf32>, %wq: tensor<64x64xf32>, %wk: tensor<64x64xf32>, %wv: tensor<64x64xf32>, %wo: tensor<64x64xf32>) -> tensor<2x?x64xf32> {
  // expected-error @+1 {{'attn.multi_head' op expects query_input of rank 3 ([B, Sq, E]), but got 'tensor<2x64xf32>'}}
  %y = attn.multi_head %xq, %xkv, %wq, %wk, %wv, %wo {num_heads = 8 : i64}
      : tensor<2x64xf32>, tensor<2x?x64xf32>, tensor<64x64xf32>,
        tensor<64x64xf32>, tensor<64x64xf32>, tensor<64x64xf32> -> tensor<2x?x64xf32>
  return %y : tensor<2x?x64xf32>
}

// -----

func.func @mh_dynamic_e(%xq: tensor<2x?x?xf32>, %xkv: tensor<2x?x64xf32>, %wq: tensor<64x64xf32>, %wk: tensor<64x64xf32>, %wv: tensor<64x64xf32>, %wo: tensor<64x64xf32>) -> tensor<2x?x64xf32> {
  // expected-error @+1 {{expects a static E (dimension 2 of query_input), but got 'tensor<2x?x?xf32>'}}
  %y = attn.multi_head %xq, %xkv, %wq, %wk, %wv, %wo {num_heads = 8 : i64}
      : tensor<2x?x?xf32>, tensor<2x?x64xf32>, tensor<64x64xf32>,
        tensor<64x64xf32>, tensor<64x64xf32>, tensor<64x64xf32> -> tensor<2x?x64xf32>
  return %y : tensor<2x?x64xf32>
}

// -----

func.func @mh_empty_e(%xq: tensor<2x?x0xf32>, %xkv: tensor<2x?x64xf32>, %wq: tensor<64x64xf32>, %wk: tensor<64x64xf32>, %wv: tensor<64x64xf32>, %wo: tensor<64x64xf32>) -> tensor<2x?x64xf32> {
  // expected-error @+1 {{expects E >= 1, but got 'tensor<2x?x0xf32>'}}
  %y = attn.multi_head %xq, %xkv, %wq, %wk, %wv, %wo {num_heads = 8 : i64}
      : tensor<2x?x0xf32>, tensor<2x?x64xf32>, tensor<64x64xf32>,
        tensor<64x64xf32>, tensor<64x64xf32>, tensor<64x64xf32> -> tensor<2x?x64xf32>
  return %y : tensor<2x?x64xf32>
}

// -----

func.func @mh_heads_divide(%xq: tensor<2x?x64xf32>, %xkv: tensor<2x?x64xf32>, %wq: tensor<64x64xf32>, %wk: tensor<64x64xf32>, %wv: tensor<64x64xf32>, %wo: tensor<64x64xf32>) -> tensor<2x?x64xf32> {
  // expected-error @+1 {{expects num_heads to divide the model dimension E = 64, but got 7}}
  %y = attn.multi_head %xq, %xkv, %wq, %wk, %wv, %wo {num_heads = 7 : i64}
      : tensor<2x?x64xf32>, tensor<2x?x64xf32>, tensor<64x64xf32>,
        tensor<64x64xf32>, tensor<64x64xf32>, tensor<64x64xf32> -> tensor<2x?x64xf32>
  return %y : tensor<2x?x64xf32>
}

// -----

func.func @mh_zero_heads(%xq: tensor<2x?x64xf32>, %xkv: tensor<2x?x64xf32>, %wq: tensor<64x64xf32>, %wk: tensor<64x64xf32>, %wv: tensor<64x64xf32>, %wo: tensor<64x64xf32>) -> tensor<2x?x64xf32> {
  // expected-error @+1 {{expects num_heads to divide the model dimension E = 64, but got 0}}
  %y = attn.multi_head %xq, %xkv, %wq, %wk, %wv, %wo {num_heads = 0 : i64}
      : tensor<2x?x64xf32>, tensor<2x?x64xf32>, tensor<64x64xf32>,
        tensor<64x64xf32>, tensor<64x64xf32>, tensor<64x64xf32> -> tensor<2x?x64xf32>
  return %y : tensor<2x?x64xf32>
}

// -----

func.func @mh_kv_heads(%xq: tensor<2x?x64xf32>, %xkv: tensor<2x?x64xf32>, %wq: tensor<64x64xf32>, %wk: tensor<64x64xf32>, %wv: tensor<64x64xf32>, %wo: tensor<64x64xf32>) -> tensor<2x?x64xf32> {
  // expected-error @+1 {{expects num_kv_heads to divide num_heads = 8, but got 3}}
  %y = attn.multi_head %xq, %xkv, %wq, %wk, %wv, %wo {num_heads = 8 : i64, num_kv_heads = 3 : i64}
      : tensor<2x?x64xf32>, tensor<2x?x64xf32>, tensor<64x64xf32>,
        tensor<64x64xf32>, tensor<64x64xf32>, tensor<64x64xf32> -> tensor<2x?x64xf32>
  return %y : tensor<2x?x64xf32>
}

// -----

func.func @mh_kv_batch(%xq: tensor<2x?x64xf32>, %xkv: tensor<3x?x64xf32>, %wq: tensor<64x64xf32>, %wk: tensor<64x64xf32>, %wv: tensor<64x64xf32>, %wo: tensor<64x64xf32>) -> tensor<2x?x64xf32> {
  // expected-error @+1 {{expects kv_input of shape [B, Skv, E] = [2, ?, 64], but got 'tensor<3x?x64xf32>'}}
  %y = attn.multi_head %xq, %xkv, %wq, %wk, %wv, %wo {num_heads = 8 : i64}
      : tensor<2x?x64xf32>, tensor<3x?x64xf32>, tensor<64x64xf32>,
        tensor<64x64xf32>, tensor<64x64xf32>, tensor<64x64xf32> -> tensor<2x?x64xf32>
  return %y : tensor<2x?x64xf32>
}

// -----

func.func @mh_kv_width(%xq: tensor<2x?x64xf32>, %xkv: tensor<2x?x32xf32>, %wq: tensor<64x64xf32>, %wk: tensor<64x64xf32>, %wv: tensor<64x64xf32>, %wo: tensor<64x64xf32>) -> tensor<2x?x64xf32> {
  // expected-error @+1 {{expects kv_input of shape [B, Skv, E] = [2, ?, 64], but got 'tensor<2x?x32xf32>'}}
  %y = attn.multi_head %xq, %xkv, %wq, %wk, %wv, %wo {num_heads = 8 : i64}
      : tensor<2x?x64xf32>, tensor<2x?x32xf32>, tensor<64x64xf32>,
        tensor<64x64xf32>, tensor<64x64xf32>, tensor<64x64xf32> -> tensor<2x?x64xf32>
  return %y : tensor<2x?x64xf32>
}

// -----

func.func @mh_wq(%xq: tensor<2x?x64xf32>, %xkv: tensor<2x?x64xf32>, %wq: tensor<64x32xf32>, %wk: tensor<64x64xf32>, %wv: tensor<64x64xf32>, %wo: tensor<64x64xf32>) -> tensor<2x?x64xf32> {
  // expected-error @+1 {{expects Wq of shape [E, E] = [64, 64], but got 'tensor<64x32xf32>'}}
  %y = attn.multi_head %xq, %xkv, %wq, %wk, %wv, %wo {num_heads = 8 : i64}
      : tensor<2x?x64xf32>, tensor<2x?x64xf32>, tensor<64x32xf32>,
        tensor<64x64xf32>, tensor<64x64xf32>, tensor<64x64xf32> -> tensor<2x?x64xf32>
  return %y : tensor<2x?x64xf32>
}

// -----

func.func @mh_wk_gqa(%xq: tensor<2x?x64xf32>, %xkv: tensor<2x?x64xf32>, %wq: tensor<64x64xf32>, %wk: tensor<64x64xf32>, %wv: tensor<64x64xf32>, %wo: tensor<64x64xf32>) -> tensor<2x?x64xf32> {
  // expected-error @+1 {{expects Wk of shape [E, Hkv*D] = [64, 16], but got 'tensor<64x64xf32>'}}
  %y = attn.multi_head %xq, %xkv, %wq, %wk, %wv, %wo {num_heads = 8 : i64, num_kv_heads = 2 : i64}
      : tensor<2x?x64xf32>, tensor<2x?x64xf32>, tensor<64x64xf32>,
        tensor<64x64xf32>, tensor<64x64xf32>, tensor<64x64xf32> -> tensor<2x?x64xf32>
  return %y : tensor<2x?x64xf32>
}

// -----

func.func @mh_wv(%xq: tensor<2x?x64xf32>, %xkv: tensor<2x?x64xf32>, %wq: tensor<64x64xf32>, %wk: tensor<64x64xf32>, %wv: tensor<32x64xf32>, %wo: tensor<64x64xf32>) -> tensor<2x?x64xf32> {
  // expected-error @+1 {{expects Wv of shape [E, Hkv*D] = [64, 64], but got 'tensor<32x64xf32>'}}
  %y = attn.multi_head %xq, %xkv, %wq, %wk, %wv, %wo {num_heads = 8 : i64}
      : tensor<2x?x64xf32>, tensor<2x?x64xf32>, tensor<64x64xf32>,
        tensor<64x64xf32>, tensor<32x64xf32>, tensor<64x64xf32> -> tensor<2x?x64xf32>
  return %y : tensor<2x?x64xf32>
}

// -----

func.func @mh_wo(%xq: tensor<2x?x64xf32>, %xkv: tensor<2x?x64xf32>, %wq: tensor<64x64xf32>, %wk: tensor<64x64xf32>, %wv: tensor<64x64xf32>, %wo: tensor<64x64x1xf32>) -> tensor<2x?x64xf32> {
  // expected-error @+1 {{expects Wo of shape [E, E] = [64, 64], but got 'tensor<64x64x1xf32>'}}
  %y = attn.multi_head %xq, %xkv, %wq, %wk, %wv, %wo {num_heads = 8 : i64}
      : tensor<2x?x64xf32>, tensor<2x?x64xf32>, tensor<64x64xf32>,
        tensor<64x64xf32>, tensor<64x64xf32>, tensor<64x64x1xf32> -> tensor<2x?x64xf32>
  return %y : tensor<2x?x64xf32>
}

// -----

func.func @mh_gates(%xq: tensor<2x?x64xf32>, %xkv: tensor<2x?x64xf32>, %wq: tensor<64x64xf32>, %wk: tensor<64x64xf32>, %wv: tensor<64x64xf32>, %wo: tensor<64x64xf32>, %g: tensor<4xf32>) -> tensor<2x?x64xf32> {
  // expected-error @+1 {{expects head_gates of shape [num_heads] = [8], but got 'tensor<4xf32>'}}
  %y = attn.multi_head %xq, %xkv, %wq, %wk, %wv, %wo head_gates(%g : tensor<4xf32>) {num_heads = 8 : i64}
      : tensor<2x?x64xf32>, tensor<2x?x64xf32>, tensor<64x64xf32>,
        tensor<64x64xf32>, tensor<64x64xf32>, tensor<64x64xf32> -> tensor<2x?x64xf32>
  return %y : tensor<2x?x64xf32>
}

// -----

func.func @mh_output(%xq: tensor<2x?x64xf32>, %xkv: tensor<2x?x64xf32>, %wq: tensor<64x64xf32>, %wk: tensor<64x64xf32>, %wv: tensor<64x64xf32>, %wo: tensor<64x64xf32>) -> tensor<2x?x32xf32> {
  // expected-error @+1 {{expects output of shape [B, Sq, E] = [2, ?, 64], but got 'tensor<2x?x32xf32>'}}
  %y = attn.multi_head %xq, %xkv, %wq, %wk, %wv, %wo {num_heads = 8 : i64}
      : tensor<2x?x64xf32>, tensor<2x?x64xf32>, tensor<64x64xf32>,
        tensor<64x64xf32>, tensor<64x64xf32>, tensor<64x64xf32> -> tensor<2x?x32xf32>
  return %y : tensor<2x?x32xf32>
}

// -----

func.func @mh_f16(%xq: tensor<2x?x64xf16>, %xkv: tensor<2x?x64xf32>, %wq: tensor<64x64xf32>, %wk: tensor<64x64xf32>, %wv: tensor<64x64xf32>, %wo: tensor<64x64xf32>) -> tensor<2x?x64xf32> {
  // expected-error @+1 {{operand #0 must be ranked tensor of 32-bit float values, but got 'tensor<2x?x64xf16>'}}
  %y = attn.multi_head %xq, %xkv, %wq, %wk, %wv, %wo {num_heads = 8 : i64}
      : tensor<2x?x64xf16>, tensor<2x?x64xf32>, tensor<64x64xf32>,
        tensor<64x64xf32>, tensor<64x64xf32>, tensor<64x64xf32> -> tensor<2x?x64xf32>
  return %y : tensor<2x?x64xf32>
}

// -----

//===----------------------------------------------------------------------===//
// attn.feed_forward_pool
//===----------------------------------------------------------------------===//

func.func @ffp_rank(%h: tensor<?x64xf32>, %w: tensor<64x32xf32>, %b: tensor<32xf32>, %u: tensor<32xf32>) -> tensor<64xf32> {
  // expected-error @+1 {{'attn.feed_forward_pool' op expects hidden of rank >= 3 ([..., S, E], at least one batch dimension), but got 'tensor<?x64xf32>'}}
  %c = attn.feed_forward_pool %h, %w, %b, %u
      : tensor<?x64xf32>, tensor<64x32xf32>, tensor<32xf32>, tensor<32xf32> -> tensor<64xf32>
  return %c : tensor<64xf32>
}

// -----

func.func @ffp_dynamic_e(%h: tensor<?x?x?xf32>, %w: tensor<64x32xf32>, %b: tensor<32xf32>, %u: tensor<32xf32>) -> tensor<?x64xf32> {
  // expected-error @+1 {{expects a static E (dimension 2 of hidden), but got 'tensor<?x?x?xf32>'}}
  %c = attn.feed_forward_pool %h, %w, %b, %u
      : tensor<?x?x?xf32>, tensor<64x32xf32>, tensor<32xf32>, tensor<32xf32> -> tensor<?x64xf32>
  return %c : tensor<?x64xf32>
}

// -----

func.func @ffp_w(%h: tensor<?x?x64xf32>, %w: tensor<32x32xf32>, %b: tensor<32xf32>, %u: tensor<32xf32>) -> tensor<?x64xf32> {
  // expected-error @+1 {{expects W of shape [E, A] = [64, 32], but got 'tensor<32x32xf32>'}}
  %c = attn.feed_forward_pool %h, %w, %b, %u
      : tensor<?x?x64xf32>, tensor<32x32xf32>, tensor<32xf32>, tensor<32xf32> -> tensor<?x64xf32>
  return %c : tensor<?x64xf32>
}

// -----

func.func @ffp_b(%h: tensor<?x?x64xf32>, %w: tensor<64x32xf32>, %b: tensor<16xf32>, %u: tensor<32xf32>) -> tensor<?x64xf32> {
  // expected-error @+1 {{expects b of shape [A] = [32], but got 'tensor<16xf32>'}}
  %c = attn.feed_forward_pool %h, %w, %b, %u
      : tensor<?x?x64xf32>, tensor<64x32xf32>, tensor<16xf32>, tensor<32xf32> -> tensor<?x64xf32>
  return %c : tensor<?x64xf32>
}

// -----

func.func @ffp_u(%h: tensor<?x?x64xf32>, %w: tensor<64x32xf32>, %b: tensor<32xf32>, %u: tensor<32x1xf32>) -> tensor<?x64xf32> {
  // expected-error @+1 {{expects u of shape [A] = [32], but got 'tensor<32x1xf32>'}}
  %c = attn.feed_forward_pool %h, %w, %b, %u
      : tensor<?x?x64xf32>, tensor<64x32xf32>, tensor<32xf32>, tensor<32x1xf32> -> tensor<?x64xf32>
  return %c : tensor<?x64xf32>
}

// -----

func.func @ffp_output(%h: tensor<4x?x?x64xf32>, %w: tensor<64x32xf32>, %b: tensor<32xf32>, %u: tensor<32xf32>) -> tensor<4x64xf32> {
  // expected-error @+1 {{expects output of shape [N0, N1, E] = [4, ?, 64], but got 'tensor<4x64xf32>'}}
  %c = attn.feed_forward_pool %h, %w, %b, %u
      : tensor<4x?x?x64xf32>, tensor<64x32xf32>, tensor<32xf32>, tensor<32xf32> -> tensor<4x64xf32>
  return %c : tensor<4x64xf32>
}

// -----

//===----------------------------------------------------------------------===//
// attn.co_attention
//===----------------------------------------------------------------------===//

func.func @co_rank(%a: tensor<?x64xf32>, %b: tensor<2x?x64xf32>) -> (tensor<2x?x64xf32>, tensor<2x?x64xf32>) {
  // expected-error @+1 {{'attn.co_attention' op expects a of rank 3 ([B, Na, D]), but got 'tensor<?x64xf32>'}}
  %a2, %b2 = attn.co_attention %a, %b : tensor<?x64xf32>, tensor<2x?x64xf32> -> tensor<2x?x64xf32>, tensor<2x?x64xf32>
  return %a2, %b2 : tensor<2x?x64xf32>, tensor<2x?x64xf32>
}

// -----

func.func @co_dynamic_d(%a: tensor<2x?x?xf32>, %b: tensor<2x?x64xf32>) -> (tensor<2x?x64xf32>, tensor<2x?x64xf32>) {
  // expected-error @+1 {{expects a static D (dimension 2 of a), but got 'tensor<2x?x?xf32>'}}
  %a2, %b2 = attn.co_attention %a, %b : tensor<2x?x?xf32>, tensor<2x?x64xf32> -> tensor<2x?x64xf32>, tensor<2x?x64xf32>
  return %a2, %b2 : tensor<2x?x64xf32>, tensor<2x?x64xf32>
}

// -----

func.func @co_b(%a: tensor<2x?x64xf32>, %b: tensor<2x?x32xf32>) -> (tensor<2x?x64xf32>, tensor<2x?x64xf32>) {
  // expected-error @+1 {{expects b of shape [B, Nb, D] = [2, ?, 64], but got 'tensor<2x?x32xf32>'}}
  %a2, %b2 = attn.co_attention %a, %b : tensor<2x?x64xf32>, tensor<2x?x32xf32> -> tensor<2x?x64xf32>, tensor<2x?x64xf32>
  return %a2, %b2 : tensor<2x?x64xf32>, tensor<2x?x64xf32>
}

// -----

func.func @co_a_out(%a: tensor<2x5x64xf32>, %b: tensor<2x?x64xf32>) -> (tensor<2x6x64xf32>, tensor<2x?x64xf32>) {
  // expected-error @+1 {{expects result a' of shape [B, Na, D] = [2, 5, 64], but got 'tensor<2x6x64xf32>'}}
  %a2, %b2 = attn.co_attention %a, %b : tensor<2x5x64xf32>, tensor<2x?x64xf32> -> tensor<2x6x64xf32>, tensor<2x?x64xf32>
  return %a2, %b2 : tensor<2x6x64xf32>, tensor<2x?x64xf32>
}

// -----

func.func @co_b_out(%a: tensor<2x?x64xf32>, %b: tensor<2x7x64xf32>) -> (tensor<2x?x64xf32>, tensor<2x5x64xf32>) {
  // expected-error @+1 {{expects result b' of shape [B, Nb, D] = [2, 7, 64], but got 'tensor<2x5x64xf32>'}}
  %a2, %b2 = attn.co_attention %a, %b : tensor<2x?x64xf32>, tensor<2x7x64xf32> -> tensor<2x?x64xf32>, tensor<2x5x64xf32>
  return %a2, %b2 : tensor<2x?x64xf32>, tensor<2x5x64xf32>
}

// -----

//===----------------------------------------------------------------------===//
// attn.attention_over_attention
//===----------------------------------------------------------------------===//

func.func @aoa_rank(%d: tensor<2x?x4x64xf32>, %q: tensor<2x?x64xf32>) -> tensor<2x?xf32> {
  // expected-error @+1 {{'attn.attention_over_attention' op expects document of rank 3 ([B, Nd, D]), but got 'tensor<2x?x4x64xf32>'}}
  %s = attn.attention_over_attention %d, %q : tensor<2x?x4x64xf32>, tensor<2x?x64xf32> -> tensor<2x?xf32>
  return %s : tensor<2x?xf32>
}

// -----

func.func @aoa_dynamic_d(%d: tensor<2x?x?xf32>, %q: tensor<2x?x64xf32>) -> tensor<2x?xf32> {
  // expected-error @+1 {{expects a static D (dimension 2 of document), but got 'tensor<2x?x?xf32>'}}
  %s = attn.attention_over_attention %d, %q : tensor<2x?x?xf32>, tensor<2x?x64xf32> -> tensor<2x?xf32>
  return %s : tensor<2x?xf32>
}

// -----

func.func @aoa_query(%d: tensor<2x?x64xf32>, %q: tensor<3x?x64xf32>) -> tensor<2x?xf32> {
  // expected-error @+1 {{expects query of shape [B, Nq, D] = [2, ?, 64], but got 'tensor<3x?x64xf32>'}}
  %s = attn.attention_over_attention %d, %q : tensor<2x?x64xf32>, tensor<3x?x64xf32> -> tensor<2x?xf32>
  return %s : tensor<2x?xf32>
}

// -----

func.func @aoa_scores(%d: tensor<2x9x64xf32>, %q: tensor<2x?x64xf32>) -> tensor<2x9x1xf32> {
  // expected-error @+1 {{expects scores of shape [B, Nd] = [2, 9], but got 'tensor<2x9x1xf32>'}}
  %s = attn.attention_over_attention %d, %q : tensor<2x9x64xf32>, tensor<2x?x64xf32> -> tensor<2x9x1xf32>
  return %s : tensor<2x9x1xf32>
}

// -----

//===----------------------------------------------------------------------===//
// attn.memory_network
//===----------------------------------------------------------------------===//

func.func @mem_rank(%u: tensor<?x1x64xf32>, %m: tensor<?x?x64xf32>, %c: tensor<?x?x64xf32>) -> tensor<?x64xf32> {
  // expected-error @+1 {{'attn.memory_network' op expects query of rank 2 ([B, D]), but got 'tensor<?x1x64xf32>'}}
  %o = attn.memory_network %u, %m, %c {hops = 3 : i64}
      : tensor<?x1x64xf32>, tensor<?x?x64xf32>, tensor<?x?x64xf32> -> tensor<?x64xf32>
  return %o : tensor<?x64xf32>
}

// -----

func.func @mem_dynamic_d(%u: tensor<?x?xf32>, %m: tensor<?x?x64xf32>, %c: tensor<?x?x64xf32>) -> tensor<?x64xf32> {
  // expected-error @+1 {{expects a static D (dimension 1 of query), but got 'tensor<?x?xf32>'}}
  %o = attn.memory_network %u, %m, %c {hops = 3 : i64}
      : tensor<?x?xf32>, tensor<?x?x64xf32>, tensor<?x?x64xf32> -> tensor<?x64xf32>
  return %o : tensor<?x64xf32>
}

// -----

func.func @mem_memory(%u: tensor<?x64xf32>, %m: tensor<?x?x32xf32>, %c: tensor<?x?x64xf32>) -> tensor<?x64xf32> {
  // expected-error @+1 {{expects memory of shape [B, N, D] = [?, ?, 64], but got 'tensor<?x?x32xf32>'}}
  %o = attn.memory_network %u, %m, %c {hops = 3 : i64}
      : tensor<?x64xf32>, tensor<?x?x32xf32>, tensor<?x?x64xf32> -> tensor<?x64xf32>
  return %o : tensor<?x64xf32>
}

// -----

func.func @mem_output_memory(%u: tensor<?x64xf32>, %m: tensor<?x10x64xf32>, %c: tensor<?x11x64xf32>) -> tensor<?x64xf32> {
  // expected-error @+1 {{expects output_memory of shape [B, N, D] = [?, 10, 64], but got 'tensor<?x11x64xf32>'}}
  %o = attn.memory_network %u, %m, %c {hops = 3 : i64}
      : tensor<?x64xf32>, tensor<?x10x64xf32>, tensor<?x11x64xf32> -> tensor<?x64xf32>
  return %o : tensor<?x64xf32>
}

// -----

func.func @mem_output(%u: tensor<?x64xf32>, %m: tensor<?x?x64xf32>, %c: tensor<?x?x64xf32>) -> tensor<?x32xf32> {
  // expected-error @+1 {{expects output of shape [B, D] = [?, 64], but got 'tensor<?x32xf32>'}}
  %o = attn.memory_network %u, %m, %c {hops = 3 : i64}
      : tensor<?x64xf32>, tensor<?x?x64xf32>, tensor<?x?x64xf32> -> tensor<?x32xf32>
  return %o : tensor<?x32xf32>
}

// -----

func.func @mem_hops(%u: tensor<?x64xf32>, %m: tensor<?x?x64xf32>, %c: tensor<?x?x64xf32>) -> tensor<?x64xf32> {
  // expected-error @+1 {{expects hops in [1, 1024], but got 0}}
  %o = attn.memory_network %u, %m, %c {hops = 0 : i64}
      : tensor<?x64xf32>, tensor<?x?x64xf32>, tensor<?x?x64xf32> -> tensor<?x64xf32>
  return %o : tensor<?x64xf32>
}
