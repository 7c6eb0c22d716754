//===- AttentionOp.cpp - attn.attention verifier and helpers --------------===//
//
// Shape, type and attribute rules of the core attention op. Every rule that
// a later pass relies on is checked here, with a message naming the operand
// and the shape that was expected.
//
//===----------------------------------------------------------------------===//

#include "attn/Dialect/Attn/IR/AttnDialect.h"

#include "mlir/IR/Builders.h"
#include "mlir/IR/BuiltinAttributes.h"
#include "llvm/Support/FormatVariadic.h"

#include <cmath>
#include <limits>

using namespace mlir;
using namespace mlir::attn;

#define GET_OP_CLASSES
#include "attn/Dialect/Attn/IR/AttnOps.cpp.inc"

namespace {
/// Expected size of one dimension, with the symbolic name used in messages.
struct ExpectedDim {
  const char *name;
  int64_t size; // ShapedType::kDynamic when unknown.
};

bool sameSize(int64_t a, int64_t b) {
  return ShapedType::isDynamic(a) || ShapedType::isDynamic(b) || a == b;
}

std::string formatShape(ArrayRef<ExpectedDim> dims) {
  std::string names, sizes;
  llvm::raw_string_ostream n(names), s(sizes);
  n << "[";
  s << "[";
  llvm::interleaveComma(dims, n, [&](const ExpectedDim &d) { n << d.name; });
  llvm::interleaveComma(dims, s, [&](const ExpectedDim &d) {
    if (ShapedType::isDynamic(d.size))
      s << "?";
    else
      s << d.size;
  });
  n << "]";
  s << "]";
  return names + " = " + sizes;
}

/// Checks that `value` has exactly the expected shape. With `staticSizes`,
/// a dimension whose expected size is known must be that size in the type,
/// not `?`.
LogicalResult verifyShape(Operation *op, StringRef what, Value value,
                          ArrayRef<ExpectedDim> dims,
                          bool staticSizes = false) {
  auto type = cast<RankedTensorType>(value.getType());
  bool ok = type.getRank() == static_cast<int64_t>(dims.size());
  for (auto [i, d] : llvm::enumerate(dims))
    ok = ok && (staticSizes && !ShapedType::isDynamic(d.size)
                    ? type.getDimSize(i) == d.size
                    : sameSize(type.getDimSize(i), d.size));
  if (ok)
    return success();
  return op->emitOpError() << "expects " << what << " of shape "
                           << formatShape(dims) << ", but got " << type;
}

/// Checks that `value` is rank-4 and broadcastable to `dims`: each dimension
/// is 1 or the full size.
LogicalResult verifyBroadcastable(Operation *op, StringRef what, Value value,
                                  ArrayRef<ExpectedDim> dims) {
  auto type = cast<RankedTensorType>(value.getType());
  bool ok = type.getRank() == static_cast<int64_t>(dims.size());
  for (auto [i, d] : llvm::enumerate(dims))
    ok =
        ok && (type.getDimSize(i) == 1 || sameSize(type.getDimSize(i), d.size));
  if (ok)
    return success();
  return op->emitOpError() << "expects " << what
                           << " broadcastable to (each dimension 1 or) "
                           << formatShape(dims) << ", but got " << type;
}

/// The weights each score function takes, as (name, shape) in order.
struct OperandSpec {
  const char *name;
  SmallVector<ExpectedDim> dims;
};

SmallVector<OperandSpec> scoreOperandSpecs(ScoreKind kind, int64_t d,
                                           int64_t dv, int64_t a) {
  switch (kind) {
  case ScoreKind::dot:
  case ScoreKind::cosine:
  case ScoreKind::neg_l2:
  case ScoreKind::compositional:
    return {};
  case ScoreKind::general:
    return {{"W", {{"D", d}, {"D", d}}}};
  case ScoreKind::additive:
    return {{"Wq", {{"D", d}, {"A", a}}},
            {"Wk", {{"D", d}, {"A", a}}},
            {"va", {{"A", a}}}};
  case ScoreKind::multi_dimensional:
    return {{"W1", {{"D", d}, {"Dv", dv}}},
            {"W2", {{"D", d}, {"Dv", dv}}},
            {"b", {{"Dv", dv}}}};
  }
  llvm_unreachable("unknown score kind");
}

LogicalResult verifyOperandList(Operation *op, StringRef group, StringRef owner,
                                ValueRange operands,
                                ArrayRef<OperandSpec> specs,
                                bool staticSizes = false) {
  if (operands.size() != specs.size()) {
    std::string names;
    llvm::raw_string_ostream os(names);
    llvm::interleaveComma(specs, os,
                          [&](const OperandSpec &s) { os << s.name; });
    return op->emitOpError()
           << owner << " expects " << specs.size() << " " << group << " ("
           << (specs.empty() ? "none" : names) << "), but got "
           << operands.size();
  }
  for (auto [value, spec] : llvm::zip(operands, specs)) {
    std::string what = (group + " '" + spec.name + "'").str();
    if (failed(verifyShape(op, what, value, spec.dims, staticSizes)))
      return failure();
  }
  return success();
}

LogicalResult verifyPositiveFinite(Operation *op, StringRef name,
                                   std::optional<APFloat> value) {
  if (!value)
    return success();
  double v = value->convertToDouble();
  if (std::isfinite(v) && v > 0)
    return success();
  return op->emitOpError() << "expects " << name
                           << " to be positive and finite, but got " << v;
}
} // namespace

