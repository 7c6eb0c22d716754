//===- DynamicReshape.h - expand_shape with several dynamic sizes -*- C++
//-*-===//
//
// LLVM 22's expand-strided-metadata crashes on a memref.expand_shape that
// splits one dimension into more than one dynamic size ([B*N] -> [B, N]).
// Passes that can create such a tensor.expand_shape (attn-decompose for
// every frontend, attn-parallelize when it folds row loops) turn it into a
// tensor.reshape with the sizes as a shape tensor, which bufferizes to a
// memref.reshape instead.
//
//===----------------------------------------------------------------------===//

#ifndef ATTN_DIALECT_ATTN_TRANSFORMS_DYNAMICRESHAPE_H
#define ATTN_DIALECT_ATTN_TRANSFORMS_DYNAMICRESHAPE_H

#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/IR/PatternMatch.h"

namespace mlir::attn {

/// True when some reassociation group of `op` has more than one dynamic
/// result size.
bool splitsIntoDynamicSizes(tensor::ExpandShapeOp op);

/// Replaces `op` by an equivalent tensor.reshape whose shape operand is
/// built from the op's output sizes.
void replaceWithReshape(RewriterBase &rewriter, tensor::ExpandShapeOp op);

} // namespace mlir::attn

#endif // ATTN_DIALECT_ATTN_TRANSFORMS_DYNAMICRESHAPE_H
