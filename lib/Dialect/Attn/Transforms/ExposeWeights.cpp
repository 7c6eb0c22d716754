//===- ExposeWeights.cpp - attention weights as extra function results ----===//
//
// Implements `attn-expose-weights`, the debug mode behind
// `attn-run --dump-weights`: every `attn.attention` of a public function
// also returns its weights P [B, Hq, Sq, Skv]. The weights are the output of
// the same attention over one-hot values: with v[j, c] = (j == c),
// o[i, c] = sum_j P[i, j] v[j, c] = P[i, c], whatever the score, the mask
// or the normaliser. The identity is taken in chunks of key-chunk columns
// (the op needs a static value width), each chunk one more fused attention,
// so the score matrix is still never built by the attention itself; only
// the exposed weights are.
//
//===----------------------------------------------------------------------===//

#include "attn/Dialect/Attn/IR/AttnDialect.h"
#include "attn/Dialect/Attn/Transforms/Passes.h"

#include "mlir/Dialect/Affine/IR/AffineOps.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Dialect/Utils/StaticValueUtils.h"
#include "llvm/Support/FormatVariadic.h"
#include "llvm/Support/Path.h"

namespace mlir::attn {
#define GEN_PASS_DEF_ATTNEXPOSEWEIGHTS
#include "attn/Dialect/Attn/Transforms/Passes.h.inc"
} // namespace mlir::attn

using namespace mlir;
using namespace mlir::attn;

