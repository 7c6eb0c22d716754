//===- ShapeRules.h - shared shape checks of attn verifiers -*- C++ -*-===//
//-*-===//
//
// The verifiers of the structural and vision ops state each operand's
// expected shape as symbols with sizes ("[B, S, E] = [?, ?, 64]") and name
// the operand in their messages. These helpers build those checks and the
// dimension equalities of DimRelationOpInterface, so that every op reports
// a mismatch the same way.
//
//===----------------------------------------------------------------------===//

#ifndef ATTN_LIB_DIALECT_ATTN_IR_SHAPERULES_H
#define ATTN_LIB_DIALECT_ATTN_IR_SHAPERULES_H

#include "attn/Dialect/Attn/IR/AttnDialect.h"

#include <string>

namespace mlir::attn::shape_rules {

/// Expected size of one dimension, with the symbol used in messages.
struct Dim {
  std::string name;
  int64_t size; // ShapedType::kDynamic when unknown.
};

inline RankedTensorType tensorType(Value v) {
  return cast<RankedTensorType>(v.getType());
}

/// Size `d` of `v`, or ShapedType::kDynamic when `v` has no dimension `d`
/// (so that a verifier can state expectations before it checks ranks).
int64_t dimOf(Value v, int64_t d);

/// The static one of two sizes that must be equal (a dynamic size says
/// nothing), so that later messages show what is known.
int64_t refine(int64_t known, int64_t other);

/// Checks that `value` has the shape `dims`. A `?` on either side matches
/// any size, except that with `exact` a static expected size needs that
/// static size (for operands whose elements the lowering reads at fixed
/// positions: a `?` would let the C ABI take a buffer too small for them).
LogicalResult verifyShape(Operation *op, StringRef what, Value value,
                          ArrayRef<Dim> dims, bool exact = false);

/// Checks that `value` has rank `rank`; `layout` names its dimensions in
/// the message, e.g. "[N, C, H, W]".
LogicalResult verifyRank(Operation *op, StringRef what, Value value,
                         int64_t rank, StringRef layout);

/// Checks that dimension `dim` (called `name`) of `value` is static and at
/// least 1, and returns it. `why`, when given, says in the message why it
/// must be static.
FailureOr<int64_t> verifyStaticPositive(Operation *op, StringRef what,
                                        Value value, int64_t dim,
                                        StringRef name, StringRef why = {});

/// Records that dimension `da` of `a` equals dimension `db` of `b`.
void same(SmallVectorImpl<DimEquality> &eqs, Value a, int64_t da, Value b,
          int64_t db);

/// Records that `a` and `b` have the same shape.
void sameShape(SmallVectorImpl<DimEquality> &eqs, Value a, Value b);

} // namespace mlir::attn::shape_rules

#endif // ATTN_LIB_DIALECT_ATTN_IR_SHAPERULES_H
