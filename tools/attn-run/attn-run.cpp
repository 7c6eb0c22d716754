//===- attn-run.cpp - Compile an attn module and run it on .npy files -----===//
//
//   attn-run model.mlir --input=@q.npy --input=@k.npy --input=@v.npy \
//       --output=@o.npy [--entry=main] [--repeat=N] [--print-time]
//       [--query-tile=N] [--key-tile=N] [--dump-weights=DIR]
//
// Compiles the module through the AOT path into a temporary directory, loads
// the shared library with the runtime, binds the inputs (in argument order),
// calls the entry point and writes the results (in result order). A module
// whose manifest says `target cuda` runs on the GPU through the runtime's
// CUDA half. Every user error prints "error: ..." and exits with 1.
//
//===----------------------------------------------------------------------===//

#include "attn/Compiler/Compiler.h"
#include "attn/Runtime/Module.h"
#include "attn/Runtime/Run.h"

#include "llvm/Support/CommandLine.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/InitLLVM.h"
#include "llvm/Support/raw_ostream.h"

#include <string>
#include <vector>

namespace cl = llvm::cl;

/// This tool's own options, the only ones --help lists (LLVM's internal
/// options are still accepted).
static cl::OptionCategory toolOptions("attn-run options");
namespace rt = attn::runtime;

static cl::opt<std::string> inputFile(cl::Positional, cl::Required,
                                      cl::cat(toolOptions),
                                      cl::desc("<input .mlir or .onnx file>"));
static cl::list<std::string>
    inputs("input", cl::cat(toolOptions),
           cl::desc("An argument of the entry, in order"),
           cl::value_desc("@file.npy"));
static cl::list<std::string>
    outputs("output", cl::cat(toolOptions),
            cl::desc("Where to write a result, in order"),
            cl::value_desc("@file.npy"));
static cl::opt<std::string> entry("entry", cl::cat(toolOptions),
                                  cl::desc("Function to run"),
                                  cl::init("main"));
static cl::opt<unsigned> repeat("repeat", cl::cat(toolOptions),
                                cl::desc("Number of calls (timing)"),
                                cl::init(1));
static cl::opt<bool>
    printTime("print-time", cl::cat(toolOptions),
              cl::desc("Print the median time of the calls (wall time on "
                       "the CPU, CUDA event time on a GPU)"));
static cl::opt<int64_t>
    queryTile("query-tile", cl::cat(toolOptions),
              cl::desc("Query rows per tile of the fused attention loop (0: "
                       "chosen by the tile cost model)"),
              cl::init(attn::CompileOptions().queryTile));
static cl::opt<int64_t>
    keyTile("key-tile", cl::cat(toolOptions),
            cl::desc("Keys per tile of the fused attention loop (0: chosen "
                     "by the tile cost model)"),
            cl::init(attn::CompileOptions().keyTile));
static cl::opt<int64_t> stackScratchBytes(
    "stack-scratch-bytes", cl::cat(toolOptions),
    cl::desc("Scratch per work item kept on the thread's stack; more goes "
             "to the heap"),
    cl::init(attn::CompileOptions().stackScratchBytes));

static cl::opt<std::string>
    target("target", cl::cat(toolOptions),
           cl::desc("Where the attention runs: 'cpu', 'cuda' (the GPU, "
                    "through libcuda.so.1) or 'gpu-emulator' (the CUDA "
                    "kernels on CPU threads)"),
           cl::init("cpu"));
static cl::opt<std::string>
    chip("chip", cl::cat(toolOptions),
         cl::desc("NVIDIA architecture for --target=cuda"), cl::init("sm_80"));

static cl::opt<bool> allowTf32(
    "allow-tf32", cl::cat(toolOptions),
    cl::desc("With --target=cuda or gpu-emulator: compute f32 attention on "
             "TF32 tensor cores (f16 accuracy) instead of exact f32 FMAs"),
    cl::init(false));

static cl::opt<std::string> dumpWeights(
    "dump-weights", cl::cat(toolOptions),
    cl::desc("Also write the weights of every attention into this "
             "directory, as <function>.weights<N>.npy and a PNG heat map "
             "(compiles with attn-expose-weights: slower, CPU only)"),
    cl::value_desc("dir"));

static int fail(const llvm::Twine &message) {
  llvm::errs() << "error: " << message << "\n";
  return 1;
}

int main(int argc, char **argv) {
  llvm::InitLLVM init(argc, argv);
  cl::SetVersionPrinter([](llvm::raw_ostream &os) {
    os << "attn-run (attention compiler) built against LLVM "
       << LLVM_VERSION_STRING << "\n";
  });
  cl::HideUnrelatedOptions(toolOptions);
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

  // Read the inputs before compiling: a bad file fails fast.
  rt::Expected<rt::RunFiles> files = rt::readRunFiles(inputs, outputs);
  if (!files)
    return fail(files.getError());

  // Declared before the module so the library is unloaded before its
  // directory goes away.
  attn::CompileOptions options;
  options.queryTile = queryTile;
  options.keyTile = keyTile;
  options.stackScratchBytes = stackScratchBytes;
  options.target = target;
  options.chip = chip;
  options.allowTf32 = allowTf32;
  options.exposeWeights = !dumpWeights.empty();
  mlir::FailureOr<attn::TemporaryLibrary> library =
      attn::compileToTemporaryLibrary(inputFile, "attn-run", options);
  if (mlir::failed(library))
    return fail("cannot compile '" + inputFile + "'");

  rt::Expected<std::unique_ptr<rt::Module>> module =
      rt::Module::load(library->path(), entry);
  if (!module)
    return fail(module.getError());
  rt::Expected<rt::ExecutionResult> result =
      rt::runAndWriteOutputs(**module, std::move(*files), repeat);
  if (!result)
    return fail(result.getError());
  if (!dumpWeights.empty()) {
    rt::Expected<std::vector<std::string>> written =
        rt::dumpWeights(**module, *result, dumpWeights);
    if (!written)
      return fail(written.getError());
    if (written->empty())
      llvm::errs() << "warning: --dump-weights: function '" << entry
                   << "' has no attention whose weights could be exposed\n";
    for (const std::string &line : *written)
      llvm::outs() << "weights: " << line << "\n";
  }
  if (printTime)
    llvm::outs() << rt::formatTimeLine(*result);
  return 0;
}
