//===- SlidingWindow.cpp - kernel geometry of Conv and MaxPool ------------===//

#include "SlidingWindow.h"
#include "TensorBuilders.h"

#include "mlir/Dialect/Arith/IR/Arith.h"

using namespace mlir;

namespace attn::onnx_import {

/// A list attribute of one entry per spatial dimension, or `fill` each.
static FailureOr<SmallVector<int64_t>>
perDim(NodeImporter &node, StringRef name, size_t count, int64_t fill) {
  if (!node.hasAttr(name))
    return SmallVector<int64_t>(count, fill);
  SmallVector<int64_t> values = node.intsAttr(name);
  if (values.size() != count)
    return node.error() << "'" << name << "' has " << values.size()
                        << " entries, expected " << count,
           failure();
  return values;
}

FailureOr<Window> readWindow(NodeImporter &node, const Dims &spatial,
                             ArrayRef<int64_t> kernel) {
  size_t n = spatial.size();
  Window w;
  w.kernel.assign(kernel.begin(), kernel.end());
  if (node.hasAttr("kernel_shape") &&
      !llvm::equal(node.intsAttr("kernel_shape"), kernel))
    return node.error() << "kernel_shape does not match the weights' sizes",
           failure();
  FailureOr<SmallVector<int64_t>> strides = perDim(node, "strides", n, 1);
  FailureOr<SmallVector<int64_t>> dilations = perDim(node, "dilations", n, 1);
  FailureOr<SmallVector<int64_t>> pads = perDim(node, "pads", 2 * n, 0);
  if (failed(strides) || failed(dilations) || failed(pads))
    return failure();
  w.strides = *strides;
  w.dilations = *dilations;
  for (size_t i = 0; i < n; ++i)
    if (w.kernel[i] < 1 || w.strides[i] < 1 || w.dilations[i] < 1 ||
        (*pads)[i] < 0 || (*pads)[n + i] < 0)
      return node.error() << "kernel sizes, strides and dilations must be "
                             "positive and pads not negative",
             failure();
  std::string autoPad = node.stringAttr("auto_pad", "NOTSET");
  bool same = autoPad == "SAME_UPPER" || autoPad == "SAME_LOWER";
  if (!same && autoPad != "NOTSET" && autoPad != "VALID")
    return node.error() << "auto_pad '" << autoPad
                        << "' is not supported (NOTSET, VALID, SAME_UPPER "
                           "or SAME_LOWER)",
           failure();
  OpBuilder &b = node.builder();
  Location loc = node.loc();
  for (size_t i = 0; i < n; ++i) {
    int64_t span = w.dilations[i] * (w.kernel[i] - 1) + 1;
    int64_t s = w.strides[i];
    std::optional<int64_t> size = staticSize(spatial[i]);
    int64_t begin = 0, end = 0;
    if (same) {
      // ONNX: out = ceil(in / stride), the padding split evenly with the
      // odd element at the end (SAME_UPPER) or the beginning (SAME_LOWER).
      if (!size && s != 1)
        return node.error()
                   << "auto_pad " << autoPad << " with stride " << s
                   << " on dynamic dimension " << i + 2 << " is not supported",
               failure();
      int64_t out = size ? (*size + s - 1) / s : 0;
      int64_t total =
          size ? std::max<int64_t>(0, (out - 1) * s + span - *size) : span - 1;
      begin = autoPad == "SAME_UPPER" ? total / 2 : total - total / 2;
      end = total - begin;
    } else if (autoPad == "NOTSET") {
      begin = (*pads)[i];
      end = (*pads)[n + i];
    }
    w.padBegin.push_back(begin);
    w.padEnd.push_back(end);
    // out = (in + pads - span) / stride + 1.
    int64_t shift = begin + end - span;
    if (size) {
      if (*size + shift < 0)
        return node.error() << "the window (" << span
                            << " elements with dilation) is larger than "
                               "padded dimension "
                            << i + 2 << " (" << *size + begin + end << ")",
               failure();
      w.out.push_back(b.getIndexAttr((*size + shift) / s + 1));
    } else if (s == 1) {
      // Keeps `same` padding at stride 1 the input's own size value.
      w.out.push_back(
          node.graph.add(spatial[i], b.getIndexAttr(shift + 1), loc));
    } else {
      Value in = cast<Value>(spatial[i]);
      Value shifted = arith::AddIOp::create(
          b, loc, in, arith::ConstantIndexOp::create(b, loc, shift));
      Value q = arith::DivSIOp::create(
          b, loc, shifted, arith::ConstantIndexOp::create(b, loc, s));
      w.out.push_back(arith::AddIOp::create(
                          b, loc, q, arith::ConstantIndexOp::create(b, loc, 1))
                          .getResult());
    }
  }
  return w;
}

Value padSpatial(NodeImporter &node, Value input, const Dims &dims,
                 const Window &window, TypedAttr value, Dims &padded) {
  padded = dims;
  size_t first = dims.size() - window.kernel.size();
  bool any = false;
  OpBuilder &b = node.builder();
  SmallVector<OpFoldResult> offsets(dims.size(), b.getIndexAttr(0));
  for (size_t i = 0; i < window.kernel.size(); ++i) {
    int64_t begin = window.padBegin[i], end = window.padEnd[i];
    any = any || begin || end;
    offsets[first + i] = b.getIndexAttr(begin);
    padded[first + i] = node.graph.add(dims[first + i],
                                       b.getIndexAttr(begin + end), node.loc());
  }
  if (!any)
    return input;
  Value filled = filledTensor(b, node.loc(), padded, value);
  return insertSlice(b, node.loc(), input, filled, offsets, dims);
}

Value addUnitHeight(NodeImporter &node, Value input, Dims &dims) {
  Dims to = {dims[0], dims[1], node.builder().getIndexAttr(1), dims[2]};
  Value result = reshape(node.graph, node.loc(), input, dims, to);
  dims = to;
  return result;
}

Value dropUnitHeight(NodeImporter &node, Value input, Dims &dims) {
  Dims to = {dims[0], dims[1], dims[3]};
  Value result = reshape(node.graph, node.loc(), input, dims, to);
  dims = to;
  return result;
}

Window windowAs2d(OpBuilder &b, const Window &window) {
  Window w = window;
  w.kernel.insert(w.kernel.begin(), 1);
  w.strides.insert(w.strides.begin(), 1);
  w.dilations.insert(w.dilations.begin(), 1);
  w.padBegin.insert(w.padBegin.begin(), 0);
  w.padEnd.insert(w.padEnd.begin(), 0);
  w.out.insert(w.out.begin(), b.getIndexAttr(1));
  return w;
}

} // namespace attn::onnx_import
