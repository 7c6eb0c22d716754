//===- ShapeOps.cpp - constants, shapes, reshapes and data movement -------===//
//
// Exporters compute reshape targets with Shape -> Gather -> Unsqueeze ->
// Concat chains. These nodes fold on known elements (sizes stay SSA index
// values of the arguments' dimensions, so dynamic batch and sequence sizes
// survive); on data tensors they become tensor and linalg ops.
//
//===----------------------------------------------------------------------===//

#include "Converters.h"
#include "TensorBuilders.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"

using namespace mlir;

namespace attn::onnx_import {
namespace {

/// A rank 0 or 1 int64 value with known elements.
ImportedValue knownValue(OpBuilder &b, Dims elements, bool scalar) {
  ImportedValue value;
  int64_t n = elements.size();
  value.type = scalar ? RankedTensorType::get({}, b.getI64Type())
                      : RankedTensorType::get({n}, b.getI64Type());
  if (!scalar)
    value.dims.push_back(b.getIndexAttr(n));
  value.elements = std::move(elements);
  return value;
}

/// Axes from the `axes` input (opset >= 13 for Squeeze/Unsqueeze, >= 10 for
/// Slice) or the attribute of older opsets.
FailureOr<SmallVector<int64_t>> axesOf(NodeImporter &node, unsigned input,
                                       int inputSince) {
  if (node.opset >= inputSince) {
    if (!node.hasInput(input))
      return SmallVector<int64_t>();
    return node.constantInts(input, "axes");
  }
  return node.intsAttr("axes");
}

/// Normalised, sorted, distinct axes.
FailureOr<SmallVector<int64_t>>
normaliseAxes(NodeImporter &node, ArrayRef<int64_t> axes, int64_t rank) {
  SmallVector<int64_t> result;
  for (int64_t a : axes) {
    FailureOr<int64_t> n = node.axis(a, rank);
    if (failed(n))
      return failure();
    if (llvm::is_contained(result, *n))
      return node.error() << "axis " << a << " is repeated", failure();
    result.push_back(*n);
  }
  llvm::sort(result);
  return result;
}

} // namespace

LogicalResult convertConstant(NodeImporter &node) {
  OpBuilder &b = node.builder();
  if (const onnx::AttributeProto *attr = node.attribute("value")) {
    FailureOr<DenseElementsAttr> dense =
        denseAttrOf(attr->t(), node.graph.context, node.graph.fileLoc());
    if (failed(dense))
      return failure();
    node.setOutput(0, constantValue(*dense, b));
    return success();
  }
  DenseElementsAttr dense;
  if (const onnx::AttributeProto *attr = node.attribute("value_float"))
    dense = DenseElementsAttr::get(RankedTensorType::get({}, b.getF32Type()),
                                   attr->f());
  else if (const onnx::AttributeProto *attr = node.attribute("value_int"))
    dense = DenseElementsAttr::get(RankedTensorType::get({}, b.getI64Type()),
                                   int64_t(attr->i()));
  else if (const onnx::AttributeProto *attr = node.attribute("value_ints"))
    dense = DenseElementsAttr::get(
        RankedTensorType::get({attr->ints_size()}, b.getI64Type()),
        ArrayRef<int64_t>(attr->ints().data(), attr->ints_size()));
  else if (const onnx::AttributeProto *attr = node.attribute("value_floats"))
    dense = DenseElementsAttr::get(
        RankedTensorType::get({attr->floats_size()}, b.getF32Type()),
        ArrayRef<float>(attr->floats().data(), attr->floats_size()));
  else
    return node.error() << "needs one of the attributes value, value_float, "
                           "value_floats, value_int, value_ints",
           failure();
  node.setOutput(0, constantValue(dense, b));
  return success();
}

LogicalResult convertIdentity(NodeImporter &node) {
  const ImportedValue *in = node.input(0);
  if (!in)
    return failure();
  node.setOutput(0, *in);
  return success();
}

LogicalResult convertShape(NodeImporter &node) {
  const ImportedValue *in = node.input(0);
  if (!in)
    return failure();
  int64_t rank = in->dims.size();
  auto bound = [&](int64_t v) {
    v = v < 0 ? v + rank : v;
    return std::clamp<int64_t>(v, 0, rank);
  };
  int64_t start = bound(node.intAttr("start", 0));
  int64_t end = bound(node.intAttr("end", rank));
  Dims elements;
  for (int64_t i = start; i < end; ++i)
    elements.push_back(in->dims[i]);
  node.setOutput(0, knownValue(node.builder(), elements, false));
  return success();
}

LogicalResult convertReshape(NodeImporter &node) {
  const ImportedValue *in = node.input(0);
  if (!in)
    return failure();
  FailureOr<Dims> target = node.knownInts(1, "the target shape");
  if (failed(target))
    return failure();
  bool allowZero = node.intAttr("allowzero", 0);
  GraphImporter &graph = node.graph;
  Dims out;
  int64_t inferred = -1;
  for (auto [i, t] : llvm::enumerate(*target)) {
    std::optional<int64_t> c = staticSize(t);
    if (c && *c == 0 && !allowZero) {
      if (i >= in->dims.size())
        return node.error() << "target entry " << i
                            << " copies a dimension the input lacks",
               failure();
      out.push_back(in->dims[i]);
    } else if (c && *c == -1) {
      if (inferred >= 0)
        return node.error() << "the target shape has more than one -1",
               failure();
      inferred = i;
      out.push_back(OpFoldResult());
    } else if (c && *c < -1) {
      return node.error() << "target entry " << i << " is " << *c, failure();
    } else {
      out.push_back(t);
    }
  }
  DimProduct total = graph.product(ArrayRef<OpFoldResult>(in->dims));
  if (inferred >= 0) {
    Dims others;
    for (OpFoldResult d : out)
      if (d)
        others.push_back(d);
    DimProduct known = graph.product(ArrayRef<OpFoldResult>(others));
    DimProduct rest = total;
    // Cancel the symbols both sides share; what is left must divide.
    for (Value s : known.symbols) {
      auto it = llvm::find(rest.symbols, s);
      if (it == rest.symbols.end())
        return node.error() << "cannot infer the -1 entry: the other sizes "
                               "are not a factor of the input's",
               failure();
      rest.symbols.erase(it);
    }
    if (known.factor == 0 || rest.factor % known.factor != 0)
      return node.error() << "cannot infer the -1 entry: " << known.factor
                          << " does not divide " << rest.factor,
             failure();
    rest.factor /= known.factor;
    out[inferred] = graph.materialize(rest, node.loc());
  } else {
    DimProduct want = graph.product(ArrayRef<OpFoldResult>(out));
    if (want.symbols.empty() && total.symbols.empty() &&
        want.factor != total.factor)
      return node.error() << "cannot reshape " << total.factor
                          << " elements into " << want.factor,
             failure();
  }
  node.setOutput(0, reshape(graph, node.loc(), node.tensor(0), in->dims, out),
                 out);
  return success();
}

LogicalResult convertFlatten(NodeImporter &node) {
  const ImportedValue *in = node.input(0);
  if (!in)
    return failure();
  int64_t rank = in->dims.size();
  int64_t axis = node.intAttr("axis", 1);
  if (axis < -rank || axis > rank)
    return node.error() << "axis " << axis << " is out of range", failure();
  if (axis < 0)
    axis += rank;
  GraphImporter &graph = node.graph;
  ArrayRef<OpFoldResult> dims(in->dims);
  Dims out = {
      graph.materialize(graph.product(dims.take_front(axis)), node.loc()),
      graph.materialize(graph.product(dims.drop_front(axis)), node.loc())};
  node.setOutput(0, reshape(graph, node.loc(), node.tensor(0), in->dims, out),
                 out);
  return success();
}

LogicalResult convertSqueeze(NodeImporter &node) {
  const ImportedValue *in = node.input(0);
  if (!in)
    return failure();
  int64_t rank = in->dims.size();
  FailureOr<SmallVector<int64_t>> raw = axesOf(node, 1, 13);
  if (failed(raw))
    return failure();
  FailureOr<SmallVector<int64_t>> axes = normaliseAxes(node, *raw, rank);
  if (failed(axes))
    return failure();
  Dims out;
  for (int64_t i = 0; i < rank; ++i) {
    std::optional<int64_t> c = staticSize(in->dims[i]);
    bool listed = llvm::is_contained(*axes, i);
    if (listed && c != 1)
      return node.error() << "dimension " << i
                          << " is not statically 1 and cannot be squeezed",
             failure();
    if (!(listed || (axes->empty() && c == 1)))
      out.push_back(in->dims[i]);
  }
  if (in->elements) {
    node.setOutput(0, knownValue(node.builder(), *in->elements, out.empty()));
    return success();
  }
  node.setOutput(
      0, reshape(node.graph, node.loc(), node.tensor(0), in->dims, out), out);
  return success();
}

LogicalResult convertUnsqueeze(NodeImporter &node) {
  const ImportedValue *in = node.input(0);
  if (!in)
    return failure();
  FailureOr<SmallVector<int64_t>> raw = axesOf(node, 1, 13);
  if (failed(raw))
    return failure();
  int64_t rank = in->dims.size() + raw->size();
  FailureOr<SmallVector<int64_t>> axes = normaliseAxes(node, *raw, rank);
  if (failed(axes))
    return failure();
  Dims out;
  for (int64_t i = 0, next = 0; i < rank; ++i)
    out.push_back(llvm::is_contained(*axes, i) ? node.builder().getIndexAttr(1)
                                               : in->dims[next++]);
  if (in->elements && out.size() == 1) {
    node.setOutput(0, knownValue(node.builder(), *in->elements, false));
    return success();
  }
  node.setOutput(
      0, reshape(node.graph, node.loc(), node.tensor(0), in->dims, out), out);
  return success();
}

LogicalResult convertTranspose(NodeImporter &node) {
  const ImportedValue *in = node.input(0);
  if (!in)
    return failure();
  int64_t rank = in->dims.size();
  SmallVector<int64_t> perm = node.intsAttr("perm");
  if (!node.hasAttr("perm"))
    for (int64_t i = rank - 1; i >= 0; --i)
      perm.push_back(i);
  SmallVector<int64_t> sorted(perm);
  llvm::sort(sorted);
  if (!llvm::equal(sorted, llvm::seq<int64_t>(0, rank)))
    return node.error() << "perm is not a permutation of 0.." << rank - 1,
           failure();
  Dims out;
  Value result = transpose(node.builder(), node.loc(), node.tensor(0), in->dims,
                           perm, out);
  node.setOutput(0, result, out);
  return success();
}

LogicalResult convertConcat(NodeImporter &node) {
  SmallVector<const ImportedValue *> inputs;
  for (unsigned i = 0; i < node.numInputs(); ++i) {
    const ImportedValue *in = node.input(i);
    if (!in)
      return failure();
    inputs.push_back(in);
  }
  if (inputs.empty())
    return node.error() << "needs at least one input", failure();
  int64_t rank = inputs[0]->dims.size();
  if (!node.hasAttr("axis"))
    return node.error() << "attribute 'axis' is required", failure();
  FailureOr<int64_t> axis = node.axis(node.intAttr("axis", 0), rank);
  if (failed(axis))
    return failure();
  Type element = inputs[0]->type.getElementType();
  bool known = rank == 1;
  for (const ImportedValue *in : inputs) {
    if (int64_t(in->dims.size()) != rank ||
        in->type.getElementType() != element)
      return node.error() << "inputs differ in rank or element type", failure();
    known = known && in->elements;
  }
  if (known) {
    Dims elements;
    for (const ImportedValue *in : inputs)
      llvm::append_range(elements, *in->elements);
    node.setOutput(0, knownValue(node.builder(), elements, false));
    return success();
  }
  OpBuilder &b = node.builder();
  Location loc = node.loc();
  Dims out = inputs[0]->dims;
  OpFoldResult size = b.getIndexAttr(0);
  SmallVector<OpFoldResult> offsets;
  for (const ImportedValue *in : inputs) {
    offsets.push_back(size);
    size = node.graph.add(size, in->dims[*axis], loc);
  }
  out[*axis] = size;
  Value result = emptyTensor(b, loc, out, element);
  for (auto [i, in] : llvm::enumerate(inputs)) {
    SmallVector<OpFoldResult> offs(rank, b.getIndexAttr(0));
    offs[*axis] = offsets[i];
    // The other sizes are the result's: the copy then states that the
    // inputs agree on them (the C ABI ties them to one size).
    Dims sizes = out;
    sizes[*axis] = in->dims[*axis];
    result = insertSlice(b, loc, node.tensor(i), result, offs, sizes);
  }
  node.setOutput(0, result, out);
  return success();
}

LogicalResult convertGather(NodeImporter &node) {
  const ImportedValue *data = node.input(0), *indices = node.input(1);
  if (!data || !indices)
    return failure();
  int64_t rank = data->dims.size();
  FailureOr<int64_t> axis = node.axis(node.intAttr("axis", 0), rank);
  if (failed(axis))
    return failure();
  Type indexType = indices->type.getElementType();
  if (!indexType.isInteger(64) && !indexType.isInteger(32))
    return node.error() << "indices must be int32 or int64", failure();
  // Shape arithmetic: Gather(Shape(x), i).
  if (data->elements && indices->constant && rank == 1) {
    int64_t n = data->elements->size();
    Dims picked;
    for (APInt v : indices->constant.getValues<APInt>()) {
      int64_t i = v.getSExtValue();
      if (i < -n || i >= n)
        return node.error() << "index " << i << " is out of range for " << n
                            << " elements",
               failure();
      picked.push_back((*data->elements)[i < 0 ? i + n : i]);
    }
    node.setOutput(
        0, knownValue(node.builder(), picked, indices->type.getRank() == 0));
    return success();
  }
  OpBuilder &b = node.builder();
  Location loc = node.loc();
  int64_t indexRank = indices->dims.size();
  Dims out(data->dims.begin(), data->dims.begin() + *axis);
  llvm::append_range(out, indices->dims);
  out.append(data->dims.begin() + *axis + 1, data->dims.end());
  int64_t loops = out.size();
  SmallVector<AffineExpr> indexExprs;
  for (int64_t i = 0; i < indexRank; ++i)
    indexExprs.push_back(b.getAffineDimExpr(*axis + i));
  SmallVector<AffineMap> maps = {
      AffineMap::get(loops, 0, indexExprs, b.getContext()),
      b.getMultiDimIdentityMap(loops)};
  Value source = node.tensor(0);
  Type element = data->type.getElementType();
  Value init = emptyTensor(b, loc, out, element);
  OpFoldResult axisSize = data->dims[*axis];
  SmallVector<utils::IteratorType> iterators(loops,
                                             utils::IteratorType::parallel);
  Value result =
      linalg::GenericOp::create(
          b, loc, init.getType(), node.tensor(1), init, maps, iterators,
          [&](OpBuilder &nb, Location nl, ValueRange args) {
            // Negative indices count from the end; indices out of range are
            // clamped so that a bad index cannot read outside the tensor.
            Value size = getValueOrCreateConstantIndexOp(nb, nl, axisSize);
            Value i =
                arith::IndexCastOp::create(nb, nl, nb.getIndexType(), args[0]);
            Value zero = arith::ConstantIndexOp::create(nb, nl, 0);
            Value negative = arith::CmpIOp::create(
                nb, nl, arith::CmpIPredicate::slt, i, zero);
            i = arith::SelectOp::create(
                nb, nl, negative, arith::AddIOp::create(nb, nl, i, size), i);
            Value last = arith::SubIOp::create(
                nb, nl, size, arith::ConstantIndexOp::create(nb, nl, 1));
            i = arith::MaxSIOp::create(nb, nl, zero,
                                       arith::MinSIOp::create(nb, nl, i, last));
            SmallVector<Value> coords;
            for (int64_t d = 0; d < rank; ++d) {
              if (d == *axis)
                coords.push_back(i);
              else
                coords.push_back(linalg::IndexOp::create(
                    nb, nl, d < *axis ? d : d - 1 + indexRank));
            }
            Value v = tensor::ExtractOp::create(nb, nl, source, coords);
            linalg::YieldOp::create(nb, nl, v);
          })
          .getResult(0);
  node.setOutput(0, result, out);
  return success();
}

LogicalResult convertSlice(NodeImporter &node) {
  const ImportedValue *in = node.input(0);
  if (!in)
    return failure();
  if (node.opset < 10)
    return node.error() << "the attribute form of opset < 10 is not "
                           "supported",
           failure();
  int64_t rank = in->dims.size();
  FailureOr<SmallVector<int64_t>> starts = node.constantInts(1, "starts");
  FailureOr<SmallVector<int64_t>> ends = node.constantInts(2, "ends");
  if (failed(starts) || failed(ends))
    return failure();
  SmallVector<int64_t> axes, steps(starts->size(), 1);
  if (node.hasInput(3)) {
    FailureOr<SmallVector<int64_t>> a = node.constantInts(3, "axes");
    if (failed(a))
      return failure();
    axes = *a;
  } else {
    for (int64_t i = 0; i < int64_t(starts->size()); ++i)
      axes.push_back(i);
  }
  if (node.hasInput(4)) {
    FailureOr<SmallVector<int64_t>> s = node.constantInts(4, "steps");
    if (failed(s))
      return failure();
    steps = *s;
  }
  if (ends->size() != starts->size() || axes.size() != starts->size() ||
      steps.size() != starts->size())
    return node.error() << "starts, ends, axes and steps differ in length",
           failure();
  OpBuilder &b = node.builder();
  Location loc = node.loc();
  SmallVector<OpFoldResult> offsets(rank, b.getIndexAttr(0)),
      strides(rank, b.getIndexAttr(1));
  Dims sizes = in->dims;
  Dims known = in->elements ? *in->elements : Dims();
  for (size_t k = 0; k < axes.size(); ++k) {
    FailureOr<int64_t> axis = node.axis(axes[k], rank);
    if (failed(axis))
      return failure();
    if (steps[k] <= 0)
      return node.error() << "step " << steps[k]
                          << " is not supported (steps must be positive)",
             failure();
    std::optional<int64_t> size = staticSize(in->dims[*axis]);
    if (!size)
      return node.error() << "slicing dimension " << *axis
                          << ", which is dynamic, is not supported",
             failure();
    auto bound = [&](int64_t v) {
      v = v < 0 ? v + *size : v;
      return std::clamp<int64_t>(v, 0, *size);
    };
    int64_t start = bound((*starts)[k]), end = bound((*ends)[k]);
    int64_t count = end > start ? (end - start + steps[k] - 1) / steps[k] : 0;
    if (count == 0)
      start = 0; // An empty slice, which may begin past the end.
    offsets[*axis] = b.getIndexAttr(start);
    strides[*axis] = b.getIndexAttr(steps[k]);
    sizes[*axis] = b.getIndexAttr(count);
    if (in->elements) {
      Dims picked;
      for (int64_t i = 0; i < count; ++i)
        picked.push_back(known[start + i * steps[k]]);
      known = picked;
    }
  }
  if (in->elements && rank == 1) {
    node.setOutput(0, knownValue(b, known, false));
    return success();
  }
  Value result = tensor::ExtractSliceOp::create(
      b, loc, tensorType(sizes, in->type.getElementType()), node.tensor(0),
      offsets, sizes, strides);
  node.setOutput(0, result, sizes);
  return success();
}

} // namespace attn::onnx_import

