//===- Converters.h - the converters of ONNX op types -----------*- C++ -*-===//
//
// One function per op type (or family), grouped by file; OpTable.cpp lists
// them with the opset they accept and what they become.
//
//===----------------------------------------------------------------------===//

#ifndef ATTN_LIB_IMPORT_ONNX_CONVERTERS_H
#define ATTN_LIB_IMPORT_ONNX_CONVERTERS_H

#include "GraphImporter.h"

namespace attn::onnx_import {

// ElementwiseOps.cpp
mlir::LogicalResult convertBinary(NodeImporter &node);
mlir::LogicalResult convertUnary(NodeImporter &node);
mlir::LogicalResult convertWhere(NodeImporter &node);
mlir::LogicalResult convertCast(NodeImporter &node);

// LinearOps.cpp
mlir::LogicalResult convertMatMul(NodeImporter &node);
mlir::LogicalResult convertGemm(NodeImporter &node);

// ShapeOps.cpp
mlir::LogicalResult convertConstant(NodeImporter &node);
mlir::LogicalResult convertIdentity(NodeImporter &node);
mlir::LogicalResult convertShape(NodeImporter &node);
mlir::LogicalResult convertReshape(NodeImporter &node);
mlir::LogicalResult convertFlatten(NodeImporter &node);
mlir::LogicalResult convertSqueeze(NodeImporter &node);
mlir::LogicalResult convertUnsqueeze(NodeImporter &node);
mlir::LogicalResult convertTranspose(NodeImporter &node);
mlir::LogicalResult convertConcat(NodeImporter &node);
mlir::LogicalResult convertGather(NodeImporter &node);
mlir::LogicalResult convertSlice(NodeImporter &node);
mlir::LogicalResult convertSplit(NodeImporter &node);

// ReductionOps.cpp
mlir::LogicalResult convertReduce(NodeImporter &node);
mlir::LogicalResult convertSoftmax(NodeImporter &node);
mlir::LogicalResult convertLayerNormalization(NodeImporter &node);

// FillOps.cpp
mlir::LogicalResult convertExpand(NodeImporter &node);
mlir::LogicalResult convertConstantOfShape(NodeImporter &node);
mlir::LogicalResult convertRange(NodeImporter &node);
mlir::LogicalResult convertTrilu(NodeImporter &node);

// ConvOps.cpp
mlir::LogicalResult convertConv(NodeImporter &node);
mlir::LogicalResult convertBatchNormalization(NodeImporter &node);

// PoolOps.cpp
mlir::LogicalResult convertGlobalPool(NodeImporter &node);
mlir::LogicalResult convertMaxPool(NodeImporter &node);

// GateChain.cpp: replaces the gate that starts at node `start` (a
// GlobalAveragePool for squeeze-and-excitation and ECA, a ReduceMean for
// CBAM's spatial gate) by its fused op; true, with its nodes marked
// imported, when one matched.
bool fuseGate(GraphImporter &graph, const onnx::GraphProto &proto, int start);

// AttentionOp.cpp
mlir::LogicalResult convertAttention(NodeImporter &node);

} // namespace attn::onnx_import

#endif // ATTN_LIB_IMPORT_ONNX_CONVERTERS_H
