//===- VisionOps.cpp - verifiers of the vision attention ops --------------===//
//
// Shape rules and dimension relations of the ops of AttnVisionOps.td
// (shared/VARIANTS.md section E: non_local, channel_self,
// spatial_transformer). Messages name the operand, the expected shape in
// symbols and sizes, and what was found.
//
//===----------------------------------------------------------------------===//

#include "ShapeRules.h"

using namespace mlir;
using namespace mlir::attn;
using namespace mlir::attn::shape_rules;

namespace {
/// Checks that the feature map `input` is [N, C, H, W].
LogicalResult verifyFeatureMap(Operation *op, Value input) {
  return verifyRank(op, "input", input, 4, "[N, C, H, W]");
}

/// The output has the input's shape.
LogicalResult verifySameMap(Operation *op, Value input, Value output) {
  return verifyShape(op, "output", output,
                     {{"N", dimOf(input, 0)},
                      {"C", dimOf(input, 1)},
                      {"H", dimOf(input, 2)},
                      {"W", dimOf(input, 3)}});
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
  FailureOr<int64_t> c = verifyStaticPositive(op, "input", x, 1, "C",
                                              "the projections are [C, Ci]");
  if (failed(c))
    return failure();
  if (failed(verifyRank(op, "w_theta", getWTheta(), 2, "[C, Ci]")))
    return failure();
  FailureOr<int64_t> ci =
      verifyStaticPositive(op, "w_theta", getWTheta(), 1, "Ci",
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
  if (failed(verifyStaticPositive(op, "input", x, 2, "H", why)) ||
      failed(verifyStaticPositive(op, "input", x, 3, "W", why)))
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