namespace attn::onnx_import {

LogicalResult convertSplit(NodeImporter &node) {
  const ImportedValue *in = node.input(0);
  if (!in)
    return failure();
  int64_t rank = in->dims.size();
  FailureOr<int64_t> axis = node.axis(node.intAttr("axis", 0), rank);
  if (failed(axis))
    return failure();
  std::optional<int64_t> size = staticSize(in->dims[*axis]);
  if (!size)
    return node.error() << "splitting dimension " << *axis
                        << ", which is dynamic, is not supported",
           failure();
  // Part sizes: the `split` input (opset >= 13) or attribute, else equal
  // parts (the last one smaller when they do not divide evenly).
  SmallVector<int64_t> parts;
  if (node.opset >= 13 && node.hasInput(1)) {
    FailureOr<SmallVector<int64_t>> given = node.constantInts(1, "split");
    if (failed(given))
      return failure();
    parts = *given;
  } else if (node.opset < 13 && node.hasAttr("split")) {
    parts = node.intsAttr("split");
  } else {
    int64_t n = node.opset >= 18 ? node.intAttr("num_outputs", 0)
                                 : int64_t(node.numOutputs());
    if (n <= 0)
      return node.error() << "needs 'split' or 'num_outputs'", failure();
    int64_t each = (*size + n - 1) / n;
    for (int64_t i = 0, left = *size; i < n; ++i, left -= each)
      parts.push_back(std::max<int64_t>(0, std::min(each, left)));
  }
  int64_t total = 0;
  for (int64_t p : parts) {
    if (p < 0)
      return node.error() << "a part size is negative", failure();
    total += p;
  }
  if (total != *size || parts.size() != node.numOutputs())
    return node.error() << "parts " << total << " in " << parts.size()
                        << " outputs do not split " << *size << " into "
                        << node.numOutputs(),
           failure();
  OpBuilder &b = node.builder();
  Value source = node.tensor(0);
  SmallVector<OpFoldResult> strides(rank, b.getIndexAttr(1));
  int64_t offset = 0;
  for (auto [i, part] : llvm::enumerate(parts)) {
    SmallVector<OpFoldResult> offsets(rank, b.getIndexAttr(0));
    offsets[*axis] = b.getIndexAttr(offset);
    Dims sizes = in->dims;
    sizes[*axis] = b.getIndexAttr(part);
    Value slice = tensor::ExtractSliceOp::create(
        b, node.loc(), tensorType(sizes, in->type.getElementType()), source,
        offsets, sizes, strides);
    node.setOutput(i, slice, sizes);
    offset += part;
  }
  return success();
}

} // namespace attn::onnx_import
