// RUN: attn-opt %s --verify-roundtrip | FileCheck %s
// RUN: attn-opt %s --mlir-print-op-generic | attn-opt | FileCheck %s

// RUN: attn-opt %s --attn-abi-signature | FileCheck %s --check-prefix=ABI

// Round trips of the structural ops (AttnStructureOps.td): every optional
// operand and attribute, static and dynamic sizes.

// The C ABI names the dynamic sizes from each op's DimRelationOpInterface,
// before any decomposition: one symbol per independent size, results
// derived from the arguments.
// ABI: attn.abi = {attention_over_attention = {args
// ABI-SAME: sizes = []}
// ABI-SAME: co_attention = {args = [{name = "arg0", symbols = array<i64: 0, 1, -1>
// ABI-SAME: {name = "arg1", symbols = array<i64: 0, 2, -1>
// ABI-SAME: results = [{name = "res0", symbols = array<i64: 0, 1, -1>
// ABI-SAME: {name = "res1", symbols = array<i64: 0, 2, -1>
// ABI-SAME: sizes = ["arg0.d0", "arg0.d1", "arg1.d1"]}
// ABI-SAME: feed_forward_pool = {args = [{name = "arg0", symbols = array<i64: 0, 1, -1>
// ABI-SAME: results = [{name = "res0", symbols = array<i64: 0, -1>
// ABI-SAME: sizes = ["arg0.d0", "arg0.d1"]}
// ABI-SAME: feed_forward_pool_rank4 = {args = [{name = "arg0", symbols = array<i64: -1, 0, 1, -1>
// ABI-SAME: {name = "arg1", symbols = array<i64: -1, 2>
// ABI-SAME: {name = "arg2", symbols = array<i64: 2>
// ABI-SAME: {name = "arg3", symbols = array<i64: 2>
// ABI-SAME: results = [{name = "res0", symbols = array<i64: -1, 0, -1>
// ABI-SAME: gated_gqa = {args = [{name = "arg0", symbols = array<i64: 0, 1, -1>
// ABI-SAME: results = [{name = "res0", symbols = array<i64: 0, 1, -1>
// ABI-SAME: sizes = ["arg0.d0", "arg0.d1"]}
// ABI-SAME: memory_network = {args = [{name = "arg0", symbols = array<i64: 0, -1>
// ABI-SAME: {name = "arg1", symbols = array<i64: 0, 1, -1>
// ABI-SAME: {name = "arg2", symbols = array<i64: 0, 1, -1>
// ABI-SAME: results = [{name = "res0", symbols = array<i64: 0, -1>
// ABI-SAME: multi_head = {args = [{name = "arg0", symbols = array<i64: 0, 1, -1>
// ABI-SAME: {name = "arg1", symbols = array<i64: 0, 2, -1>
// ABI-SAME: results = [{name = "res0", symbols = array<i64: 0, 1, -1>
// ABI-SAME: sizes = ["arg0.d0", "arg0.d1", "arg1.d1"]}

// CHECK-LABEL: func.func @multi_head
// CHECK-SAME: (%[[XQ:[^:]*]]: tensor<?x?x64xf32>, %[[XKV:[^:]*]]: tensor<?x?x64xf32>, %[[W:[^:]*]]: tensor<64x64xf32>)
// CHECK: %[[Y:.*]] = attn.multi_head %[[XQ]], %[[XKV]], %[[W]], %[[W]], %[[W]], %[[W]] {num_heads = 8 : i64} : tensor<?x?x64xf32>, tensor<?x?x64xf32>, tensor<64x64xf32>, tensor<64x64xf32>, tensor<64x64xf32>, tensor<64x64xf32> -> tensor<?x?x64xf32>{{$}}
// CHECK: return %[[Y]]
func.func @multi_head(%xq: tensor<?x?x64xf32>, %xkv: tensor<?x?x64xf32>,
                      %w: tensor<64x64xf32>) -> tensor<?x?x64xf32> {
  %y = attn.multi_head %xq, %xkv, %w, %w, %w, %w {num_heads = 8 : i64}
      : tensor<?x?x64xf32>, tensor<?x?x64xf32>, tensor<64x64xf32>,
        tensor<64x64xf32>, tensor<64x64xf32>, tensor<64x64xf32>
      -> tensor<?x?x64xf32>
  return %y : tensor<?x?x64xf32>
}

