//===- GateOps.cpp - verifiers of the gating vision ops -------------------===//
//
// Shape rules and dimension relations of the ops of AttnGateOps.td
// (shared/VARIANTS.md section E: squeeze_excite, eca, spatial, cbam,
// selective_kernel). Messages name the operand, the expected shape in
// symbols and sizes, and what was found. Sizes may be dynamic except the
// convolution widths, which fix the padding.
//
//===----------------------------------------------------------------------===//

#include "ShapeRules.h"

using namespace mlir;
using namespace mlir::attn;
using namespace mlir::attn::shape_rules;

namespace {
constexpr int64_t kDyn = ShapedType::kDynamic;

/// Checks that the feature map `what` is [N, C, H, W].
LogicalResult verifyFeatureMap(Operation *op, StringRef what, Value map) {
  return verifyRank(op, what, map, 4, "[N, C, H, W]");
}

/// [N, C, H, W] of `map` with C replaced by `c` where that is known.
SmallVector<Dim> featureMapDims(Value map, int64_t c) {
  return {{"N", dimOf(map, 0)},
          {"C", refine(c, dimOf(map, 1))},
          {"H", dimOf(map, 2)},
          {"W", dimOf(map, 3)}};
}

/// Checks that dimension `dim` of `what`, the width K of a convolution
/// (its padding is (K - 1) / 2), is static and odd.
LogicalResult verifyKernelSize(Operation *op, StringRef what, Value kernel,
                               int64_t dim) {
  int64_t k = dimOf(kernel, dim);
  if (!ShapedType::isDynamic(k) && k % 2 == 1)
    return success();
  return op->emitOpError() << "expects a static odd kernel size K (dimension "
                           << dim << " of " << what << "), but got "
                           << kernel.getType();
}

/// The channel MLP relu(z w1 + b1) w2 + b2 on [N, C]: checks the four
/// weights against C (`c`, possibly dynamic) and each other; returns C as
/// far as known.
FailureOr<int64_t> verifyChannelMlp(Operation *op, int64_t c, Value w1,
                                    Value b1, Value w2, Value b2) {
  if (failed(verifyShape(op, "w1", w1, {{"C", c}, {"R", dimOf(w1, 1)}})))
    return failure();
  c = refine(c, dimOf(w1, 0));
  int64_t r = dimOf(w1, 1);
  if (failed(verifyShape(op, "b1", b1, {{"R", r}})))
    return failure();
  r = refine(r, dimOf(b1, 0));
  if (failed(verifyShape(op, "w2", w2, {{"R", r}, {"C", c}})))
    return failure();
  c = refine(c, dimOf(w2, 1));
  if (failed(verifyShape(op, "b2", b2, {{"C", c}})))
    return failure();
  return refine(c, dimOf(b2, 0));
}

/// The spatial gate's weights: ws [1, 2, K, K] with K static and odd, and
/// bs [1].
LogicalResult verifySpatialWeights(Operation *op, Value ws, Value bs) {
  if (failed(verifyRank(op, "ws", ws, 4, "[1, 2, K, K]")) ||
      failed(verifyKernelSize(op, "ws", ws, 2)))
    return failure();
  int64_t k = dimOf(ws, 2);
  if (failed(
          verifyShape(op, "ws", ws, {{"1", 1}, {"2", 2}, {"K", k}, {"K", k}})))
    return failure();
  return verifyShape(op, "bs", bs, {{"1", 1}});
}

/// The equal sizes of the channel MLP on the channels of `input`.
void channelMlpDims(SmallVectorImpl<DimEquality> &eqs, Value input, Value w1,
                    Value b1, Value w2, Value b2) {
  same(eqs, w1, 0, input, 1);
  same(eqs, w1, 1, b1, 0);
  same(eqs, w2, 0, b1, 0);
  same(eqs, w2, 1, input, 1);
  same(eqs, b2, 0, input, 1);
}
} // namespace

//===----------------------------------------------------------------------===//
// squeeze_excite
//===----------------------------------------------------------------------===//

LogicalResult SqueezeExciteOp::verify() {
  Operation *op = getOperation();
  Value x = getInput();
  if (failed(verifyFeatureMap(op, "input", x)))
    return failure();
  FailureOr<int64_t> c =
      verifyChannelMlp(op, dimOf(x, 1), getW1(), getB1(), getW2(), getB2());
  if (failed(c))
    return failure();
  return verifyShape(op, "output", getOutput(), featureMapDims(x, *c));
}

