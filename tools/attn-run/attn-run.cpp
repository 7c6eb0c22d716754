//===- attn-run.cpp - Compile an attn module and run it on .npy files -----===//
//
//   attn-run model.mlir --input=@q.npy --input=@k.npy --input=@v.npy \
//       --output=@o.npy [--entry=main] [--repeat=N] [--print-time]
//       [--query-tile=N] [--key-tile=N]
//
// Compiles the module through the AOT path into a temporary directory, loads
// the shared library with the runtime, binds the inputs (in argument order),
// calls the entry point and writes the results (in result order). Every user
// error prints "error: ..." and exits with 1.
//
//===----------------------------------------------------------------------===//

#include "attn/Compiler/Compiler.h"
#include "attn/Runtime/Execution.h"
#include "attn/Runtime/Module.h"
#include "attn/Runtime/Npy.h"

#include "llvm/ADT/SmallString.h"
#include "llvm/ADT/StringRef.h"
#include "llvm/Support/CommandLine.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/Format.h"
#include "llvm/Support/InitLLVM.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/raw_ostream.h"

#include <string>
#include <vector>

namespace cl = llvm::cl;
namespace rt = attn::runtime;

static cl::opt<std::string> inputFile(cl::Positional, cl::Required,
                                      cl::desc("<input .mlir file>"));
static cl::list<std::string>
    inputs("input", cl::desc("An argument of the entry, in order"),
           cl::value_desc("@file.npy"));
static cl::list<std::string>
    outputs("output", cl::desc("Where to write a result, in order"),
            cl::value_desc("@file.npy"));
static cl::opt<std::string> entry("entry", cl::desc("Function to run"),
                                  cl::init("main"));
static cl::opt<unsigned> repeat("repeat", cl::desc("Number of calls (timing)"),
                                cl::init(1));
static cl::opt<bool>
    printTime("print-time",
              cl::desc("Print the median wall time of the calls"));
static cl::opt<int64_t>
    queryTile("query-tile",
              cl::desc("Query rows per tile of the fused attention loop (0: "
                       "chosen by the tile cost model)"),
              cl::init(attn::CompileOptions().queryTile));
static cl::opt<int64_t>
    keyTile("key-tile",
            cl::desc("Keys per tile of the fused attention loop (0: chosen "
                     "by the tile cost model)"),
            cl::init(attn::CompileOptions().keyTile));
static cl::opt<int64_t> stackScratchBytes(
    "stack-scratch-bytes",
    cl::desc("Scratch per work item kept on the thread's stack; more goes "
             "to the heap"),
    cl::init(attn::CompileOptions().stackScratchBytes));

static int fail(const llvm::Twine &message) {
  llvm::errs() << "error: " << message << "\n";
  return 1;
}

/// Strips the '@' of "--input=@file.npy"; other forms are reserved for
/// inline values.
static bool getFilePath(llvm::StringRef value, std::string &path) {
  if (!value.consume_front("@") || value.empty())
    return false;
  path = value.str();
  return true;
}

int main(int argc, char **argv) {
  llvm::InitLLVM init(argc, argv);
  cl::SetVersionPrinter([](llvm::raw_ostream &os) {
    os << "attn-run (attention compiler) built against LLVM "
       << LLVM_VERSION_STRING << "\n";
  });
  cl::ParseCommandLineOptions(argc, argv,
                              "compile an attn module and run it on .npy "
                              "inputs\n");
  if (repeat == 0)
    return fail("--repeat must be at least 1");
  if (queryTile < 0 || keyTile < 0)
    return fail("--query-tile and --key-tile must be at least 0 (0: chosen by "
                "the tile cost model)");
  if (inputFile != "-" && !llvm::sys::fs::exists(inputFile))
    return fail("cannot open '" + inputFile + "': no such file");

  std::vector<std::string> outputPaths;
  for (size_t i = 0; i < outputs.size(); ++i) {
    std::string path;
    if (!getFilePath(outputs[i], path))
      return fail("--output #" + llvm::Twine(i) + " '" + outputs[i] +
                  "' must be written @FILE.npy");
    outputPaths.push_back(path);
  }
  // Read the inputs before compiling: a bad file fails fast.
  std::vector<rt::NpyArray> arrays;
  for (size_t i = 0; i < inputs.size(); ++i) {
    std::string path;
    if (!getFilePath(inputs[i], path))
      return fail("--input #" + llvm::Twine(i) + " '" + inputs[i] +
                  "' must be written @FILE.npy");
    rt::Expected<rt::NpyArray> array = rt::readNpyFile(path);
    if (!array)
      return fail("--input #" + llvm::Twine(i) + ": " + array.getError());
    arrays.push_back(std::move(*array));
  }

  // Declared before the module so the library is unloaded before its
  // directory goes away.
  attn::CompileOptions options;
  options.queryTile = queryTile;
  options.keyTile = keyTile;
  options.stackScratchBytes = stackScratchBytes;
  mlir::FailureOr<attn::TemporaryLibrary> library =
      attn::compileToTemporaryLibrary(inputFile, "attn-run", options);
  if (mlir::failed(library))
    return fail("cannot compile '" + inputFile + "'");

  rt::Expected<std::unique_ptr<rt::Module>> module =
      rt::Module::load(library->path(), entry);
  if (!module)
    return fail(module.getError());
  const rt::Manifest &manifest = (*module)->getManifest();
  if (arrays.size() != manifest.args.size())
    return fail("function '" + entry + "' takes " +
                llvm::Twine(manifest.args.size()) + " arguments, but " +
                llvm::Twine(arrays.size()) + " --input were given");
  if (outputPaths.size() != manifest.results.size())
    return fail("function '" + entry + "' has " +
                llvm::Twine(manifest.results.size()) + " results, but " +
                llvm::Twine(outputPaths.size()) + " --output were given");

  rt::Expected<rt::ExecutionResult> result =
      rt::execute(**module, std::move(arrays), repeat);
  if (!result)
    return fail(result.getError());
  for (size_t i = 0; i < outputPaths.size(); ++i)
    if (rt::Status status =
            rt::writeNpyFile(outputPaths[i], result->outputs[i]);
        !status)
      return fail(status.getError());

  if (printTime)
    llvm::outs() << "time: " << llvm::format("%.3f", result->getMedianMs())
                 << " ms (median of " << repeat << ")\n";
  return 0;
}
