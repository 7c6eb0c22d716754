//===- SlidingWindow.h - kernel geometry of Conv and MaxPool ----*- C++ -*-===//
//
// Conv and MaxPool share ONNX's window attributes (kernel_shape, strides,
// dilations, pads, auto_pad) and the same output-size rule; both pad the
// input explicitly and hand an unpadded window op to linalg.
//
//===----------------------------------------------------------------------===//

#ifndef ATTN_LIB_IMPORT_ONNX_SLIDINGWINDOW_H
#define ATTN_LIB_IMPORT_ONNX_SLIDINGWINDOW_H

#include "GraphImporter.h"

namespace attn::onnx_import {

/// A window over the trailing spatial dimensions of an N x C x ... tensor.
struct Window {
  llvm::SmallVector<int64_t> kernel, strides, dilations;
  /// Zero or more elements added before and after each spatial dimension.
  llvm::SmallVector<int64_t> padBegin, padEnd;
  /// Sizes of the spatial dimensions of the result.
  Dims out;
};

/// Reads the window attributes of `node` for a kernel of `kernel` (from
/// the weights or kernel_shape) over input sizes `spatial`. Supports
/// auto_pad NOTSET, VALID, SAME_UPPER and SAME_LOWER; SAME on a dynamic
/// size needs stride 1 (the padding is then static).
mlir::FailureOr<Window> readWindow(NodeImporter &node, const Dims &spatial,
                                   llvm::ArrayRef<int64_t> kernel);

/// `input` (sizes `dims`, spatial dims last) padded with `value` as `window`
/// says; `padded` receives the new sizes. The input itself without padding.
mlir::Value padSpatial(NodeImporter &node, mlir::Value input, const Dims &dims,
                       const Window &window, mlir::TypedAttr value,
                       Dims &padded);

/// 1-D windows use the 2-D linalg ops: an N x C x L tensor as N x C x 1 x L
/// (`dims` updated), and back; the window gains a unit kernel in front.
mlir::Value addUnitHeight(NodeImporter &node, mlir::Value input, Dims &dims);
mlir::Value dropUnitHeight(NodeImporter &node, mlir::Value input, Dims &dims);
Window windowAs2d(mlir::OpBuilder &b, const Window &window);

} // namespace attn::onnx_import

#endif // ATTN_LIB_IMPORT_ONNX_SLIDINGWINDOW_H
