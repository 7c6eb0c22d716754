//===- AttentionOp.cpp - the ONNX Attention op to attn.attention ----------===//
//
// Opset 23 semantics: 3-D inputs [B, S, heads * D] are split into heads
// (q_num_heads, kv_num_heads) and the output merged back; 4-D inputs are
// [B, heads, S, D]. past_key/past_value are concatenated in front of K and V
// (present_key/present_value). A boolean attn_mask selects the keys taking
// part; a float one is added to the scores (attn.attention's `bias`).
// is_causal is aligned top-left without a cache (query i sees keys j <= i:
// attn.attention's `align = top_left`) and bottom-right with past_key (the
// queries are the newest positions: the dialect's default). docs/onnx.md
// pins the remaining details.
//
//===----------------------------------------------------------------------===//

#include "Converters.h"
#include "TensorBuilders.h"

#include "attn/Dialect/Attn/IR/AttnDialect.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/IR/Verifier.h"

using namespace mlir;

namespace attn::onnx_import {
namespace {

/// [B, S, H*D] -> [B, H, S, D], or a 4-D input unchanged.
FailureOr<Value> splitHeads(NodeImporter &node, unsigned input, int64_t heads,
                            StringRef headsAttr, Dims &dims) {
  const ImportedValue *in = node.input(input);
  if (!in)
    return failure();
  Value t = node.tensor(input);
  int64_t rank = in->dims.size();
  if (rank == 4) {
    dims = in->dims;
    return t;
  }
  if (rank != 3)
    return node.error() << "input " << input << " has rank " << rank
                        << ", not 3 or 4",
           failure();
  if (heads <= 0)
    return node.error() << "3-D inputs need the attribute " << headsAttr,
           failure();
  std::optional<int64_t> hidden = staticSize(in->dims[2]);
  if (!hidden || *hidden % heads)
    return node.error() << "the last dimension of input " << input
                        << " must be a static multiple of " << headsAttr
                        << " = " << heads,
           failure();
  OpBuilder &b = node.builder();
  Dims split = {in->dims[0], in->dims[1], b.getIndexAttr(heads),
                b.getIndexAttr(*hidden / heads)};
  Value r = reshape(node.graph, node.loc(), t, in->dims, split);
  return transpose(b, node.loc(), r, split, {0, 2, 1, 3}, dims);
}

/// Concatenates `past` [B, H, P, D] and `now` [B, H, S, D] along the
/// sequence axis.
Value concatSequence(NodeImporter &node, Value past, const Dims &pastDims,
                     Value now, const Dims &nowDims, Dims &dims) {
  OpBuilder &b = node.builder();
  Location loc = node.loc();
  dims = nowDims;
  dims[2] = node.graph.add(pastDims[2], nowDims[2], loc);
  Type element = cast<RankedTensorType>(now.getType()).getElementType();
  Value result = emptyTensor(b, loc, dims, element);
  SmallVector<OpFoldResult> origin(4, b.getIndexAttr(0));
  // Sizes other than the sequence are the result's, so that the copies tie
  // the cache's batch, heads and head size to the new keys'.
  Dims pastSizes = dims;
  pastSizes[2] = pastDims[2];
  result = insertSlice(b, loc, past, result, origin, pastSizes);
  SmallVector<OpFoldResult> after = origin;
  after[2] = pastDims[2];
  return insertSlice(b, loc, now, result, after, nowDims);
}

bool sameSize(GraphImporter &graph, OpFoldResult a, OpFoldResult b) {
  return graph.product(a) == graph.product(b);
}

} // namespace

LogicalResult convertAttention(NodeImporter &node) {
  if (node.wantsOutput(3))
    return node.error() << "output 3 (qk_matmul_output) is not supported: "
                           "the fused kernel never materialises the scores",
           failure();
  if (node.numInputs() > 6)
    return node.error() << "input 6 (nonpad_kv_seqlen) is not supported",
           failure();
  OpBuilder &b = node.builder();
  Location loc = node.loc();
  GraphImporter &graph = node.graph;
  const ImportedValue *q = node.input(0), *k = node.input(1),
                      *v = node.input(2);
  if (!q || !k || !v)
    return failure();
  Type element = q->type.getElementType();
  if (!(element.isF32() || element.isF16() || element.isBF16()) ||
      k->type.getElementType() != element ||
      v->type.getElementType() != element)
    return node.error() << "Q, K and V must share one element type of f32, "
                           "f16 or bf16",
           failure();
  bool packed = q->dims.size() == 3;
  int64_t qHeads = node.intAttr("q_num_heads", 0);
  int64_t kvHeads = node.intAttr("kv_num_heads", 0);
  Dims qd, kd, vd;
  if (k->dims.size() != q->dims.size() || v->dims.size() != q->dims.size())
    return node.error() << "Q, K and V must all be 3-D or all be 4-D",
           failure();
  FailureOr<Value> query = splitHeads(node, 0, qHeads, "q_num_heads", qd);
  if (failed(query))
    return failure();
  FailureOr<Value> key = splitHeads(node, 1, kvHeads, "kv_num_heads", kd);
  if (failed(key))
    return failure();
  FailureOr<Value> value = splitHeads(node, 2, kvHeads, "kv_num_heads", vd);
  if (failed(value))
    return failure();

  // The key-value cache.
  bool hasPast = node.hasInput(4) || node.hasInput(5);
  if (node.hasInput(4) != node.hasInput(5))
    return node.error() << "past_key and past_value must be given together",
           failure();
  if (hasPast) {
    const ImportedValue *pk = node.input(4), *pv = node.input(5);
    if (!pk || !pv)
      return failure();
    if (pk->dims.size() != 4 || pv->dims.size() != 4 ||
        pk->type.getElementType() != element ||
        pv->type.getElementType() != element)
      return node.error() << "past_key and past_value must be 4-D with the "
                             "element type of K",
             failure();
    Dims nk, nv;
    *key = concatSequence(node, node.tensor(4), pk->dims, *key, kd, nk);
    *value = concatSequence(node, node.tensor(5), pv->dims, *value, vd, nv);
    kd = nk;
    vd = nv;
  }
  node.setOutput(1, *key, kd);
  node.setOutput(2, *value, vd);

  // Scores: mask (boolean) or bias (float), broadcast to 4-D.
  Value mask, bias;
  if (node.hasInput(3)) {
    const ImportedValue *m = node.input(3);
    if (!m)
      return failure();
    int64_t rank = m->dims.size();
    if (rank < 2 || rank > 4)
      return node.error() << "attn_mask has rank " << rank << ", not 2, 3 or 4",
             failure();
    Dims full(4 - rank, b.getIndexAttr(1));
    llvm::append_range(full, m->dims);
    Value t = reshape(graph, loc, node.tensor(3), m->dims, full);
    Type maskElement = m->type.getElementType();
    if (maskElement.isInteger(1))
      mask = t;
    else if (isa<FloatType>(maskElement))
      bias = t;
    else
      return node.error() << "attn_mask must be bool or float, not "
                          << maskElement,
             failure();
  }

  bool causal = node.intAttr("is_causal", 0);
  // When the lengths are provably equal both alignments are the same; keep
  // the default then, so the printed IR stays the plain `{causal}`.
  auto align = causal && !hasPast && !sameSize(graph, qd[2], kd[2])
                   ? mlir::attn::Alignment::top_left
                   : mlir::attn::Alignment::bottom_right;
  FloatAttr scale;
  if (node.hasAttr("scale"))
    scale = b.getF32FloatAttr(node.floatAttr("scale", 1.0f));
  FloatAttr softcap;
  if (float cap = node.floatAttr("softcap", 0.0f); cap != 0.0f) {
    if (cap < 0.0f)
      return node.error() << "softcap " << cap << " is negative", failure();
    softcap = b.getF32FloatAttr(cap);
  }
  Dims od = {qd[0], qd[1], qd[2], vd[3]};
  auto op = mlir::attn::AttentionOp::create(
      b, loc, tensorType(od, element), /*lse=*/Type(), *query, *key, *value,
      mask, bias, /*key_lengths=*/Value(), /*block_table=*/Value(),
      /*grid_width=*/Value(), /*scales=*/Value(), ValueRange(), ValueRange(),
      ValueRange(), mlir::attn::ScoreKind::dot, mlir::attn::Normalizer::softmax,
      scale, causal, /*window=*/nullptr, align,
      /*alibi=*/false, softcap, nullptr, nullptr, nullptr, nullptr,
      /*grid_window=*/nullptr, /*grid_dilation=*/nullptr);
  if (failed(mlir::verify(op)))
    return node.error() << "the operands do not form a valid attention "
                           "(see the error above)",
           failure();
  Value out = op.getOutput();
  if (!packed) {
    node.setOutput(0, out, od);
    return success();
  }
  // [B, H, S, Dv] -> [B, S, H*Dv].
  Dims td;
  Value t = transpose(b, loc, out, od, {0, 2, 1, 3}, td);
  Dims merged = {td[0], td[1], graph.multiply(td[2], td[3], loc)};
  node.setOutput(0, reshape(graph, loc, t, td, merged), merged);
  return success();
}

} // namespace attn::onnx_import