void SqueezeExciteOp::getEqualDims(SmallVectorImpl<DimEquality> &eqs) {
  sameShape(eqs, getInput(), getOutput());
  channelMlpDims(eqs, getInput(), getW1(), getB1(), getW2(), getB2());
}

//===----------------------------------------------------------------------===//
// eca
//===----------------------------------------------------------------------===//

LogicalResult EcaOp::verify() {
  Operation *op = getOperation();
  Value x = getInput();
  if (failed(verifyFeatureMap(op, "input", x)))
    return failure();
  if (failed(verifyRank(op, "w", getW(), 1, "[K]")) ||
      failed(verifyKernelSize(op, "w", getW(), 0)))
    return failure();
  return verifyShape(op, "output", getOutput(), featureMapDims(x, kDyn));
}

void EcaOp::getEqualDims(SmallVectorImpl<DimEquality> &eqs) {
  sameShape(eqs, getInput(), getOutput());
}

//===----------------------------------------------------------------------===//
// spatial_gate
//===----------------------------------------------------------------------===//

LogicalResult SpatialGateOp::verify() {
  Operation *op = getOperation();
  Value x = getInput();
  if (failed(verifyFeatureMap(op, "input", x)) ||
      failed(verifySpatialWeights(op, getWs(), getBs())))
    return failure();
  return verifyShape(op, "output", getOutput(), featureMapDims(x, kDyn));
}

void SpatialGateOp::getEqualDims(SmallVectorImpl<DimEquality> &eqs) {
  sameShape(eqs, getInput(), getOutput());
}

//===----------------------------------------------------------------------===//
// cbam
//===----------------------------------------------------------------------===//

LogicalResult CbamOp::verify() {
  Operation *op = getOperation();
  Value x = getInput();
  if (failed(verifyFeatureMap(op, "input", x)))
    return failure();
  FailureOr<int64_t> c =
      verifyChannelMlp(op, dimOf(x, 1), getW1(), getB1(), getW2(), getB2());
  if (failed(c) || failed(verifySpatialWeights(op, getWs(), getBs())))
    return failure();
  return verifyShape(op, "output", getOutput(), featureMapDims(x, *c));
}

void CbamOp::getEqualDims(SmallVectorImpl<DimEquality> &eqs) {
  sameShape(eqs, getInput(), getOutput());
  channelMlpDims(eqs, getInput(), getW1(), getB1(), getW2(), getB2());
}

//===----------------------------------------------------------------------===//
// selective_kernel
//===----------------------------------------------------------------------===//

LogicalResult SelectiveKernelOp::verify() {
  Operation *op = getOperation();
  Value u1 = getU1();
  if (failed(verifyFeatureMap(op, "u1", u1)))
    return failure();
  int64_t c = dimOf(u1, 1);
  if (failed(verifyShape(op, "u2", getU2(), featureMapDims(u1, c))))
    return failure();
  c = refine(c, dimOf(getU2(), 1));
  Value wfc = getWfc();
  if (failed(verifyShape(op, "wfc", wfc, {{"C", c}, {"Z", dimOf(wfc, 1)}})))
    return failure();
  c = refine(c, dimOf(wfc, 0));
  int64_t z = dimOf(wfc, 1);
  if (failed(verifyShape(op, "bfc", getBfc(), {{"Z", z}})))
    return failure();
  z = refine(z, dimOf(getBfc(), 0));
  if (failed(verifyShape(op, "wa", getWa(), {{"Z", z}, {"C", c}})))
    return failure();
  z = refine(z, dimOf(getWa(), 0));
  c = refine(c, dimOf(getWa(), 1));
  if (failed(verifyShape(op, "wb", getWb(), {{"Z", z}, {"C", c}})))
    return failure();
  c = refine(c, dimOf(getWb(), 1));
  return verifyShape(op, "output", getOutput(), featureMapDims(u1, c));
}

void SelectiveKernelOp::getEqualDims(SmallVectorImpl<DimEquality> &eqs) {
  Value u1 = getU1(), wfc = getWfc();
  sameShape(eqs, u1, getU2());
  sameShape(eqs, u1, getOutput());
  same(eqs, wfc, 0, u1, 1);
  same(eqs, wfc, 1, getBfc(), 0);
  for (Value w : {getWa(), getWb()}) {
    same(eqs, w, 0, wfc, 1);
    same(eqs, w, 1, u1, 1);
  }
}
