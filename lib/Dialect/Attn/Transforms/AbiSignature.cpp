//===- AbiSignature.cpp - size symbols of public functions ----------------===//
//
// Implements `attn-abi-signature`: for each public function, a union-find over
// (value, dim) nodes groups the dimensions the body requires to be equal, and
// each class of dynamic argument dimensions becomes one size symbol of the C
// ABI. Static dimensions are nodes too, so a dynamic dimension tied to a
// static one becomes static in the ABI (the caller cannot pass a wrong size).
//
//===----------------------------------------------------------------------===//

#include "attn/Dialect/Attn/Transforms/AbiSignature.h"
#include "attn/Dialect/Attn/IR/AttnDialect.h"
#include "attn/Dialect/Attn/Transforms/Passes.h"

#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Interfaces/ControlFlowInterfaces.h"
#include "mlir/Interfaces/DestinationStyleOpInterface.h"
#include "llvm/Support/FormatVariadic.h"

namespace mlir::attn {
#define GEN_PASS_DEF_ATTNABISIGNATURE
#include "attn/Dialect/Attn/Transforms/Passes.h.inc"
} // namespace mlir::attn

using namespace mlir;
using namespace mlir::attn;
using namespace mlir::attn::abi;

namespace {
/// Union-find over dimensions. A class remembers the static size of any of
/// its members, and joining two different static sizes is an error.
class DimClasses {
public:
  /// The node of dimension `dim` of `value`, or -1 when `value` is not a
  /// ranked shaped value with that dimension.
  int node(Value value, int64_t dim) {
    auto type = value ? dyn_cast<ShapedType>(value.getType()) : ShapedType();
    if (!type || !type.hasRank() || dim < 0 || dim >= type.getRank())
      return -1;
    auto [it, inserted] = nodes.try_emplace({value, dim}, parent.size());
    if (inserted)
      return newNode(type.getDimSize(dim));
    return it->second;
  }

  int newNode(int64_t size) {
    parent.push_back(parent.size());
    sizes.push_back(size);
    return parent.size() - 1;
  }

  int find(int n) {
    while (parent[n] != n)
      n = parent[n] = parent[parent[n]];
    return n;
  }

  /// The static size of the class of `n`, or ShapedType::kDynamic.
  int64_t staticSize(int n) { return sizes[find(n)]; }

  LogicalResult join(int a, int b, Location loc) {
    if (a < 0 || b < 0)
      return success();
    a = find(a);
    b = find(b);
    if (a == b)
      return success();
    if (!ShapedType::isDynamic(sizes[a]) && !ShapedType::isDynamic(sizes[b]) &&
        sizes[a] != sizes[b])
      return emitError(loc) << "requires the sizes " << sizes[a] << " and "
                            << sizes[b] << " to be equal";
    if (ShapedType::isDynamic(sizes[a]))
      sizes[a] = sizes[b];
    parent[b] = a;
    return success();
  }

  LogicalResult join(Value a, int64_t da, Value b, int64_t db, Location loc) {
    return join(node(a, da), node(b, db), loc);
  }

