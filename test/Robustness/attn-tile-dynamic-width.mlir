// RUN: attn-opt %s --split-input-file --verify-diagnostics --attn-tile
// RUN: attn-opt %s --split-input-file --verify-diagnostics --attn-lower-to-tiles

// A dynamic attention width A is valid 'additive' IR (ops.mlir), but the
// lowering projects the weights in vectors of a static width: it used to
// size them from A = ? (a crash, "SmallVector unable to grow"); now it says
// so. Found by attn-fuzz-ir on the seed from ops.mlir.
func.func @additive_dynamic_width(%q: tensor<?x1x?x32xf32>,
                                  %k: tensor<?x1x?x32xf32>,
                                  %v: tensor<?x1x?x32xf32>,
                                  %wq: tensor<32x?xf32>, %wk: tensor<32x?xf32>,
                                  %va: tensor<?xf32>) -> tensor<?x1x?x32xf32> {
  // expected-error @+1 {{score operands of dynamic shape ('tensor<32x?xf32>') are not supported by attn-tile}}
  %o = attn.attention %q, %k, %v
      score_operands(%wq, %wk, %va
                     : tensor<32x?xf32>, tensor<32x?xf32>, tensor<?xf32>)
      {score = #attn.score<additive>}
      : tensor<?x1x?x32xf32>, tensor<?x1x?x32xf32>, tensor<?x1x?x32xf32>
      -> tensor<?x1x?x32xf32>
  return %o : tensor<?x1x?x32xf32>
}
