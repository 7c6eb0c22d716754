//===- attn-import.cpp - print the MLIR of an ONNX model ------------------===//
//
//   attn-import model.onnx [-o model.mlir] [--weights-as-inputs]
//   attn-import --list-ops
//
// Prints the module the importer builds, before any lowering: what
// attn-compile and attn-run compile when given the .onnx file.
//
//===----------------------------------------------------------------------===//

#include "attn/Compiler/Compiler.h"
#include "attn/Import/OnnxImport.h"

#include "mlir/IR/Diagnostics.h"
#include "mlir/IR/MLIRContext.h"
#include "mlir/IR/OperationSupport.h"
#include "mlir/Support/FileUtilities.h"
#include "llvm/Support/CommandLine.h"
#include "llvm/Support/InitLLVM.h"
#include "llvm/Support/SourceMgr.h"
#include "llvm/Support/ToolOutputFile.h"

namespace cl = llvm::cl;

static cl::OptionCategory toolOptions("attn-import options");

static cl::opt<std::string> inputFile(cl::Positional, cl::cat(toolOptions),
                                      cl::desc("<input .onnx file>"),
                                      cl::init("-"));
static cl::opt<std::string> outputFile("o", cl::cat(toolOptions),
                                       cl::desc("Output .mlir file"),
                                       cl::value_desc("file.mlir"),
                                       cl::init("-"));
static cl::opt<bool> weightsAsInputs(
    "weights-as-inputs", cl::cat(toolOptions),
    cl::desc("Initializers become trailing arguments of the function "
             "instead of constants"),
    cl::init(false));
static cl::opt<std::string>
    functionName("function", cl::cat(toolOptions),
                 cl::desc("Name of the function built from the graph"),
                 cl::init("main"));
static cl::opt<bool> elideWeights(
    "elide-weights", cl::cat(toolOptions),
    cl::desc("Print constants of more than 16 elements as dense_resource "
             "placeholders (for reading, not for compiling)"),
    cl::init(false));
static cl::opt<bool>
    listOps("list-ops", cl::cat(toolOptions),
            cl::desc("Print the supported ONNX op types as a markdown table "
                     "and exit"),
            cl::init(false));

int main(int argc, char **argv) {
  llvm::InitLLVM init(argc, argv);
  cl::SetVersionPrinter([](llvm::raw_ostream &os) {
    os << "attn-import (attention compiler) built against LLVM "
       << LLVM_VERSION_STRING << "\n";
  });
  cl::HideUnrelatedOptions(toolOptions);
  cl::ParseCommandLineOptions(argc, argv,
                              "import an ONNX model as an attn/linalg "
                              "module\n");
  std::string error;
  std::unique_ptr<llvm::ToolOutputFile> output =
      mlir::openOutputFile(outputFile, &error);
  if (!output) {
    llvm::errs() << "error: " << error << "\n";
    return 1;
  }
  if (listOps) {
    output->os() << "| op type | since opset | becomes |\n|---|---:|---|\n";
    for (const attn::OnnxOpSupport &op : attn::supportedOnnxOps())
      output->os() << "| " << op.opType << " | " << op.sinceOpset << " | "
                   << op.notes << " |\n";
    output->keep();
    return 0;
  }

  mlir::MLIRContext context;
  attn::prepareContext(context);
  llvm::SourceMgr sourceMgr;
  mlir::SourceMgrDiagnosticHandler diagnostics(sourceMgr, &context);
  attn::OnnxImportOptions options;
  options.functionName = functionName;
  options.weightsAsInputs = weightsAsInputs;
  mlir::OwningOpRef<mlir::ModuleOp> module =
      attn::importOnnxFile(inputFile, context, options);
  if (!module)
    return 1;
  mlir::OpPrintingFlags flags;
  if (elideWeights)
    flags.elideLargeElementsAttrs(16);
  module->print(output->os(), flags);
  output->keep();
  return 0;
}
