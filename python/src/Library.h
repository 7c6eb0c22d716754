//===- Library.h - A compiled module with its functions loaded --*- C++ -*-===//
//
// What the Python extension holds for one `attn.compile` call. This header
// names no MLIR or LLVM type, so the extension's translation unit (built
// with RTTI for pybind11) can include it.
//
//===----------------------------------------------------------------------===//

#ifndef ATTN_PYTHON_LIBRARY_H
#define ATTN_PYTHON_LIBRARY_H

#include "attn/Compiler/CompileOptions.h"
#include "attn/Runtime/Expected.h"
#include "attn/Runtime/Module.h"

#include <memory>
#include <string>
#include <vector>

namespace attn {
namespace python {

/// A module compiled into a temporary shared library, with every public
/// function of the module loaded. The library is unloaded and its directory
/// removed when this object is destroyed.
class Library {
public:
  /// Compiles `inputPath` (.mlir text or bytecode, or .onnx) with `options`.
  /// On failure the error is the compiler's diagnostics, as attn-compile
  /// prints them.
  static runtime::Expected<std::unique_ptr<Library>>
  compile(const std::string &inputPath, const CompileOptions &options);

  ~Library();
  Library(const Library &) = delete;
  Library &operator=(const Library &) = delete;

  /// The public functions, in the order the module defines them.
  const std::vector<std::unique_ptr<runtime::Module>> &getFunctions() const {
    return functions;
  }

private:
  struct Directory;
  Library(std::unique_ptr<Directory> directory,
          std::vector<std::unique_ptr<runtime::Module>> functions);

  /// Owns the temporary directory; declared first, so destroyed after the
  /// functions have unloaded the library.
  std::unique_ptr<Directory> directory;
  std::vector<std::unique_ptr<runtime::Module>> functions;
};

} // namespace python
} // namespace attn

#endif // ATTN_PYTHON_LIBRARY_H
