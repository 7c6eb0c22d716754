//===- SqueezeExcite.cpp - the squeeze-and-excitation node chain ----------===//
//
// Exporters write torchvision's SqueezeExcitation as
//
//   GlobalAveragePool(x) -> Conv 1x1 -> Relu -> Conv 1x1 -> Sigmoid -> Mul(x,
//   .)
//
// The importer recognises that chain in the ONNX graph, where the nodes
// and their weights are plainly visible, and builds one attn.squeeze_excite
// instead of six ops (attn-decompose later lowers it with one read of x for
// the pooling and one for the rescale). The weights may be constants or,
// with --weights-as-inputs, arguments. Chains that do not match exactly
// (shared intermediates, weights of unknown shape or not 1x1, padding,
// groups) are converted node by node as usual.
//
//===----------------------------------------------------------------------===//

#include "Converters.h"
#include "TensorBuilders.h"

#include "attn/Dialect/Attn/IR/AttnDialect.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"

using namespace mlir;

namespace attn::onnx_import {
namespace {

/// Finds the nodes of one chain by the names of the values they consume.
class ChainMatcher {
public:
  explicit ChainMatcher(const onnx::GraphProto &graph) : graph(graph) {
    for (const onnx::ValueInfoProto &out : graph.output())
      outputs.insert(out.name());
  }

  /// The one node that reads `value` (an intermediate of the chain: not a
  /// graph output, no other reader), if it has type `opType`.
  std::optional<int> soleUser(StringRef value, StringRef opType) const {
    if (outputs.contains(value))
      return std::nullopt;
    std::optional<int> user;
    for (auto [i, node] : llvm::enumerate(graph.node()))
      for (const std::string &in : node.input())
        if (in == value) {
          if (user && *user != int(i))
            return std::nullopt;
          user = i;
        }
    if (!user || graph.node(*user).op_type() != opType ||
        !(graph.node(*user).domain().empty() ||
          graph.node(*user).domain() == "ai.onnx"))
      return std::nullopt;
    return user;
  }

