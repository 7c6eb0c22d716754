//===- OnnxImport.h - ONNX models to attn/linalg modules --------*- C++ -*-===//
//
// Reads an ONNX model (a protobuf ModelProto, parsed with the ONNX project's
// own message classes) and builds one MLIR function from its main graph:
// attention nodes become `attn.attention`, every other node upstream tensor
// dialects (linalg, tensor, arith, math) that the attn pipelines lower.
// docs/onnx.md says what is supported and how names map.
//
//===----------------------------------------------------------------------===//

#ifndef ATTN_IMPORT_ONNXIMPORT_H
#define ATTN_IMPORT_ONNXIMPORT_H

#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/OwningOpRef.h"
#include "llvm/ADT/ArrayRef.h"
#include "llvm/ADT/StringRef.h"
#include "llvm/Support/Path.h"

#include <string>

namespace attn {

struct OnnxImportOptions {
  /// Name of the function built from the graph (a C identifier: the C ABI
  /// exports it as attn_<name>).
  std::string functionName = "main";
  /// Initializers become trailing function arguments (in the order of the
  /// graph's initializer list) instead of constants in the module.
  bool weightsAsInputs = false;
};

/// Imports the model in `path`. Errors (unreadable or malformed files,
/// unsupported nodes) are emitted on `context` as
/// `node '<name>' (<op_type>): ...` diagnostics and give a null module.
mlir::OwningOpRef<mlir::ModuleOp>
importOnnxFile(llvm::StringRef path, mlir::MLIRContext &context,
               const OnnxImportOptions &options = {});

/// Imports a model held in memory (`bytes` is a serialised ModelProto);
/// `sourceName` names it in diagnostics.
mlir::OwningOpRef<mlir::ModuleOp>
importOnnxBytes(llvm::StringRef bytes, llvm::StringRef sourceName,
                mlir::MLIRContext &context,
                const OnnxImportOptions &options = {});

/// One op type the importer converts (docs/onnx.md is generated from this
/// table by `attn-import --list-ops`).
struct OnnxOpSupport {
  llvm::StringRef opType;
  /// Lowest opset version of the default domain whose form is accepted.
  int sinceOpset;
  /// What it becomes, and the limits of the conversion.
  llvm::StringRef notes;
};

/// Every op type of the default ONNX domain the importer converts, sorted by
/// name.
llvm::ArrayRef<OnnxOpSupport> supportedOnnxOps();

/// True when `path` names an ONNX model (its extension is `.onnx`).
inline bool isOnnxPath(llvm::StringRef path) {
  return llvm::sys::path::extension(path) == ".onnx";
}

} // namespace attn

#endif // ATTN_IMPORT_ONNXIMPORT_H
