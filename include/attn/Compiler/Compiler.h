//===- Compiler.h - AOT compiler driver as a library ------------*- C++ -*-===//
//
// The phases of attn-compile, usable from other tools (attn-run) and from
// other compilers: parse, lower to LLVM for the host CPU, emit an object, link
// a shared library, write the C header.
//
//===----------------------------------------------------------------------===//

#ifndef ATTN_COMPILER_COMPILER_H
#define ATTN_COMPILER_COMPILER_H

#include "attn/Compiler/CompileOptions.h"

#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/OwningOpRef.h"
#include "mlir/Support/LogicalResult.h"
#include "llvm/ADT/StringRef.h"

#include <cstdint>
#include <string>

namespace mlir {
class MLIRContext;
} // namespace mlir

namespace attn {

/// Registers every dialect and translation the compiler needs in `context`.
void prepareContext(mlir::MLIRContext &context);

/// Parses `inputPath` ("-" for stdin) into a module; diagnostics go to the
/// context's handler. A `.onnx` file is imported (attn/Import/OnnxImport.h)
/// when the build has the ONNX importer.
mlir::OwningOpRef<mlir::ModuleOp> parseModule(llvm::StringRef inputPath,
                                              mlir::MLIRContext &context);

/// Lowers `module` in place from attn/tensor level to the LLVM dialect with
/// the C ABI entry points (the attn-lower-to-cpu pipeline).
mlir::LogicalResult lowerToLLVMDialect(mlir::ModuleOp module,
                                       const CompileOptions &options);

/// Compiles an LLVM-dialect module to a relocatable object file.
mlir::LogicalResult emitObjectFile(mlir::ModuleOp module,
                                   llvm::StringRef objectPath,
                                   const CompileOptions &options);

/// Links an object into a shared library with the system linker driver (cc),
/// against `libraries` (e.g. "-lm").
mlir::LogicalResult
linkSharedLibrary(llvm::StringRef objectPath, llvm::StringRef sharedLibPath,
                  llvm::ArrayRef<llvm::StringRef> libraries);

/// Lowers `module` in place with the attn-lower-to-cuda pipeline, then
/// writes the kernels beside `sharedLibPath` (`.ptx`; `.cubin` when ptxas
/// is found) and embeds them in the module's gpu.binary: a fat binary of
/// cubin and PTX when fatbinary is found (the driver falls back to the PTX
/// when it cannot load the cubin), else the PTX.
mlir::LogicalResult lowerToCuda(mlir::ModuleOp module,
                                llvm::StringRef sharedLibPath,
                                const CompileOptions &options);

/// Whole AOT path: parse `inputPath`, lower, and write `sharedLibPath`, the
/// object next to it (`.o`) and, when `headerPath` is not empty, the C
/// header. Errors are reported as diagnostics on stderr.
mlir::LogicalResult compileFile(llvm::StringRef inputPath,
                                llvm::StringRef sharedLibPath,
                                llvm::StringRef headerPath,
                                const CompileOptions &options);

/// A shared library compiled into a fresh temporary directory; the directory
/// is removed when this object is destroyed (unload the library first).
class TemporaryLibrary {
public:
  TemporaryLibrary() = default;
  TemporaryLibrary(TemporaryLibrary &&other) noexcept;
  TemporaryLibrary &operator=(TemporaryLibrary &&other) noexcept;
  TemporaryLibrary(const TemporaryLibrary &) = delete;
  TemporaryLibrary &operator=(const TemporaryLibrary &) = delete;
  ~TemporaryLibrary();

  /// Path of the shared library inside the temporary directory.
  const std::string &path() const { return libraryPath; }

private:
  friend mlir::FailureOr<TemporaryLibrary>
  compileToTemporaryLibrary(llvm::StringRef, llvm::StringRef,
                            const CompileOptions &);
  std::string directory, libraryPath;
};

/// Compiles `inputPath` into a shared library in a new temporary directory
/// named after `toolName`, for tools that load and run it at once (attn-run,
/// attn-bench). Errors are printed on stderr.
mlir::FailureOr<TemporaryLibrary>
compileToTemporaryLibrary(llvm::StringRef inputPath, llvm::StringRef toolName,
                          const CompileOptions &options);

} // namespace attn

#endif // ATTN_COMPILER_COMPILER_H
