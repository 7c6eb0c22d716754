//===- SpatialGate.cpp - CBAM's spatial gate node chain -------------------===//
//
// CBAM's spatial attention module as PyTorch modules write it,
//
//   y = conv(cat([x.mean(1, keepdim=True), x.max(1, keepdim=True)[0]], 1))
//   x * sigmoid(y)
//
// reaches ONNX as
//
//   ReduceMean(x, axes [1]) \
//                            Concat(axis 1) -> Conv (w [1, 2, K, K], pads
//   ReduceMax(x, axes [1])  /     (K-1)/2) -> Sigmoid -> [Expand] -> Mul(x, .)
//
// which is attn.spatial_gate's definition (the mean first, the max second,
// as the op's weights expect). The importer builds one attn.spatial_gate
// for it, starting at the ReduceMean, or (Cbam.cpp) one attn.cbam when the
// map is the output of CBAM's channel gate; other chains are converted node
// by node.
//
//===----------------------------------------------------------------------===//

#include "GateChain.h"
#include "TensorBuilders.h"

#include "attn/Dialect/Attn/IR/AttnDialect.h"

using namespace mlir;

namespace attn::onnx_import {
namespace {

/// Whether `node` reduces `x` (sizes `dims`) over the channels and keeps
/// the axis.
bool reducesChannels(const ChainMatcher &chain, const onnx::NodeProto &node,
                     StringRef x, ArrayRef<OpFoldResult> dims) {
  if (node.input(0) != x || ChainMatcher::intAttr(node, "keepdims", 1) != 1)
    return false;
  if (std::optional<SmallVector<int64_t>> axes = chain.axes(node))
    return axes->size() == 1 && ((*axes)[0] == 1 || (*axes)[0] == -3);
  // Without axes the node reduces every axis (or none, with
  // noop_with_empty_axes). With the axes kept, reducing an axis of static
  // size 1 changes nothing, so that is the channel reduction exactly when
  // the batch and spatial sizes are statically 1.
  if ((node.input_size() > 1 && !node.input(1).empty()) ||
      ChainMatcher::intAttr(node, "noop_with_empty_axes", 0) != 0)
    return false;
  return llvm::all_of(llvm::enumerate(dims), [](auto size) {
    return size.index() == 1 || staticSize(size.value()) == 1;
  });
}

} // namespace

std::optional<SpatialGateMatch> matchSpatialGate(const ChainMatcher &chain,
                                                 int mean,
                                                 const ImportedValue &map) {
  GraphImporter &graph = chain.importer;
  const onnx::GraphProto &proto = chain.graph;
  const onnx::NodeProto &avg = proto.node(mean);
  StringRef input = avg.input(0);
  if (!reducesChannels(chain, avg, input, map.dims))
    return std::nullopt;
  std::optional<int> concat = chain.soleUser(avg.output(0), "Concat");
  if (!concat)
    return std::nullopt;
  const onnx::NodeProto &cat = proto.node(*concat);
  int64_t axis = ChainMatcher::intAttr(cat, "axis", 0);
  if (cat.input_size() != 2 || cat.input(0) != avg.output(0) ||
      !(axis == 1 || axis == -3))
    return std::nullopt;
  std::optional<int> max = chain.producer(cat.input(1), "ReduceMax");
  if (!max || chain.soleUser(cat.input(1), "Concat") != concat ||
      !reducesChannels(chain, proto.node(*max), input, map.dims))
    return std::nullopt;
  std::optional<int> conv = chain.soleUser(cat.output(0), "Conv");
  if (!conv)
    return std::nullopt;
  const onnx::NodeProto &window = proto.node(*conv);
  if (window.input(0) != cat.output(0) || window.input_size() < 2)
    return std::nullopt;
  SpatialGateMatch match;
  match.conv = *conv;
  match.ws = graph.lookup(window.input(1));
  const ImportedValue *ws = match.ws;
  if (!isStaticWeight(ws) || ws->type.getRank() != 4 ||
      ws->type.getDimSize(0) != 1 || ws->type.getDimSize(1) != 2 ||
      ws->type.getDimSize(2) != ws->type.getDimSize(3) ||
      !keepsSize(window, ws->type.getDimSize(2), 2))
    return std::nullopt;
  auto biasType = RankedTensorType::get({1}, graph.builder.getF32Type());
  if (window.input_size() > 2 && !window.input(2).empty()) {
    match.bs = graph.lookup(window.input(2));
    const ImportedValue *bs = match.bs;
    if (!bs || (!bs->constant && !bs->tensor) || bs->type != biasType)
      return std::nullopt;
  }
  std::optional<int> gate = chain.soleUser(window.output(0), "Sigmoid");
  if (!gate)
    return std::nullopt;
  match.nodes = {mean, *max, *concat, *conv, *gate};
  std::optional<int> mul =
      chain.rescale(proto.node(*gate).output(0), input, match.nodes, &map);
  if (!mul)
    return std::nullopt;
  match.mul = *mul;
  return match;
}

Value spatialBias(GraphImporter &graph, const SpatialGateMatch &match,
                  Location loc) {
  OpBuilder &b = graph.builder;
  return match.bs ? graph.materialize(*match.bs, loc)
                  : filledTensor(b, loc, {b.getIndexAttr(1)},
                                 b.getF32FloatAttr(0.0f));
}

std::optional<SmallVector<int>>
fuseSpatialGate(const ChainMatcher &chain, int mean, const ImportedValue &x) {
  std::optional<SpatialGateMatch> match = matchSpatialGate(chain, mean, x);
  if (!match)
    return std::nullopt;
  GraphImporter &graph = chain.importer;
  Location loc = graph.nodeLoc(chain.graph.node(match->conv));
  const onnx::NodeProto &scale = chain.graph.node(match->mul);
  auto op = mlir::attn::SpatialGateOp::create(
      graph.builder, graph.nodeLoc(scale), x.tensor.getType(), x.tensor,
      graph.materialize(*match->ws, loc), spatialBias(graph, *match, loc));
  defineGated(graph, scale.output(0), x, op.getOutput());
  return match->nodes;
}

} // namespace attn::onnx_import
