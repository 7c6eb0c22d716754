//===- AttnEnums.td - attn enums and attributes ------------*- tablegen -*-===//

#ifndef ATTN_ENUMS_TD
#define ATTN_ENUMS_TD

include "AttnBase.td"
include "mlir/IR/EnumAttr.td"

// Adding a score function: a case here, its operand signature in
// AttentionOp.cpp (the score operand verifier), and its tile emitter in
// lib/Conversion/AttnToLoops/ScoreFunctions.cpp.
def Attn_ScoreKind : I32EnumAttr<"ScoreKind", "attention score function", [
    I32EnumAttrCase<"dot", 0>,
    I32EnumAttrCase<"general", 1>,
    I32EnumAttrCase<"additive", 2>,
    I32EnumAttrCase<"cosine", 3>,
    I32EnumAttrCase<"neg_l2", 4>,
    I32EnumAttrCase<"multi_dimensional", 5>,
    I32EnumAttrCase<"compositional", 6>]> {
  let cppNamespace = "::mlir::attn";
  let genSpecializedAttr = 0;
}

def Attn_ScoreKindAttr : EnumAttr<Attn_Dialect, Attn_ScoreKind, "score"> {
  let summary = "score function of an attention op";
  let description = [{
    `dot`: `q.k * scale`; `general`: `q^T W k`; `additive`:
    `va . tanh(q Wq + k Wk)`; `cosine`: `scale * q.k / (|q| |k|)`;
    `neg_l2`: `-|q - k|^2 * scale`; `multi_dimensional`: per value feature
    `tanh(q W1 + k W2 + b)`; `compositional`: CoDA, no normalisation.
  }];
  let assemblyFormat = "`<` $value `>`";
}

def Attn_Normalizer : I32EnumAttr<"Normalizer", "attention weight normaliser", [
    I32EnumAttrCase<"softmax", 0>,
    I32EnumAttrCase<"sigmoid", 1>,
    I32EnumAttrCase<"hard", 2>,
    I32EnumAttrCase<"topk", 3>,
    I32EnumAttrCase<"hard_sample", 4>,
    I32EnumAttrCase<"none", 5>]> {
  let cppNamespace = "::mlir::attn";
  let genSpecializedAttr = 0;
}

def Attn_NormalizerAttr : EnumAttr<Attn_Dialect, Attn_Normalizer, "normalizer"> {
  let summary = "how scores become weights";
  let description = [{
    `softmax` over visible keys (safe: a fully masked row gives zeros),
    `sigmoid` per score, `hard` (one-hot argmax, ties to the lowest key),
    `topk` (softmax over the `top_k` largest scores), `hard_sample` (the key
    where the softmax CDF first exceeds a uniform sample), `none` (raw
    scores are the weights).
  }];
  let assemblyFormat = "`<` $value `>`";
}

def Attn_Alignment : I32EnumAttr<"Alignment",
    "how query positions map onto the key axis", [
    I32EnumAttrCase<"bottom_right", 0>,
    I32EnumAttrCase<"top_left", 1>]> {
  let cppNamespace = "::mlir::attn";
  let genSpecializedAttr = 0;
}

def Attn_AlignmentAttr : EnumAttr<Attn_Dialect, Attn_Alignment, "align"> {
  let summary = "where the query rows sit on the key axis";
  let description = [{
    `bottom_right` (the default): query `i` is at key position
    `i' = i + (Skv - Sq)`, so the last query row sees the last key; this is
    the decoding convention (the queries are the newest positions, as after
    a KV cache) and FlashAttention 2's. `top_left`: `i' = i`, as PyTorch's
    `scaled_dot_product_attention(is_causal=True)` and the ONNX `Attention`
    op without a cache. The two agree when `Sq == Skv`.
  }];
  let assemblyFormat = "`<` $value `>`";
}

#endif // ATTN_ENUMS_TD