/// FP8 query, key and value take an output of a wider float type and may
/// take `scales`; other inputs take no scales.
static LogicalResult verifyFp8Inputs(AttentionOp op) {
  Value scales = op.getScales();
  if (!op.isFp8()) {
    if (scales)
      return op.emitOpError()
             << "expects scales only with f8E4M3FN query, key and value, but "
                "they are "
             << op.getQuery().getType().getElementType();
    return success();
  }
  if (!scales)
    return success();
  auto type = cast<RankedTensorType>(scales.getType());
  if (type.getRank() != 1 || type.getDimSize(0) != 3)
    return op.emitOpError() << "expects scales of type tensor<3xf32> (the "
                               "query's, key's and value's), but got "
                            << type;
  return success();
}

void AttentionOp::build(OpBuilder &builder, OperationState &state, Value query,
                        Value key, Value value, Type outputType) {
  build(builder, state, outputType, /*lse=*/Type(), query, key, value,
        /*mask=*/Value(), /*bias=*/Value(), /*key_lengths=*/Value(),
        /*block_table=*/Value(),
        /*grid_width=*/Value(), /*scales=*/Value(),
        /*score_operands=*/ValueRange(), /*normalizer_operands=*/ValueRange(),
        /*position_operands=*/ValueRange(), ScoreKind::dot, Normalizer::softmax,
        /*scale=*/nullptr, /*causal=*/false,
        /*window=*/nullptr, Alignment::bottom_right, /*alibi=*/false,
        /*softcap=*/nullptr, /*top_k=*/nullptr, /*relative_clip=*/nullptr,
        /*gaussian_window=*/nullptr, /*gaussian_sigma=*/nullptr,
        /*grid_window=*/nullptr, /*grid_dilation=*/nullptr);
  state.regions[0]->getBlocks().clear();
  state.regions[1]->getBlocks().clear();
}

float AttentionOp::getEffectiveScale() {
  if (std::optional<APFloat> s = getScale())
    return s->convertToFloat();
  int64_t d = getQuery().getType().getDimSize(3);
  return 1.0f / std::sqrt(static_cast<float>(d));
}

std::pair<int64_t, int64_t> AttentionOp::getWindowBounds() {
  std::optional<ArrayRef<int64_t>> w = getWindow();
  if (!w)
    return {-1, -1};
  return {(*w)[0], (*w)[1]};
}

int64_t AttentionOp::getQueryHeads() {
  return getQuery().getType().getDimSize(1);
}

int64_t AttentionOp::getKeyValueHeads() {
  return getKey().getType().getDimSize(1);
}

Value AttentionOp::buildAlignOffset(OpBuilder &b, Location loc, Value queryLen,
                                    Value keyLen) {
  if (getAlign() == Alignment::top_left)
    return arith::ConstantIndexOp::create(b, loc, 0);
  return arith::SubIOp::create(b, loc, keyLen, queryLen);
}

