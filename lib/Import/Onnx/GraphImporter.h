//===- GraphImporter.h - state of one ONNX graph import ---------*- C++ -*-===//
//
// The importer walks the graph's nodes in order (ONNX requires them to be
// topologically sorted) and keeps, for every value name, what is known about
// it: the MLIR tensor (built on first use for shape-only values), its sizes
// as index values or constants, and, for the small int64 tensors that
// exporters use to compute reshape targets, their elements. Sizes are kept
// symbolic in terms of the function arguments' dimensions, so a dimension
// that flows through transposes and reshapes stays the same SSA value and
// results are sized from the arguments (the C ABI needs that).
//
//===----------------------------------------------------------------------===//

#ifndef ATTN_LIB_IMPORT_ONNX_GRAPHIMPORTER_H
#define ATTN_LIB_IMPORT_ONNX_GRAPHIMPORTER_H

#include "attn/Import/OnnxImport.h"

#include "mlir/Dialect/Arith/Utils/Utils.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/Builders.h"
#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/BuiltinTypes.h"
#include "llvm/ADT/DenseMap.h"
#include "llvm/ADT/DenseSet.h"
#include "llvm/ADT/StringMap.h"
#include "llvm/ADT/StringSet.h"

#include <functional>
#include <optional>

#include "onnx/onnx_pb.h"

namespace attn::onnx_import {

using Dims = llvm::SmallVector<mlir::OpFoldResult, 4>;

/// What the importer knows about one ONNX value.
struct ImportedValue {
  /// The tensor; null while only the elements are known (built on use).
  mlir::Value tensor;
  mlir::RankedTensorType type;
  /// Sizes: an index attribute when static, else an index value.
  Dims dims;
  /// Elements of a rank 0 or 1 integer tensor known at import time (shape
  /// arithmetic): constants or index values.
  std::optional<Dims> elements;
  /// The contents, when the value is a compile-time constant.
  mlir::DenseElementsAttr constant;
};

/// A size as a product: a static factor times dynamic index values. Shape
/// arithmetic keeps products in this form so that reshapes can recognise
/// `B*H` as the product of `B` and 12.
struct DimProduct {
  int64_t factor = 1;
  llvm::SmallVector<mlir::Value, 2> symbols;
  bool operator==(const DimProduct &other) const;
};

class GraphImporter;

/// The node being converted: its inputs, attributes and outputs.
class NodeImporter {
public:
  NodeImporter(GraphImporter &graph, const onnx::NodeProto &node, int opset);

  GraphImporter &graph;
  const onnx::NodeProto &node;
  /// Version of the default domain the model imports.
  const int opset;

  mlir::OpBuilder &builder();
  mlir::Location loc() const { return location; }

  /// `node '<name>' (<op_type>): ` then the message.
  mlir::InFlightDiagnostic error();

  unsigned numInputs() const { return node.input_size(); }
  /// Whether input `i` is given (ONNX marks an omitted optional input with
  /// an empty name).
  bool hasInput(unsigned i) const;
  /// Input `i`; reports an error and returns null when it is missing.
  const ImportedValue *input(unsigned i);
  /// Input `i` as a tensor (materialised if needed); null on error.
  mlir::Value tensor(unsigned i);
  /// Input `i` as a list of integers known at import time; an error when
  /// they are computed at run time. `what` names the input in the message.
  mlir::FailureOr<Dims> knownInts(unsigned i, llvm::StringRef what);
  /// Input `i` as static integers.
  mlir::FailureOr<llvm::SmallVector<int64_t>>
  constantInts(unsigned i, llvm::StringRef what);

  const onnx::AttributeProto *attribute(llvm::StringRef name) const;
  int64_t intAttr(llvm::StringRef name, int64_t otherwise) const;
  float floatAttr(llvm::StringRef name, float otherwise) const;
  std::string stringAttr(llvm::StringRef name, llvm::StringRef otherwise) const;
  llvm::SmallVector<int64_t> intsAttr(llvm::StringRef name) const;
  bool hasAttr(llvm::StringRef name) const { return attribute(name); }

  unsigned numOutputs() const { return node.output_size(); }
  /// Whether output `i` is requested (non-empty name).
  bool wantsOutput(unsigned i) const;
  /// Defines output `i`.
  void setOutput(unsigned i, ImportedValue value);
  /// Defines output `i` as `tensor` with sizes `dims`.
  void setOutput(unsigned i, mlir::Value tensor, Dims dims);

