//===- DecomposeUtils.h - IR building blocks of attn-decompose --*- C++ -*-===//
//
// Small builders shared by the decompositions of the structural ops: sizes
// as OpFoldResults, zero-filled inits, reshapes, contractions and
// elementwise maps as linalg.generic, and the core attention op.
//
//===----------------------------------------------------------------------===//

#ifndef ATTN_LIB_DIALECT_ATTN_TRANSFORMS_DECOMPOSEUTILS_H
#define ATTN_LIB_DIALECT_ATTN_TRANSFORMS_DECOMPOSEUTILS_H

#include "attn/Dialect/Attn/IR/AttnDialect.h"

#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Utils/ReshapeOpsUtils.h"
#include "mlir/IR/PatternMatch.h"

#include <optional>

namespace mlir::attn::decompose {

constexpr utils::IteratorType kPar = utils::IteratorType::parallel;
constexpr utils::IteratorType kRed = utils::IteratorType::reduction;

/// Size `d` of the ranked tensor `v`: an index attribute when static, else
/// a tensor.dim.
OpFoldResult dimOf(OpBuilder &b, Location loc, Value v, int64_t d);

/// `v`, tensor.cast to `shape` when its type is less static.
Value castTo(OpBuilder &b, Location loc, Value v, ArrayRef<int64_t> shape);

/// Replaces the single-result `op` by `result`, tensor.cast to the op's
/// result type (the decompositions build shapes that are less static).
void replaceWithCast(PatternRewriter &rewriter, Operation *op, Value result);

/// tensor.empty of f32 with the given sizes.
Value emptyF32(OpBuilder &b, Location loc, ArrayRef<OpFoldResult> sizes);

/// An f32 tensor of the given sizes filled with `value` (linalg.fill).
Value filledF32(OpBuilder &b, Location loc, ArrayRef<OpFoldResult> sizes,
                double value);

/// tensor.expand_shape of `src` into `sizes` grouped by `groups`.
Value expand(OpBuilder &b, Location loc, Value src,
             ArrayRef<OpFoldResult> sizes,
             ArrayRef<ReassociationIndices> groups);

/// tensor.collapse_shape of `src` by `groups`.
Value collapse(OpBuilder &b, Location loc, Value src,
               ArrayRef<ReassociationIndices> groups);

/// [B, N, D] -> [B, 1, N, D] (one head for attn.attention), with D made
/// static.
Value asSingleHead(OpBuilder &b, Location loc, Value x, int64_t d);

/// Affine map over `numDims` loop dimensions picking `dims`.
AffineMap loopMap(MLIRContext *ctx, unsigned numDims, ArrayRef<unsigned> dims);

/// linalg.generic computing out[maps.back()] += prod_i ins[i][maps[i]] into
/// a zero-filled tensor of `sizes` (f32). `iterators` has one entry per loop;
/// the loop order is the order of the maps' dimensions.
Value contract(OpBuilder &b, Location loc, ValueRange ins,
               ArrayRef<AffineMap> maps,
               ArrayRef<utils::IteratorType> iterators,
               ArrayRef<OpFoldResult> sizes);

/// linalg.generic over identity-indexed `ins` (all of `sizes`) writing
/// `fn(args)` into a fresh f32 tensor of `sizes`.
Value elementwise(OpBuilder &b, Location loc, ValueRange ins,
                  ArrayRef<OpFoldResult> sizes,
                  function_ref<Value(OpBuilder &, Location, ValueRange)> fn);

/// The core op on q [B,H,Sq,D], k, v [B,Hkv,Skv,*] with softmax over the
/// dot product; `scale` (default 1/sqrt(D)), `causal` (aligned as
/// `align` says), an additive `bias` and an lse result on request.
struct Attention {
  Value output;
  Value lse; // null unless requested
};
Attention attention(OpBuilder &b, Location loc, Value q, Value k, Value v,
                    std::optional<float> scale, bool causal = false,
                    Value bias = Value(), bool withLse = false,
                    Alignment align = Alignment::bottom_right);

} // namespace mlir::attn::decompose

namespace mlir::attn {
/// The patterns of each decomposition file (Decompose.h gathers them).
void populateDecomposeMultiHeadPatterns(RewritePatternSet &patterns);
void populateDecomposePoolingPatterns(RewritePatternSet &patterns);
void populateDecomposeCoAttentionPatterns(RewritePatternSet &patterns);
} // namespace mlir::attn

#endif // ATTN_LIB_DIALECT_ATTN_TRANSFORMS_DECOMPOSEUTILS_H
