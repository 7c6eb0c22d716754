//===- GraphImporter.cpp - ONNX graph to one MLIR function ----------------===//

#include "GraphImporter.h"
#include "Converters.h"
#include "TensorBuilders.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/IR/Diagnostics.h"
#include "llvm/ADT/STLExtras.h"

using namespace mlir;

namespace attn::onnx_import {

//===----------------------------------------------------------------------===//
// NodeImporter
//===----------------------------------------------------------------------===//

NodeImporter::NodeImporter(GraphImporter &graph, const onnx::NodeProto &node,
                           int opset)
    : graph(graph), node(node), opset(opset), location(graph.nodeLoc(node)) {}

OpBuilder &NodeImporter::builder() { return graph.builder; }

InFlightDiagnostic NodeImporter::error() {
  InFlightDiagnostic diag = emitError(graph.fileLoc());
  // Unnamed nodes (allowed by ONNX) go by their first output.
  std::string name = node.name();
  if (name.empty() && node.output_size())
    name = node.output(0);
  diag << "node '" << name << "' (" << node.op_type() << "): ";
  return diag;
}

bool NodeImporter::hasInput(unsigned i) const {
  return i < unsigned(node.input_size()) && !node.input(i).empty();
}

const ImportedValue *NodeImporter::input(unsigned i) {
  if (!hasInput(i)) {
    error() << "input " << i << " is required";
    return nullptr;
  }
  const ImportedValue *value = graph.lookup(node.input(i));
  if (!value)
    error() << "input '" << node.input(i)
            << "' is not a graph input, initializer or earlier output";
  return value;
}

Value NodeImporter::tensor(unsigned i) {
  const ImportedValue *value = input(i);
  return value ? graph.materialize(*value, loc()) : Value();
}

FailureOr<Dims> NodeImporter::knownInts(unsigned i, StringRef what) {
  const ImportedValue *value = input(i);
  if (!value)
    return failure();
  if (!value->elements) {
    error() << what << " must be known when the model is compiled (a "
            << "constant or computed from tensor shapes), not computed from "
            << "tensor data";
    return failure();
  }
  return *value->elements;
}

FailureOr<SmallVector<int64_t>> NodeImporter::constantInts(unsigned i,
                                                           StringRef what) {
  FailureOr<Dims> ints = knownInts(i, what);
  if (failed(ints))
    return failure();
  SmallVector<int64_t> result;
  for (OpFoldResult v : *ints) {
    std::optional<int64_t> c = staticSize(v);
    if (!c) {
      error() << what << " must be constant, but depends on a dynamic size";
      return failure();
    }
    result.push_back(*c);
  }
  return result;
}

const onnx::AttributeProto *NodeImporter::attribute(StringRef name) const {
  for (const onnx::AttributeProto &attr : node.attribute())
    if (attr.name() == name)
      return &attr;
  return nullptr;
}

int64_t NodeImporter::intAttr(StringRef name, int64_t otherwise) const {
  const onnx::AttributeProto *attr = attribute(name);
  return attr ? attr->i() : otherwise;
}

float NodeImporter::floatAttr(StringRef name, float otherwise) const {
  const onnx::AttributeProto *attr = attribute(name);
  return attr ? attr->f() : otherwise;
}

std::string NodeImporter::stringAttr(StringRef name,
                                     StringRef otherwise) const {
  const onnx::AttributeProto *attr = attribute(name);
  return attr ? attr->s() : otherwise.str();
}

SmallVector<int64_t> NodeImporter::intsAttr(StringRef name) const {
  const onnx::AttributeProto *attr = attribute(name);
  if (!attr)
    return {};
  return SmallVector<int64_t>(attr->ints().begin(), attr->ints().end());
}

bool NodeImporter::wantsOutput(unsigned i) const {
  return i < unsigned(node.output_size()) && !node.output(i).empty();
}

void NodeImporter::setOutput(unsigned i, ImportedValue value) {
  if (wantsOutput(i))
    graph.define(node.output(i), std::move(value));
}

void NodeImporter::setOutput(unsigned i, Value tensor, Dims dims) {
  ImportedValue value;
  value.tensor = tensor;
  value.type = cast<RankedTensorType>(tensor.getType());
  value.dims = std::move(dims);
  setOutput(i, std::move(value));
}

FailureOr<int64_t> NodeImporter::axis(int64_t axis, int64_t rank,
                                      StringRef what) {
  if (axis < -rank || axis >= rank) {
    error() << what << " " << axis << " is out of range for rank " << rank;
    return failure();
  }
  return axis < 0 ? axis + rank : axis;
}

//===----------------------------------------------------------------------===//
// Types and constants
//===----------------------------------------------------------------------===//

Type elementTypeOf(MLIRContext &context, int32_t dataType) {
  Builder b(&context);
  switch (dataType) {
  case onnx::TensorProto::FLOAT:
    return b.getF32Type();
  case onnx::TensorProto::FLOAT16:
    return b.getF16Type();
  case onnx::TensorProto::BFLOAT16:
    return b.getBF16Type();
  case onnx::TensorProto::DOUBLE:
    return b.getF64Type();
  case onnx::TensorProto::INT64:
    return b.getI64Type();
  case onnx::TensorProto::INT32:
    return b.getI32Type();
  case onnx::TensorProto::INT8:
    return b.getI8Type();
  case onnx::TensorProto::BOOL:
    return b.getI1Type();
  default:
    return Type();
  }
}

/// Typed fields of a TensorProto as raw little-endian bytes of `element`.
static std::optional<std::string> typedFieldBytes(const onnx::TensorProto &t,
                                                  Type element) {
  std::string bytes;
  auto append = [&](auto value) {
    bytes.append(reinterpret_cast<const char *>(&value), sizeof(value));
  };
  switch (t.data_type()) {
  case onnx::TensorProto::FLOAT:
    for (float v : t.float_data())
      append(v);
    return bytes;
  case onnx::TensorProto::DOUBLE:
    for (double v : t.double_data())
      append(v);
    return bytes;
  case onnx::TensorProto::INT64:
    for (int64_t v : t.int64_data())
      append(v);
    return bytes;
  case onnx::TensorProto::INT32:
    for (int32_t v : t.int32_data())
      append(v);
    return bytes;
  // int32_data carries the narrower types, one element per entry.
  case onnx::TensorProto::INT8:
  case onnx::TensorProto::BOOL:
    for (int32_t v : t.int32_data())
      append(int8_t(v));
    return bytes;
  case onnx::TensorProto::FLOAT16:
  case onnx::TensorProto::BFLOAT16:
    for (int32_t v : t.int32_data())
      append(uint16_t(v));
    return bytes;
  default:
    return std::nullopt;
  }
}

FailureOr<DenseElementsAttr> denseAttrOf(const onnx::TensorProto &tensor,
                                         MLIRContext &context, Location loc) {
  Type element = elementTypeOf(context, tensor.data_type());
  if (!element)
    return emitError(loc) << "tensor '" << tensor.name()
                          << "' has unsupported data type "
                          << tensor.data_type(),
           failure();
  if (tensor.data_location() == onnx::TensorProto::EXTERNAL)
    return emitError(loc) << "tensor '" << tensor.name()
                          << "' keeps its data in an external file, which "
                             "the importer does not read",
           failure();
  SmallVector<int64_t> shape;
  int64_t count = 1;
  for (int64_t d : tensor.dims()) {
    if (d < 0 || (d && count > (int64_t(1) << 40) / d))
      return emitError(loc)
                 << "tensor '" << tensor.name() << "' has an invalid shape",
             failure();
    shape.push_back(d);
    count *= d;
  }
  auto type = RankedTensorType::get(shape, element);
  std::string bytes;
  if (tensor.has_raw_data()) {
    bytes = tensor.raw_data();
  } else {
    std::optional<std::string> fields = typedFieldBytes(tensor, element);
    if (!fields)
      return emitError(loc)
                 << "tensor '" << tensor.name() << "' has no readable data",
             failure();
    bytes = std::move(*fields);
  }
  int64_t width =
      element.isInteger(1) ? 1 : element.getIntOrFloatBitWidth() / 8;
  if (int64_t(bytes.size()) != count * width)
    return emitError(loc) << "tensor '" << tensor.name() << "' holds "
                          << bytes.size() << " bytes, but its shape and type "
                          << "need " << count * width,
           failure();
  if (element.isInteger(1)) {
    SmallVector<bool> bits;
    for (char c : bytes)
      bits.push_back(c != 0);
    return DenseElementsAttr::get(type, bits);
  }
  return DenseElementsAttr::getFromRawBuffer(
      type, ArrayRef<char>(bytes.data(), bytes.size()));
}

ImportedValue constantValue(DenseElementsAttr attr, OpBuilder &builder) {
  ImportedValue value;
  value.type = cast<RankedTensorType>(attr.getType());
  value.constant = attr;
  for (int64_t d : value.type.getShape())
    value.dims.push_back(builder.getIndexAttr(d));
  // Small integer vectors are the operands of shape arithmetic.
  if (value.type.getElementType().isInteger() &&
      !value.type.getElementType().isInteger(1) && value.type.getRank() <= 1 &&
      value.type.getNumElements() <= 64) {
    Dims elements;
    for (APInt v : attr.getValues<APInt>())
      elements.push_back(builder.getIndexAttr(v.getSExtValue()));
    value.elements = std::move(elements);
  }
  return value;
}

//===----------------------------------------------------------------------===//
// GraphImporter
//===----------------------------------------------------------------------===//

bool DimProduct::operator==(const DimProduct &other) const {
  if (factor != other.factor || symbols.size() != other.symbols.size())
    return false;
  SmallVector<Value, 2> a(symbols), b(other.symbols);
  auto order = [](Value x, Value y) {
    return x.getAsOpaquePointer() < y.getAsOpaquePointer();
  };
  llvm::sort(a, order);
  llvm::sort(b, order);
  return a == b;
}

GraphImporter::GraphImporter(MLIRContext &context, StringRef sourceName,
                             const OnnxImportOptions &options)
    : context(context), builder(&context), sourceName(sourceName.str()),
      options(options) {}

Location GraphImporter::fileLoc() const {
  // Printed as "<file>:0:0: error: ..." (a model has no source lines).
  return FileLineColLoc::get(&context, sourceName, 0, 0);
}

Location GraphImporter::nodeLoc(const onnx::NodeProto &node) {
  std::string name = node.name().empty() ? node.op_type() : node.name();
  return NameLoc::get(StringAttr::get(&context, name), fileLoc());
}

const ImportedValue *GraphImporter::lookup(StringRef name) const {
  auto it = values.find(name);
  return it == values.end() ? nullptr : &it->second;
}

void GraphImporter::define(StringRef name, ImportedValue value) {
  values[name] = std::move(value);
}

const ImportedValue *GraphImporter::require(StringRef name) {
  if (const ImportedValue *value = lookup(name))
    return value;
  auto it = producers.find(name);
  if (it == producers.end() || imported.contains(it->second))
    return nullptr;
  int index = it->second;
  const onnx::NodeProto &node = graphProto->node(index);
  // Only shape arithmetic, once its own inputs are known: converting it
  // early just moves its ops up the function (usually none, its results
  // being folded values). Other nodes, a pooling that starts a chain of its
  // own among them, keep their turn so that their fusions are tried.
  static constexpr llvm::StringLiteral shapeOps[] = {
      "Cast",  "Concat",  "Constant", "Gather",   "Identity",
      "Shape", "Squeeze", "Slice",    "Unsqueeze"};
  if (!llvm::is_contained(shapeOps, node.op_type()) ||
      !(node.domain().empty() || node.domain() == "ai.onnx"))
    return nullptr;
  // Marked first, so that a (malformed) cycle ends here.
  imported.insert(index);
  for (const std::string &in : node.input())
    if (!in.empty() && !require(in)) {
      imported.erase(index);
      return nullptr;
    }
  if (failed(importNode(node, opset))) {
    failedOnDemand = true;
    return nullptr;
  }
  return lookup(name);
}

void GraphImporter::markImported(ArrayRef<int> nodes) {
  imported.insert(nodes.begin(), nodes.end());
}

Value GraphImporter::materialize(const ImportedValue &value, Location loc) {
  if (value.tensor)
    return value.tensor;
  if (value.constant)
    return arith::ConstantOp::create(builder, loc, value.constant);
  // Known elements with dynamic entries: a from_elements of index casts.
  SmallVector<Value> elements;
  Type element = value.type.getElementType();
  for (OpFoldResult e : *value.elements) {
    Value index = getValueOrCreateConstantIndexOp(builder, loc, e);
    elements.push_back(
        arith::IndexCastOp::create(builder, loc, element, index));
  }
  return tensor::FromElementsOp::create(builder, loc, value.type, elements);
}

Dims GraphImporter::dimsOf(Value tensor, Location loc) {
  auto type = cast<RankedTensorType>(tensor.getType());
  Dims dims;
  for (int64_t d = 0; d < type.getRank(); ++d) {
    if (type.isDynamicDim(d))
      dims.push_back(
          tensor::DimOp::create(builder, loc, tensor, d).getResult());
    else
      dims.push_back(builder.getIndexAttr(type.getDimSize(d)));
  }
  return dims;
}

DimProduct GraphImporter::product(OpFoldResult dim) const {
  if (std::optional<int64_t> c = staticSize(dim))
    return DimProduct{*c, {}};
  Value v = cast<Value>(dim);
  auto it = products.find(v);
  if (it != products.end())
    return it->second;
  return DimProduct{1, {v}};
}

DimProduct GraphImporter::product(ArrayRef<OpFoldResult> dims) const {
  DimProduct result;
  for (OpFoldResult d : dims) {
    DimProduct p = product(d);
    result.factor *= p.factor;
    llvm::append_range(result.symbols, p.symbols);
  }
  return result;
}

OpFoldResult GraphImporter::materialize(const DimProduct &p, Location loc) {
  if (p.symbols.empty() || p.factor == 0)
    return builder.getIndexAttr(p.factor);
  if (p.symbols.size() == 1 && p.factor == 1)
    return p.symbols.front();
  Value result = p.symbols.front();
  for (Value s : llvm::drop_begin(p.symbols))
    result = arith::MulIOp::create(builder, loc, result, s);
  if (p.factor != 1)
    result = arith::MulIOp::create(
        builder, loc, result,
        arith::ConstantIndexOp::create(builder, loc, p.factor));
  products[result] = p;
  return result;
}

OpFoldResult GraphImporter::multiply(OpFoldResult a, OpFoldResult b,
                                     Location loc) {
  return materialize(product({a, b}), loc);
}

OpFoldResult GraphImporter::add(OpFoldResult a, OpFoldResult b, Location loc) {
  std::optional<int64_t> x = getConstantIntValue(a), y = getConstantIntValue(b);
  if (x && y)
    return builder.getIndexAttr(*x + *y);
  if (x == 0)
    return b;
  if (y == 0)
    return a;
  return arith::AddIOp::create(builder, loc,
                               getValueOrCreateConstantIndexOp(builder, loc, a),
                               getValueOrCreateConstantIndexOp(builder, loc, b))
      .getResult();
}

LogicalResult GraphImporter::importInputs(const onnx::GraphProto &graph,
                                          func::FuncOp &func, ModuleOp module) {
  llvm::StringSet<> initializerNames;
  for (const onnx::TensorProto &t : graph.initializer())
    initializerNames.insert(t.name());

  SmallVector<Type> argTypes;
  SmallVector<std::string> argNames;
  SmallVector<SmallVector<std::string>> dimParams;
  for (const onnx::ValueInfoProto &info : graph.input()) {
    // Older exporters list initializers among the inputs too.
    if (initializerNames.contains(info.name()))
      continue;
    const onnx::TypeProto &type = info.type();
    if (!type.has_tensor_type() || !type.tensor_type().has_shape())
      return emitError(fileLoc()) << "graph input '" << info.name()
                                  << "' is not a tensor of known rank",
             failure();
    Type element = elementTypeOf(context, type.tensor_type().elem_type());
    if (!element)
      return emitError(fileLoc()) << "graph input '" << info.name()
                                  << "' has unsupported element type "
                                  << type.tensor_type().elem_type(),
             failure();
    SmallVector<int64_t> shape;
    SmallVector<std::string> params;
    for (const onnx::TensorShapeProto::Dimension &d :
         type.tensor_type().shape().dim()) {
      shape.push_back(d.has_dim_value() && d.dim_value() >= 0
                          ? d.dim_value()
                          : ShapedType::kDynamic);
      params.push_back(d.has_dim_param() ? d.dim_param() : "");
    }
    argTypes.push_back(RankedTensorType::get(shape, element));
    argNames.push_back(info.name());
    dimParams.push_back(std::move(params));
  }
  SmallVector<const onnx::TensorProto *> weightArgs;
  if (options.weightsAsInputs) {
    for (const onnx::TensorProto &t : graph.initializer()) {
      Type element = elementTypeOf(context, t.data_type());
      if (!element)
        return emitError(fileLoc())
                   << "initializer '" << t.name()
                   << "' has unsupported data type " << t.data_type(),
               failure();
      argTypes.push_back(RankedTensorType::get(
          SmallVector<int64_t>(t.dims().begin(), t.dims().end()), element));
      argNames.push_back(t.name());
      weightArgs.push_back(&t);
    }
  }

  builder.setInsertionPointToEnd(module.getBody());
  func = func::FuncOp::create(builder, fileLoc(), options.functionName,
                              builder.getFunctionType(argTypes, {}));
  Block *entry = func.addEntryBlock();
  builder.setInsertionPointToStart(entry);
  for (auto [i, name] : llvm::enumerate(argNames)) {
    func.setArgAttr(i, "attn.name", builder.getStringAttr(name));
    Value arg = entry->getArgument(i);
    ImportedValue value;
    value.tensor = arg;
    value.type = cast<RankedTensorType>(arg.getType());
    value.dims = dimsOf(arg, fileLoc());
    if (i < dimParams.size())
      for (auto [d, param] : llvm::enumerate(dimParams[i])) {
        if (param.empty() || staticSize(value.dims[d]))
          continue;
        auto [it, inserted] =
            namedSizes.try_emplace(param, cast<Value>(value.dims[d]));
        value.dims[d] = it->second;
      }
    define(name, std::move(value));
  }
  if (!options.weightsAsInputs)
    for (const onnx::TensorProto &t : graph.initializer()) {
      FailureOr<DenseElementsAttr> attr = denseAttrOf(t, context, fileLoc());
      if (failed(attr))
        return failure();
      define(t.name(), constantValue(*attr, builder));
    }
  return success();
}

LogicalResult GraphImporter::importNode(const onnx::NodeProto &node,
                                        int opset) {
  NodeImporter importer(*this, node, opset);
  if (!node.domain().empty() && node.domain() != "ai.onnx")
    return importer.error() << "operators of domain '" << node.domain()
                            << "' are not supported",
           failure();
  const Converter *convert = findConverter(node.op_type(), opset);
  if (!convert)
    return importer.error()
               << "op type '" << node.op_type() << "' at opset " << opset
               << " is not supported (docs/onnx.md lists what is)",
           failure();
  if (failed((*convert)(importer)))
    return failure();
  for (unsigned i = 0; i < importer.numOutputs(); ++i)
    if (importer.wantsOutput(i) && !lookup(node.output(i)))
      return importer.error() << "output " << i << " ('" << node.output(i)
                              << "') is not supported",
             failure();
  return success();
}

LogicalResult GraphImporter::importGraph(const onnx::GraphProto &graph,
                                         int opset, ModuleOp module) {
  func::FuncOp func;
  if (failed(importInputs(graph, func, module)))
    return failure();
  graphProto = &graph;
  this->opset = opset;
  for (auto [i, node] : llvm::enumerate(graph.node()))
    for (const std::string &out : node.output())
      if (!out.empty())
        producers.try_emplace(out, i);
  for (auto [i, node] : llvm::enumerate(graph.node())) {
    if (imported.contains(i))
      continue;
    bool fused = fuseGate(*this, graph, i);
    if (failedOnDemand)
      return failure();
    if (fused)
      continue;
    imported.insert(i);
    if (failed(importNode(node, opset)))
      return failure();
  }

  SmallVector<Value> results;
  SmallVector<std::string> names;
  for (const onnx::ValueInfoProto &info : graph.output()) {
    const ImportedValue *value = lookup(info.name());
    if (!value)
      return emitError(fileLoc()) << "graph output '" << info.name()
                                  << "' is not computed by any node",
             failure();
    results.push_back(materialize(*value, fileLoc()));
    names.push_back(info.name());
  }
  func::ReturnOp::create(builder, fileLoc(), results);
  func.setFunctionType(builder.getFunctionType(func.getArgumentTypes(),
                                               ValueRange(results).getTypes()));
  for (auto [i, name] : llvm::enumerate(names))
    func.setResultAttr(i, "attn.name", builder.getStringAttr(name));
  return success();
}

} // namespace attn::onnx_import
