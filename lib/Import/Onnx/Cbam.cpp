//===- Cbam.cpp - a whole CBAM block's node chain -------------------------===//
//
// CBAM's reference code (and PyTorch modules written after it) computes
//
//   gate = sigmoid(mlp(avg_pool(x)) + mlp(max_pool(x)))     one shared mlp
//   x'   = x * gate[:, :, None, None]
//   y    = spatial_gate(x')
//
// which reaches ONNX as
//
//   GlobalAveragePool(x) -> Flatten -> Gemm -> Relu -> Gemm \
//                                                            Add -> Sigmoid
//   GlobalMaxPool(x)     -> Flatten -> Gemm -> Relu -> Gemm /
//     -> Unsqueeze(2) -> Unsqueeze(3) -> [Expand(Shape(x))] -> Mul(x, .) = x'
//
// followed by the spatial gate's chain on x' (SpatialGate.cpp). Both MLP
// branches must use the same weights (the same initializers or inputs); the
// [N, C] -> [N, C, 1, 1] step may also be one Unsqueeze of both axes or a
// Reshape. x' must have no reader outside the spatial gate. The importer
// then builds one attn.cbam, which never writes x' (three reads of x).
//
//===----------------------------------------------------------------------===//

#include "GateChain.h"

#include "attn/Dialect/Attn/IR/AttnDialect.h"

using namespace mlir;

namespace attn::onnx_import {
namespace {

/// One branch of the channel gate: the pooling node `pool` of x, its
/// flattening and the MLP.
std::optional<GateMlp> matchBranch(const ChainMatcher &chain, int pool,
                                   const ImportedValue &x,
                                   SmallVectorImpl<int> &nodes) {
  std::optional<int> flatten =
      flattenOfPool(chain, chain.graph.node(pool).output(0), x);
  if (!flatten)
    return std::nullopt;
  std::optional<GateMlp> mlp =
      matchGateMlp(chain, chain.graph.node(*flatten).output(0), false);
  if (!mlp || !mlp->chains(x))
    return std::nullopt;
  nodes.push_back(pool);
  nodes.push_back(*flatten);
  llvm::append_range(nodes, mlp->nodes);
  return mlp;
}

bool sameLayer(const DenseLayer &a, const DenseLayer &b) {
  return a.weights == b.weights && a.bias == b.bias && a.outFirst == b.outFirst;
}

/// The GlobalMaxPool of x that comes after node `after` (not imported yet).
std::optional<int> maxPoolOf(const ChainMatcher &chain, StringRef x,
                             int after) {
  for (int user : chain.users(x)) {
    if (user <= after) // also the graph output's -1
      continue;
    const onnx::NodeProto &node = chain.graph.node(user);
    if (node.op_type() == "GlobalMaxPool" &&
        (node.domain().empty() || node.domain() == "ai.onnx") &&
        node.output_size() == 1)
      return user;
  }
  return std::nullopt;
}

/// The gate [N, C] back to [N, C, 1, 1]: Unsqueezes that insert axes 2 and
/// 3 (one node or two), or a Reshape. The unflattened value, or "".
std::string unflatten(const ChainMatcher &chain, StringRef gate,
                      const ImportedValue &x, SmallVectorImpl<int> &nodes) {
  const onnx::GraphProto &proto = chain.graph;
  OpFoldResult one = chain.importer.builder.getIndexAttr(1);
  if (std::optional<int> reshape = chain.reshapeOf(
          gate, {x.dims[0], x.dims[1]}, {x.dims[0], x.dims[1], one, one})) {
    nodes.push_back(*reshape);
    return proto.node(*reshape).output(0);
  }
  std::string value = gate.str();
  for (int64_t rank = 2; rank < 4;) {
    std::optional<int> unsqueeze = chain.soleUser(value, "Unsqueeze");
    if (!unsqueeze || proto.node(*unsqueeze).input(0) != value)
      return "";
    std::optional<SmallVector<int64_t>> axes =
        chain.axes(proto.node(*unsqueeze));
    if (!axes || axes->empty() || rank + int64_t(axes->size()) > 4)
      return "";
    rank += axes->size();
    // Every new axis after N and C makes [N, C, 1, 1].
    for (int64_t axis : *axes)
      if ((axis < 0 ? axis + rank : axis) < 2)
        return "";
    nodes.push_back(*unsqueeze);
    value = proto.node(*unsqueeze).output(0);
  }
  return value;
}

} // namespace

std::optional<SmallVector<int>> fuseCbam(const ChainMatcher &chain, int pool,
                                         const ImportedValue &x) {
  GraphImporter &graph = chain.importer;
  const onnx::GraphProto &proto = chain.graph;
  StringRef input = proto.node(pool).input(0);
  SmallVector<int> nodes;
  std::optional<GateMlp> avg = matchBranch(chain, pool, x, nodes);
  std::optional<int> maxPool = maxPoolOf(chain, input, pool);
  if (!avg || !maxPool)
    return std::nullopt;
  std::optional<GateMlp> max = matchBranch(chain, *maxPool, x, nodes);
  if (!max || !sameLayer(avg->first, max->first) ||
      !sameLayer(avg->second, max->second))
    return std::nullopt;
  std::optional<int> add = chain.soleUser(avg->second.output, "Add");
  if (!add || chain.soleUser(max->second.output, "Add") != add)
    return std::nullopt;
  std::optional<int> sigmoid =
      chain.soleUser(proto.node(*add).output(0), "Sigmoid");
  if (!sigmoid)
    return std::nullopt;
  nodes.push_back(*add);
  nodes.push_back(*sigmoid);
  std::string gate = unflatten(chain, proto.node(*sigmoid).output(0), x, nodes);
  if (gate.empty())
    return std::nullopt;
  std::optional<int> channelMul = chain.rescale(gate, input, nodes);
  if (!channelMul)
    return std::nullopt;

  // The spatial gate on x' = the channel Mul's output, which nothing else
  // reads: its ReduceMean, ReduceMax and final Mul are its only readers.
  StringRef gated = proto.node(*channelMul).output(0);
  SmallVector<int> readers = chain.users(gated);
  std::optional<int> mean;
  for (int user : readers)
    if (user >= 0 && proto.node(user).op_type() == "ReduceMean")
      mean = user;
  if (!mean)
    return std::nullopt;
  std::optional<SpatialGateMatch> spatial = matchSpatialGate(chain, *mean, x);
  // The spatial match reads x' in exactly three nodes; any other reader
  // (or the graph output, -1) is outside it.
  if (!spatial || !llvm::all_of(readers, [&](int user) {
        return llvm::is_contained(spatial->nodes, user);
      }))
    return std::nullopt;
  llvm::append_range(nodes, spatial->nodes);

  Location fc1 = graph.nodeLoc(proto.node(avg->first.nodes[0]));
  Location fc2 = graph.nodeLoc(proto.node(avg->second.nodes[0]));
  Location conv = graph.nodeLoc(proto.node(spatial->conv));
  auto [w1, b1] = buildDenseLayer(graph, avg->first, fc1);
  auto [w2, b2] = buildDenseLayer(graph, avg->second, fc2);
  const onnx::NodeProto &scale = proto.node(spatial->mul);
  auto op = mlir::attn::CbamOp::create(
      graph.builder, graph.nodeLoc(scale), x.tensor.getType(), x.tensor, w1, b1,
      w2, b2, graph.materialize(*spatial->ws, conv),
      spatialBias(graph, *spatial, conv));
  defineGated(graph, scale.output(0), x, op.getOutput());
  return nodes;
}

} // namespace attn::onnx_import
