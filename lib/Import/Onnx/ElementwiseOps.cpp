//===- ElementwiseOps.cpp - broadcast arithmetic, comparisons, casts ------===//
//
// Every elementwise node becomes one linalg.generic over the broadcast
// result. Integer nodes whose operands are known at import time (shape
// arithmetic of exporters: Mul(Gather(Shape(x)), 12)) are folded instead.
//
//===----------------------------------------------------------------------===//

#include "Converters.h"
#include "TensorBuilders.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "llvm/ADT/StringSwitch.h"

using namespace mlir;

namespace attn::onnx_import {
namespace {

enum class Binary {
  Add,
  Sub,
  Mul,
  Div,
  Pow,
  Max,
  Min,
  Equal,
  Less,
  LessEq,
  Greater,
  GreaterEq,
  And,
  Or
};

std::optional<Binary> binaryKind(StringRef opType) {
  return llvm::StringSwitch<std::optional<Binary>>(opType)
      .Case("Add", Binary::Add)
      .Case("Sub", Binary::Sub)
      .Case("Mul", Binary::Mul)
      .Case("Div", Binary::Div)
      .Case("Pow", Binary::Pow)
      .Case("Max", Binary::Max)
      .Case("Min", Binary::Min)
      .Case("Equal", Binary::Equal)
      .Case("Less", Binary::Less)
      .Case("LessOrEqual", Binary::LessEq)
      .Case("Greater", Binary::Greater)
      .Case("GreaterOrEqual", Binary::GreaterEq)
      .Case("And", Binary::And)
      .Case("Or", Binary::Or)
      .Default(std::nullopt);
}

bool isComparison(Binary kind) {
  return kind == Binary::Equal || kind == Binary::Less ||
         kind == Binary::LessEq || kind == Binary::Greater ||
         kind == Binary::GreaterEq;
}

Value binaryScalar(OpBuilder &b, Location loc, Binary kind, Value x, Value y) {
  bool isFloat = isa<FloatType>(x.getType());
  using FP = arith::CmpFPredicate;
  using IP = arith::CmpIPredicate;
  auto compare = [&](FP f, IP i) -> Value {
    if (isFloat)
      return arith::CmpFOp::create(b, loc, f, x, y);
    return arith::CmpIOp::create(b, loc, i, x, y);
  };
  switch (kind) {
  case Binary::Add:
    return isFloat ? arith::AddFOp::create(b, loc, x, y).getResult()
                   : arith::AddIOp::create(b, loc, x, y).getResult();
  case Binary::Sub:
    return isFloat ? arith::SubFOp::create(b, loc, x, y).getResult()
                   : arith::SubIOp::create(b, loc, x, y).getResult();
  case Binary::Mul:
    return isFloat ? arith::MulFOp::create(b, loc, x, y).getResult()
                   : arith::MulIOp::create(b, loc, x, y).getResult();
  case Binary::Div:
    return isFloat ? arith::DivFOp::create(b, loc, x, y).getResult()
                   : arith::DivSIOp::create(b, loc, x, y).getResult();
  case Binary::Pow:
    return math::PowFOp::create(b, loc, x, y);
  case Binary::Max:
    return isFloat ? arith::MaximumFOp::create(b, loc, x, y).getResult()
                   : arith::MaxSIOp::create(b, loc, x, y).getResult();
  case Binary::Min:
    return isFloat ? arith::MinimumFOp::create(b, loc, x, y).getResult()
                   : arith::MinSIOp::create(b, loc, x, y).getResult();
  case Binary::Equal:
    return compare(FP::OEQ, IP::eq);
  case Binary::Less:
    return compare(FP::OLT, IP::slt);
  case Binary::LessEq:
    return compare(FP::OLE, IP::sle);
  case Binary::Greater:
    return compare(FP::OGT, IP::sgt);
  case Binary::GreaterEq:
    return compare(FP::OGE, IP::sge);
  case Binary::And:
    return arith::AndIOp::create(b, loc, x, y);
  case Binary::Or:
    return arith::OrIOp::create(b, loc, x, y);
  }
  llvm_unreachable("binary kind");
}

/// Entry i of a known shape vector broadcast to a longer one (one entry:
/// repeated).
OpFoldResult knownAt(const Dims &v, size_t i) {
  return v[v.size() == 1 ? 0 : i];
}

/// Folds shape arithmetic on known integers (a scalar broadcasts).
std::optional<Dims> foldKnown(NodeImporter &node, Binary kind, const Dims &x,
                              const Dims &y) {
  if (kind != Binary::Add && kind != Binary::Sub && kind != Binary::Mul &&
      kind != Binary::Div)
    return std::nullopt;
  if (x.size() != y.size() && x.size() != 1 && y.size() != 1)
    return std::nullopt;
  GraphImporter &graph = node.graph;
  OpBuilder &b = node.builder();
  Dims result;
  for (size_t i = 0, e = std::max(x.size(), y.size()); i < e; ++i) {
    OpFoldResult l = knownAt(x, i), r = knownAt(y, i);
    std::optional<int64_t> lc = staticSize(l), rc = staticSize(r);
    if (lc && rc) {
      int64_t v = kind == Binary::Add   ? *lc + *rc
                  : kind == Binary::Sub ? *lc - *rc
                  : kind == Binary::Mul ? *lc * *rc
                  : *rc == 0            ? 0
                                        : *lc / *rc;
      result.push_back(b.getIndexAttr(v));
      continue;
    }
    if (kind == Binary::Mul) {
      result.push_back(graph.multiply(l, r, node.loc()));
      continue;
    }
    if (kind == Binary::Div && rc) {
      DimProduct p = graph.product(l);
      if (*rc != 0 && p.factor % *rc == 0) {
        p.factor /= *rc;
        result.push_back(graph.materialize(p, node.loc()));
        continue;
      }
    }
    Value lv = getValueOrCreateConstantIndexOp(b, node.loc(), l);
    Value rv = getValueOrCreateConstantIndexOp(b, node.loc(), r);
    result.push_back(binaryScalar(b, node.loc(), kind, lv, rv));
  }
  return result;
}

/// Equal of two shape vectors whose entries are all static: a bool
/// constant, which a Where on shape vectors then folds (PyTorch's exporter
/// writes `Where(Equal(shape, -1), 1, shape)` for the target of Expand).
std::optional<ImportedValue>
foldEqual(NodeImporter &node, const ImportedValue &x, const ImportedValue &y) {
  if (!x.elements || !y.elements || x.type.getRank() > 1 ||
      y.type.getRank() > 1)
    return std::nullopt;
  size_t n = std::max(x.elements->size(), y.elements->size());
  if (x.elements->size() != n && x.elements->size() != 1)
    return std::nullopt;
  if (y.elements->size() != n && y.elements->size() != 1)
    return std::nullopt;
  SmallVector<bool> equal;
  for (size_t i = 0; i < n; ++i) {
    std::optional<int64_t> l = staticSize(knownAt(*x.elements, i)),
                           r = staticSize(knownAt(*y.elements, i));
    if (!l || !r)
      return std::nullopt;
    equal.push_back(*l == *r);
  }
  OpBuilder &b = node.builder();
  bool vector = x.type.getRank() == 1 || y.type.getRank() == 1;
  auto type = vector ? RankedTensorType::get({int64_t(n)}, b.getI1Type())
                     : RankedTensorType::get({}, b.getI1Type());
  return constantValue(DenseElementsAttr::get(type, ArrayRef<bool>(equal)), b);
}

/// Where on shape vectors with a constant condition: the selected entries.
std::optional<ImportedValue> foldWhere(const ImportedValue &c,
                                       const ImportedValue &x,
                                       const ImportedValue &y, OpBuilder &b) {
  if (!c.constant || !x.elements || !y.elements || c.type.getRank() > 1 ||
      x.type.getRank() > 1 || y.type.getRank() > 1)
    return std::nullopt;
  SmallVector<bool> cond = llvm::to_vector(c.constant.getValues<bool>());
  size_t n = std::max({cond.size(), x.elements->size(), y.elements->size()});
  for (size_t size : {cond.size(), x.elements->size(), y.elements->size()})
    if (size != n && size != 1)
      return std::nullopt;
  ImportedValue value;
  value.elements.emplace();
  for (size_t i = 0; i < n; ++i)
    value.elements->push_back(cond[cond.size() == 1 ? 0 : i]
                                  ? knownAt(*x.elements, i)
                                  : knownAt(*y.elements, i));
  bool vector = c.type.getRank() + x.type.getRank() + y.type.getRank() > 0;
  Type element = x.type.getElementType();
  value.type = vector ? RankedTensorType::get({int64_t(n)}, element)
                      : RankedTensorType::get({}, element);
  if (vector)
    value.dims.push_back(b.getIndexAttr(n));
  return value;
}

} // namespace

LogicalResult convertBinary(NodeImporter &node) {
  Binary kind = *binaryKind(node.node.op_type());
  unsigned arity = node.numInputs();
  bool variadic = kind == Binary::Max || kind == Binary::Min;
  if (arity != 2 && !(variadic && arity >= 1))
    return node.error() << "expects 2 inputs, got " << arity, failure();
  SmallVector<const ImportedValue *> inputs;
  for (unsigned i = 0; i < arity; ++i) {
    const ImportedValue *in = node.input(i);
    if (!in)
      return failure();
    inputs.push_back(in);
  }
  Type element = inputs[0]->type.getElementType();
  // Pow's exponent may have another type; it is converted to the base's.
  for (const ImportedValue *in :
       ArrayRef(inputs).drop_back(kind == Binary::Pow ? 1 : 0))
    if (in->type.getElementType() != element)
      return node.error() << "inputs have different element types (" << element
                          << " and " << in->type.getElementType() << ")",
             failure();
  bool isFloat = isa<FloatType>(element);
  if ((kind == Binary::Pow && !isFloat) ||
      ((kind == Binary::And || kind == Binary::Or) && !element.isInteger(1)))
    return node.error() << "element type " << element
                        << " is not supported by this op",
           failure();

  if (arity == 2 && kind == Binary::Equal)
    if (std::optional<ImportedValue> folded =
            foldEqual(node, *inputs[0], *inputs[1])) {
      node.setOutput(0, std::move(*folded));
      return success();
    }
  if (arity == 2 && inputs[0]->elements && inputs[1]->elements &&
      inputs[0]->type.getRank() <= 1 && inputs[1]->type.getRank() <= 1)
    if (std::optional<Dims> folded =
            foldKnown(node, kind, *inputs[0]->elements, *inputs[1]->elements)) {
      ImportedValue value;
      int64_t n = folded->size();
      int64_t rank =
          std::max(inputs[0]->type.getRank(), inputs[1]->type.getRank());
      value.type = rank == 0 ? RankedTensorType::get({}, element)
                             : RankedTensorType::get({n}, element);
      if (rank)
        value.dims.push_back(node.builder().getIndexAttr(n));
      value.elements = std::move(*folded);
      node.setOutput(0, std::move(value));
      return success();
    }

  SmallVector<Value> tensors;
  SmallVector<Dims> dims;
  for (unsigned i = 0; i < arity; ++i) {
    tensors.push_back(node.tensor(i));
    dims.push_back(inputs[i]->dims);
  }
  Type exponentType = inputs.back()->type.getElementType();
  FailureOr<Dims> result = broadcastDims(node, dims);
  if (failed(result))
    return failure();
  // Pow with a constant exponent of 2 or 0.5 is x*x or sqrt(x), as
  // exporters write LayerNorm variances and norms.
  std::optional<double> exponent;
  if (kind == Binary::Pow && inputs[1]->constant &&
      inputs[1]->constant.isSplat() && isa<FloatType>(exponentType))
    exponent = inputs[1]->constant.getSplatValue<APFloat>().convertToDouble();
  Type resultElement =
      isComparison(kind) ? node.builder().getI1Type() : element;
  Value out = elementwise(
      node.builder(), node.loc(), tensors, dims, *result, resultElement,
      [&](OpBuilder &b, Location loc, ValueRange args) -> Value {
        if (exponent == 2.0)
          return arith::MulFOp::create(b, loc, args[0], args[0]);
        if (exponent == 0.5)
          return math::SqrtOp::create(b, loc, args[0]);
        if (kind == Binary::Pow)
          return math::PowFOp::create(b, loc, args[0],
                                      convertScalar(b, loc, args[1], element));
        Value acc = args[0];
        for (Value next : args.drop_front())
          acc = binaryScalar(b, loc, kind, acc, next);
        return acc;
      });
  node.setOutput(0, out, *result);
  return success();
}

LogicalResult convertUnary(NodeImporter &node) {
  StringRef op = node.node.op_type();
  const ImportedValue *in = node.input(0);
  if (!in)
    return failure();
  Type element = in->type.getElementType();
  bool isFloat = isa<FloatType>(element);
  bool floatOnly = op != "Neg" && op != "Abs" && op != "Not" && op != "Relu";
  if ((floatOnly && !isFloat) || (op == "Not" && !element.isInteger(1)))
    return node.error() << "element type " << element
                        << " is not supported by this op",
           failure();
  std::string approximate = node.stringAttr("approximate", "none");
  if (op == "Gelu" && approximate != "none" && approximate != "tanh")
    return node.error() << "approximate='" << approximate
                        << "' is not 'none' or 'tanh'",
           failure();
  float alpha = node.floatAttr("alpha", op == "Elu" ? 1.0f : 0.01f);
  Value x = node.tensor(0);
  Value out = elementwise(
      node.builder(), node.loc(), x, in->dims, in->dims, element,
      [&](OpBuilder &b, Location loc, ValueRange args) -> Value {
        Value v = args[0];
        auto constant = [&](double c) -> Value {
          return arith::ConstantOp::create(b, loc, b.getFloatAttr(element, c));
        };
        if (op == "Relu") {
          Value zero =
              arith::ConstantOp::create(b, loc, b.getZeroAttr(element));
          return isFloat
                     ? arith::MaximumFOp::create(b, loc, v, zero).getResult()
                     : arith::MaxSIOp::create(b, loc, v, zero).getResult();
        }
        if (op == "Neg")
          return isFloat ? arith::NegFOp::create(b, loc, v).getResult()
                         : arith::SubIOp::create(
                               b, loc,
                               arith::ConstantOp::create(
                                   b, loc, b.getZeroAttr(element)),
                               v)
                               .getResult();
        if (op == "Abs")
          return isFloat ? math::AbsFOp::create(b, loc, v).getResult()
                         : math::AbsIOp::create(b, loc, v).getResult();
        if (op == "Not")
          return arith::XOrIOp::create(
              b, loc, v,
              arith::ConstantOp::create(b, loc, b.getBoolAttr(true)));
        if (op == "Sigmoid") {
          // 1 / (1 + exp(-x)).
          Value e =
              math::ExpOp::create(b, loc, arith::NegFOp::create(b, loc, v));
          return arith::DivFOp::create(
              b, loc, constant(1.0),
              arith::AddFOp::create(b, loc, constant(1.0), e));
        }
        if (op == "Tanh")
          return math::TanhOp::create(b, loc, v);
        if (op == "Erf")
          return math::ErfOp::create(b, loc, v);
        if (op == "Sqrt")
          return math::SqrtOp::create(b, loc, v);
        if (op == "Exp")
          return math::ExpOp::create(b, loc, v);
        if (op == "Log")
          return math::LogOp::create(b, loc, v);
        if (op == "Reciprocal")
          return arith::DivFOp::create(b, loc, constant(1.0), v);
        if (op == "LeakyRelu") {
          Value neg = arith::MulFOp::create(b, loc, v, constant(alpha));
          Value positive = arith::CmpFOp::create(
              b, loc, arith::CmpFPredicate::OGT, v, constant(0.0));
          return arith::SelectOp::create(b, loc, positive, v, neg);
        }
        if (op == "Elu") {
          Value neg = arith::MulFOp::create(b, loc, constant(alpha),
                                            math::ExpM1Op::create(b, loc, v));
          Value positive = arith::CmpFOp::create(
              b, loc, arith::CmpFPredicate::OGT, v, constant(0.0));
          return arith::SelectOp::create(b, loc, positive, v, neg);
        }
        assert(op == "Gelu" && "unary op of the table");
        Value half = arith::MulFOp::create(b, loc, v, constant(0.5));
        Value inner;
        if (approximate == "tanh") {
          // tanh(sqrt(2/pi) (x + 0.044715 x^3)).
          Value cube = arith::MulFOp::create(
              b, loc, v, arith::MulFOp::create(b, loc, v, v));
          Value sum = arith::AddFOp::create(
              b, loc, v,
              arith::MulFOp::create(b, loc, cube, constant(0.044715)));
          inner = math::TanhOp::create(
              b, loc,
              arith::MulFOp::create(b, loc, sum, constant(0.7978845608028654)));
        } else {
          inner = math::ErfOp::create(
              b, loc,
              arith::MulFOp::create(b, loc, v, constant(0.7071067811865476)));
        }
        return arith::MulFOp::create(
            b, loc, half, arith::AddFOp::create(b, loc, constant(1.0), inner));
      });
  node.setOutput(0, out, in->dims);
  return success();
}

LogicalResult convertWhere(NodeImporter &node) {
  const ImportedValue *c = node.input(0), *x = node.input(1),
                      *y = node.input(2);
  if (!c || !x || !y)
    return failure();
  if (!c->type.getElementType().isInteger(1))
    return node.error() << "condition must be bool", failure();
  if (x->type.getElementType() != y->type.getElementType())
    return node.error() << "X and Y have different element types", failure();
  if (std::optional<ImportedValue> folded =
          foldWhere(*c, *x, *y, node.builder())) {
    node.setOutput(0, std::move(*folded));
    return success();
  }
  SmallVector<Dims> dims = {c->dims, x->dims, y->dims};
  FailureOr<Dims> result = broadcastDims(node, dims);
  if (failed(result))
    return failure();
  Value out = elementwise(
      node.builder(), node.loc(),
      {node.tensor(0), node.tensor(1), node.tensor(2)}, dims, *result,
      x->type.getElementType(),
      [](OpBuilder &b, Location loc, ValueRange args) -> Value {
        return arith::SelectOp::create(b, loc, args[0], args[1], args[2]);
      });
  node.setOutput(0, out, *result);
  return success();
}

LogicalResult convertCast(NodeImporter &node) {
  const ImportedValue *in = node.input(0);
  if (!in)
    return failure();
  int64_t to = node.intAttr("to", 0);
  Type element = elementTypeOf(node.graph.context, to);
  if (!element)
    return node.error() << "cast to data type " << to << " is not supported",
           failure();
  // Shape arithmetic stays folded through integer casts.
  if (in->elements && element.isInteger() && !element.isInteger(1)) {
    ImportedValue value = *in;
    value.tensor = Value();
    value.constant = DenseElementsAttr();
    value.type = RankedTensorType::get(in->type.getShape(), element);
    node.setOutput(0, std::move(value));
    return success();
  }
  Value out = elementwise(node.builder(), node.loc(), node.tensor(0), in->dims,
                          in->dims, element,
                          [&](OpBuilder &b, Location loc, ValueRange args) {
                            return convertScalar(b, loc, args[0], element);
                          });
  node.setOutput(0, out, in->dims);
  return success();
}

} // namespace attn::onnx_import