  /// Joins every dimension of `a` and `b` when both are ranked with the same
  /// rank (values forwarded unchanged, or ops preserving the shape).
  LogicalResult joinAll(Value a, Value b, Location loc) {
    auto ta = dyn_cast<ShapedType>(a.getType());
    auto tb = dyn_cast<ShapedType>(b.getType());
    if (!ta || !tb || !ta.hasRank() || !tb.hasRank() ||
        ta.getRank() != tb.getRank())
      return success();
    for (int64_t d = 0; d < ta.getRank(); ++d)
      if (failed(join(a, d, b, d, loc)))
        return failure();
    return success();
  }

private:
  SmallVector<int> parent;
  SmallVector<int64_t> sizes;
  DenseMap<std::pair<Value, int64_t>, int> nodes;
};

/// Adds the equalities that `op` states or implies.
LogicalResult collectEqualities(Operation *op, DimClasses &dims) {
  Location loc = op->getLoc();
  if (auto rel = dyn_cast<DimRelationOpInterface>(op)) {
    SmallVector<DimEquality> eqs;
    rel.getEqualDims(eqs);
    for (auto &[a, b] : eqs)
      if (failed(dims.join(a.value, a.dim, b.value, b.dim, loc)))
        return failure();
  }
  if (op->hasTrait<OpTrait::SameOperandsAndResultShape>() ||
      op->hasTrait<OpTrait::SameOperandsAndResultType>()) {
    SmallVector<Value> values(op->getOperands());
    llvm::append_range(values, op->getResults());
    for (Value v : values)
      if (failed(dims.joinAll(values.front(), v, loc)))
        return failure();
  }
  if (auto cast = dyn_cast<tensor::CastOp>(op))
    if (failed(dims.joinAll(cast.getSource(), cast.getDest(), loc)))
      return failure();
  // tensor.empty(tensor.dim %t, %c): the usual way to allocate a result
  // shaped like an argument.
  if (auto empty = dyn_cast<tensor::EmptyOp>(op)) {
    for (int64_t d = 0; d < empty.getType().getRank(); ++d) {
      if (!empty.getType().isDynamicDim(d))
        continue;
      auto dim = empty.getDynamicSize(d).getDefiningOp<tensor::DimOp>();
      std::optional<int64_t> index =
          dim ? dim.getConstantIndex() : std::nullopt;
      if (index && failed(dims.join(empty, d, dim.getSource(), *index, loc)))
        return failure();
    }
  }
  // The sizes an expand_shape is given as tensor.dim are those sizes.
  if (auto expand = dyn_cast<tensor::ExpandShapeOp>(op))
    for (auto [d, size] : llvm::enumerate(expand.getMixedOutputShape()))
      if (auto value = dyn_cast<Value>(size))
        if (auto dim = value.getDefiningOp<tensor::DimOp>())
          if (std::optional<int64_t> index = dim.getConstantIndex())
            if (failed(dims.join(expand.getResult(), d, dim.getSource(), *index,
                                 loc)))
              return failure();
  // tensor.reshape to sizes listed by from_elements: those that are
  // tensor.dim (possibly index_cast) are the result's sizes.
  if (auto reshape = dyn_cast<tensor::ReshapeOp>(op))
    if (auto list = reshape.getShape().getDefiningOp<tensor::FromElementsOp>())
      for (auto [d, element] : llvm::enumerate(list.getElements())) {
        Value size = element;
        if (auto cast = size.getDefiningOp<arith::IndexCastOp>())
          size = cast.getIn();
        auto dim = size.getDefiningOp<tensor::DimOp>();
        std::optional<int64_t> index =
            dim ? dim.getConstantIndex() : std::nullopt;
        if (index && failed(dims.join(reshape.getResult(), d, dim.getSource(),
                                      *index, loc)))
          return failure();
      }
  // A slice sized by tensor.dim has that size (rank-reducing slices are
  // left out: their result dimensions do not line up with the sizes).
  if (auto slice = dyn_cast<tensor::ExtractSliceOp>(op)) {
    SmallVector<OpFoldResult> sizes = slice.getMixedSizes();
    if (int64_t(sizes.size()) == slice.getType().getRank())
      for (auto [d, size] : llvm::enumerate(sizes)) {
        auto dim = dyn_cast_if_present<Value>(size)
                       ? cast<Value>(size).getDefiningOp<tensor::DimOp>()
                       : tensor::DimOp();
        std::optional<int64_t> index =
            dim ? dim.getConstantIndex() : std::nullopt;
        if (index && failed(dims.join(slice.getResult(), d, dim.getSource(),
                                      *index, loc)))
          return failure();
      }
  }
  // Reshapes: in a group with one dynamic dimension on each side and equal
  // static products, the two dynamic sizes are equal.
  auto joinGroups = [&](Value collapsed, Value expanded,
                        ArrayRef<ReassociationIndices> groups) {
    auto small = cast<ShapedType>(collapsed.getType());
    auto large = cast<ShapedType>(expanded.getType());
    for (auto [d, group] : llvm::enumerate(groups)) {
      if (!small.isDynamicDim(d))
        continue;
      std::optional<int64_t> dynamic;
      int64_t count = 0;
      for (int64_t e : group) {
        if (large.isDynamicDim(e))
          dynamic = e, ++count;
        else if (large.getDimSize(e) != 1)
          count = 2; // A static factor: the sizes are not equal.
      }
      if (count == 1 &&
          failed(dims.join(collapsed, d, expanded, *dynamic, loc)))
        return failure();
    }
    return success();
  };
  if (auto collapse = dyn_cast<tensor::CollapseShapeOp>(op))
    if (failed(joinGroups(collapse.getResult(), collapse.getSrc(),
                          collapse.getReassociationIndices())))
      return failure();
  if (auto expand = dyn_cast<tensor::ExpandShapeOp>(op))
    if (failed(joinGroups(expand.getSrc(), expand.getResult(),
                          expand.getReassociationIndices())))
      return failure();
  // A linalg op's loops: operand dimensions indexed by the same loop have
  // that loop's size (graphs from importers broadcast this way).
  if (auto linalgOp = dyn_cast<linalg::LinalgOp>(op)) {
    DenseMap<unsigned, std::pair<Value, int64_t>> firstUse;
    for (OpOperand &operand : op->getOpOperands()) {
      AffineMap map = linalgOp.getMatchingIndexingMap(&operand);
      for (auto [d, expr] : llvm::enumerate(map.getResults())) {
        auto loop = dyn_cast<AffineDimExpr>(expr);
        if (!loop)
          continue;
        auto [it, inserted] =
            firstUse.try_emplace(loop.getPosition(), operand.get(), int64_t(d));
        if (!inserted && failed(dims.join(it->second.first, it->second.second,
                                          operand.get(), d, loc)))
          return failure();
      }
    }
  }
  // A destination-style result has the shape of its init operand.
  if (auto dps = dyn_cast<DestinationStyleOpInterface>(op))
    for (OpResult result : op->getResults())
      if (OpOperand *init = dps.getTiedOpOperand(result))
        if (failed(dims.joinAll(init->get(), result, loc)))
          return failure();
  // Values forwarded along control flow keep their shape.
  if (auto branch = dyn_cast<BranchOpInterface>(op)) {
    for (unsigned i = 0; i < op->getNumSuccessors(); ++i) {
      SuccessorOperands operands = branch.getSuccessorOperands(i);
      Block *dest = op->getSuccessor(i);
      unsigned first = operands.getProducedOperandCount();
      for (auto [j, v] : llvm::enumerate(operands.getForwardedOperands()))
        if (first + j < dest->getNumArguments() &&
            failed(dims.joinAll(v, dest->getArgument(first + j), loc)))
          return failure();
    }
  }
  if (auto region = dyn_cast<RegionBranchOpInterface>(op)) {
    RegionBranchSuccessorMapping mapping;
    region.getSuccessorOperandInputMapping(mapping);
    for (auto &[operand, inputs] : mapping)
      for (Value input : inputs)
        if (failed(dims.joinAll(operand->get(), input, loc)))
          return failure();
  }
  return success();
}

/// Checks the types and names of the signature; fills names and types.
LogicalResult checkSignature(func::FuncOp func, FunctionSig &sig) {
  if (!isCIdentifier(func.getSymName()))
    return func.emitError() << "function name '" << func.getSymName()
                            << "' is not a C identifier, but the C ABI "
                               "exports it as attn_<name>";
  sig.name = func.getSymName().str();
  llvm::StringMap<std::string> seen;
  auto add = [&](StringRef kind, StringRef prefix, unsigned i, Type type,
                 StringAttr nameAttr,
                 SmallVectorImpl<TensorSig> &out) -> LogicalResult {
    std::string what = llvm::formatv("{0} #{1}", kind, i).str();
    auto tensor = dyn_cast<RankedTensorType>(type);
    if (!tensor || !getDTypeName(tensor.getElementType()))
      return func.emitError()
             << what << " has unsupported type " << type
             << ": the C ABI takes ranked tensors of f32, f16, bf16, "
                "f8e4m3fn, f64, i1, i8, i32 or i64";
    std::string name = nameAttr ? nameAttr.str() : (prefix + Twine(i)).str();
    if (!isManifestName(name))
      return func.emitError()
             << what << " has an invalid " << kNameAttrName << " '" << name
             << "': expected a non-empty name without spaces";
    auto [it, inserted] = seen.try_emplace(name, what);
    if (!inserted)
      return func.emitError() << what << " and " << it->second
                              << " share the name '" << name << "'";
    out.push_back({name, tensor, SmallVector<int64_t>(tensor.getRank(), -1)});
    return success();
  };
  for (auto [i, type] : llvm::enumerate(func.getArgumentTypes()))
    if (failed(add("argument", "arg", i, type,
                   func.getArgAttrOfType<StringAttr>(i, kNameAttrName),
                   sig.args)))
      return failure();
  for (auto [i, type] : llvm::enumerate(func.getResultTypes()))
    if (failed(add("result", "res", i, type,
                   func.getResultAttrOfType<StringAttr>(i, kNameAttrName),
                   sig.results)))
      return failure();
  return success();
}

/// Replaces each dimension of `t` by its class: a static size when the class
/// has one, else the class's symbol (new symbols only when `allowNew`).
LogicalResult assignSymbols(func::FuncOp func, StringRef prefix, unsigned i,
                            TensorSig &t, ArrayRef<int> nodes, bool allowNew,
                            DimClasses &dims, DenseMap<int, int64_t> &symbolOf,
                            FunctionSig &sig) {
  SmallVector<int64_t> shape(t.type.getShape());
  for (auto [d, n] : llvm::enumerate(nodes)) {
    if (!ShapedType::isDynamic(dims.staticSize(n))) {
      shape[d] = dims.staticSize(n);
      continue;
    }
    auto it = symbolOf.find(dims.find(n));
    if (it == symbolOf.end()) {
      if (!allowNew)
        return func.emitError()
               << "cannot derive dynamic dimension " << d << " of result #" << i
               << " from the arguments: the caller allocates results";
      it = symbolOf.try_emplace(dims.find(n), sig.sizeLabels.size()).first;
      sig.sizeLabels.push_back(llvm::formatv("{0}{1}.d{2}", prefix, i, d));
    }
    t.symbols[d] = it->second;
  }
  t.type = t.type.clone(shape);
  return success();
}

FailureOr<FunctionSig> buildSignature(func::FuncOp func) {
  FunctionSig sig;
  if (failed(checkSignature(func, sig)))
    return failure();

  DimClasses dims;
  SmallVector<SmallVector<int>> argNodes, resultNodes;
  for (BlockArgument arg : func.getArguments()) {
    auto &nodes = argNodes.emplace_back();
    for (int64_t d = 0; d < sig.args[arg.getArgNumber()].type.getRank(); ++d)
      nodes.push_back(dims.node(arg, d));
  }
  // Results are not values of the body: each result dimension is a node that
  // every return joins.
  for (const TensorSig &t : sig.results) {
    auto &nodes = resultNodes.emplace_back();
    for (int64_t size : t.type.getShape())
      nodes.push_back(dims.newNode(size));
  }
  WalkResult walk = func.walk([&](Operation *op) {
    if (failed(collectEqualities(op, dims)))
      return WalkResult::interrupt();
    if (isa<func::ReturnOp>(op) && op->getParentOp() == func)
      for (auto [v, nodes] : llvm::zip(op->getOperands(), resultNodes))
        for (auto [d, n] : llvm::enumerate(nodes))
          if (failed(dims.join(dims.node(v, d), n, op->getLoc())))
            return WalkResult::interrupt();
    return WalkResult::advance();
  });
  if (walk.wasInterrupted())
    return failure();

  // Symbols in order of first occurrence: arguments, then results.
  DenseMap<int, int64_t> symbolOf;
  for (auto [i, t] : llvm::enumerate(sig.args))
    if (failed(assignSymbols(func, "arg", i, t, argNodes[i], /*allowNew=*/true,
                             dims, symbolOf, sig)))
      return failure();
  for (auto [i, t] : llvm::enumerate(sig.results))
    if (failed(assignSymbols(func, "res", i, t, resultNodes[i],
                             /*allowNew=*/false, dims, symbolOf, sig)))
      return failure();
  return sig;
}

struct AttnAbiSignaturePass
    : mlir::attn::impl::AttnAbiSignatureBase<AttnAbiSignaturePass> {
  void runOnOperation() override {
    ModuleOp module = getOperation();
    SmallVector<NamedAttribute> entries;
    bool failedAny = false;
    for (auto func : module.getOps<func::FuncOp>()) {
      if (!func.isPublic() || func.isDeclaration())
        continue;
      FailureOr<FunctionSig> sig = buildSignature(func);
      if (failed(sig)) {
        failedAny = true;
        continue;
      }
      entries.emplace_back(func.getSymNameAttr(), toAttr(&getContext(), *sig));
      // The C entry points call the descriptor-based wrapper that
      // func-to-llvm generates for functions carrying this attribute.
      func->setAttr(LLVM::LLVMDialect::getEmitCWrapperAttrName(),
                    UnitAttr::get(&getContext()));
    }
    if (failedAny)
      return signalPassFailure();
    module->setAttr(kAbiAttrName, DictionaryAttr::get(&getContext(), entries));
  }
};
} // namespace
