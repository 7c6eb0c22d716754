//===- SqueezeExcite.cpp - the squeeze-and-excitation node chain ----------===//
//
// Exporters write squeeze-and-excitation in two forms. torchvision's
// SqueezeExcitation uses 1x1 convolutions:
//
//   GlobalAveragePool(x) -> Conv 1x1 -> Relu -> Conv 1x1 -> Sigmoid
//     -> Mul(x, .)
//
// and the blocks written with nn.Linear flatten the means first:
//
//   GlobalAveragePool(x) -> Reshape [N, C] -> Gemm -> Relu -> Gemm
//     -> Sigmoid -> Reshape [N, C, 1, 1] -> [Expand(Shape(x))] -> Mul(x, .)
//
// where each Gemm may also be a MatMul with an optional Add of the bias,
// a bias may be [out] or [1, out], and the first Reshape may be a Squeeze
// of the two unit axes.
// The importer recognises either chain in the ONNX graph, where the nodes
// and their weights are plainly visible, and builds one attn.squeeze_excite
// instead of the chain's ops (attn-decompose later lowers it with one read
// of x for the pooling and one for the rescale). The weights may be
// constants or, with --weights-as-inputs, arguments. Chains that do not
// match exactly (shared intermediates, weights of unknown shape, Convs that
// are not plain 1x1, Gemms that scale or transpose their input, reshapes to
// other shapes) are converted node by node as usual.
//
//===----------------------------------------------------------------------===//

#include "GateChain.h"
#include "TensorBuilders.h"

#include "attn/Dialect/Attn/IR/AttnDialect.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"

using namespace mlir;

