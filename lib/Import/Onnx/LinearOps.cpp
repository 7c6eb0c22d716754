//===- LinearOps.cpp - MatMul and Gemm ------------------------------------===//
//
// Both become the `out + a * b` linalg.generic of batchedMatmul, the form
// attn-tile-contractions maps to register tiles. Gemm's transposed B (how
// exporters write nn.Linear) is transposed once at import time when it is a
// constant, so the weights are read along their rows.
//
//===----------------------------------------------------------------------===//

#include "Converters.h"
#include "TensorBuilders.h"

#include "mlir/Dialect/Arith/IR/Arith.h"

using namespace mlir;

namespace attn::onnx_import {

LogicalResult convertMatMul(NodeImporter &node) {
  const ImportedValue *a = node.input(0), *b = node.input(1);
  if (!a || !b)
    return failure();
  Type element = a->type.getElementType();
  if (element != b->type.getElementType() || !isa<FloatType>(element))
    return node.error() << "inputs must have one float element type, got "
                        << element << " and " << b->type.getElementType(),
           failure();
  if (a->type.getRank() == 0 || b->type.getRank() == 0)
    return node.error() << "inputs must have rank 1 or more", failure();
  OpBuilder &builder = node.builder();
  Location loc = node.loc();
  // 1-D operands: a row vector [1, K] on the left, a column [K, 1] on the
  // right, the added dimension dropped from the result.
  Value at = node.tensor(0), bt = node.tensor(1);
  Dims ad = a->dims, bd = b->dims;
  bool rowVector = ad.size() == 1, columnVector = bd.size() == 1;
  if (rowVector) {
    ad.insert(ad.begin(), builder.getIndexAttr(1));
    at = reshape(node.graph, loc, at, a->dims, ad);
  }
  if (columnVector) {
    bd.push_back(builder.getIndexAttr(1));
    bt = reshape(node.graph, loc, bt, b->dims, bd);
  }
  Dims resultDims;
  FailureOr<Value> out = batchedMatmul(node, at, ad, bt, bd, resultDims);
  if (failed(out))
    return failure();
  Dims finalDims = resultDims;
  if (columnVector)
    finalDims.pop_back();
  if (rowVector)
    finalDims.erase(finalDims.end() - (columnVector ? 1 : 2));
  Value result = reshape(node.graph, loc, *out, resultDims, finalDims);
  node.setOutput(0, result, finalDims);
  return success();
}

LogicalResult convertGemm(NodeImporter &node) {
  const ImportedValue *a = node.input(0), *b = node.input(1);
  if (!a || !b)
    return failure();
  Type element = a->type.getElementType();
  if (element != b->type.getElementType() || !isa<FloatType>(element))
    return node.error() << "A and B must have one float element type",
           failure();
  if (a->type.getRank() != 2 || b->type.getRank() != 2)
    return node.error() << "A and B must have rank 2", failure();
  OpBuilder &builder = node.builder();
  Location loc = node.loc();
  float alpha = node.floatAttr("alpha", 1.0f);
  float beta = node.floatAttr("beta", 1.0f);

  auto operand = [&](unsigned i, const ImportedValue *v, bool transposed,
                     Dims &dims) -> Value {
    if (!transposed) {
      dims = v->dims;
      return node.tensor(i);
    }
    if (v->constant) {
      // Transposed at import time: [N, K] weights stored as [K, N].
      auto type = cast<RankedTensorType>(v->constant.getType());
      int64_t rows = type.getDimSize(0), cols = type.getDimSize(1);
      auto newType = RankedTensorType::get({cols, rows}, element);
      int64_t width = element.getIntOrFloatBitWidth() / 8;
      ArrayRef<char> raw = v->constant.getRawData();
      std::vector<char> data(raw.size());
      bool splat = v->constant.isSplat();
      for (int64_t r = 0; r < rows && !splat; ++r)
        for (int64_t c = 0; c < cols; ++c)
          std::memcpy(&data[(c * rows + r) * width],
                      &raw[(r * cols + c) * width], width);
      DenseElementsAttr t =
          splat ? DenseElementsAttr(v->constant).reshape(newType)
                : DenseElementsAttr::getFromRawBuffer(newType, data);
      dims = {builder.getIndexAttr(cols), builder.getIndexAttr(rows)};
      return arith::ConstantOp::create(builder, loc, t);
    }
    return transpose(builder, loc, node.tensor(i), v->dims, {1, 0}, dims);
  };
  Dims ad, bd;
  Value at = operand(0, a, node.intAttr("transA", 0), ad);
  Value bt = operand(1, b, node.intAttr("transB", 0), bd);
  if (!at || !bt)
    return failure();
  Dims resultDims;
  FailureOr<Value> product = batchedMatmul(node, at, ad, bt, bd, resultDims);
  if (failed(product))
    return failure();
  Value result = *product;
  bool hasC = node.hasInput(2) && beta != 0.0f;
  if (alpha != 1.0f || hasC) {
    SmallVector<Value> operands = {result};
    SmallVector<Dims> dims = {resultDims};
    if (hasC) {
      const ImportedValue *c = node.input(2);
      if (!c)
        return failure();
      if (c->type.getElementType() != element)
        return node.error() << "C has a different element type", failure();
      operands.push_back(node.tensor(2));
      dims.push_back(c->dims);
      if (failed(broadcastDims(node, dims)))
        return failure();
    }
    result =
        elementwise(builder, loc, operands, dims, resultDims, element,
                    [&](OpBuilder &nb, Location nl, ValueRange args) -> Value {
                      auto constant = [&](float x) -> Value {
                        return arith::ConstantOp::create(
                            nb, nl, nb.getFloatAttr(element, x));
                      };
                      Value v = args[0];
                      if (alpha != 1.0f)
                        v = arith::MulFOp::create(nb, nl, v, constant(alpha));
                      if (args.size() > 1) {
                        Value c = args[1];
                        if (beta != 1.0f)
                          c = arith::MulFOp::create(nb, nl, c, constant(beta));
                        v = arith::AddFOp::create(nb, nl, v, c);
                      }
                      return v;
                    });
  }
  node.setOutput(0, result, resultDims);
  return success();
}

} // namespace attn::onnx_import
