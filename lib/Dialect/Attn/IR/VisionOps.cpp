//===- VisionOps.cpp - verifiers of the vision attention ops --------------===//
//
// Shape rules and dimension relations of the ops of AttnVisionOps.td
// (shared/VARIANTS.md section E: non_local, channel_self,
// spatial_transformer). Messages name the operand, the expected shape in
// symbols and sizes, and what was found.
//
//===----------------------------------------------------------------------===//

#include "attn/Dialect/Attn/IR/AttnDialect.h"

using namespace mlir;
using namespace mlir::attn;

namespace {
/// Expected size of one dimension, with the symbol used in messages.
struct Dim {
  const char *name;
  int64_t size; // ShapedType::kDynamic when unknown.
};

RankedTensorType tensorType(Value v) {
  return cast<RankedTensorType>(v.getType());
}

int64_t dimOf(Value v, int64_t d) { return tensorType(v).getDimSize(d); }

/// Checks that `value` has the expected shape. A `?` on either side matches
/// any size, except that with `exact` a static expected size needs that
/// static size: the sampler reads theta[n, 0..1, 0..2] and gamma[0], so a
/// `?` there would let the C ABI accept a buffer too small for those reads.
LogicalResult verifyShape(Operation *op, StringRef what, Value value,
                          ArrayRef<Dim> dims, bool exact = false) {
  RankedTensorType type = tensorType(value);
  bool ok = type.getRank() == static_cast<int64_t>(dims.size());
  for (auto [i, d] : llvm::enumerate(dims))
    ok = ok && (ShapedType::isDynamic(d.size) ||
                (!exact && type.isDynamicDim(static_cast<unsigned>(i))) ||
                type.getDimSize(i) == d.size);
  if (ok)
    return success();
  InFlightDiagnostic diag = op->emitOpError()
                            << "expects " << what << " of shape [";
  llvm::interleaveComma(dims, diag, [&](const Dim &d) { diag << d.name; });
  diag << "] = [";
  llvm::interleaveComma(dims, diag, [&](const Dim &d) {
    if (ShapedType::isDynamic(d.size))
      diag << "?";
    else
      diag << d.size;
  });
  return diag << "], but got " << type;
}

/// Checks that the feature map `input` is [N, C, H, W].
LogicalResult verifyFeatureMap(Operation *op, Value input) {
  if (tensorType(input).getRank() == 4)
    return success();
  return op->emitOpError() << "expects input of rank 4 ([N, C, H, W]), but got "
                           << input.getType();
}

/// Checks that dimension `dim` (called `name`) of `value` is static and at
/// least 1; returns it.
FailureOr<int64_t> staticPositive(Operation *op, StringRef what, Value value,
                                  int64_t dim, StringRef name, StringRef why) {
  int64_t size = dimOf(value, dim);
  if (ShapedType::isDynamic(size))
    return op->emitOpError()
           << "expects a static " << name << " (dimension " << dim << " of "
           << what << "; " << why << "), but got " << value.getType();
  if (size < 1)
    return op->emitOpError()
           << "expects " << name << " >= 1, but got " << value.getType();
  return size;
}

/// The output has the input's shape.
LogicalResult verifySameMap(Operation *op, Value input, Value output) {
  return verifyShape(op, "output", output,
                     {{"N", dimOf(input, 0)},
                      {"C", dimOf(input, 1)},
                      {"H", dimOf(input, 2)},
                      {"W", dimOf(input, 3)}});
}

void same(SmallVectorImpl<DimEquality> &eqs, Value a, int64_t da, Value b,
          int64_t db) {
  eqs.push_back({DimRef{a, da}, DimRef{b, db}});
}

void sameShape(SmallVectorImpl<DimEquality> &eqs, Value a, Value b) {
  for (int64_t i = 0, e = tensorType(a).getRank(); i < e; ++i)
    same(eqs, a, i, b, i);
}
} // namespace

//===----------------------------------------------------------------------===//
// non_local
//===----------------------------------------------------------------------===//

int64_t NonLocalOp::getInnerDim() { return dimOf(getWTheta(), 1); }

LogicalResult NonLocalOp::verify() {
  Operation *op = getOperation();
  Value x = getInput();
  if (failed(verifyFeatureMap(op, x)))
    return failure();
  FailureOr<int64_t> c =
      staticPositive(op, "input", x, 1, "C", "the projections are [C, Ci]");
  if (failed(c))
    return failure();
  if (tensorType(getWTheta()).getRank() != 2)
    return emitOpError() << "expects w_theta of rank 2 ([C, Ci]), but got "
                         << getWTheta().getType();
  FailureOr<int64_t> ci = staticPositive(op, "w_theta", getWTheta(), 1, "Ci",
                                         "the head dimension of the attention");
  if (failed(ci))
    return failure();
  Dim cDim{"C", *c}, ciDim{"Ci", *ci};
  if (failed(verifyShape(op, "w_theta", getWTheta(), {cDim, ciDim})) ||
      failed(verifyShape(op, "w_phi", getWPhi(), {cDim, ciDim})) ||
      failed(verifyShape(op, "w_g", getWG(), {cDim, ciDim})) ||
      failed(verifyShape(op, "w_z", getWZ(), {ciDim, cDim})))
    return failure();
  return verifySameMap(op, x, getOutput());
}

void NonLocalOp::getEqualDims(SmallVectorImpl<DimEquality> &eqs) {
  Value x = getInput();
  sameShape(eqs, x, getOutput());
  for (Value w : {getWTheta(), getWPhi(), getWG()}) {
    same(eqs, w, 0, x, 1);
    same(eqs, w, 1, getWZ(), 0);
  }
  same(eqs, getWZ(), 1, x, 1);
}

//===----------------------------------------------------------------------===//
// channel_self
//===----------------------------------------------------------------------===//

LogicalResult ChannelSelfOp::verify() {
  Operation *op = getOperation();
  Value x = getInput();
  if (failed(verifyFeatureMap(op, x)))
    return failure();
  StringRef why = "H*W is the head dimension of the channel attention";
  if (failed(staticPositive(op, "input", x, 2, "H", why)) ||
      failed(staticPositive(op, "input", x, 3, "W", why)))
    return failure();
  if (failed(verifyShape(op, "gamma", getGamma(), {{"1", 1}},
                         /*exact=*/true)))
    return failure();
  return verifySameMap(op, x, getOutput());
}

void ChannelSelfOp::getEqualDims(SmallVectorImpl<DimEquality> &eqs) {
  sameShape(eqs, getInput(), getOutput());
}

//===----------------------------------------------------------------------===//
// spatial_transformer
//===----------------------------------------------------------------------===//

LogicalResult SpatialTransformerOp::verify() {
  Operation *op = getOperation();
  Value x = getInput();
  if (failed(verifyFeatureMap(op, x)) ||
      failed(verifyShape(op, "theta", getTheta(),
                         {{"N", dimOf(x, 0)}, {"2", 2}, {"3", 3}},
                         /*exact=*/true)))
    return failure();
  return verifySameMap(op, x, getOutput());
}

void SpatialTransformerOp::getEqualDims(SmallVectorImpl<DimEquality> &eqs) {
  sameShape(eqs, getInput(), getOutput());
  same(eqs, getTheta(), 0, getInput(), 0);
}
