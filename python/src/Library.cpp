//===- Library.cpp - A compiled module with its functions loaded ----------===//

#include "Library.h"

#include "CapturedStderr.h"

#include "attn/Compiler/Compiler.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/MLIRContext.h"
#include "llvm/ADT/StringRef.h"

#include <cstdio>

namespace attn {
namespace python {

namespace rt = attn::runtime;

struct Library::Directory {
  TemporaryLibrary library;
};

Library::Library(std::unique_ptr<Directory> directory,
                 std::vector<std::unique_ptr<rt::Module>> functions)
    : directory(std::move(directory)), functions(std::move(functions)) {}

Library::~Library() = default;

/// The functions the C ABI exports (docs/abi.md): the public ones with a
/// body. The library exports no list of them, so the module is read again.
static rt::Expected<std::vector<std::string>>
getExportedFunctions(const std::string &inputPath) {
  mlir::MLIRContext context(mlir::MLIRContext::Threading::DISABLED);
  prepareContext(context);
  mlir::OwningOpRef<mlir::ModuleOp> module = parseModule(inputPath, context);
  if (!module)
    return rt::makeError("cannot read '", inputPath, "' again after compiling");
  std::vector<std::string> names;
  for (auto func : module->getOps<mlir::func::FuncOp>())
    if (func.isPublic() && !func.isDeclaration())
      names.push_back(func.getSymName().str());
  return names;
}

rt::Expected<std::unique_ptr<Library>>
Library::compile(const std::string &inputPath, const CompileOptions &options) {
  auto directory = std::make_unique<Directory>();
  rt::Expected<std::vector<std::string>> names = std::vector<std::string>();
  {
    CapturedStderr diagnostics;
    mlir::FailureOr<TemporaryLibrary> library =
        compileToTemporaryLibrary(inputPath, "attn-python", options);
    if (mlir::failed(library)) {
      std::string text = diagnostics.release();
      llvm::StringRef trimmed = llvm::StringRef(text).rtrim();
      if (trimmed.empty())
        return rt::makeError("cannot compile '", inputPath, "'");
      return rt::Error{trimmed.str()};
    }
    directory->library = std::move(*library);
    names = getExportedFunctions(inputPath);
    // Warnings of a successful compile still reach the user's stderr.
    std::string warnings = diagnostics.release();
    std::fputs(warnings.c_str(), stderr);
  }
  if (!names)
    return names.takeError();

  std::vector<std::unique_ptr<rt::Module>> functions;
  for (const std::string &name : *names) {
    rt::Expected<std::unique_ptr<rt::Module>> module =
        rt::Module::load(directory->library.path(), name);
    if (!module)
      return module.takeError();
    functions.push_back(std::move(*module));
  }
  return std::unique_ptr<Library>(
      new Library(std::move(directory), std::move(functions)));
}

} // namespace python
} // namespace attn
