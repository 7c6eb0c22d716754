//===- ShapeRules.cpp - shape checks shared by the attn op verifiers ------===//

#include "ShapeRules.h"

using namespace mlir;
using namespace mlir::attn;
using namespace mlir::attn::shape_rules;

int64_t shape_rules::dimOf(Value v, int64_t d) {
  RankedTensorType type = tensorType(v);
  return d < type.getRank() ? type.getDimSize(d) : ShapedType::kDynamic;
}

int64_t shape_rules::refine(int64_t known, int64_t other) {
  return ShapedType::isDynamic(known) ? other : known;
}

LogicalResult shape_rules::verifyShape(Operation *op, StringRef what,
                                       Value value, ArrayRef<Dim> dims,
                                       bool exact) {
  RankedTensorType type = tensorType(value);
  bool ok = type.getRank() == static_cast<int64_t>(dims.size());
  for (auto [i, d] : llvm::enumerate(dims))
    ok = ok && (ShapedType::isDynamic(d.size) ||
                (!exact && type.isDynamicDim(static_cast<unsigned>(i))) ||
                type.getDimSize(i) == d.size);
  if (ok)
    return success();
  InFlightDiagnostic diag = op->emitOpError()
                            << "expects " << what << " of shape [";
  llvm::interleaveComma(dims, diag, [&](const Dim &d) { diag << d.name; });
  diag << "] = [";
  llvm::interleaveComma(dims, diag, [&](const Dim &d) {
    if (ShapedType::isDynamic(d.size))
      diag << "?";
    else
      diag << d.size;
  });
  return diag << "], but got " << type;
}

LogicalResult shape_rules::verifyRank(Operation *op, StringRef what,
                                      Value value, int64_t rank,
                                      StringRef layout) {
  if (tensorType(value).getRank() == rank)
    return success();
  return op->emitOpError() << "expects " << what << " of rank " << rank << " ("
                           << layout << "), but got " << value.getType();
}

FailureOr<int64_t>
shape_rules::verifyStaticPositive(Operation *op, StringRef what, Value value,
                                  int64_t dim, StringRef name, StringRef why) {
  int64_t size = dimOf(value, dim);
  if (ShapedType::isDynamic(size)) {
    InFlightDiagnostic diag = op->emitOpError()
                              << "expects a static " << name << " (dimension "
                              << dim << " of " << what;
    if (!why.empty())
      diag << "; " << why;
    return diag << "), but got " << value.getType();
  }
  if (size < 1)
    return op->emitOpError()
           << "expects " << name << " >= 1, but got " << value.getType();
  return size;
}

void shape_rules::same(SmallVectorImpl<DimEquality> &eqs, Value a, int64_t da,
                       Value b, int64_t db) {
  eqs.push_back({DimRef{a, da}, DimRef{b, db}});
}

void shape_rules::sameShape(SmallVectorImpl<DimEquality> &eqs, Value a,
                            Value b) {
  for (int64_t i = 0, e = tensorType(a).getRank(); i < e; ++i)
    same(eqs, a, i, b, i);
}