// Self-attention: the same value twice, causal.
// CHECK-LABEL: func.func @causal_self_attention
// CHECK-SAME: (%[[X:[^:]*]]: tensor<2x16x32xf32>, %[[W:[^:]*]]: tensor<32x32xf32>)
// CHECK: attn.multi_head %[[X]], %[[X]], %[[W]], %[[W]], %[[W]], %[[W]] {causal, num_heads = 4 : i64} : tensor<2x16x32xf32>, tensor<2x16x32xf32>, tensor<32x32xf32>, tensor<32x32xf32>, tensor<32x32xf32>, tensor<32x32xf32> -> tensor<2x16x32xf32>
func.func @causal_self_attention(%x: tensor<2x16x32xf32>,
                                 %w: tensor<32x32xf32>) -> tensor<2x16x32xf32> {
  %y = attn.multi_head %x, %x, %w, %w, %w, %w {num_heads = 4 : i64, causal}
      : tensor<2x16x32xf32>, tensor<2x16x32xf32>, tensor<32x32xf32>,
        tensor<32x32xf32>, tensor<32x32xf32>, tensor<32x32xf32>
      -> tensor<2x16x32xf32>
  return %y : tensor<2x16x32xf32>
}

// Head gates and grouped key/value heads: Wk, Wv are [E, Hkv*D].
// CHECK-LABEL: func.func @gated_gqa
// CHECK-SAME: (%[[X:[^:]*]]: tensor<?x?x64xf32>, %[[W:[^:]*]]: tensor<64x64xf32>, %[[WKV:[^:]*]]: tensor<64x16xf32>, %[[G:[^:]*]]: tensor<8xf32>)
// CHECK: attn.multi_head %[[X]], %[[X]], %[[W]], %[[WKV]], %[[WKV]], %[[W]] head_gates(%[[G]] : tensor<8xf32>) {num_heads = 8 : i64, num_kv_heads = 2 : i64} : tensor<?x?x64xf32>, tensor<?x?x64xf32>, tensor<64x64xf32>, tensor<64x16xf32>, tensor<64x16xf32>, tensor<64x64xf32> -> tensor<?x?x64xf32>
func.func @gated_gqa(%x: tensor<?x?x64xf32>, %w: tensor<64x64xf32>,
                     %wkv: tensor<64x16xf32>, %g: tensor<8xf32>)
    -> tensor<?x?x64xf32> {
  %y = attn.multi_head %x, %x, %w, %wkv, %wkv, %w head_gates(%g : tensor<8xf32>)
      {num_heads = 8 : i64, num_kv_heads = 2 : i64}
      : tensor<?x?x64xf32>, tensor<?x?x64xf32>, tensor<64x64xf32>,
        tensor<64x16xf32>, tensor<64x16xf32>, tensor<64x64xf32>
      -> tensor<?x?x64xf32>
  return %y : tensor<?x?x64xf32>
}

// CHECK-LABEL: func.func @feed_forward_pool
// CHECK-SAME: (%[[H:[^:]*]]: tensor<?x?x64xf32>, %[[W:[^:]*]]: tensor<64x32xf32>, %[[B:[^:]*]]: tensor<32xf32>, %[[U:[^:]*]]: tensor<32xf32>)
// CHECK: attn.feed_forward_pool %[[H]], %[[W]], %[[B]], %[[U]] : tensor<?x?x64xf32>, tensor<64x32xf32>, tensor<32xf32>, tensor<32xf32> -> tensor<?x64xf32>
func.func @feed_forward_pool(%h: tensor<?x?x64xf32>, %w: tensor<64x32xf32>,
                             %b: tensor<32xf32>, %u: tensor<32xf32>)
    -> tensor<?x64xf32> {
  %c = attn.feed_forward_pool %h, %w, %b, %u
      : tensor<?x?x64xf32>, tensor<64x32xf32>, tensor<32xf32>, tensor<32xf32>
      -> tensor<?x64xf32>
  return %c : tensor<?x64xf32>
}

