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
#include "attn/Dialect/Attn/Transforms/DynamicReshape.h"
#include "attn/Dialect/Attn/Transforms/Passes.h"

#include "mlir/Dialect/Affine/IR/AffineOps.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Dialect/Utils/StaticValueUtils.h"
#include "mlir/IR/PatternMatch.h"
#include "mlir/Interfaces/DestinationStyleOpInterface.h"
#include "mlir/Interfaces/InferTypeOpInterface.h"
#include "mlir/Interfaces/LoopLikeInterface.h"
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

/// The size `dim` of `tensor`, a value of `loop`'s body, as a value or
/// constant available before the loop; failure when it is not known there.
/// Sizes of loop-carried tensors are those of their initial values (the
/// type of an iteration argument cannot change), and sizes of reshapes
/// and other ops inside the loop are their output sizes where these are
/// values from outside.
FailureOr<OpFoldResult> sizeBeforeLoop(OpBuilder &before, scf::ForOp loop,
                                       Value tensor, int64_t dim) {
  auto type = cast<RankedTensorType>(tensor.getType());
  if (!type.isDynamicDim(dim))
    return OpFoldResult(before.getIndexAttr(type.getDimSize(dim)));
  if (!loop->isAncestor(tensor.getParentRegion()->getParentOp()))
    return OpFoldResult(
        tensor::DimOp::create(before, loop.getLoc(), tensor, dim).getResult());
  if (auto arg = dyn_cast<BlockArgument>(tensor)) {
    if (OpOperand *init = loop.getTiedLoopInit(arg))
      return sizeBeforeLoop(before, loop, init->get(), dim);
    return failure();
  }
  OpFoldResult size;
  if (auto expand = tensor.getDefiningOp<tensor::ExpandShapeOp>()) {
    size = expand.getMixedOutputShape()[dim];
  } else if (auto reifiable =
                 tensor.getDefiningOp<ReifyRankedShapedTypeOpInterface>()) {
    OpBuilder inLoop(reifiable);
    ReifiedRankedShapedTypeDims reified;
    if (failed(reifyResultShapes(inLoop, reifiable, reified)))
      return failure();
    size = reified[cast<OpResult>(tensor).getResultNumber()][dim];
  } else {
    return failure();
  }
  auto value = dyn_cast<Value>(size);
  if (!value || !loop->isAncestor(value.getParentRegion()->getParentOp()))
    return size;
  if (auto dimOp = value.getDefiningOp<tensor::DimOp>())
    if (std::optional<int64_t> index = dimOp.getConstantIndex())
      return sizeBeforeLoop(before, loop, dimOp.getSource(), *index);
  return failure();
}