int64_t AttentionOp::getGridDilationOf(int64_t h) {
  std::optional<ArrayRef<int64_t>> d = getGridDilation();
  if (!d)
    return 1;
  return d->size() == 1 ? d->front() : (*d)[h];
}

/// grid_window's attributes and operands; appends the specs of its
/// optional relative tables to `posSpecs`.
static LogicalResult verifyGridWindow(AttentionOp op,
                                      SmallVectorImpl<OperandSpec> &posSpecs) {
  std::optional<ArrayRef<int64_t>> g = op.getGridWindow();
  if (!g) {
    if (op.getGridWidth())
      return op.emitOpError() << "expects the grid_width operand only with "
                                 "grid_window";
    if (op.getGridDilation())
      return op.emitOpError() << "expects grid_dilation only with grid_window";
    return success();
  }
  // Radii and dilations stay below 2^31 so that r * ry (and the cell
  // arithmetic of the lowerings) cannot overflow.
  constexpr int64_t kLimit = std::numeric_limits<int32_t>::max();
  if (g->size() != 2 || (*g)[0] < 0 || (*g)[1] < 0 || (*g)[0] > kLimit ||
      (*g)[1] > kLimit)
    return op.emitOpError()
           << "expects grid_window = [ry, rx] with both in [0, 2^31 - 1]";
  if (!op.getGridWidth())
    return op.emitOpError() << "expects the grid_width operand (the map's "
                               "width) with grid_window";
  if (op.getRelativeClip() || op.getGaussianWindow())
    return op.emitOpError() << "expects grid_window without relative_clip and "
                               "gaussian_window";
  int64_t hq = op.getQueryHeads();
  if (std::optional<ArrayRef<int64_t>> d = op.getGridDilation()) {
    if (d->size() != 1 && static_cast<int64_t>(d->size()) != hq)
      return op.emitOpError() << "expects grid_dilation with 1 or Hq = " << hq
                              << " entries, but got " << d->size();
    for (int64_t r : *d)
      if (r < 1 || r > kLimit)
        return op.emitOpError()
               << "expects grid_dilation entries in [1, 2^31 - 1], but got "
               << r;
  }
  // The relative tables are optional: none, or rows and cols.
  if (op.getPositionOperands().empty())
    return success();
  int64_t d = op.getQuery().getType().getDimSize(3);
  posSpecs.push_back(
      {"rows", {{"Hq", hq}, {"2*ry+1", 2 * (*g)[0] + 1}, {"D", d}}});
  posSpecs.push_back(
      {"cols", {{"Hq", hq}, {"2*rx+1", 2 * (*g)[1] + 1}, {"D", d}}});
  return success();
}

/// The paged cache: block_table [B, P] and the key and value page pools
/// [num_pages, Hkv, page_size, D|Dv]. Sets `skv` to the logical key length
/// P * page_size (dynamic unless both are static).
static LogicalResult verifyPagedCache(AttentionOp op, int64_t &skv) {
  Operation *o = op.getOperation();
  auto qType = op.getQuery().getType();
  auto kType = op.getKey().getType();
  auto tType = cast<RankedTensorType>(op.getBlockTable().getType());
  if (tType.getRank() != 2)
    return op.emitOpError()
           << "expects block_table of rank 2 ([B, P]), but got " << tType;
  int64_t pages = tType.getDimSize(1);
  if (failed(verifyShape(o, "block_table", op.getBlockTable(),
                         {{"B", qType.getDimSize(0)}, {"P", pages}})))
    return failure();
  int64_t numPages = kType.getDimSize(0), hkv = kType.getDimSize(1),
          pageSize = kType.getDimSize(2);
  if (pageSize == 0)
    return op.emitOpError() << "expects a page size of at least 1, but got "
                               "the key page pool "
                            << kType;
  if (failed(verifyShape(o, "key page pool", op.getKey(),
                         {{"num_pages", numPages},
                          {"Hkv", hkv},
                          {"page_size", pageSize},
                          {"D", qType.getDimSize(3)}})) ||
      failed(verifyShape(o, "value page pool", op.getValue(),
                         {{"num_pages", numPages},
                          {"Hkv", hkv},
                          {"page_size", pageSize},
                          {"Dv", op.getValue().getType().getDimSize(3)}})))
    return failure();
  skv = ShapedType::isDynamic(pages) || ShapedType::isDynamic(pageSize)
            ? ShapedType::kDynamic
            : pages * pageSize;
  // The key dimension of a mask or bias cannot be tied to P * page_size at
  // run time (the C ABI has one size per dimension): it must be static and
  // checked here, or 1.
  for (auto [name, operand] :
       {std::pair<StringRef, Value>{"mask", op.getMask()},
        {"bias", op.getBias()}}) {
    if (!operand)
      continue;
    int64_t keys = cast<RankedTensorType>(operand.getType()).getDimSize(3);
    if (keys != 1 &&
        (ShapedType::isDynamic(keys) || ShapedType::isDynamic(skv)))
      return op.emitOpError()
             << "expects a " << name
             << " over a paged key/value cache to have a key dimension of 1, "
                "or static P, page_size and key dimension (P * page_size), "
                "but got block_table "
             << tType << ", key page pool " << kType << " and " << name << " "
             << operand.getType();
  }
  return success();
}

