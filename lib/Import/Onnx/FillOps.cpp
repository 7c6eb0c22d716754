//===- FillOps.cpp - tensors made from a shape: Expand, ConstantOfShape,
//...===//
//
// Expand, ConstantOfShape, Range and Trilu build a tensor from a shape or
// from index arithmetic. Their shape operands are the values the importer
// folds (Shape chains, constants), so a dynamic batch size flows through
// them as the argument's own size value.
//
//===----------------------------------------------------------------------===//

#include "Converters.h"
#include "TensorBuilders.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"

using namespace mlir;

namespace attn::onnx_import {
namespace {

/// Range's element count: max(ceil((limit - start) / delta), 0).
int64_t rangeCount(int64_t start, int64_t limit, int64_t delta) {
  int64_t diff = limit - start;
  if (delta > 0)
    return diff > 0 ? (diff + delta - 1) / delta : 0;
  return diff < 0 ? (-diff - delta - 1) / -delta : 0;
}

/// The only element of a rank-0 (or one-element) float constant input.
FailureOr<double> constantFloat(NodeImporter &node, unsigned i,
                                StringRef what) {
  const ImportedValue *v = node.input(i);
  if (!v)
    return failure();
  if (!v->constant || v->constant.getNumElements() != 1)
    return node.error() << what << " must be a constant scalar", failure();
  return (*v->constant.getValues<APFloat>().begin()).convertToDouble();
}

} // namespace

LogicalResult convertExpand(NodeImporter &node) {
  const ImportedValue *in = node.input(0);
  if (!in)
    return failure();
  FailureOr<Dims> shape = node.knownInts(1, "the shape");
  if (failed(shape))
    return failure();
  for (OpFoldResult d : *shape)
    if (std::optional<int64_t> c = staticSize(d); c && *c < 0)
      return node.error() << "shape entry " << *c << " is negative", failure();
  // Bidirectional: a 1 in the shape keeps the input's size.
  FailureOr<Dims> out = broadcastDims(node, {in->dims, *shape});
  if (failed(out))
    return failure();
  Type element = in->type.getElementType();
  Value result = elementwise(
      node.builder(), node.loc(), {node.tensor(0)}, {in->dims}, *out, element,
      [](OpBuilder &, Location, ValueRange args) { return args[0]; });
  node.setOutput(0, result, *out);
  return success();
}

LogicalResult convertConstantOfShape(NodeImporter &node) {
  FailureOr<Dims> shape = node.knownInts(0, "the shape");
  if (failed(shape))
    return failure();
  OpBuilder &b = node.builder();
  TypedAttr value = b.getF32FloatAttr(0.0f);
  if (const onnx::AttributeProto *attr = node.attribute("value")) {
    FailureOr<DenseElementsAttr> dense =
        denseAttrOf(attr->t(), node.graph.context, node.graph.fileLoc());
    if (failed(dense))
      return failure();
    if (dense->getNumElements() != 1)
      return node.error() << "'value' must hold one element, not "
                          << dense->getNumElements(),
             failure();
    value = cast<TypedAttr>(*dense->getValues<Attribute>().begin());
  }
  for (OpFoldResult d : *shape)
    if (std::optional<int64_t> c = staticSize(d); c && *c < 0)
      return node.error() << "shape entry " << *c << " is negative", failure();
  RankedTensorType type = tensorType(*shape, value.getType());
  if (type.hasStaticShape()) {
    // A splat constant: small integer ones take part in shape arithmetic.
    node.setOutput(0, constantValue(DenseElementsAttr::get(type, value), b));
    return success();
  }
  node.setOutput(0, filledTensor(b, node.loc(), *shape, value), *shape);
  return success();
}

LogicalResult convertRange(NodeImporter &node) {
  const ImportedValue *start = node.input(0);
  if (!start || !node.input(1) || !node.input(2))
    return failure();
  Type element = start->type.getElementType();
  OpBuilder &b = node.builder();
  Location loc = node.loc();
  OpFoldResult count;
  // The body computes start + i * delta from the index i.
  std::function<Value(OpBuilder &, Location, Value)> at;
  if (isa<FloatType>(element)) {
    FailureOr<double> s = constantFloat(node, 0, "start");
    FailureOr<double> l = constantFloat(node, 1, "limit");
    FailureOr<double> d = constantFloat(node, 2, "delta");
    if (failed(s) || failed(l) || failed(d))
      return failure();
    if (*d == 0)
      return node.error() << "delta is zero", failure();
    count = b.getIndexAttr(
        std::max<int64_t>(0, int64_t(std::ceil((*l - *s) / *d))));
    at = [=](OpBuilder &nb, Location nl, Value i) -> Value {
      Value f = arith::SIToFPOp::create(
          nb, nl, element,
          arith::IndexCastOp::create(nb, nl, nb.getI64Type(), i));
      Value v = arith::MulFOp::create(
          nb, nl, f,
          arith::ConstantOp::create(nb, nl, nb.getFloatAttr(element, *d)));
      return arith::AddFOp::create(
          nb, nl, v,
          arith::ConstantOp::create(nb, nl, nb.getFloatAttr(element, *s)));
    };
  } else if (element.isInteger(32) || element.isInteger(64)) {
    FailureOr<SmallVector<int64_t>> s = node.constantInts(0, "start");
    FailureOr<SmallVector<int64_t>> d = node.constantInts(2, "delta");
    FailureOr<Dims> l = node.knownInts(1, "limit");
    if (failed(s) || failed(d) || failed(l))
      return failure();
    if (s->size() != 1 || d->size() != 1 || l->size() != 1)
      return node.error() << "start, limit and delta must be scalars",
             failure();
    int64_t first = s->front(), step = d->front();
    if (step == 0)
      return node.error() << "delta is zero", failure();
    if (std::optional<int64_t> last = staticSize(l->front())) {
      int64_t n = rangeCount(first, *last, step);
      if (n <= 64) {
        // Small ranges are constants, usable in shape arithmetic.
        SmallVector<APInt> values;
        for (int64_t i = 0; i < n; ++i)
          values.push_back(APInt(element.getIntOrFloatBitWidth(),
                                 first + i * step, /*isSigned=*/true));
        auto type = RankedTensorType::get({n}, element);
        node.setOutput(0,
                       constantValue(DenseElementsAttr::get(type, values), b));
        return success();
      }
      count = b.getIndexAttr(n);
    } else if (first == 0 && step == 1) {
      // Range(0, size): the size value itself, so the result keeps it.
      count = l->front();
    } else {
      if (step < 0)
        return node.error() << "a negative delta needs a constant limit",
               failure();
      Value diff =
          arith::SubIOp::create(b, loc, cast<Value>(l->front()),
                                arith::ConstantIndexOp::create(b, loc, first));
      Value n = arith::CeilDivSIOp::create(
          b, loc, diff, arith::ConstantIndexOp::create(b, loc, step));
      count = arith::MaxSIOp::create(b, loc, n,
                                     arith::ConstantIndexOp::create(b, loc, 0))
                  .getResult();
    }
    at = [=](OpBuilder &nb, Location nl, Value i) -> Value {
      Value v = arith::IndexCastOp::create(nb, nl, element, i);
      v = arith::MulIOp::create(
          nb, nl, v,
          arith::ConstantOp::create(nb, nl, nb.getIntegerAttr(element, step)));
      return arith::AddIOp::create(
          nb, nl, v,
          arith::ConstantOp::create(nb, nl, nb.getIntegerAttr(element, first)));
    };
  } else {
    return node.error() << "element type " << element
                        << " is not supported (float, int32 or int64)",
           failure();
  }
  Dims out = {count};
  Value result =
      elementwise(b, loc, {}, {}, out, element,
                  [&](OpBuilder &nb, Location nl, ValueRange) {
                    return at(nb, nl, linalg::IndexOp::create(nb, nl, 0));
                  });
  node.setOutput(0, result, out);
  return success();
}

LogicalResult convertTrilu(NodeImporter &node) {
  const ImportedValue *in = node.input(0);
  if (!in)
    return failure();
  int64_t rank = in->dims.size();
  if (rank < 2)
    return node.error() << "input must have rank 2 or more, got " << rank,
           failure();
  int64_t k = 0;
  if (node.hasInput(1)) {
    FailureOr<SmallVector<int64_t>> given = node.constantInts(1, "k");
    if (failed(given))
      return failure();
    if (given->size() != 1)
      return node.error() << "k must be a scalar", failure();
    k = given->front();
  }
  bool upper = node.intAttr("upper", 1);
  Type element = in->type.getElementType();
  Value result = elementwise(
      node.builder(), node.loc(), {node.tensor(0)}, {in->dims}, in->dims,
      element, [&](OpBuilder &nb, Location nl, ValueRange args) -> Value {
        // Keeps x[..., i, j] where j - i >= k (upper) or j - i <= k.
        Value i = linalg::IndexOp::create(nb, nl, rank - 2);
        Value j = linalg::IndexOp::create(nb, nl, rank - 1);
        Value diff = arith::SubIOp::create(nb, nl, j, i);
        Value kv = arith::ConstantIndexOp::create(nb, nl, k);
        Value keep = arith::CmpIOp::create(nb, nl,
                                           upper ? arith::CmpIPredicate::sge
                                                 : arith::CmpIPredicate::sle,
                                           diff, kv);
        Value zero = arith::ConstantOp::create(nb, nl, nb.getZeroAttr(element));
        return arith::SelectOp::create(nb, nl, keep, args[0], zero);
      });
  node.setOutput(0, result, in->dims);
  return success();
}

} // namespace attn::onnx_import