namespace {

/// The name of the `index`th exposed result: "attn.weights<index>:" and
/// what distinguishes the op (its source line, score, normaliser, masks and
/// positional terms), without spaces, as manifest names must be.
std::string describe(AttentionOp op, unsigned index) {
  std::string text;
  llvm::raw_string_ostream os(text);
  os << "attn.weights" << index << ":";
  SmallVector<std::string> parts;
  if (auto loc = dyn_cast<FileLineColLoc>(op.getLoc()))
    parts.push_back((llvm::sys::path::filename(loc.getFilename().getValue()) +
                     ":" + Twine(loc.getLine()))
                        .str());
  auto add = [&](const Twine &part) { parts.push_back(part.str()); };
  if (op.getScore() != ScoreKind::dot)
    add("score=" + stringifyScoreKind(op.getScore()));
  add(stringifyNormalizer(op.getNormalizer()));
  if (std::optional<uint64_t> k = op.getTopK())
    add("top_k=" + Twine(*k));
  if (op.getCausal())
    add("causal");
  if (std::optional<ArrayRef<int64_t>> w = op.getWindow())
    add("window=" + Twine((*w)[0]) + "/" + Twine((*w)[1]));
  if (op.getAlign() != Alignment::bottom_right)
    add("align=" + stringifyAlignment(op.getAlign()));
  if (op.getAlibi())
    add("alibi");
  if (std::optional<APFloat> cap = op.getSoftcap())
    add("softcap=" + llvm::formatv("{0}", cap->convertToDouble()));
  if (std::optional<uint64_t> clip = op.getRelativeClip())
    add("relative_clip=" + Twine(*clip));
  if (std::optional<uint64_t> w = op.getGaussianWindow())
    add("gaussian_window=" + Twine(*w));
  if (std::optional<ArrayRef<int64_t>> g = op.getGridWindow())
    add("grid_window=" + Twine((*g)[0]) + "/" + Twine((*g)[1]));
  if (op.getMask())
    add("mask");
  if (op.getBias())
    add("bias");
  if (op.getKeyLengths())
    add("key_lengths");
  if (!op.getScoreMod().empty())
    add("score_mod");
  if (!op.getMaskMod().empty())
    add("mask_mod");
  int64_t hq = op.getQuery().getType().getDimSize(1);
  int64_t hkv = op.getKey().getType().getDimSize(1);
  if (hq != hkv)
    add("gqa=" + Twine(hq) + "/" + Twine(hkv));
  os << llvm::join(parts, ",");
  return text;
}

/// `[B, Hkv, Skv, chunk]` with a one in column `c` of key row `first + c`.
Value buildOneHotValues(OpBuilder &b, Location loc, ArrayRef<OpFoldResult> kv,
                        int64_t chunk, Value first, Type elementType) {
  SmallVector<OpFoldResult> sizes(kv);
  sizes.push_back(b.getIndexAttr(chunk));
  Value init = tensor::EmptyOp::create(b, loc, sizes, elementType);
  auto map = b.getMultiDimIdentityMap(4);
  auto generic = linalg::GenericOp::create(
      b, loc, init.getType(), ValueRange{}, ValueRange{init},
      ArrayRef<AffineMap>{map},
      SmallVector<utils::IteratorType>(4, utils::IteratorType::parallel),
      [&](OpBuilder &nb, Location l, ValueRange) {
        Value j = linalg::IndexOp::create(nb, l, 2);
        Value c = linalg::IndexOp::create(nb, l, 3);
        Value key = arith::AddIOp::create(nb, l, first, c);
        Value hit =
            arith::CmpIOp::create(nb, l, arith::CmpIPredicate::eq, j, key);
        Value one = arith::ConstantOp::create(
            nb, l, elementType, nb.getFloatAttr(elementType, 1.0));
        Value zero = arith::ConstantOp::create(
            nb, l, elementType, nb.getFloatAttr(elementType, 0.0));
        linalg::YieldOp::create(
            nb, l, ValueRange{arith::SelectOp::create(nb, l, hit, one, zero)});
      });
  return generic.getResult(0);
}

/// The weights of `op` as a new `[B, Hq, Sq, Skv]` tensor, built after it.
Value buildWeights(OpBuilder &b, AttentionOp op, int64_t keyChunk) {
  Location loc = op.getLoc();
  Value q = op.getQuery(), k = op.getKey(), v = op.getValue();
  auto qType = cast<RankedTensorType>(q.getType());
  auto vType = cast<RankedTensorType>(v.getType());
  Type elementType = qType.getElementType();
  OpFoldResult batch = tensor::getMixedSize(b, loc, q, 0);
  OpFoldResult queries = tensor::getMixedSize(b, loc, q, 2);
  OpFoldResult keys = tensor::getMixedSize(b, loc, k, 2);
  int64_t chunk = keyChunk;
  if (std::optional<int64_t> staticKeys = getConstantIntValue(keys))
    chunk = std::clamp<int64_t>(*staticKeys, 1, keyChunk);

  SmallVector<OpFoldResult> weightSizes = {
      batch, b.getIndexAttr(qType.getDimSize(1)), queries, keys};
  Value init = tensor::EmptyOp::create(b, loc, weightSizes, elementType);
  Value zero = arith::ConstantIndexOp::create(b, loc, 0);
  Value step = arith::ConstantIndexOp::create(b, loc, chunk);
  Value end = getValueOrCreateConstantIndexOp(b, loc, keys);
  auto loop = scf::ForOp::create(
      b, loc, zero, end, step, ValueRange{init},
      [&](OpBuilder &nb, Location l, Value first, ValueRange iterArgs) {
        SmallVector<OpFoldResult> kvSizes = {
            batch, nb.getIndexAttr(vType.getDimSize(1)), keys};
        Value oneHot = buildOneHotValues(nb, l, kvSizes, chunk, first,
                                         vType.getElementType());
        // Relative positions add a table row to each value (aV, the
        // second position operand): it has no part in the weights.
        Value zeroTable;
        if (op.getRelativeClip()) {
          auto tableType =
              cast<RankedTensorType>(op.getPositionOperands()[1].getType());
          Value empty = tensor::EmptyOp::create(
              nb, l, ArrayRef<int64_t>{tableType.getDimSize(0), chunk},
              tableType.getElementType());
          Value zeroElement = arith::ConstantOp::create(
              nb, l, tableType.getElementType(),
              nb.getFloatAttr(tableType.getElementType(), 0.0));
          zeroTable =
              linalg::FillOp::create(nb, l, zeroElement, empty).getResult(0);
        }
        // Operands are replaced by position: the value may also be the key.
        Operation *clone = nb.clone(*op);
        clone->setOperand(op.getValueMutable().getOperandNumber(), oneHot);
        if (zeroTable)
          clone->setOperand(
              op.getPositionOperandsMutable()[1].getOperandNumber(), zeroTable);
        SmallVector<int64_t> chunkShape(qType.getShape());
        chunkShape.back() = chunk;
        clone->getResult(0).setType(
            RankedTensorType::get(chunkShape, elementType));
        // The last chunk may reach past the keys: its columns beyond them
        // are not weights.
        AffineExpr d0, s0;
        bindDims(nb.getContext(), d0);
        bindSymbols(nb.getContext(), s0);
        OpFoldResult width = affine::makeComposedFoldedAffineMin(
            nb, l,
            AffineMap::get(1, 1, {nb.getAffineConstantExpr(chunk), s0 - d0},
                           nb.getContext()),
            {first, keys});
        SmallVector<OpFoldResult> offsets(4, nb.getIndexAttr(0));
        SmallVector<OpFoldResult> sizes = {weightSizes[0], weightSizes[1],
                                           weightSizes[2], width};
        SmallVector<OpFoldResult> strides(4, nb.getIndexAttr(1));
        Value part = tensor::ExtractSliceOp::create(nb, l, clone->getResult(0),
                                                    offsets, sizes, strides);
        offsets.back() = first;
        Value updated = tensor::InsertSliceOp::create(nb, l, part, iterArgs[0],
                                                      offsets, sizes, strides);
        scf::YieldOp::create(nb, l, updated);
      });
  return loop.getResult(0);
}

struct AttnExposeWeightsPass
    : mlir::attn::impl::AttnExposeWeightsBase<AttnExposeWeightsPass> {
  using Base::Base;

  void runOnOperation() override {
    if (keyChunk < 1) {
      getOperation().emitError()
          << "attn-expose-weights: key-chunk must be at least 1, got "
          << static_cast<int64_t>(keyChunk);
      return signalPassFailure();
    }
    for (auto func : getOperation().getOps<func::FuncOp>())
      if (func.isPublic() && !func.isDeclaration())
        exposeIn(func);
  }

  void exposeIn(func::FuncOp func) {
    if (!func.getBody().hasOneBlock())
      return;
    auto ret = dyn_cast<func::ReturnOp>(func.getBody().front().back());
    if (!ret)
      return;
    SmallVector<AttentionOp> ops;
    func.walk([&](AttentionOp op) { ops.push_back(op); });
    OpBuilder b(func.getContext());
    unsigned index = 0;
    for (AttentionOp op : ops) {
      // One set of weights per call of the op: an op inside a loop (the
      // hops of attn.memory_network) would need one per iteration.
      // multi_dimensional has one weight per key and value feature.
      if (op.getScore() == ScoreKind::multi_dimensional) {
        op.emitWarning() << "attn-expose-weights: score 'multi_dimensional' "
                            "has one weight per value feature, not one per "
                            "key; its weights are not exposed";
        continue;
      }
      // The one-hot values would be a dense [B, Hkv, Skv, chunk] tensor,
      // not a page pool.
      if (op.isPaged()) {
        op.emitWarning() << "attn-expose-weights: the weights of an "
                            "attention over a paged key/value cache "
                            "(block_table) are not exposed";
        continue;
      }
      if (op->getParentOp() != func) {
        op.emitWarning() << "attn-expose-weights: the weights of an "
                            "attention inside "
                         << op->getParentOp()->getName()
                         << " are not exposed (one per iteration)";
        continue;
      }
      b.setInsertionPointAfter(op);
      Value weights = buildWeights(b, op, static_cast<int64_t>(keyChunk));
      unsigned result = func.getNumResults();
      auto name =
          b.getNamedAttr("attn.name", b.getStringAttr(describe(op, index++)));
      if (failed(func.insertResult(result, weights.getType(),
                                   b.getDictionaryAttr(name))))
        return signalPassFailure();
      ret.getOperandsMutable().append(weights);
    }
  }
};

} // namespace
