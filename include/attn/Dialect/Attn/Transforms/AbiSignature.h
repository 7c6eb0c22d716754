//===- AbiSignature.h - C ABI signatures of public functions ----*- C++ -*-===//
//
// The signature that `attn-abi-signature` records in the module's `attn.abi`
// attribute, read back by `attn-emit-c-interface` and the C header emitter.
// The attribute is a dictionary from function name to
//
//   {args = [TENSOR, ...], results = [TENSOR, ...],
//    sizes = ["arg0.d0", ...]}                 // label of each size symbol
//   TENSOR = {name = "q", type = tensor<?x8x?x64xf32>,
//             symbols = array<i64: 0, -1, 1, -1>}
//
// `type` holds the resolved shape (a dynamic dimension that the function
// forces to a constant is static there); `symbols[d]` is the size symbol of
// dimension d when it is dynamic, else -1.
//
//===----------------------------------------------------------------------===//

#ifndef ATTN_DIALECT_ATTN_TRANSFORMS_ABISIGNATURE_H
#define ATTN_DIALECT_ATTN_TRANSFORMS_ABISIGNATURE_H

#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/BuiltinTypes.h"
#include "llvm/ADT/SmallVector.h"

#include <optional>
#include <string>
#include <vector>

namespace mlir::attn::abi {

/// Name of the module attribute.
inline constexpr llvm::StringLiteral kAbiAttrName = "attn.abi";
/// Optional argument / result attribute naming a tensor in the ABI.
inline constexpr llvm::StringLiteral kNameAttrName = "attn.name";
/// Version written on the first line of the manifest.
inline constexpr int kManifestVersion = 1;

struct TensorSig {
  std::string name;
  RankedTensorType type;
  /// Per dimension: the size symbol, or -1 when the dimension is static.
  SmallVector<int64_t> symbols;
};

struct FunctionSig {
  std::string name;
  /// Label of each size symbol (`argN.dD` / `resN.dD`), by symbol index.
  SmallVector<std::string> sizeLabels;
  SmallVector<TensorSig> args, results;
};

/// Manifest name of a supported element type (f32 f16 bf16 f8e4m3fn f64 i1
/// i8 i32 i64), or std::nullopt.
std::optional<StringRef> getDTypeName(Type elementType);
/// Bytes per element as stored in memory (i1: one byte).
int64_t getElementBytes(Type elementType);
/// True for `[A-Za-z_][A-Za-z0-9_]*`.
bool isCIdentifier(StringRef name);
/// True for a name the manifest can hold: non-empty, printable, no spaces.
bool isManifestName(StringRef name);

DictionaryAttr toAttr(MLIRContext *context, const FunctionSig &sig);
/// Reads the `attn.abi` attribute of `module`, in its (sorted) key order.
/// Emits an error on the module and fails when it is missing or malformed.
FailureOr<std::vector<FunctionSig>> readAbi(ModuleOp module);

/// The manifest text of docs/abi.md, without the terminating NUL.
std::string formatManifest(const FunctionSig &sig);

} // namespace mlir::attn::abi

#endif // ATTN_DIALECT_ATTN_TRANSFORMS_ABISIGNATURE_H
