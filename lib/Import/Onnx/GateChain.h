//===- GateChain.h - matching the node chains of channel gates --*- C++ -*-===//
//
// Squeeze-and-excitation, ECA and CBAM's spatial gate reach the importer
// as chains of small nodes that start at a pooling of a map (a
// GlobalAveragePool, or a ReduceMean over the channels) and end in a Mul
// that rescales that map. The fusions (SqueezeExcite.cpp,
// EfficientChannel.cpp, SpatialGate.cpp) walk such a chain by the values
// each node consumes; the helpers here are the steps they share.
//
//===----------------------------------------------------------------------===//

#ifndef ATTN_LIB_IMPORT_ONNX_GATECHAIN_H
#define ATTN_LIB_IMPORT_ONNX_GATECHAIN_H

#include "GraphImporter.h"

namespace attn::onnx_import {

/// Finds the nodes of one chain by the names of the values they consume.
class ChainMatcher {
public:
  ChainMatcher(GraphImporter &importer, const onnx::GraphProto &graph);

  /// The node that defines `value`, if it has type `opType`.
  std::optional<int> producer(llvm::StringRef value,
                              llvm::StringRef opType) const;

  /// The one node that reads `value` (an intermediate of the chain: not a
  /// graph output, no other reader), if it has type `opType`.
  std::optional<int> soleUser(llvm::StringRef value,
                              llvm::StringRef opType) const;

  /// The Mul that rescales `x` by `gate`, directly or through
  /// `Expand(gate, Shape(x))` (PyTorch's `expand_as`); the Expand, if any,
  /// and the Mul are appended to `nodes`. The Mul's index, or nullopt.
  /// `map` gives x's sizes when x is not imported yet (an intermediate of
  /// a larger chain); by default x's own.
  std::optional<int> rescale(llvm::StringRef gate, llvm::StringRef x,
                             llvm::SmallVectorImpl<int> &nodes,
                             const ImportedValue *map = nullptr) const;

  /// The nodes that read `value`, in graph order (a graph output counts as
  /// a reader: -1).
  llvm::SmallVector<int> users(llvm::StringRef value) const;

  /// The elements of `value` when they are static integers known at
  /// import (its Constant or shape arithmetic may come later in the graph).
  std::optional<llvm::SmallVector<int64_t>>
  constantInts(llvm::StringRef value) const;

  /// The axes of a Squeeze or Unsqueeze: its attribute (before opset 13)
  /// or its second input.
  std::optional<llvm::SmallVector<int64_t>>
  axes(const onnx::NodeProto &node) const;

  /// The axes, in [0, rank), that Squeeze `node` removes from a tensor of
  /// sizes `dims`. Without axes it removes every size 1, which is known at
  /// import only when every size is static: nullopt otherwise (a dynamic
  /// size could be 1 at run time and vanish too).
  std::optional<llvm::SmallVector<int64_t>>
  squeezedAxes(const onnx::NodeProto &node,
               llvm::ArrayRef<mlir::OpFoldResult> dims) const;

  /// Whether Reshape `node` turns a tensor of sizes `from` into one of
  /// sizes `to`: every entry of its target is the size itself, 0 (copy,
  /// without `allowzero`) where `from` has that size, or the one -1.
  bool reshapesTo(const onnx::NodeProto &node,
                  llvm::ArrayRef<mlir::OpFoldResult> from,
                  llvm::ArrayRef<mlir::OpFoldResult> to) const;

  /// The Reshape that is `value`'s only reader, as its data, and turns
  /// sizes `from` into `to` (reshapesTo).
  std::optional<int> reshapeOf(llvm::StringRef value,
                               llvm::ArrayRef<mlir::OpFoldResult> from,
                               llvm::ArrayRef<mlir::OpFoldResult> to) const;

  /// The integer attribute `name` of `node`, `otherwise` when absent.
  static int64_t intAttr(const onnx::NodeProto &node, llvm::StringRef name,
                         int64_t otherwise);