/// Exposes the weights of `op`, an attention in the body of `loop`, as a
/// new result of the loop: `[iterations, B, Hq, Sq, Skv]`, the weights of
/// iteration `t` at `[t]`; `sizes` gets its sizes before the loop.
/// Failure, with the reason, when the iteration count is not a constant
/// (the caller must be able to size the result) or the sizes are not known
/// before the loop.
FailureOr<Value> exposeInLoop(scf::ForOp loop, AttentionOp op, int64_t keyChunk,
                              std::string &reason,
                              SmallVectorImpl<OpFoldResult> &sizes) {
  Location loc = op.getLoc();
  std::optional<APInt> trips = loop.getStaticTripCount();
  if (!trips || !loop.getInductionVar().getType().isIndex()) {
    reason = "the iteration count of its scf.for is not a constant";
    return failure();
  }
  IRRewriter rewriter(loop->getContext());
  rewriter.setInsertionPoint(loop);
  Value q = op.getQuery(), k = op.getKey();
  sizes.assign({rewriter.getIndexAttr(trips->getZExtValue())});
  for (auto [tensor, dim] : {std::pair{q, 0}, {q, 1}, {q, 2}, {k, 2}}) {
    FailureOr<OpFoldResult> size = sizeBeforeLoop(rewriter, loop, tensor, dim);
    if (failed(size)) {
      // Only dead size computations were created; canonicalization drops
      // them.
      reason = "its sizes are not known before its scf.for";
      return failure();
    }
    sizes.push_back(*size);
  }
  Type elementType = cast<RankedTensorType>(q.getType()).getElementType();
  Value init = tensor::EmptyOp::create(rewriter, loc, sizes, elementType);

  rewriter.setInsertionPointAfter(op);
  Value weights = buildWeights(rewriter, op, keyChunk);
  auto yieldWeights = [&](OpBuilder &b, Location l,
                          ArrayRef<BlockArgument> newArgs) {
    // Iteration t = (iv - lb) / step.
    Value t = arith::DivUIOp::create(
        b, l,
        arith::SubIOp::create(b, l, loop.getInductionVar(),
                              loop.getLowerBound()),
        loop.getStep());
    SmallVector<OpFoldResult> offsets(5, b.getIndexAttr(0));
    offsets[0] = t;
    SmallVector<OpFoldResult> inner = {b.getIndexAttr(1)};
    llvm::append_range(inner, tensor::getMixedSizes(b, l, weights));
    SmallVector<OpFoldResult> strides(5, b.getIndexAttr(1));
    return SmallVector<Value>{tensor::InsertSliceOp::create(
        b, l, weights, newArgs.front(), offsets, inner, strides)};
  };
  FailureOr<LoopLikeOpInterface> replaced =
      cast<LoopLikeOpInterface>(loop.getOperation())
          .replaceWithAdditionalYields(rewriter, ValueRange{init},
                                       /*replaceInitOperandUsesInLoop=*/false,
                                       yieldWeights);
  if (failed(replaced)) {
    reason = "its scf.for cannot yield more values";
    return failure();
  }
  return (*replaced)->getResults().back();
}

/// The sizes whose product is `size`, traced back through products and the
/// ops that made the tensor it measures: a dimension of a
/// `tensor.collapse_shape` is the product of its source's group (sizes of 1
/// dropped); one of a `tensor.expand_shape` or `tensor.empty` is its output
/// size; one of a destination-style op is its init's. Positions that
/// attn-decompose flattened (H*W of non_local) so become sizes of the
/// function's arguments again, which a caller can pass.
SmallVector<OpFoldResult> factorSize(OpBuilder &b, Location loc,
                                     OpFoldResult size) {
  auto value = dyn_cast_if_present<Value>(size);
  if (!value)
    return {size};
  if (auto mul = value.getDefiningOp<arith::MulIOp>()) {
    SmallVector<OpFoldResult> factors = factorSize(b, loc, mul.getLhs());
    llvm::append_range(factors, factorSize(b, loc, mul.getRhs()));
    return factors;
  }
  auto dim = value.getDefiningOp<tensor::DimOp>();
  std::optional<int64_t> d = dim ? dim.getConstantIndex() : std::nullopt;
  if (!d)
    return {size};
  Value source = dim.getSource();
  // The sizes of a destination-style result are those of its init.
  while (auto dps = source.getDefiningOp<DestinationStyleOpInterface>())
    source =
        dps.getDpsInitOperand(cast<OpResult>(source).getResultNumber())->get();
  if (auto empty = source.getDefiningOp<tensor::EmptyOp>())
    return factorSize(b, loc, empty.getMixedSizes()[*d]);
  if (auto expand = source.getDefiningOp<tensor::ExpandShapeOp>())
    return factorSize(b, loc, expand.getMixedOutputShape()[*d]);
  auto collapse = source.getDefiningOp<tensor::CollapseShapeOp>();
  if (!collapse)
    return {size};
  SmallVector<OpFoldResult> factors;
  for (int64_t s : collapse.getReassociationIndices()[*d])
    for (OpFoldResult f :
         factorSize(b, loc, tensor::getMixedSize(b, loc, collapse.getSrc(), s)))
      if (!isConstantIntValue(f, 1))
        factors.push_back(f);
  if (factors.empty())
    factors.push_back(b.getIndexAttr(1));
  return factors;
}

