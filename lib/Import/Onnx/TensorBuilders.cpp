//===- TensorBuilders.cpp - linalg/tensor building blocks of the importer -===//

#include "TensorBuilders.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Dialect/Utils/StructuredOpsUtils.h"

using namespace mlir;

namespace attn::onnx_import {

std::optional<int64_t> staticSize(OpFoldResult dim) {
  return getConstantIntValue(dim);
}

RankedTensorType tensorType(ArrayRef<OpFoldResult> dims, Type element) {
  SmallVector<int64_t> shape;
  for (OpFoldResult d : dims)
    shape.push_back(staticSize(d).value_or(ShapedType::kDynamic));
  return RankedTensorType::get(shape, element);
}

Value emptyTensor(OpBuilder &b, Location loc, ArrayRef<OpFoldResult> dims,
                  Type element) {
  return tensor::EmptyOp::create(b, loc, dims, element);
}

Value filledTensor(OpBuilder &b, Location loc, ArrayRef<OpFoldResult> dims,
                   TypedAttr value) {
  Value empty = emptyTensor(b, loc, dims, value.getType());
  Value scalar = arith::ConstantOp::create(b, loc, value);
  return linalg::FillOp::create(b, loc, scalar, empty).getResult(0);
}

FailureOr<Dims> broadcastDims(NodeImporter &node, ArrayRef<Dims> operands) {
  size_t rank = 0;
  for (const Dims &d : operands)
    rank = std::max(rank, d.size());
  Dims result(rank, node.builder().getIndexAttr(1));
  for (size_t i = 0; i < rank; ++i) {
    std::optional<int64_t> fixed;
    OpFoldResult dynamic;
    for (const Dims &d : operands) {
      if (i + d.size() < rank)
        continue;
      OpFoldResult dim = d[i + d.size() - rank];
      std::optional<int64_t> c = staticSize(dim);
      if (!c) {
        if (!dynamic)
          dynamic = dim;
        continue;
      }
      if (*c == 1)
        continue;
      if (fixed && *fixed != *c)
        return node.error() << "cannot broadcast sizes " << *fixed << " and "
                            << *c << " (dimension " << i << " of the result)",
               failure();
      fixed = *c;
    }
    if (fixed)
      result[i] = node.builder().getIndexAttr(*fixed);
    else if (dynamic)
      result[i] = dynamic;
  }
  return result;
}

Value elementwise(OpBuilder &b, Location loc, ArrayRef<Value> operands,
                  ArrayRef<Dims> operandDims, const Dims &result,
                  Type resultElement, BodyBuilder body) {
  int64_t rank = result.size();
  SmallVector<AffineMap> maps;
  for (const Dims &dims : operandDims) {
    SmallVector<AffineExpr> exprs;
    int64_t offset = rank - dims.size();
    for (int64_t i = 0; i < int64_t(dims.size()); ++i) {
      std::optional<int64_t> c = staticSize(dims[i]);
      std::optional<int64_t> r = staticSize(result[offset + i]);
      // A size 1 against a larger or dynamic result broadcasts.
      if (c && *c == 1 && (!r || *r != 1))
        exprs.push_back(b.getAffineConstantExpr(0));
      else
        exprs.push_back(b.getAffineDimExpr(offset + i));
    }
    maps.push_back(AffineMap::get(rank, 0, exprs, b.getContext()));
  }
  maps.push_back(b.getMultiDimIdentityMap(rank));
  SmallVector<utils::IteratorType> iterators(rank,
                                             utils::IteratorType::parallel);
  Value init = emptyTensor(b, loc, result, resultElement);
  auto generic = linalg::GenericOp::create(
      b, loc, init.getType(), operands, init, maps, iterators,
      [&](OpBuilder &nb, Location nl, ValueRange args) {
        Value v = body(nb, nl, args.drop_back());
        linalg::YieldOp::create(nb, nl, v);
      });
  return generic.getResult(0);
}

Value reduce(OpBuilder &b, Location loc, Value input, const Dims &dims,
             ArrayRef<int64_t> axes, bool keepDims, TypedAttr init,
             BodyBuilder combine, Dims &resultDims) {
  int64_t rank = dims.size();
  SmallVector<AffineExpr> outExprs;
  SmallVector<utils::IteratorType> iterators;
  Dims reduced;
  for (int64_t i = 0; i < rank; ++i) {
    bool isAxis = llvm::is_contained(axes, i);
    iterators.push_back(isAxis ? utils::IteratorType::reduction
                               : utils::IteratorType::parallel);
    if (!isAxis) {
      outExprs.push_back(b.getAffineDimExpr(i));
      reduced.push_back(dims[i]);
    }
  }
  Value acc = filledTensor(b, loc, reduced, init);
  SmallVector<AffineMap> maps = {
      b.getMultiDimIdentityMap(rank),
      AffineMap::get(rank, 0, outExprs, b.getContext())};
  Value result = linalg::GenericOp::create(
                     b, loc, acc.getType(), input, acc, maps, iterators,
                     [&](OpBuilder &nb, Location nl, ValueRange args) {
                       linalg::YieldOp::create(nb, nl, combine(nb, nl, args));
                     })
                     .getResult(0);
  if (!keepDims) {
    resultDims = reduced;
    return result;
  }
  // Keep the axes as size 1: expand every reduced-away axis into the
  // group of the kept dimension before it (or the first one after it).
  resultDims.clear();
  for (int64_t i = 0; i < rank; ++i)
    resultDims.push_back(llvm::is_contained(axes, i) ? b.getIndexAttr(1)
                                                     : dims[i]);
  SmallVector<ReassociationIndices> groups;
  ReassociationIndices pending;
  for (int64_t i = 0; i < rank; ++i) {
    pending.push_back(i);
    if (!llvm::is_contained(axes, i)) {
      groups.push_back(pending);
      pending.clear();
    }
  }
  if (groups.empty()) // Every axis reduced: a rank-0 result.
    return tensor::ExpandShapeOp::create(
        b, loc, tensorType(resultDims, init.getType()), result,
        ArrayRef<ReassociationIndices>{}, resultDims);
  llvm::append_range(groups.back(), pending);
  return tensor::ExpandShapeOp::create(b, loc,
                                       tensorType(resultDims, init.getType()),
                                       result, groups, resultDims);
}

FailureOr<Value> batchedMatmul(NodeImporter &node, Value a, const Dims &aDims,
                               Value b, const Dims &bDims, Dims &result) {
  OpBuilder &builder = node.builder();
  Location loc = node.loc();
  int64_t aBatch = aDims.size() - 2, bBatch = bDims.size() - 2;
  Dims aB(aDims.begin(), aDims.begin() + aBatch);
  Dims bB(bDims.begin(), bDims.begin() + bBatch);
  FailureOr<Dims> batch = broadcastDims(node, {aB, bB});
  if (failed(batch))
    return failure();
  std::optional<int64_t> ka = staticSize(aDims.back());
  std::optional<int64_t> kb = staticSize(bDims[bBatch]);
  if (ka && kb && *ka != *kb)
    return node.error() << "inner dimensions differ: " << *ka << " and " << *kb,
           failure();
  int64_t nb = batch->size();
  // Loops: batch..., m, n, k.
  int64_t m = nb, n = nb + 1, k = nb + 2, loops = nb + 3;
  auto operandMap = [&](const Dims &batchDims, int64_t row, int64_t col) {
    SmallVector<AffineExpr> exprs;
    int64_t offset = nb - batchDims.size();
    for (int64_t i = 0; i < int64_t(batchDims.size()); ++i) {
      std::optional<int64_t> c = staticSize(batchDims[i]);
      std::optional<int64_t> r = staticSize((*batch)[offset + i]);
      exprs.push_back(c && *c == 1 && (!r || *r != 1)
                          ? builder.getAffineConstantExpr(0)
                          : builder.getAffineDimExpr(offset + i));
    }
    exprs.push_back(builder.getAffineDimExpr(row));
    exprs.push_back(builder.getAffineDimExpr(col));
    return AffineMap::get(loops, 0, exprs, builder.getContext());
  };
  SmallVector<AffineExpr> outExprs;
  for (int64_t i = 0; i < nb + 2; ++i)
    outExprs.push_back(builder.getAffineDimExpr(i));
  SmallVector<AffineMap> maps = {
      operandMap(aB, m, k), operandMap(bB, k, n),
      AffineMap::get(loops, 0, outExprs, builder.getContext())};
  result = *batch;
  result.push_back(aDims[aBatch]);
  result.push_back(bDims.back());
  Type element = cast<RankedTensorType>(a.getType()).getElementType();
  Value acc = filledTensor(builder, loc, result, builder.getZeroAttr(element));
  SmallVector<utils::IteratorType> iterators(loops,
                                             utils::IteratorType::parallel);
  iterators[k] = utils::IteratorType::reduction;
  bool isFloat = isa<FloatType>(element);
  return linalg::GenericOp::create(
             builder, loc, acc.getType(), ValueRange{a, b}, acc, maps,
             iterators,
             [&](OpBuilder &nb, Location nl, ValueRange args) {
               Value prod, sum;
               if (isFloat) {
                 prod = arith::MulFOp::create(nb, nl, args[0], args[1]);
                 sum = arith::AddFOp::create(nb, nl, args[2], prod);
               } else {
                 prod = arith::MulIOp::create(nb, nl, args[0], args[1]);
                 sum = arith::AddIOp::create(nb, nl, args[2], prod);
               }
               linalg::YieldOp::create(nb, nl, sum);
             })
      .getResult(0);
}

Value transpose(OpBuilder &b, Location loc, Value input, const Dims &dims,
                ArrayRef<int64_t> perm, Dims &result) {
  result.clear();
  for (int64_t p : perm)
    result.push_back(dims[p]);
  if (llvm::equal(perm, llvm::seq<int64_t>(0, perm.size())))
    return input;
  Type element = cast<RankedTensorType>(input.getType()).getElementType();
  Value init = emptyTensor(b, loc, result, element);
  return linalg::TransposeOp::create(b, loc, input, init, perm).getResult()[0];
}

/// Groups `larger` (more dims) into `smaller`: each dim of `smaller` is the
/// product of a run of `larger`. Fails when the sizes do not group.
static std::optional<SmallVector<ReassociationIndices>>
groupDims(GraphImporter &graph, const Dims &larger, const Dims &smaller) {
  SmallVector<ReassociationIndices> groups;
  size_t next = 0;
  for (size_t s = 0; s < smaller.size(); ++s) {
    DimProduct want = graph.product(smaller[s]);
    ReassociationIndices group;
    Dims taken;
    while (next < larger.size()) {
      group.push_back(next);
      taken.push_back(larger[next++]);
      if (graph.product(ArrayRef<OpFoldResult>(taken)) == want)
        break;
    }
    if (!(graph.product(ArrayRef<OpFoldResult>(taken)) == want))
      return std::nullopt;
    groups.push_back(group);
  }
  // Trailing size-1 dims of `larger` join the last group.
  for (; next < larger.size(); ++next) {
    if (staticSize(larger[next]) != 1 || groups.empty())
      return std::nullopt;
    groups.back().push_back(next);
  }
  return groups;
}

Value reshape(GraphImporter &graph, Location loc, Value input, const Dims &from,
              const Dims &to) {
  OpBuilder &b = graph.builder;
  Type element = cast<RankedTensorType>(input.getType()).getElementType();
  RankedTensorType toType = tensorType(to, element);
  if (from.size() == to.size() &&
      llvm::all_of(llvm::zip(from, to), [&](auto pair) {
        return graph.product(std::get<0>(pair)) ==
               graph.product(std::get<1>(pair));
      }))
    return input.getType() == toType
               ? input
               : tensor::CastOp::create(b, loc, toType, input).getResult();
  if (to.size() < from.size())
    if (auto groups = groupDims(graph, from, to))
      return tensor::CollapseShapeOp::create(b, loc, toType, input, *groups);
  // An expand that splits one dimension into several dynamic sizes is
  // fine here: attn-decompose rewrites it for the LLVM 22 lowering.
  if (to.size() > from.size())
    if (auto groups = groupDims(graph, to, from))
      return tensor::ExpandShapeOp::create(b, loc, toType, input, *groups, to);
  // Through one dimension: always a valid row-major regrouping.
  Value flat = input;
  if (!from.empty()) {
    ReassociationIndices all(from.size());
    std::iota(all.begin(), all.end(), 0);
    flat = tensor::CollapseShapeOp::create(b, loc, input,
                                           ArrayRef<ReassociationIndices>{all});
  }
  if (to.empty())
    return tensor::CollapseShapeOp::create(b, loc, toType, flat,
                                           ArrayRef<ReassociationIndices>{});
  ReassociationIndices all(to.size());
  std::iota(all.begin(), all.end(), 0);
  return tensor::ExpandShapeOp::create(b, loc, toType, flat,
                                       ArrayRef<ReassociationIndices>{all}, to);
}

Value insertSlice(OpBuilder &b, Location loc, Value source, Value dest,
                  ArrayRef<OpFoldResult> offsets,
                  ArrayRef<OpFoldResult> sizes) {
  SmallVector<OpFoldResult> strides(offsets.size(), b.getIndexAttr(1));
  Type element = cast<RankedTensorType>(dest.getType()).getElementType();
  Value slot = tensor::ExtractSliceOp::create(
      b, loc, tensorType(sizes, element), dest, offsets, sizes, strides);
  Value copied = linalg::CopyOp::create(b, loc, source, slot).getResult(0);
  return tensor::InsertSliceOp::create(b, loc, copied, dest, offsets, sizes,
                                       strides);
}

Value convertScalar(OpBuilder &b, Location loc, Value value, Type to) {
  Type from = value.getType();
  if (from == to)
    return value;
  bool fromFloat = isa<FloatType>(from), toFloat = isa<FloatType>(to);
  if (fromFloat && toFloat)
    return from.getIntOrFloatBitWidth() < to.getIntOrFloatBitWidth()
               ? arith::ExtFOp::create(b, loc, to, value).getResult()
               : arith::TruncFOp::create(b, loc, to, value).getResult();
  if (fromFloat) {
    if (to.isInteger(1)) {
      Value zero = arith::ConstantOp::create(b, loc, b.getZeroAttr(from));
      return arith::CmpFOp::create(b, loc, arith::CmpFPredicate::UNE, value,
                                   zero);
    }
    return arith::FPToSIOp::create(b, loc, to, value);
  }
  if (toFloat)
    return from.isInteger(1)
               ? arith::UIToFPOp::create(b, loc, to, value).getResult()
               : arith::SIToFPOp::create(b, loc, to, value).getResult();
  if (to.isInteger(1)) {
    Value zero = arith::ConstantOp::create(b, loc, b.getZeroAttr(from));
    return arith::CmpIOp::create(b, loc, arith::CmpIPredicate::ne, value, zero);
  }
  if (from.getIntOrFloatBitWidth() < to.getIntOrFloatBitWidth())
    return from.isInteger(1)
               ? arith::ExtUIOp::create(b, loc, to, value).getResult()
               : arith::ExtSIOp::create(b, loc, to, value).getResult();
  return arith::TruncIOp::create(b, loc, to, value);
}

} // namespace attn::onnx_import
