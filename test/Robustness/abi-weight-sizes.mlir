// RUN: attn-opt %s --attn-abi-signature | FileCheck %s

// A dynamic attention width A of 'additive' is one size symbol shared by Wq,
// Wk and va: before, each had its own, and a caller could pass a va shorter
// than Wq's A for the kernel to read past.
// CHECK-LABEL: module attributes {attn.abi = {additive = {
// CHECK-SAME: {name = "wq", symbols = array<i64: -1, 3>, type = tensor<32x?xf32>},
// CHECK-SAME: {name = "wk", symbols = array<i64: -1, 3>, type = tensor<32x?xf32>},
// CHECK-SAME: {name = "va", symbols = array<i64: 3>, type = tensor<?xf32>}],
// CHECK-SAME: sizes = ["arg0.d0", "arg0.d2", "arg1.d2", "arg3.d1"]}}}
func.func @additive(%q: tensor<?x1x?x32xf32>, %k: tensor<?x1x?x32xf32>,
                    %v: tensor<?x1x?x32xf32>,
                    %wq: tensor<32x?xf32> {attn.name = "wq"},
                    %wk: tensor<32x?xf32> {attn.name = "wk"},
                    %va: tensor<?xf32> {attn.name = "va"})
    -> tensor<?x1x?x32xf32> {
  %o = attn.attention %q, %k, %v
      score_operands(%wq, %wk, %va
                     : tensor<32x?xf32>, tensor<32x?xf32>, tensor<?xf32>)
      {score = #attn.score<additive>}
      : tensor<?x1x?x32xf32>, tensor<?x1x?x32xf32>, tensor<?x1x?x32xf32>
      -> tensor<?x1x?x32xf32>
  return %o : tensor<?x1x?x32xf32>
}
