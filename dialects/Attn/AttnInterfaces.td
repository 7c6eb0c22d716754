//===- AttnInterfaces.td - attn op interfaces --------------*- tablegen -*-===//

#ifndef ATTN_INTERFACES_TD
#define ATTN_INTERFACES_TD

include "mlir/IR/OpBase.td"

def Attn_DimRelationOpInterface : OpInterface<"DimRelationOpInterface"> {
  let cppNamespace = "::mlir::attn";
  let description = [{
    An op that states which dimensions of its tensor operands and results must
    be equal at run time. The AOT compiler uses these relations to name the
    dynamic sizes of a function's arguments and results, so the generated C
    ABI takes one size per independent dimension.
  }];
  let methods = [
    InterfaceMethod<
      "Appends pairs of (value, dim) that must have equal sizes.",
      "void", "getEqualDims",
      (ins "::llvm::SmallVectorImpl<::mlir::attn::DimEquality> &":$equalities)>,
  ];
}

#endif // ATTN_INTERFACES_TD