  /// Normalises an axis in [-rank, rank) to [0, rank); an error otherwise.
  mlir::FailureOr<int64_t> axis(int64_t axis, int64_t rank,
                                llvm::StringRef what = "axis");

private:
  mlir::Location location;
};

using Converter = std::function<mlir::LogicalResult(NodeImporter &)>;

class GraphImporter {
public:
  GraphImporter(mlir::MLIRContext &context, llvm::StringRef sourceName,
                const OnnxImportOptions &options);

  /// Builds the function of `graph` into `module`.
  mlir::LogicalResult importGraph(const onnx::GraphProto &graph, int opset,
                                  mlir::ModuleOp module);

  mlir::MLIRContext &context;
  mlir::OpBuilder builder;
  std::string sourceName;

  const ImportedValue *lookup(llvm::StringRef name) const;
  void define(llvm::StringRef name, ImportedValue value);

  /// `name`'s value, importing the node of shape arithmetic that defines it
  /// (Constant, Shape, Gather, ...) and that node's own producers first when
  /// they come later in the graph: exporters may place a reshape target's
  /// Shape -> Gather -> Unsqueeze -> Concat or an axes Constant after the
  /// node where a fused chain starts. Null when the value comes from another
  /// kind of node that has not been imported yet.
  const ImportedValue *require(llvm::StringRef name);

  /// Marks nodes (by index) as converted, so the node loop skips them.
  void markImported(llvm::ArrayRef<int> nodes);

  /// The tensor of `value`, built from its elements or constant if needed.
  mlir::Value materialize(const ImportedValue &value, mlir::Location loc);

  /// Sizes of `tensor`, taking static sizes from its type and dynamic ones
  /// from tensor.dim.
  Dims dimsOf(mlir::Value tensor, mlir::Location loc);

  /// Products of sizes, folded where static.
  DimProduct product(mlir::OpFoldResult dim) const;
  DimProduct product(llvm::ArrayRef<mlir::OpFoldResult> dims) const;
  mlir::OpFoldResult materialize(const DimProduct &product, mlir::Location loc);
  mlir::OpFoldResult multiply(mlir::OpFoldResult a, mlir::OpFoldResult b,
                              mlir::Location loc);
  /// a + b, folded when both are static.
  mlir::OpFoldResult add(mlir::OpFoldResult a, mlir::OpFoldResult b,
                         mlir::Location loc);

  mlir::Location nodeLoc(const onnx::NodeProto &node);
  mlir::Location fileLoc() const;

private:
  mlir::LogicalResult importInputs(const onnx::GraphProto &graph,
                                   mlir::func::FuncOp &func,
                                   mlir::ModuleOp module);
  mlir::LogicalResult importNode(const onnx::NodeProto &node, int opset);

  OnnxImportOptions options;
  /// The graph being imported and its opset, for require().
  const onnx::GraphProto *graphProto = nullptr;
  int opset = 0;
  /// The index of the node that defines each value.
  llvm::StringMap<int> producers;
  /// Nodes already converted (in order, on demand, or fused into a chain).
  llvm::DenseSet<int> imported;
  /// Set when a node imported on demand failed (its diagnostic is out).
  bool failedOnDemand = false;
  llvm::StringMap<ImportedValue> values;
  /// Dynamic sizes of the arguments by ONNX dim_param: one SSA value per
  /// name, so `batch` of q and `batch` of k are one size.
  llvm::StringMap<mlir::Value> namedSizes;
  /// How the products the importer built decompose.
  llvm::DenseMap<mlir::Value, DimProduct> products;
};

/// The element type of an ONNX TensorProto data type, or null.
mlir::Type elementTypeOf(mlir::MLIRContext &context, int32_t dataType);
/// The contents of an initializer or Constant tensor; an error on `loc`
/// for external data or unsupported types.
mlir::FailureOr<mlir::DenseElementsAttr>
denseAttrOf(const onnx::TensorProto &tensor, mlir::MLIRContext &context,
            mlir::Location loc);
/// An ImportedValue for a constant (elements filled in for small integer
/// tensors).
ImportedValue constantValue(mlir::DenseElementsAttr attr,
                            mlir::OpBuilder &builder);

/// The converter of `opType` at `opset`, or null.
const Converter *findConverter(llvm::StringRef opType, int opset);

} // namespace attn::onnx_import

#endif // ATTN_LIB_IMPORT_ONNX_GRAPHIMPORTER_H