namespace attn::onnx_import {
namespace {

/// A bias of `layer.out` elements, if `name` is one: [out], or with `row`
/// also [1, out], which a Gemm's C or an Add on [N, out] broadcasts to the
/// same per-channel bias (exporters write either). Any other leading size
/// would not be one bias for every image.
bool matchBias(GraphImporter &graph, StringRef name, DenseLayer &layer,
               bool row) {
  layer.bias = graph.lookup(name);
  if (!layer.bias || !(layer.bias->constant || layer.bias->tensor))
    return false;
  Type f = layer.weights->type.getElementType();
  return layer.bias->type == RankedTensorType::get({layer.out}, f) ||
         (row && layer.bias->type == RankedTensorType::get({1, layer.out}, f));
}

/// A plain 1x1 Conv with weights [out, in, 1, 1].
std::optional<DenseLayer> matchConvLayer(const ChainMatcher &chain, int index,
                                         StringRef input) {
  GraphImporter &graph = chain.importer;
  const onnx::NodeProto &conv = chain.graph.node(index);
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
  if (!isStaticWeight(w) || w->type.getRank() != 4 ||
      w->type.getDimSize(2) != 1 || w->type.getDimSize(3) != 1)
    return std::nullopt;
  layer.out = w->type.getDimSize(0);
  layer.in = w->type.getDimSize(1);
  if (conv.input_size() > 2 && !conv.input(2).empty() &&
      !matchBias(graph, conv.input(2), layer, /*row=*/false))
    return std::nullopt;
  layer.output = conv.output(0);
  layer.nodes = {index};
  return layer;
}

/// nn.Linear on [N, in]: Gemm(input, W, bias) with transB (W [out, in]) or
/// without (W [in, out]), alpha and beta 1; or MatMul(input, W [in, out])
/// followed by an optional Add of the bias.
std::optional<DenseLayer> matchLinearLayer(const ChainMatcher &chain, int index,
                                           StringRef input) {
  GraphImporter &graph = chain.importer;
  const onnx::NodeProto &node = chain.graph.node(index);
  if (node.input_size() < 2 || node.input(0) != input)
    return std::nullopt;
  DenseLayer layer;
  bool gemm = node.op_type() == "Gemm";
  layer.outFirst = false;
  if (gemm) {
    for (const onnx::AttributeProto &attr : node.attribute()) {
      StringRef name = attr.name();
      bool plain = ((name == "alpha" || name == "beta") && attr.f() == 1.0f) ||
                   (name == "transA" && attr.i() == 0) || name == "transB";
      if (!plain)
        return std::nullopt;
    }
    layer.outFirst = ChainMatcher::intAttr(node, "transB", 0) != 0;
  } else if (node.op_type() != "MatMul" || node.input_size() != 2) {
    return std::nullopt;
  }
  layer.weights = graph.lookup(node.input(1));
  const ImportedValue *w = layer.weights;
  if (!isStaticWeight(w) || w->type.getRank() != 2)
    return std::nullopt;
  layer.out = w->type.getDimSize(layer.outFirst ? 0 : 1);
  layer.in = w->type.getDimSize(layer.outFirst ? 1 : 0);
  layer.output = node.output(0);
  layer.nodes = {index};
  if (gemm) {
    if (node.input_size() > 2 && !node.input(2).empty() &&
        !matchBias(graph, node.input(2), layer, /*row=*/true))
      return std::nullopt;
    return layer;
  }
  // The Add that PyTorch writes after a MatMul for the bias, either order.
  std::optional<int> add = chain.soleUser(layer.output, "Add");
  if (!add)
    return layer;
  const onnx::NodeProto &sum = chain.graph.node(*add);
  if (sum.input_size() != 2)
    return std::nullopt;
  StringRef bias = sum.input(0) == layer.output ? sum.input(1) : sum.input(0);
  if (!matchBias(graph, bias, layer, /*row=*/true))
    return std::nullopt;
  layer.output = sum.output(0);
  layer.nodes.push_back(*add);
  return layer;
}

/// The layer of either form at node `index`.
std::optional<DenseLayer> matchLayer(const ChainMatcher &chain, int index,
                                     StringRef input, bool conv) {
  return conv ? matchConvLayer(chain, index, input)
              : matchLinearLayer(chain, index, input);
}

} // namespace

bool GateMlp::chains(const ImportedValue &x) const {
  std::optional<int64_t> channels = staticSize(x.dims[1]);
  return first.out == second.in && first.in == second.out &&
         (!channels || *channels == first.in);
}

std::optional<GateMlp> matchGateMlp(const ChainMatcher &chain, StringRef input,
                                    bool conv) {
  // The layer that is `value`'s only reader: a Conv, or a Gemm or MatMul.
  auto layerAfter = [&](StringRef value) -> std::optional<DenseLayer> {
    std::optional<int> fc = chain.soleUser(value, conv ? "Conv" : "Gemm");
    if (!fc && !conv)
      fc = chain.soleUser(value, "MatMul");
    if (!fc)
      return std::nullopt;
    return matchLayer(chain, *fc, value, conv);
  };
  std::optional<DenseLayer> first = layerAfter(input);
  if (!first)
    return std::nullopt;
  std::optional<int> relu = chain.soleUser(first->output, "Relu");
  if (!relu)
    return std::nullopt;
  std::optional<DenseLayer> second =
      layerAfter(chain.graph.node(*relu).output(0));
  if (!second)
    return std::nullopt;
  GateMlp mlp{*first, *second, {}};
  llvm::append_range(mlp.nodes, first->nodes);
  mlp.nodes.push_back(*relu);
  llvm::append_range(mlp.nodes, second->nodes);
  return mlp;
}

std::optional<int> flattenOfPool(const ChainMatcher &chain, StringRef pooled,
                                 const ImportedValue &x) {
  const onnx::GraphProto &proto = chain.graph;
  OpFoldResult one = chain.importer.builder.getIndexAttr(1);
  if (std::optional<int> flatten = chain.soleUser(pooled, "Flatten")) {
    const onnx::NodeProto &node = proto.node(*flatten);
    if (node.input(0) != pooled || ChainMatcher::intAttr(node, "axis", 1) != 1)
      return std::nullopt;
    return flatten;
  }
  // One Squeeze of both unit axes: torch's squeeze((2, 3)), or squeeze()
  // where the batch and channel counts are static and not 1.
  if (std::optional<int> squeeze = chain.soleUser(pooled, "Squeeze")) {
    const onnx::NodeProto &node = proto.node(*squeeze);
    std::optional<SmallVector<int64_t>> axes =
        chain.squeezedAxes(node, {x.dims[0], x.dims[1], one, one});
    if (node.input(0) != pooled || axes != SmallVector<int64_t>{2, 3})
      return std::nullopt;
    return squeeze;
  }
  return chain.reshapeOf(pooled, {x.dims[0], x.dims[1], one, one},
                         {x.dims[0], x.dims[1]});
}

/// The layer's bias as [out]: zeros if absent, a [1, out] one collapsed.
static Value buildBias(GraphImporter &graph, const DenseLayer &layer,
                       Location loc) {
  OpBuilder &b = graph.builder;
  auto type = RankedTensorType::get({layer.out}, b.getF32Type());
  if (!layer.bias)
    return filledTensor(b, loc, {b.getIndexAttr(layer.out)},
                        b.getF32FloatAttr(0.0f));
  if (layer.bias->type == type)
    return graph.materialize(*layer.bias, loc);
  if (layer.bias->constant)
    return arith::ConstantOp::create(
        b, loc, DenseElementsAttr(layer.bias->constant).reshape(type));
  return tensor::CollapseShapeOp::create(
      b, loc, type, layer.bias->tensor,
      SmallVector<ReassociationIndices>{{0, 1}});
}

std::pair<Value, Value> buildDenseLayer(GraphImporter &graph,
                                        const DenseLayer &layer, Location loc) {
  OpBuilder &b = graph.builder;
  int64_t m = layer.out, k = layer.in;
  auto type = RankedTensorType::get({k, m}, b.getF32Type());
  Value w;
  if (layer.weights->constant) {
    SmallVector<float> weights(layer.weights->constant.getValues<float>());
    SmallVector<float> transposed(weights);
    if (layer.outFirst)
      for (int64_t r = 0; r < m; ++r)
        for (int64_t c = 0; c < k; ++c)
          transposed[c * m + r] = weights[r * k + c];
    w = arith::ConstantOp::create(
        b, loc, DenseElementsAttr::get(type, ArrayRef<float>(transposed)));
  } else {
    w = layer.weights->tensor;
    if (layer.weights->type.getRank() == 4)
      w = tensor::CollapseShapeOp::create(
          b, loc, w, SmallVector<ReassociationIndices>{{0}, {1, 2, 3}});
    Dims transposed;
    if (layer.outFirst)
      w = transpose(b, loc, w, {b.getIndexAttr(m), b.getIndexAttr(k)}, {1, 0},
                    transposed);
  }
  return {w, buildBias(graph, layer, loc)};
}

std::optional<SmallVector<int>>
fuseSqueezeExcite(const ChainMatcher &chain, int pool, const ImportedValue &x) {
  GraphImporter &graph = chain.importer;
  const onnx::GraphProto &proto = chain.graph;
  const onnx::NodeProto &gap = proto.node(pool);
  OpFoldResult one = graph.builder.getIndexAttr(1);
  Dims pooled{x.dims[0], x.dims[1], one, one};
  Dims flat{x.dims[0], x.dims[1]};
  SmallVector<int> nodes{pool};
  // The Conv form reads the pooled [N, C, 1, 1] map; the Linear form its
  // [N, C] reshape.
  StringRef means = gap.output(0);
  bool conv = chain.soleUser(means, "Conv").has_value();
  if (!conv) {
    std::optional<int> flatten = flattenOfPool(chain, means, x);
    if (!flatten)
      return std::nullopt;
    nodes.push_back(*flatten);
    means = proto.node(*flatten).output(0);
  }
  std::optional<GateMlp> mlp = matchGateMlp(chain, means, conv);
  if (!mlp)
    return std::nullopt;
  std::optional<int> gate = chain.soleUser(mlp->second.output, "Sigmoid");
  if (!gate)
    return std::nullopt;
  StringRef s = proto.node(*gate).output(0);
  llvm::append_range(nodes, mlp->nodes);
  nodes.push_back(*gate);
  if (!conv) {
    std::optional<int> unflatten = chain.reshapeOf(s, flat, pooled);
    if (!unflatten)
      return std::nullopt;
    nodes.push_back(*unflatten);
    s = proto.node(*unflatten).output(0);
  }
  std::optional<int> mul = chain.rescale(s, gap.input(0), nodes);
  if (!mul)
    return std::nullopt;
  // Channel counts that do not chain (C -> R -> C) are left to the nodes'
  // own converters, which report them.
  if (!mlp->chains(x))
    return std::nullopt;
  auto [w1, b1] = buildDenseLayer(
      graph, mlp->first, graph.nodeLoc(proto.node(mlp->first.nodes[0])));
  auto [w2, b2] = buildDenseLayer(
      graph, mlp->second, graph.nodeLoc(proto.node(mlp->second.nodes[0])));
  const onnx::NodeProto &scale = proto.node(*mul);
  auto op = mlir::attn::SqueezeExciteOp::create(
      graph.builder, graph.nodeLoc(scale), x.tensor.getType(), x.tensor, w1, b1,
      w2, b2);
  defineGated(graph, scale.output(0), x, op.getOutput());
  return nodes;
}

} // namespace attn::onnx_import
