//===- PoolOps.cpp - MaxPool ----------------------------------------------===//
//
// MaxPool pads with -inf and becomes linalg.pooling_nchw_max (1-D pools as
// 2-D ones of height 1).
//
//===----------------------------------------------------------------------===//

#include "Converters.h"
#include "SlidingWindow.h"
#include "TensorBuilders.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"

using namespace mlir;

namespace attn::onnx_import {

LogicalResult convertMaxPool(NodeImporter &node) {
  if (node.wantsOutput(1))
    return node.error() << "output 1 (Indices) is not supported", failure();
  if (node.intAttr("storage_order", 0) != 0)
    return node.error() << "storage_order=1 is not supported (it only "
                           "orders the Indices output)",
           failure();
  if (node.intAttr("ceil_mode", 0) != 0)
    return node.error() << "ceil_mode=1 is not supported", failure();
  const ImportedValue *x = node.input(0);
  if (!x)
    return failure();
  auto element = dyn_cast<FloatType>(x->type.getElementType());
  int64_t rank = x->dims.size();
  if (!element || (rank != 3 && rank != 4))
    return node.error() << "only 1-D and 2-D pools of float tensors are "
                           "supported (X of rank 3 or 4)",
           failure();
  if (!node.hasAttr("kernel_shape"))
    return node.error() << "attribute 'kernel_shape' is required", failure();
  Dims spatial(x->dims.begin() + 2, x->dims.end());
  FailureOr<Window> window =
      readWindow(node, spatial, node.intsAttr("kernel_shape"));
  if (failed(window))
    return failure();
  if (window->kernel.size() != spatial.size())
    return node.error() << "kernel_shape has " << window->kernel.size()
                        << " entries for " << spatial.size()
                        << " spatial dimensions",
           failure();
  OpBuilder &b = node.builder();
  Location loc = node.loc();
  Value input = node.tensor(0);
  Dims inDims = x->dims;
  Window win = *window;
  if (rank == 3) {
    input = addUnitHeight(node, input, inDims);
    win = windowAs2d(b, win);
  }
  // Padding never wins a maximum.
  TypedAttr lowest = b.getFloatAttr(
      element, APFloat::getInf(element.getFloatSemantics(), /*Negative=*/true));
  Dims padded;
  Value source = padSpatial(node, input, inDims, win, lowest, padded);
  Dims outDims = {inDims[0], inDims[1], win.out[0], win.out[1]};
  Value init = filledTensor(b, loc, outDims, lowest);
  Value shape = emptyTensor(
      b, loc, {b.getIndexAttr(win.kernel[0]), b.getIndexAttr(win.kernel[1])},
      element);
  Value result =
      linalg::PoolingNchwMaxOp::create(
          b, loc, TypeRange{init.getType()}, ValueRange{source, shape},
          ValueRange{init}, b.getI64TensorAttr(win.strides),
          b.getI64TensorAttr(win.dilations))
          .getResult(0);
  if (rank == 3)
    result = dropUnitHeight(node, result, outDims);
  node.setOutput(0, result, outDims);
  return success();
}

} // namespace attn::onnx_import