LogicalResult AttentionOp::verify() {
  Operation *op = getOperation();
  auto qType = getQuery().getType();
  auto kType = getKey().getType();
  auto vType = getValue().getType();
  for (auto [name, type] :
       {std::pair<StringRef, RankedTensorType>{"query", qType},
        {"key", kType},
        {"value", vType}})
    if (type.getRank() != 4)
      return emitOpError() << "expects " << name
                           << " of rank 4 ([B, H, S, D]), but got " << type;

  Type elemType = qType.getElementType();
  if (kType.getElementType() != elemType || vType.getElementType() != elemType)
    return emitOpError() << "expects query, key and value to share one element "
                            "type, but got "
                         << elemType << ", " << kType.getElementType() << ", "
                         << vType.getElementType();

  int64_t b = qType.getDimSize(0), hq = qType.getDimSize(1),
          sq = qType.getDimSize(2), d = qType.getDimSize(3);
  int64_t hkv = kType.getDimSize(1), skv = kType.getDimSize(2),
          dv = vType.getDimSize(3);
  if (ShapedType::isDynamic(hq) || ShapedType::isDynamic(hkv) ||
      ShapedType::isDynamic(d) || ShapedType::isDynamic(dv))
    return emitOpError() << "expects static head counts and head dimensions, "
                            "but got query "
                         << qType << ", key " << kType << ", value " << vType;
  if (hq < 1 || hkv < 1 || d < 1 || dv < 1)
    return emitOpError() << "expects at least one head and a head dimension "
                            "of at least 1, but got query "
                         << qType << ", key " << kType << ", value " << vType;
  if (hq % hkv != 0)
    return emitOpError() << "expects query heads (" << hq
                         << ") to be a multiple of key/value heads (" << hkv
                         << ")";
  if (isPaged()) {
    if (failed(verifyPagedCache(*this, skv)))
      return failure();
  } else {
    if (failed(verifyShape(op, "key", getKey(),
                           {{"B", b}, {"Hkv", hkv}, {"Skv", skv}, {"D", d}})))
      return failure();
    if (failed(verifyShape(op, "value", getValue(),
                           {{"B", b}, {"Hkv", hkv}, {"Skv", skv}, {"Dv", dv}})))
      return failure();
  }
  if (failed(verifyShape(op, "output", getOutput(),
                         {{"B", b}, {"Hq", hq}, {"Sq", sq}, {"Dv", dv}})))
    return failure();
  if (failed(verifyFp8Inputs(*this)))
    return failure();
  // FP8 inputs compute in the output's element type, which the weights,
  // bias and tables below follow; other inputs already share it.
  if (isFp8())
    elemType = getComputeElementType();
  else if (getOutput().getType().getElementType() != elemType)
    return emitOpError() << "expects output element type to equal the query "
                            "element type "
                         << elemType << ", but got "
                         << getOutput().getType().getElementType();

  SmallVector<ExpectedDim> scoreDims = {
      {"B", b}, {"Hq", hq}, {"Sq", sq}, {"Skv", skv}};
  SmallVector<ExpectedDim> rowDims = {{"B", b}, {"Hq", hq}, {"Sq", sq}};
  if (getMask() &&
      failed(verifyBroadcastable(op, "mask", getMask(), scoreDims)))
    return failure();
  if (Value bias = getBias()) {
    if (failed(verifyBroadcastable(op, "bias", bias, scoreDims)))
      return failure();
    Type biasElem = cast<RankedTensorType>(bias.getType()).getElementType();
    if (biasElem != elemType && !biasElem.isF32())
      return emitOpError() << "expects bias element type f32 or " << elemType
                           << ", but got " << biasElem;
  }
  if (getKeyLengths() &&
      failed(verifyShape(op, "key_lengths", getKeyLengths(), {{"B", b}})))
    return failure();

  // Score function and its weights.
  ScoreKind score = getScore();
  // The attention width A of 'additive' is the first static one of Wq, Wk
  // and va (it may be dynamic in all three): the others must agree with it.
  int64_t a = ShapedType::kDynamic;
  if (score == ScoreKind::additive && getScoreOperands().size() == 3) {
    for (auto [i, dim] : {std::pair<int, int64_t>{0, 1}, {1, 1}, {2, 0}}) {
      auto w = cast<RankedTensorType>(getScoreOperands()[i].getType());
      if (w.getRank() > dim && !w.isDynamicDim(dim)) {
        a = w.getDimSize(dim);
        break;
      }
    }
  }
  // Weights have static shapes apart from A: D and Dv are static, and a `?`
  // for them would leave the C ABI a size the caller could get wrong.
  if (failed(verifyOperandList(
          op, "score operands",
          ("score '" + stringifyScoreKind(score) + "'").str(),
          getScoreOperands(), scoreOperandSpecs(score, d, dv, a),
          /*staticSizes=*/true)))
    return failure();
  if (score == ScoreKind::multi_dimensional &&
      getNormalizer() != Normalizer::softmax)
    return emitOpError() << "score 'multi_dimensional' normalises per feature "
                            "and expects normalizer 'softmax', but got '"
                         << stringifyNormalizer(getNormalizer()) << "'";
  if (score == ScoreKind::compositional && getNormalizer() != Normalizer::none)
    return emitOpError() << "score 'compositional' is not normalised and "
                            "expects normalizer 'none', but got '"
                         << stringifyNormalizer(getNormalizer()) << "'";

  // Normaliser and its operands.
  Normalizer norm = getNormalizer();
  SmallVector<OperandSpec> normSpecs;
  if (norm == Normalizer::hard_sample)
    normSpecs.push_back({"u", rowDims});
  if (failed(verifyOperandList(
          op, "normalizer operands",
          ("normalizer '" + stringifyNormalizer(norm) + "'").str(),
          getNormalizerOperands(), normSpecs)))
    return failure();
  if ((norm == Normalizer::topk) != getTopK().has_value())
    return emitOpError() << "expects the top_k attribute exactly when the "
                            "normalizer is 'topk'";
  if (getTopK() && static_cast<int64_t>(*getTopK()) < 1)
    return emitOpError() << "expects top_k >= 1, but got "
                         << static_cast<int64_t>(*getTopK());

  // Positional terms and their operands.
  if (getRelativeClip() && getGaussianWindow())
    return emitOpError() << "expects at most one of relative_clip and "
                            "gaussian_window";
  if (getGaussianWindow().has_value() != getGaussianSigma().has_value())
    return emitOpError()
           << "expects gaussian_window and gaussian_sigma together";
  SmallVector<OperandSpec> posSpecs;
  if (std::optional<uint64_t> clip = getRelativeClip()) {
    if (static_cast<int64_t>(*clip) < 0 ||
        static_cast<int64_t>(*clip) > std::numeric_limits<int32_t>::max())
      return emitOpError() << "expects relative_clip in [0, 2^31 - 1]";
    int64_t rows = 2 * static_cast<int64_t>(*clip) + 1;
    posSpecs.push_back({"aK", {{"2*clip+1", rows}, {"D", d}}});
    posSpecs.push_back({"aV", {{"2*clip+1", rows}, {"Dv", dv}}});
  }
  if (std::optional<uint64_t> w = getGaussianWindow()) {
    if (static_cast<int64_t>(*w) < 0)
      return emitOpError() << "expects gaussian_window >= 0";
    posSpecs.push_back({"p", rowDims});
  }
  if (failed(verifyGridWindow(*this, posSpecs)))
    return failure();
  // The relative-position tables have static shapes ([2*clip+1, D|Dv]): with
  // a `?` the C ABI would accept a table of too few rows.
  bool hasTables = getRelativeClip() || getGridWindow();
  if (failed(verifyOperandList(op, "position operands",
                               "the positional attributes",
                               getPositionOperands(), posSpecs,
                               /*staticSizes=*/hasTables)))
    return failure();

  // Weights take the compute element type or f32; positions and samples
  // are f32.
  for (Value w : getScoreOperands()) {
    Type t = cast<RankedTensorType>(w.getType()).getElementType();
    if (t != elemType && !t.isF32())
      return emitOpError() << "expects score operands of element type f32 or "
                           << elemType << ", but got " << t;
  }
  for (Value w : getPositionOperands()) {
    Type t = cast<RankedTensorType>(w.getType()).getElementType();
    bool tableOk = hasTables && (t == elemType || t.isF32());
    if (!t.isF32() && !tableOk)
      return emitOpError() << "expects position operands of element type f32"
                           << (hasTables ? " or the output's" : "")
                           << ", but got " << t;
  }
  for (Value u : getNormalizerOperands())
    if (!cast<RankedTensorType>(u.getType()).getElementType().isF32())
      return emitOpError()
             << "expects normalizer operands of element type "
                "f32, but got "
             << cast<RankedTensorType>(u.getType()).getElementType();

  // Scalar attributes.
  if (failed(verifyPositiveFinite(op, "scale", getScale())) ||
      failed(verifyPositiveFinite(op, "softcap", getSoftcap())) ||
      failed(verifyPositiveFinite(op, "gaussian_sigma", getGaussianSigma())))
    return failure();
  if (std::optional<ArrayRef<int64_t>> w = getWindow()) {
    if (w->size() != 2 || (*w)[0] < 0 || (*w)[1] < 0)
      return emitOpError() << "expects window = [left, right] with both >= 0";
  }

  // Log-sum-exp result.
  if (Value lse = getLse()) {
    if (norm != Normalizer::softmax || score == ScoreKind::multi_dimensional)
      return emitOpError() << "expects the lse result only with a per-row "
                              "softmax normalizer";
    if (failed(verifyShape(op, "lse result", lse, rowDims)))
      return failure();
  }
  return success();
}