  const onnx::GraphProto &graph;

private:
  llvm::StringSet<> outputs;
};

/// A plain 1x1 Conv with static f32 weights [out, in, 1, 1] and an optional
/// bias [out]: constants, or graph inputs under --weights-as-inputs.
struct DenseLayer {
  const ImportedValue *weights = nullptr, *bias = nullptr;
  int64_t out = 0, in = 0;
};

std::optional<DenseLayer> matchDenseLayer(GraphImporter &graph,
                                          const onnx::NodeProto &conv,
                                          StringRef input) {
  if (conv.input_size() < 2 || conv.input(0) != input)
    return std::nullopt;
  auto all = [](const onnx::AttributeProto &attr, int64_t v) {
    return llvm::all_of(attr.ints(), [&](int64_t x) { return x == v; });
  };
  for (const onnx::AttributeProto &attr : conv.attribute()) {
    StringRef name = attr.name();
    bool plain =
        ((name == "kernel_shape" || name == "strides" || name == "dilations") &&
         all(attr, 1)) ||
        (name == "pads" && all(attr, 0)) ||
        (name == "group" && attr.i() == 1) ||
        (name == "auto_pad" && (attr.s() == "NOTSET" || attr.s() == "VALID"));
    if (!plain)
      return std::nullopt;
  }
  DenseLayer layer;
  layer.weights = graph.lookup(conv.input(1));
  const ImportedValue *w = layer.weights;
  if (!w || (!w->constant && !w->tensor) || !w->type.hasStaticShape() ||
      !w->type.getElementType().isF32() || w->type.getRank() != 4 ||
      w->type.getDimSize(2) != 1 || w->type.getDimSize(3) != 1)
    return std::nullopt;
  layer.out = w->type.getDimSize(0);
  layer.in = w->type.getDimSize(1);
  if (conv.input_size() > 2 && !conv.input(2).empty()) {
    layer.bias = graph.lookup(conv.input(2));
    if (!layer.bias || (!layer.bias->constant && !layer.bias->tensor) ||
        layer.bias->type !=
            RankedTensorType::get({layer.out}, w->type.getElementType()))
      return std::nullopt;
  }
  return layer;
}

/// The layer's weights as [in, out] (attn.squeeze_excite's layout) and its
/// bias (zeros if absent). Constant weights are transposed here; weights
/// that are inputs are reshaped and transposed in the graph.
std::pair<Value, Value> buildDenseLayer(GraphImporter &graph,
                                        const DenseLayer &layer, Location loc) {
  OpBuilder &b = graph.builder;
  int64_t m = layer.out, k = layer.in;
  Value w;
  if (layer.weights->constant) {
    SmallVector<float> weights(layer.weights->constant.getValues<float>());
    SmallVector<float> transposed(k * m);
    for (int64_t r = 0; r < m; ++r)
      for (int64_t c = 0; c < k; ++c)
        transposed[c * m + r] = weights[r * k + c];
    auto type = RankedTensorType::get({k, m}, b.getF32Type());
    w = arith::ConstantOp::create(
        b, loc, DenseElementsAttr::get(type, ArrayRef<float>(transposed)));
  } else {
    Value matrix = tensor::CollapseShapeOp::create(
        b, loc, layer.weights->tensor,
        SmallVector<ReassociationIndices>{{0}, {1, 2, 3}});
    Dims transposed;
    w = transpose(b, loc, matrix, {b.getIndexAttr(m), b.getIndexAttr(k)},
                  {1, 0}, transposed);
  }
  Value bias = layer.bias ? graph.materialize(*layer.bias, loc)
                          : filledTensor(b, loc, {b.getIndexAttr(m)},
                                         b.getF32FloatAttr(0.0f));
  return {w, bias};
}

} // namespace

std::optional<SmallVector<int>> fuseSqueezeExcite(GraphImporter &graph,
                                                  const onnx::GraphProto &proto,
                                                  int pool) {
  const onnx::NodeProto &gap = proto.node(pool);
  if (gap.input_size() != 1 || gap.output_size() != 1)
    return std::nullopt;
  const ImportedValue *x = graph.lookup(gap.input(0));
  if (!x || !x->tensor || x->dims.size() != 4 ||
      !x->type.getElementType().isF32())
    return std::nullopt;
  ChainMatcher chain(proto);
  std::optional<int> fc1 = chain.soleUser(gap.output(0), "Conv");
  if (!fc1)
    return std::nullopt;
  std::optional<int> relu = chain.soleUser(proto.node(*fc1).output(0), "Relu");
  if (!relu)
    return std::nullopt;
  std::optional<int> fc2 = chain.soleUser(proto.node(*relu).output(0), "Conv");
  if (!fc2)
    return std::nullopt;
  std::optional<int> gate =
      chain.soleUser(proto.node(*fc2).output(0), "Sigmoid");
  if (!gate)
    return std::nullopt;
  StringRef s = proto.node(*gate).output(0);
  std::optional<int> mul = chain.soleUser(s, "Mul");
  if (!mul)
    return std::nullopt;
  const onnx::NodeProto &scale = proto.node(*mul);
  if (scale.input_size() != 2 ||
      !((scale.input(0) == gap.input(0) && scale.input(1) == s) ||
        (scale.input(1) == gap.input(0) && scale.input(0) == s)))
    return std::nullopt;
  std::optional<DenseLayer> first =
      matchDenseLayer(graph, proto.node(*fc1), gap.output(0));
  std::optional<DenseLayer> second =
      matchDenseLayer(graph, proto.node(*fc2), proto.node(*relu).output(0));
  // Channel counts that do not chain (C -> R -> C) are left to the nodes'
  // own converters, which report them.
  std::optional<int64_t> channels = staticSize(x->dims[1]);
  if (!first || !second || first->out != second->in ||
      first->in != second->out || (channels && *channels != first->in))
    return std::nullopt;
  auto [w1, b1] =
      buildDenseLayer(graph, *first, graph.nodeLoc(proto.node(*fc1)));
  auto [w2, b2] =
      buildDenseLayer(graph, *second, graph.nodeLoc(proto.node(*fc2)));
  auto op = mlir::attn::SqueezeExciteOp::create(
      graph.builder, graph.nodeLoc(scale), x->tensor.getType(), x->tensor, w1,
      b1, w2, b2);
  ImportedValue out = *x;
  out.tensor = op.getOutput();
  out.elements.reset();
  out.constant = {};
  graph.define(scale.output(0), out);
  return SmallVector<int>{pool, *fc1, *relu, *fc2, *gate, *mul};
}

} // namespace attn::onnx_import