// Several batch dimensions (the word level of a hierarchical network), a
// dynamic attention width A.
// CHECK-LABEL: func.func @feed_forward_pool_rank4
// CHECK: attn.feed_forward_pool %{{.*}} : tensor<3x?x?x16xf32>, tensor<16x?xf32>, tensor<?xf32>, tensor<?xf32> -> tensor<3x?x16xf32>
func.func @feed_forward_pool_rank4(%h: tensor<3x?x?x16xf32>, %w: tensor<16x?xf32>,
                                   %b: tensor<?xf32>, %u: tensor<?xf32>)
    -> tensor<3x?x16xf32> {
  %c = attn.feed_forward_pool %h, %w, %b, %u
      : tensor<3x?x?x16xf32>, tensor<16x?xf32>, tensor<?xf32>, tensor<?xf32>
      -> tensor<3x?x16xf32>
  return %c : tensor<3x?x16xf32>
}

// CHECK-LABEL: func.func @co_attention
// CHECK-SAME: (%[[A:[^:]*]]: tensor<?x?x64xf32>, %[[B:[^:]*]]: tensor<?x?x64xf32>)
// CHECK: %[[A2:.*]], %[[B2:.*]] = attn.co_attention %[[A]], %[[B]] : tensor<?x?x64xf32>, tensor<?x?x64xf32> -> tensor<?x?x64xf32>, tensor<?x?x64xf32>
// CHECK: return %[[A2]], %[[B2]]
func.func @co_attention(%a: tensor<?x?x64xf32>, %b: tensor<?x?x64xf32>)
    -> (tensor<?x?x64xf32>, tensor<?x?x64xf32>) {
  %a2, %b2 = attn.co_attention %a, %b
      : tensor<?x?x64xf32>, tensor<?x?x64xf32>
      -> tensor<?x?x64xf32>, tensor<?x?x64xf32>
  return %a2, %b2 : tensor<?x?x64xf32>, tensor<?x?x64xf32>
}

// CHECK-LABEL: func.func @attention_over_attention
// CHECK-SAME: (%[[D:[^:]*]]: tensor<2x10x8xf32>, %[[Q:[^:]*]]: tensor<2x3x8xf32>)
// CHECK: attn.attention_over_attention %[[D]], %[[Q]] : tensor<2x10x8xf32>, tensor<2x3x8xf32> -> tensor<2x10xf32>
func.func @attention_over_attention(%d: tensor<2x10x8xf32>, %q: tensor<2x3x8xf32>)
    -> tensor<2x10xf32> {
  %s = attn.attention_over_attention %d, %q
      : tensor<2x10x8xf32>, tensor<2x3x8xf32> -> tensor<2x10xf32>
  return %s : tensor<2x10xf32>
}

// CHECK-LABEL: func.func @memory_network
// CHECK-SAME: (%[[U:[^:]*]]: tensor<?x64xf32>, %[[M:[^:]*]]: tensor<?x?x64xf32>, %[[C:[^:]*]]: tensor<?x?x64xf32>)
// CHECK: attn.memory_network %[[U]], %[[M]], %[[C]] {hops = 3 : i64} : tensor<?x64xf32>, tensor<?x?x64xf32>, tensor<?x?x64xf32> -> tensor<?x64xf32>
func.func @memory_network(%u: tensor<?x64xf32>, %m: tensor<?x?x64xf32>,
                          %c: tensor<?x?x64xf32>) -> tensor<?x64xf32> {
  %o = attn.memory_network %u, %m, %c {hops = 3 : i64}
      : tensor<?x64xf32>, tensor<?x?x64xf32>, tensor<?x?x64xf32>
      -> tensor<?x64xf32>
  return %o : tensor<?x64xf32>
}
