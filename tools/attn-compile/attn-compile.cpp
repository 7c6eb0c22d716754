//===- attn-compile.cpp - AOT compiler for attn modules -------------------===//
//
//   attn-compile model.mlir -o libmodel.so   (or model.onnx)
//
// writes libmodel.so, libmodel.o and libmodel.h (the C ABI of docs/abi.md).
//
//===----------------------------------------------------------------------===//

#include "attn/Compiler/Compiler.h"

#include "llvm/ADT/SmallString.h"
#include "llvm/Support/CommandLine.h"
#include "llvm/Support/InitLLVM.h"
#include "llvm/Support/Path.h"

namespace cl = llvm::cl;

/// This tool's own options, the only ones --help lists (LLVM's internal
/// options are still accepted).
static cl::OptionCategory toolOptions("attn-compile options");

static cl::opt<std::string> inputFile(cl::Positional, cl::cat(toolOptions),
                                      cl::desc("<input .mlir or .onnx file>"),
                                      cl::init("-"));
static cl::opt<std::string> outputFile("o", cl::cat(toolOptions),
                                       cl::desc("Output shared library"),
                                       cl::value_desc("file.so"), cl::Required);
static cl::opt<std::string>
    headerFile("header", cl::cat(toolOptions),
               cl::desc("Output C header (default: the output with .h)"),
               cl::value_desc("file.h"));
static cl::opt<int64_t> queryTile(
    "query-tile", cl::cat(toolOptions),
    cl::desc("Query rows per tile (0: chosen by the tile cost model)"),
    cl::init(attn::CompileOptions().queryTile));
static cl::opt<int64_t>
    keyTile("key-tile", cl::cat(toolOptions),
            cl::desc("Keys per tile (0: chosen by the tile cost model)"),
            cl::init(attn::CompileOptions().keyTile));
static cl::opt<int64_t> stackScratchBytes(
    "stack-scratch-bytes", cl::cat(toolOptions),
    cl::desc("Scratch per work item kept on the thread's stack; more goes "
             "to the heap (lower it for threads with small stacks)"),
    cl::init(attn::CompileOptions().stackScratchBytes));
static cl::opt<std::string>
    cpu("mcpu", cl::cat(toolOptions),
        cl::desc("Target CPU ('native' = this machine)"), cl::init("native"));
static cl::opt<bool>
    parallel("parallel", cl::cat(toolOptions),
             cl::desc("Run independent work items on OpenMP threads "
                      "(OMP_NUM_THREADS at run time); =false for one thread"),
             cl::init(true));
static cl::opt<std::string>
    target("target", cl::cat(toolOptions),
           cl::desc("Where the attention runs: 'cpu' (this host's vector "
                    "units), 'cuda' (NVIDIA tensor cores; writes the .ptx "
                    "and, with ptxas, the .cubin beside the library) or "
                    "'gpu-emulator' (the CUDA kernels run on CPU threads, "
                    "to check them without a GPU)"),
           cl::init("cpu"));
static cl::opt<std::string>
    chip("chip", cl::cat(toolOptions),
         cl::desc("NVIDIA architecture for --target=cuda: sm_80, sm_86, "
                  "sm_89, sm_90 or sm_90a"),
         cl::init("sm_80"));
static cl::opt<bool> allowTf32(
    "allow-tf32", cl::cat(toolOptions),
    cl::desc("With --target=cuda or gpu-emulator: compute f32 attention on "
             "TF32 tensor cores (10-bit mantissa, f16 accuracy) instead of "
             "exact f32 FMAs"),
    cl::init(false));
static cl::opt<bool> exposeWeights(
    "expose-weights", cl::cat(toolOptions),
    cl::desc("Also return the weights of every attention as extra results "
             "named attn.weights<N>:... (attn-expose-weights; CPU only, for "
             "inspection)"),
    cl::init(false));
static cl::opt<unsigned> optLevel("O", cl::cat(toolOptions),
                                  cl::desc("LLVM optimisation level"),
                                  cl::Prefix, cl::init(3));

int main(int argc, char **argv) {
  llvm::InitLLVM init(argc, argv);
  cl::SetVersionPrinter([](llvm::raw_ostream &os) {
    os << "attn-compile (attention compiler) built against LLVM "
       << LLVM_VERSION_STRING << "\n";
  });
  cl::HideUnrelatedOptions(toolOptions);
  cl::ParseCommandLineOptions(argc, argv,
                              "attn AOT compiler: .mlir -> .so + .o + .h\n");
  if (optLevel > 3) {
    llvm::errs() << "error: -O" << optLevel << " is not in 0..3\n";
    return 1;
  }
  attn::CompileOptions options;
  options.queryTile = queryTile;
  options.keyTile = keyTile;
  options.stackScratchBytes = stackScratchBytes;
  options.cpu = cpu;
  options.optLevel = optLevel;
  options.parallel = parallel;
  options.target = target;
  options.chip = chip;
  options.allowTf32 = allowTf32;
  options.exposeWeights = exposeWeights;
  std::string header = headerFile;
  if (header.empty()) {
    llvm::SmallString<256> path(outputFile);
    llvm::sys::path::replace_extension(path, ".h");
    header = std::string(path);
  }
  return mlir::failed(attn::compileFile(inputFile, outputFile, header, options))
             ? 1
             : 0;
}