/// Checks a region's block signature and the type it yields.
static LogicalResult verifyModRegion(AttentionOp op, Region &region,
                                     StringRef name, ArrayRef<Type> argTypes,
                                     Type yieldType, StringRef signature) {
  if (region.empty())
    return success();
  if (!region.hasOneBlock())
    return op.emitOpError()
           << "expects the " << name << " region to have one block";
  Block &block = region.front();
  if (block.getArgumentTypes() != TypeRange(argTypes))
    return op.emitOpError()
           << "expects the " << name << " region arguments to be " << signature;
  auto yield = dyn_cast<YieldOp>(block.getTerminator());
  if (!yield)
    return op.emitOpError()
           << "expects the " << name << " region to end in attn.yield";
  if (yield.getValue().getType() != yieldType)
    return op.emitOpError()
           << "expects the " << name << " region to yield " << yieldType
           << ", but it yields " << yield.getValue().getType();
  for (Operation &inner : block.without_terminator()) {
    if (!isMemoryEffectFree(&inner) || inner.getNumRegions() != 0)
      return op.emitOpError()
             << "expects the " << name
             << " region to hold only side-effect-free ops without regions, "
                "but found '"
             << inner.getName() << "'";
    // The body is evaluated per (query, key) pair, and the lowering widens
    // each op to a vector of such pairs: shaped values have no meaning here.
    for (TypeRange types : {TypeRange(inner.getOperandTypes()),
                            TypeRange(inner.getResultTypes())})
      for (Type t : types)
        if (!t.isIntOrIndexOrFloat())
          return op.emitOpError()
                 << "expects the " << name
                 << " region to compute on scalars (integers, index, floats), "
                    "but '"
                 << inner.getName() << "' has a value of type " << t;
  }
  return success();
}

