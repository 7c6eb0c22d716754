//===- IRPipeline.cpp - shared part of the IR fuzz targets ----------------===//
//
// The pass manager's own verifier is off; an instrumentation verifies after
// every pass that succeeded instead and aborts (a fuzzer finding) when the IR
// does not verify, naming the pass.
//
//===----------------------------------------------------------------------===//

#include "IRPipeline.h"

#include "attn/InitAll.h"
#ifdef ATTN_HAVE_ONNX_IMPORT
#include "attn/Import/OnnxImport.h"
#endif
#include "attn/Pipelines/Pipelines.h"

#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/Diagnostics.h"
#include "mlir/IR/DialectRegistry.h"
#include "mlir/IR/MLIRContext.h"
#include "mlir/IR/Verifier.h"
#include "mlir/Parser/Parser.h"
#include "mlir/Pass/Pass.h"
#include "mlir/Pass/PassInstrumentation.h"
#include "mlir/Pass/PassManager.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/SourceMgr.h"
#include "llvm/Support/raw_ostream.h"

#include <cstdlib>
#include <cstring>
#include <memory>

using namespace mlir;

/// libMLIR.so and libLLVM.so are not instrumented, but the allocators that
/// LLVM headers inline into our (instrumented) code poison the slabs they
/// start; the uninstrumented library later hands out that memory without
/// unpoisoning it, and ASan reports a use-after-poison that is not one. User
/// poisoning is off: ASan still checks every heap, stack and global access.
extern "C" const char *__asan_default_options() {
  return "allow_user_poisoning=0";
}

namespace {
/// Aborts when a pass that succeeded leaves IR that does not verify.
struct VerifyAfterEachPass : PassInstrumentation {
  void runAfterPass(Pass *pass, Operation *op) override {
    // The fuzzer's handler drops diagnostics; print the verifier's here.
    ScopedDiagnosticHandler print(op->getContext(), [](Diagnostic &diag) {
      llvm::errs() << "  " << diag << "\n";
      return success();
    });
    if (succeeded(verify(op)))
      return;
    llvm::errs() << "attn-fuzz: pass '" << pass->getArgument()
                 << "' succeeded but left IR that does not verify\n";
    std::abort();
  }
};

DialectRegistry *registry;
std::unique_ptr<MLIRContext> context;
unsigned contextUses;
bool lowerToCpu;

/// A context lives for a bounded number of inputs: attributes and types are
/// uniqued for its lifetime, so one context for millions of inputs would
/// grow without bound, and one per input would dominate the time.
MLIRContext &getContext() {
  constexpr unsigned kInputsPerContext = 256;
  if (!context || ++contextUses > kInputsPerContext) {
    context.reset();
    context = std::make_unique<MLIRContext>(*registry,
                                            MLIRContext::Threading::DISABLED);
    context->loadAllAvailableDialects();
    contextUses = 0;
  }
  return *context;
}
} // namespace

/// Runs the pipeline on `module`; failing is fine, IR that does not verify
/// after a pass that succeeded aborts.
static void lowerModule(ModuleOp module) {
  PassManager pm(module.getContext(), ModuleOp::getOperationName());
  pm.enableVerifier(false);
  pm.addInstrumentation(std::make_unique<VerifyAfterEachPass>());
  mlir::attn::CpuPipelineOptions options;
  if (lowerToCpu)
    mlir::attn::buildLowerToCpuPipeline(pm, options);
  else
    mlir::attn::buildLowerToTilesPipeline(pm, options);
  (void)pm.run(module);
}

void ::attn::fuzz::initIRPipeline() {
  registry = new DialectRegistry();
  ::attn::registerAllDialects(*registry);
  const char *pipeline = std::getenv("ATTN_FUZZ_PIPELINE");
  lowerToCpu = pipeline && std::strcmp(pipeline, "cpu") == 0;
}

bool ::attn::fuzz::runIRPipeline(llvm::StringRef text) {
  MLIRContext &ctx = getContext();
  // Drop every diagnostic: errors are an acceptable outcome.
  ScopedDiagnosticHandler quiet(&ctx, [](Diagnostic &) { return success(); });

  llvm::SourceMgr sourceMgr;
  sourceMgr.AddNewSourceBuffer(
      llvm::MemoryBuffer::getMemBufferCopy(text, "fuzz-input"), llvm::SMLoc());
  ParserConfig config(&ctx, /*verifyAfterParse=*/true);
  OwningOpRef<ModuleOp> module = parseSourceFile<ModuleOp>(sourceMgr, config);
  if (!module)
    return false;

  lowerModule(*module);
  return true;
}

#ifdef ATTN_HAVE_ONNX_IMPORT
bool ::attn::fuzz::runOnnxPipeline(llvm::StringRef bytes) {
  MLIRContext &ctx = getContext();
  ScopedDiagnosticHandler quiet(&ctx, [](Diagnostic &) { return success(); });
  OwningOpRef<ModuleOp> module =
      ::attn::importOnnxBytes(bytes, "fuzz-input.onnx", ctx);
  if (!module)
    return false;
  lowerModule(*module);
  return true;
}
#endif
