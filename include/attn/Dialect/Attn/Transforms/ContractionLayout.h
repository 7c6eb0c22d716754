//===- ContractionLayout.h - a contraction as register tiles -*- C++ -*-===//
//
// Which loops of a linalg contraction (C += A * B, f32) the register-tile
// micro-kernel maps onto: a loop of rows (one broadcast scalar of A per
// row), a loop of columns (vector lanes, contiguous in B and C) and a depth
// loop (the k of the FMA chain). attn-parallelize distributes such ops in
// blocks of rows and attn-tile-contractions lowers them; both read the
// loops from here so that they agree.
//
//===----------------------------------------------------------------------===//

#ifndef ATTN_DIALECT_ATTN_TRANSFORMS_CONTRACTIONLAYOUT_H
#define ATTN_DIALECT_ATTN_TRANSFORMS_CONTRACTIONLAYOUT_H

#include "mlir/Dialect/Linalg/IR/Linalg.h"

namespace mlir::attn {

/// Loop positions of a contraction as the micro-kernel sees it. Every other
/// loop (batch loops, further row, column and depth loops) runs around it.
struct ContractionLayout {
  /// The input read as broadcast scalars (A) and the one read as vectors
  /// (B), as operand numbers (0 or 1).
  unsigned lhsOperand, rhsOperand;
  /// An m loop: the rows of the register tile, the last m loop of C.
  unsigned rowLoop;
  /// The n loop that is the last dimension of both B and C: the lanes.
  unsigned columnLoop;
  /// The k loop that is innermost in A among the k loops: the FMA chain.
  unsigned depthLoop;
};

/// Matches a linalg op whose body is `out + in0 * in1` (or a commuted
/// form) on f32, with two inputs, projected-permutation maps and m, n and k
/// loops, one of its n loops being the last dimension of both the output
/// and one input. Fails otherwise.
FailureOr<ContractionLayout> matchContractionLayout(linalg::LinalgOp op);

} // namespace mlir::attn

#endif // ATTN_DIALECT_ATTN_TRANSFORMS_CONTRACTIONLAYOUT_H