LogicalResult AttentionOp::verifyRegions() {
  Builder b(getContext());
  Type idx = b.getIndexType();
  if (failed(verifyModRegion(*this, getScoreMod(), "score_mod",
                             {b.getF32Type(), idx, idx, idx, idx},
                             b.getF32Type(),
                             "(f32, index, index, index, index)")))
    return failure();
  return verifyModRegion(*this, getMaskMod(), "mask_mod", {idx, idx, idx, idx},
                         b.getI1Type(), "(index, index, index, index)");
}

void AttentionOp::getEqualDims(SmallVectorImpl<DimEquality> &eqs) {
  auto same = [&](Value a, int64_t da, Value b, int64_t db) {
    eqs.push_back({DimRef{a, da}, DimRef{b, db}});
  };
  Value q = getQuery(), k = getKey(), v = getValue(), o = getOutput();
  // Batch; with a paged cache the pools share their page count and page
  // size (num_pages and P are sizes of their own).
  Value table = getBlockTable();
  if (table) {
    same(q, 0, table, 0);
    same(k, 0, v, 0);
  } else {
    same(q, 0, k, 0);
    same(q, 0, v, 0);
  }
  same(q, 0, o, 0);
  // Heads, lengths, head dims.
  same(q, 1, o, 1);
  same(k, 1, v, 1);
  same(q, 2, o, 2);
  same(k, 2, v, 2);
  same(q, 3, k, 3);
  same(v, 3, o, 3);
  // Full-size (non-broadcast) dimensions of mask and bias.
  Value full[4] = {q, q, q, k};
  int64_t fullDim[4] = {0, 1, 2, 2};
  for (Value t : {getMask(), getBias()}) {
    if (!t)
      continue;
    auto type = cast<RankedTensorType>(t.getType());
    // Paged: the key dimension is P * page_size, static (verified).
    for (int64_t i = 0; i < (table ? 3 : 4); ++i)
      if (type.getDimSize(i) != 1)
        same(t, i, full[i], fullDim[i]);
  }
  if (Value len = getKeyLengths())
    same(len, 0, q, 0);
  // Weights: D and Dv, and the attention width A of 'additive' (which may be
  // dynamic: one size for Wq, Wk and va).
  ValueRange w = getScoreOperands();
  ScoreKind score = getScore();
  if (score == ScoreKind::general && w.size() == 1) {
    same(w[0], 0, q, 3);
    same(w[0], 1, q, 3);
  } else if (score == ScoreKind::additive && w.size() == 3) {
    same(w[0], 0, q, 3);
    same(w[1], 0, q, 3);
    same(w[1], 1, w[0], 1);
    same(w[2], 0, w[0], 1);
  } else if (score == ScoreKind::multi_dimensional && w.size() == 3) {
    same(w[0], 0, q, 3);
    same(w[0], 1, v, 3);
    same(w[1], 0, q, 3);
    same(w[1], 1, v, 3);
    same(w[2], 0, v, 3);
  }
  if (getRelativeClip() && getPositionOperands().size() == 2) {
    Value aK = getPositionOperands()[0], aV = getPositionOperands()[1];
    same(aK, 0, aV, 0);
    same(aK, 1, q, 3);
    same(aV, 1, v, 3);
  }
  if (getGridWindow() && getPositionOperands().size() == 2)
    for (Value table : getPositionOperands()) {
      same(table, 0, q, 1);
      same(table, 2, q, 3);
    }
  SmallVector<Value> rowShaped(getNormalizerOperands());
  if (getGaussianWindow())
    rowShaped.append(getPositionOperands().begin(),
                     getPositionOperands().end());
  if (Value lse = getLse())
    rowShaped.push_back(lse);
  for (Value r : rowShaped)
    for (int64_t i = 0; i < 3; ++i)
      same(r, i, q, i);
}
