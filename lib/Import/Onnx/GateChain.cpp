//===- GateChain.cpp - matching the node chains of channel gates ----------===//

#include "GateChain.h"
#include "Converters.h"
#include "TensorBuilders.h"

using namespace mlir;

namespace attn::onnx_import {

ChainMatcher::ChainMatcher(GraphImporter &importer,
                           const onnx::GraphProto &graph)
    : importer(importer), graph(graph) {
  for (const onnx::ValueInfoProto &out : graph.output())
    outputs.insert(out.name());
}

std::optional<int> ChainMatcher::soleUser(StringRef value,
                                          StringRef opType) const {
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

std::optional<int> ChainMatcher::producer(StringRef value,
                                          StringRef opType) const {
  for (auto [i, node] : llvm::enumerate(graph.node()))
    if (llvm::is_contained(node.output(), value))
      return node.op_type() == opType &&
                     (node.domain().empty() || node.domain() == "ai.onnx")
                 ? std::optional<int>(i)
                 : std::nullopt;
  return std::nullopt;
}

SmallVector<int> ChainMatcher::users(StringRef value) const {
  SmallVector<int> readers;
  if (outputs.contains(value))
    readers.push_back(-1);
  for (auto [i, node] : llvm::enumerate(graph.node()))
    if (llvm::is_contained(node.input(), value))
      readers.push_back(i);
  return readers;
}

std::optional<int> ChainMatcher::rescale(StringRef gate, StringRef x,
                                         SmallVectorImpl<int> &nodes,
                                         const ImportedValue *map) const {
  const ImportedValue *input = map ? map : importer.lookup(x);
  if (!input)
    return std::nullopt;
  // expand_as(x) broadcasts the gate to x's own sizes, which the Mul would
  // do anyway; any other target could change the result's shape.
  if (std::optional<int> expand = soleUser(gate, "Expand")) {
    const onnx::NodeProto &node = graph.node(*expand);
    if (node.input_size() != 2 || node.input(0) != gate)
      return std::nullopt;
    const ImportedValue *shape = importer.require(node.input(1));
    if (!shape || !shape->elements ||
        !llvm::equal(*shape->elements, input->dims, sameSize))
      return std::nullopt;
    nodes.push_back(*expand);
    gate = node.output(0);
  }
  std::optional<int> mul = soleUser(gate, "Mul");
  if (!mul)
    return std::nullopt;
  const onnx::NodeProto &node = graph.node(*mul);
  if (node.input_size() != 2 ||
      !((node.input(0) == x && node.input(1) == gate) ||
        (node.input(1) == x && node.input(0) == gate)))
    return std::nullopt;
  nodes.push_back(*mul);
  return mul;
}

std::optional<SmallVector<int64_t>>
ChainMatcher::constantInts(StringRef value) const {
  const ImportedValue *v = importer.require(value);
  if (!v || !v->elements)
    return std::nullopt;
  SmallVector<int64_t> ints;
  for (OpFoldResult e : *v->elements) {
    std::optional<int64_t> c = staticSize(e);
    if (!c)
      return std::nullopt;
    ints.push_back(*c);
  }
  return ints;
}

std::optional<SmallVector<int64_t>>
ChainMatcher::axes(const onnx::NodeProto &node) const {
  for (const onnx::AttributeProto &attr : node.attribute())
    if (attr.name() == "axes")
      return SmallVector<int64_t>(attr.ints().begin(), attr.ints().end());
  if (node.input_size() < 2 || node.input(1).empty())
    return std::nullopt;
  return constantInts(node.input(1));
}

std::optional<SmallVector<int64_t>>
ChainMatcher::squeezedAxes(const onnx::NodeProto &node,
                           ArrayRef<OpFoldResult> dims) const {
  int64_t rank = dims.size();
  SmallVector<int64_t> removed;
  if (std::optional<SmallVector<int64_t>> listed = axes(node)) {
    for (int64_t axis : *listed) {
      if (axis < -rank || axis >= rank)
        return std::nullopt;
      removed.push_back(axis < 0 ? axis + rank : axis);
    }
    llvm::sort(removed);
    return removed;
  }
  // An axes input that is not a known constant is not "no axes".
  if (node.input_size() > 1 && !node.input(1).empty())
    return std::nullopt;
  for (auto [i, size] : llvm::enumerate(dims)) {
    std::optional<int64_t> c = staticSize(size);
    if (!c)
      return std::nullopt;
    if (*c == 1)
      removed.push_back(i);
  }
  return removed;
}

bool ChainMatcher::reshapesTo(const onnx::NodeProto &node,
                              ArrayRef<OpFoldResult> from,
                              ArrayRef<OpFoldResult> to) const {
  if (node.input_size() != 2)
    return false;
  const ImportedValue *target = importer.require(node.input(1));
  if (!target || !target->elements || target->elements->size() != to.size())
    return false;
  bool allowZero = intAttr(node, "allowzero", 0);
  bool inferred = false;
  for (auto [i, t] : llvm::enumerate(*target->elements)) {
    if (sameSize(t, to[i]))
      continue;
    std::optional<int64_t> c = staticSize(t);
    // The element counts agree, so one -1 can only stand for to[i].
    if (c == -1 && !inferred) {
      inferred = true;
      continue;
    }
    if (c == 0 && !allowZero && i < from.size() && sameSize(from[i], to[i]))
      continue;
    return false;
  }
  return true;
}

std::optional<int> ChainMatcher::reshapeOf(StringRef value,
                                           ArrayRef<OpFoldResult> from,
                                           ArrayRef<OpFoldResult> to) const {
  std::optional<int> reshape = soleUser(value, "Reshape");
  if (!reshape || graph.node(*reshape).input(0) != value ||
      !reshapesTo(graph.node(*reshape), from, to))
    return std::nullopt;
  return reshape;
}

int64_t ChainMatcher::intAttr(const onnx::NodeProto &node, StringRef name,
                              int64_t otherwise) {
  for (const onnx::AttributeProto &attr : node.attribute())
    if (attr.name() == name)
      return attr.i();
  return otherwise;
}

void defineGated(GraphImporter &graph, StringRef name, const ImportedValue &map,
                 Value gated) {
  ImportedValue out = map;
  out.tensor = gated;
  out.elements.reset();
  out.constant = {};
  graph.define(name, out);
}

bool fuseGate(GraphImporter &graph, const onnx::GraphProto &proto, int start) {
  const onnx::NodeProto &node = proto.node(start);
  bool pool = node.op_type() == "GlobalAveragePool";
  if (!(pool || node.op_type() == "ReduceMean") ||
      !(node.domain().empty() || node.domain() == "ai.onnx") ||
      node.input_size() < 1 || node.output_size() != 1)
    return false;
  const ImportedValue *x = graph.lookup(node.input(0));
  if (!x || !x->tensor || x->dims.size() != 4 ||
      !x->type.getElementType().isF32())
    return false;
  ChainMatcher chain(graph, proto);
  using Fusion = std::optional<SmallVector<int>> (*)(const ChainMatcher &, int,
                                                     const ImportedValue &);
  static constexpr Fusion afterPool[] = {fuseCbam, fuseSqueezeExcite,
                                         fuseEfficientChannel};
  static constexpr Fusion afterMean[] = {fuseSpatialGate};
  for (Fusion fuse :
       pool ? ArrayRef<Fusion>(afterPool) : ArrayRef<Fusion>(afterMean))
    if (std::optional<SmallVector<int>> nodes = fuse(chain, start, *x)) {
      graph.markImported(*nodes);
      return true;
    }
  return false;
}

bool keepsSize(const onnx::NodeProto &node, int64_t k, int64_t rank) {
  if (k % 2 != 1)
    return false;
  SmallVector<int64_t> pads(2 * rank, 0);
  std::string autoPad = "NOTSET";
  auto all = [](ArrayRef<int64_t> ints, int64_t n, int64_t v) {
    return int64_t(ints.size()) == n &&
           llvm::all_of(ints, [&](int64_t x) { return x == v; });
  };
  for (const onnx::AttributeProto &attr : node.attribute()) {
    StringRef name = attr.name();
    SmallVector<int64_t> ints(attr.ints().begin(), attr.ints().end());
    if (name == "pads")
      pads = ints;
    else if (name == "auto_pad")
      autoPad = attr.s();
    else if (!((name == "kernel_shape" && all(ints, rank, k)) ||
               ((name == "strides" || name == "dilations") &&
                all(ints, rank, 1)) ||
               (name == "group" && attr.i() == 1)))
      return false;
  }
  // SAME padding of an odd window at stride 1 is (k-1)/2 on both sides.
  if (autoPad == "SAME_UPPER" || autoPad == "SAME_LOWER")
    return true;
  return autoPad == "NOTSET" && all(pads, 2 * rank, (k - 1) / 2);
}

bool sameSize(OpFoldResult a, OpFoldResult b) {
  std::optional<int64_t> x = staticSize(a), y = staticSize(b);
  if (x || y)
    return x == y;
  return a == b;
}

bool isStaticWeight(const ImportedValue *value) {
  return value && (value->constant || value->tensor) &&
         value->type.hasStaticShape() && value->type.getElementType().isF32();
}

} // namespace attn::onnx_import
