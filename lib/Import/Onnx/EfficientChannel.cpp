//===- EfficientChannel.cpp - the ECA node chain --------------------------===//
//
// ECA (Wang et al., 2020) as PyTorch modules write it,
//
//   y = self.conv(avg_pool(x).squeeze(-1).transpose(-1, -2))
//   x * sigmoid(y.transpose(-1, -2).unsqueeze(-1)).expand_as(x)
//
// reaches ONNX as
//
//   GlobalAveragePool(x) -> Squeeze [N, C, 1] -> Transpose(0, 2, 1)
//     -> Conv 1-D (w [1, 1, K], no bias, pads (K-1)/2) -> Transpose(0, 2, 1)
//     -> Unsqueeze [N, C, 1, 1] -> Sigmoid -> [Expand(Shape(x))] -> Mul(x, .)
//
// a convolution of the channel means across the channels, which is
// attn.eca's definition. Modules that apply the sigmoid before the
// transpose or the unsqueeze put the Sigmoid right after the Conv or the
// second Transpose; it is elementwise, so the gate is the same and those
// chains are accepted too. The importer builds one attn.eca for it (pooling
// and rescale in two reads of x, no transposes). Anything else, a bias on
// the convolution, strides, other padding or axes, a shared intermediate,
// is converted node by node.
//
//===----------------------------------------------------------------------===//

#include "GateChain.h"

#include "attn/Dialect/Attn/IR/AttnDialect.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"

using namespace mlir;

namespace attn::onnx_import {
namespace {

/// Whether a Squeeze or Unsqueeze between [N, C, 1] and [N, C, 1, 1] names
/// one of the two unit axes (either is the same reshape).
bool unitAxis(const ChainMatcher &chain, const onnx::NodeProto &node) {
  std::optional<SmallVector<int64_t>> axes = chain.axes(node);
  return axes && axes->size() == 1 &&
         llvm::is_contained({2, 3, -1, -2}, (*axes)[0]);
}

bool swapsLastTwo(const onnx::NodeProto &transpose) {
  for (const onnx::AttributeProto &attr : transpose.attribute())
    if (attr.name() == "perm")
      return SmallVector<int64_t>(attr.ints().begin(), attr.ints().end()) ==
             SmallVector<int64_t>{0, 2, 1};
  return false;
}

/// The weights [1, 1, K] of a 1-D Conv over the channels that keeps their
/// count: K odd, stride and dilation 1, (K-1)/2 zeros on each side, no bias.
const ImportedValue *matchChannelConv(GraphImporter &graph,
                                      const onnx::NodeProto &conv) {
  if (conv.input_size() != 2)
    return nullptr;
  const ImportedValue *w = graph.lookup(conv.input(1));
  if (!isStaticWeight(w) || w->type.getRank() != 3 ||
      w->type.getDimSize(0) != 1 || w->type.getDimSize(1) != 1 ||
      !keepsSize(conv, w->type.getDimSize(2), 1))
    return nullptr;
  return w;
}

} // namespace

std::optional<SmallVector<int>> fuseEfficientChannel(const ChainMatcher &chain,
                                                     int pool,
                                                     const ImportedValue &x) {
  GraphImporter &graph = chain.importer;
  const onnx::GraphProto &proto = chain.graph;
  const onnx::NodeProto &gap = proto.node(pool);
  SmallVector<int> nodes{pool};
  // Each step: the sole reader of the previous value, of the given type.
  StringRef value = gap.output(0);
  auto next = [&](StringRef opType) -> const onnx::NodeProto * {
    std::optional<int> user = chain.soleUser(value, opType);
    if (!user || proto.node(*user).input(0) != value)
      return nullptr;
    nodes.push_back(*user);
    value = proto.node(*user).output(0);
    return &proto.node(*user);
  };
  const onnx::NodeProto *squeeze = next("Squeeze");
  if (!squeeze || !unitAxis(chain, *squeeze))
    return std::nullopt;
  const onnx::NodeProto *in = next("Transpose");
  if (!in || !swapsLastTwo(*in))
    return std::nullopt;
  const onnx::NodeProto *conv = next("Conv");
  const ImportedValue *w = conv ? matchChannelConv(graph, *conv) : nullptr;
  if (!w)
    return std::nullopt;
  // The Sigmoid is elementwise, so it gives the same gate wherever it sits
  // between the Conv and the Mul; exporters write it after the Conv, the
  // second Transpose or the Unsqueeze. Exactly one is taken: a second
  // would squash the gate again, which attn.eca does not.
  int sigmoids = 0;
  auto sigmoid = [&] { sigmoids += next("Sigmoid") != nullptr; };
  sigmoid();
  const onnx::NodeProto *out = next("Transpose");
  if (!out || !swapsLastTwo(*out))
    return std::nullopt;
  sigmoid();
  const onnx::NodeProto *unsqueeze = next("Unsqueeze");
  if (!unsqueeze || !unitAxis(chain, *unsqueeze))
    return std::nullopt;
  sigmoid();
  if (sigmoids != 1)
    return std::nullopt;
  std::optional<int> mul = chain.rescale(value, gap.input(0), nodes);
  if (!mul)
    return std::nullopt;

  OpBuilder &b = graph.builder;
  Location loc = graph.nodeLoc(*conv);
  auto type = RankedTensorType::get({w->type.getDimSize(2)}, b.getF32Type());
  Value kernel = w->constant
                     ? arith::ConstantOp::create(
                           b, loc, DenseElementsAttr(w->constant).reshape(type))
                           .getResult()
                     : tensor::CollapseShapeOp::create(
                           b, loc, type, w->tensor,
                           SmallVector<ReassociationIndices>{{0, 1, 2}})
                           .getResult();
  const onnx::NodeProto &scale = proto.node(*mul);
  auto op = mlir::attn::EcaOp::create(b, graph.nodeLoc(scale),
                                      x.tensor.getType(), x.tensor, kernel);
  defineGated(graph, scale.output(0), x, op.getOutput());
  return nodes;
}

} // namespace attn::onnx_import