  GraphImporter &importer;
  const onnx::GraphProto &graph;

private:
  llvm::StringSet<> outputs;
};

/// One layer of a gate's MLP: static f32 weights with an optional bias
/// [out] (or [1, out] for a Gemm or MatMul), constants or graph inputs under
/// --weights-as-inputs.
struct DenseLayer {
  const ImportedValue *weights = nullptr, *bias = nullptr;
  int64_t out = 0, in = 0;
  /// Whether the weights are stored [out, in, ...] (Conv, Gemm with
  /// transB) rather than [in, out] (MatMul, Gemm without transB).
  bool outFirst = true;
  /// The value the layer defines and the nodes it takes.
  std::string output;
  llvm::SmallVector<int> nodes;
};

/// Dense -> Relu -> Dense, as squeeze-excitation and CBAM's channel gate
/// write their MLP.
struct GateMlp {
  DenseLayer first, second;
  /// The nodes of both layers and the Relu.
  llvm::SmallVector<int> nodes;
  /// Whether the layers go C -> R -> C for x's C channels (other counts
  /// are left to the nodes' own converters, which report them).
  bool chains(const ImportedValue &x) const;
};

/// SqueezeExcite.cpp: the MLP that reads `input` ([N, C, 1, 1] through 1x1
/// Convs with `conv`, else [N, C] through Gemm or MatMul [+ Add]).
std::optional<GateMlp> matchGateMlp(const ChainMatcher &chain,
                                    llvm::StringRef input, bool conv);
/// The Flatten (axis 1), Reshape or Squeeze that turns the pooled [N, C, 1, 1]
/// of x into [N, C], if it is `pooled`'s only reader.
std::optional<int> flattenOfPool(const ChainMatcher &chain,
                                 llvm::StringRef pooled,
                                 const ImportedValue &x);
/// The layer's weights as [in, out] (the gate ops' layout) and its bias
/// (zeros if absent). Constant weights are transposed here; weights that
/// are inputs are reshaped and transposed in the graph.
std::pair<mlir::Value, mlir::Value> buildDenseLayer(GraphImporter &graph,
                                                    const DenseLayer &layer,
                                                    mlir::Location loc);

/// SpatialGate.cpp: CBAM's spatial gate on the map `input` (sizes those
/// of `map`) from its ReduceMean node `mean`: the chain's nodes, its Conv
/// weights and optional bias, and its last node (the Mul).
struct SpatialGateMatch {
  llvm::SmallVector<int> nodes;
  const ImportedValue *ws = nullptr, *bs = nullptr;
  int conv = -1, mul = -1;
};
std::optional<SpatialGateMatch>
matchSpatialGate(const ChainMatcher &chain, int mean, const ImportedValue &map);
/// The spatial gate's conv bias as a tensor (zeros when absent).
mlir::Value spatialBias(GraphImporter &graph, const SpatialGateMatch &match,
                        mlir::Location loc);

// Each fusion builds its fused op for the chain that starts at the
// GlobalAveragePool node `pool` of `x` (f32 [N, C, H, W]) and returns the
// indices of the nodes it replaces; nullopt (nothing built) when they do
// not form one.

/// SqueezeExcite.cpp: attn.squeeze_excite, Conv 1x1 or nn.Linear form.
std::optional<llvm::SmallVector<int>>
fuseSqueezeExcite(const ChainMatcher &chain, int pool, const ImportedValue &x);
/// Cbam.cpp: attn.cbam, a CBAM block (channel gate, then spatial gate).
std::optional<llvm::SmallVector<int>>
fuseCbam(const ChainMatcher &chain, int pool, const ImportedValue &x);
/// EfficientChannel.cpp: attn.eca.
std::optional<llvm::SmallVector<int>>
fuseEfficientChannel(const ChainMatcher &chain, int pool,
                     const ImportedValue &x);
/// SpatialGate.cpp: attn.spatial_gate, for the chain that starts at the
/// ReduceMean node `mean` instead.
std::optional<llvm::SmallVector<int>>
fuseSpatialGate(const ChainMatcher &chain, int mean, const ImportedValue &x);

/// Defines `name` (the chain's last value) as `gated`, which has the sizes
/// of `map`.
void defineGated(GraphImporter &graph, llvm::StringRef name,
                 const ImportedValue &map, mlir::Value gated);

/// Whether Conv `node` slides a window of odd size `k` on each of `rank`
/// spatial axes so that the sizes stay: stride and dilation 1, no groups,
/// (k-1)/2 zeros on each side (explicit or SAME padding). Its weights and
/// bias are the caller's to check.
bool keepsSize(const onnx::NodeProto &node, int64_t k, int64_t rank);

/// Whether two sizes are the same: equal constants or one SSA value.
bool sameSize(mlir::OpFoldResult a, mlir::OpFoldResult b);

/// Whether `value` is a static f32 tensor that the fused op can take as a
/// weight (a constant, or a graph input under --weights-as-inputs).
bool isStaticWeight(const ImportedValue *value);

} // namespace attn::onnx_import

#endif // ATTN_LIB_IMPORT_ONNX_GATECHAIN_H
