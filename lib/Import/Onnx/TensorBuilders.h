//===- TensorBuilders.h - linalg/tensor building blocks of the importer ---===//
//
// The ONNX converters are written in terms of these few shapes of IR:
// broadcast elementwise maps, reductions over axes, contractions, transposes
// and reshapes, all on tensors with sizes carried symbolically (Dims).
//
//===----------------------------------------------------------------------===//

#ifndef ATTN_LIB_IMPORT_ONNX_TENSORBUILDERS_H
#define ATTN_LIB_IMPORT_ONNX_TENSORBUILDERS_H

#include "GraphImporter.h"

namespace attn::onnx_import {

using BodyBuilder = llvm::function_ref<mlir::Value(
    mlir::OpBuilder &, mlir::Location, mlir::ValueRange)>;

/// A static size, or nullopt for a dynamic one.
std::optional<int64_t> staticSize(mlir::OpFoldResult dim);
/// The RankedTensorType with these sizes.
mlir::RankedTensorType tensorType(llvm::ArrayRef<mlir::OpFoldResult> dims,
                                  mlir::Type element);

mlir::Value emptyTensor(mlir::OpBuilder &b, mlir::Location loc,
                        llvm::ArrayRef<mlir::OpFoldResult> dims,
                        mlir::Type element);
/// A tensor of `dims` filled with `value`.
mlir::Value filledTensor(mlir::OpBuilder &b, mlir::Location loc,
                         llvm::ArrayRef<mlir::OpFoldResult> dims,
                         mlir::TypedAttr value);

/// Numpy-style broadcast of the operands' sizes (aligned on the right). Two
/// dynamic sizes are taken to be equal (the C ABI then ties them); a static
/// 1 broadcasts. Fails on two different static sizes.
mlir::FailureOr<Dims> broadcastDims(NodeImporter &node,
                                    llvm::ArrayRef<Dims> operands);

/// result[i...] = body(operands broadcast to `result`), one linalg.generic.
mlir::Value elementwise(mlir::OpBuilder &b, mlir::Location loc,
                        llvm::ArrayRef<mlir::Value> operands,
                        llvm::ArrayRef<Dims> operandDims, const Dims &result,
                        mlir::Type resultElement, BodyBuilder body);

/// Folds `axes` (sorted, distinct) of `input` with `combine`, starting from
/// `init`; the result drops the axes, or keeps them as size 1.
mlir::Value reduce(mlir::OpBuilder &b, mlir::Location loc, mlir::Value input,
                   const Dims &dims, llvm::ArrayRef<int64_t> axes,
                   bool keepDims, mlir::TypedAttr init, BodyBuilder combine,
                   Dims &resultDims);

/// result[..., m, n] = sum_k a[..., m, k] * b[..., k, n] with numpy batch
/// broadcasting; a and b have rank >= 2. A linalg.generic whose body is
/// out + a * b, so attn-tile-contractions puts it on register tiles.
mlir::FailureOr<mlir::Value> batchedMatmul(NodeImporter &node, mlir::Value a,
                                           const Dims &aDims, mlir::Value b,
                                           const Dims &bDims, Dims &result);

/// Permutes the dimensions: result dim i is input dim perm[i].
mlir::Value transpose(mlir::OpBuilder &b, mlir::Location loc, mlir::Value input,
                      const Dims &dims, llvm::ArrayRef<int64_t> perm,
                      Dims &result);

/// Row-major reshape of `input` (sizes `from`) to sizes `to` (same number
/// of elements): one collapse or expand when the sizes group, else a
/// collapse to one dimension and an expand.
mlir::Value reshape(GraphImporter &graph, mlir::Location loc, mlir::Value input,
                    const Dims &from, const Dims &to);

/// Writes `source` (sizes `sizes`) into `dest` at `offsets` (unit strides):
/// a linalg.copy into the slice, so that bufferization writes in place
/// rather than calling a strided memref copy.
mlir::Value insertSlice(mlir::OpBuilder &b, mlir::Location loc,
                        mlir::Value source, mlir::Value dest,
                        llvm::ArrayRef<mlir::OpFoldResult> offsets,
                        llvm::ArrayRef<mlir::OpFoldResult> sizes);

/// Converts a scalar between the element types of ONNX tensors.
mlir::Value convertScalar(mlir::OpBuilder &b, mlir::Location loc,
                          mlir::Value value, mlir::Type to);

} // namespace attn::onnx_import

#endif // ATTN_LIB_IMPORT_ONNX_TENSORBUILDERS_H
