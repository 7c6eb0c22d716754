//===- AttnBase.td - attn dialect definition ---------------*- tablegen -*-===//

#ifndef ATTN_BASE_TD
#define ATTN_BASE_TD

include "mlir/IR/OpBase.td"
include "mlir/IR/AttrTypeBase.td"

def Attn_Dialect : Dialect {
  let name = "attn";
  let cppNamespace = "::mlir::attn";
  let summary = "Attention graphs: scores, normalisers, masks and structure";
  let description = [{
    The `attn` dialect describes the family of attention computations: a core
    `attn.attention` op whose attributes and optional operands express the
    score function, the normaliser, masks, biases and positional terms, and
    (later) high-level structural and vision ops that decompose to it.

    The core op has value semantics on tensors. `attn-tile` lowers it to one
    fused loop nest per op (online softmax over key/value tiles) that never
    materialises the `Sq x Skv` score matrix.
  }];
  let useDefaultAttributePrinterParser = 1;
  let dependentDialects = ["::mlir::arith::ArithDialect",
                           "::mlir::math::MathDialect",
                           "::mlir::tensor::TensorDialect"];
}

class Attn_Op<string mnemonic, list<Trait> traits = []>
    : Op<Attn_Dialect, mnemonic, traits>;

#endif // ATTN_BASE_TD