/// `weights`, whose dimensions have the sizes `sizes` ([B, Hq, Sq, Skv], or
/// [iterations, B, Hq, Sq, Skv] for an attention in a loop), with each
/// size split into its factors (factorSize) where one of them is a product,
/// so that the function's result has sizes the ABI can name. `groups` gets
/// how many dimensions each became ("1/1/2/2"), empty when none split.
Value splitProducts(OpBuilder &b, Location loc, Value weights,
                    ArrayRef<OpFoldResult> sizes, std::string &groups) {
  SmallVector<ReassociationIndices> reassociation;
  SmallVector<OpFoldResult> factors;
  SmallVector<std::string> counts;
  for (OpFoldResult size : sizes) {
    ReassociationIndices indices;
    for (OpFoldResult f : factorSize(b, loc, size)) {
      indices.push_back(factors.size());
      factors.push_back(f);
    }
    counts.push_back(std::to_string(indices.size()));
    reassociation.push_back(std::move(indices));
  }
  if (factors.size() == sizes.size())
    return weights;
  groups = llvm::join(counts, "/");
  auto [staticSizes, dynamicSizes] = decomposeMixedValues(factors);
  auto type = RankedTensorType::get(
      staticSizes, cast<RankedTensorType>(weights.getType()).getElementType());
  return tensor::ExpandShapeOp::create(b, loc, type, weights, reassociation,
                                       factors);
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
      Value weights;
      Operation *parent = op->getParentOp();
      auto loop = dyn_cast<scf::ForOp>(parent);
      SmallVector<OpFoldResult> sizes;
      if (parent == func) {
        b.setInsertionPointAfter(op);
        weights = buildWeights(b, op, static_cast<int64_t>(keyChunk));
        Location loc = op.getLoc();
        Value q = op.getQuery();
        sizes = {tensor::getMixedSize(b, loc, q, 0),
                 tensor::getMixedSize(b, loc, q, 1),
                 tensor::getMixedSize(b, loc, q, 2),
                 tensor::getMixedSize(b, loc, op.getKey(), 2)};
      } else if (loop && loop->getParentOp() == func) {
        std::string reason;
        FailureOr<Value> perIteration = exposeInLoop(
            loop, op, static_cast<int64_t>(keyChunk), reason, sizes);
        if (failed(perIteration)) {
          op.emitWarning() << "attn-expose-weights: the weights of this "
                              "attention are not exposed: "
                           << reason;
          continue;
        }
        weights = *perIteration;
        b.setInsertionPointAfter(weights.getDefiningOp());
      } else {
        op.emitWarning() << "attn-expose-weights: the weights of an "
                            "attention inside "
                         << parent->getName()
                         << " are not exposed (only a function body or one "
                            "scf.for in it)";
        continue;
      }
      std::string description = describe(op, index++), groups;
      weights = splitProducts(b, op.getLoc(), weights, sizes, groups);
      if (!groups.empty())
        description += ",dims=" + groups;
      unsigned result = func.getNumResults();
      auto name = b.getNamedAttr("attn.name", b.getStringAttr(description));
      if (failed(func.insertResult(result, weights.getType(),
                                   b.getDictionaryAttr(name))))
        return signalPassFailure();
      ret.getOperandsMutable().append(weights);
      // expand-strided-metadata of LLVM 22 crashes on a memref.expand_shape
      // that splits a size into several dynamic ones (H*W into H and W).
      if (auto expand = weights.getDefiningOp<tensor::ExpandShapeOp>();
          expand && splitsIntoDynamicSizes(expand)) {
        IRRewriter rewriter(func.getContext());
        replaceWithReshape(rewriter, expand);
      }
    }
  }
};

} // namespace
