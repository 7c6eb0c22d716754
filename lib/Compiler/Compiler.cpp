//===- Compiler.cpp - AOT compiler driver as a library --------------------===//
//
// attn-compile and attn-run are thin shells over these phases: parse, lower
// to the LLVM dialect (attn-lower-to-cpu), translate to LLVM IR, optimise and
// emit an object with the host TargetMachine in process, link a shared
// library with the system compiler driver.
//
//===----------------------------------------------------------------------===//

#include "attn/Compiler/Compiler.h"

#include "attn/Compiler/CHeader.h"
#include "attn/Dialect/Attn/Transforms/Passes.h"
#include "attn/Import/OnnxImport.h"
#include "attn/InitAll.h"
#include "attn/Pipelines/Pipelines.h"

#include "mlir/ExecutionEngine/OptUtils.h"
#include "mlir/IR/MLIRContext.h"
#include "mlir/Parser/Parser.h"
#include "mlir/Pass/PassManager.h"
#include "mlir/Support/FileUtilities.h"
#include "mlir/Target/LLVMIR/Dialect/Builtin/BuiltinToLLVMIRTranslation.h"
#include "mlir/Target/LLVMIR/Dialect/LLVMIR/LLVMToLLVMIRTranslation.h"
#include "mlir/Target/LLVMIR/Dialect/OpenMP/OpenMPToLLVMIRTranslation.h"
#include "mlir/Target/LLVMIR/Export.h"
#include "llvm/IR/LegacyPassManager.h"
#include "llvm/IR/Module.h"
#include "llvm/MC/MCSubtargetInfo.h"
#include "llvm/MC/TargetRegistry.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/Program.h"
#include "llvm/Support/SourceMgr.h"
#include "llvm/Support/TargetSelect.h"
#include "llvm/Support/ToolOutputFile.h"
#include "llvm/Target/TargetMachine.h"
#include "llvm/TargetParser/Host.h"

#include <unistd.h>

using namespace mlir;

namespace attn {

void prepareContext(MLIRContext &context) {
  DialectRegistry registry;
  registerAllDialects(registry);
  registerBuiltinDialectTranslation(registry);
  registerLLVMDialectTranslation(registry);
  registerOpenMPDialectTranslation(registry);
  context.appendDialectRegistry(registry);
  context.loadAllAvailableDialects();
}

/// Reads `inputPath` ("-" for stdin) and builds the module from it: an ONNX
/// model through the importer, anything else as MLIR text or bytecode (its
/// buffer goes to `sourceMgr`, so diagnostics quote the source line).
static OwningOpRef<ModuleOp> loadModule(llvm::StringRef inputPath,
                                        llvm::SourceMgr &sourceMgr,
                                        MLIRContext &context) {
  std::string error;
  std::unique_ptr<llvm::MemoryBuffer> file = openInputFile(inputPath, &error);
  if (!file) {
    llvm::errs() << "error: cannot read '" << inputPath << "': " << error
                 << "\n";
    return nullptr;
  }
  if (isOnnxPath(inputPath)) {
#ifdef ATTN_HAVE_ONNX_IMPORT
    return importOnnxBytes(file->getBuffer(), inputPath, context);
#else
    llvm::errs() << "error: '" << inputPath
                 << "': this build has no ONNX importer (libonnx-dev and "
                    "libprotobuf-dev were not found when it was "
                    "configured)\n";
    return nullptr;
#endif
  }
  sourceMgr.AddNewSourceBuffer(std::move(file), llvm::SMLoc());
  return parseSourceFile<ModuleOp>(sourceMgr, &context);
}

OwningOpRef<ModuleOp> parseModule(llvm::StringRef inputPath,
                                  MLIRContext &context) {
  llvm::SourceMgr sourceMgr;
  return loadModule(inputPath, sourceMgr, context);
}

/// Whether the CPU code is generated for (`options.cpu`, "native" = this
/// host) has `feature` (an LLVM feature name such as "avx512f").
/// The GPU emulator's library: in the lib/ beside the running tool's bin/
/// (an installed compiler, and the build tree itself), else where the
/// build put it (a program outside bin/ using the compiler library).
static std::string gpuEmulatorLibrary() {
  std::string exe = llvm::sys::fs::getMainExecutable(
      nullptr, reinterpret_cast<void *>(&gpuEmulatorLibrary));
  llvm::SmallString<256> beside(
      llvm::sys::path::parent_path(llvm::sys::path::parent_path(exe)));
  llvm::sys::path::append(beside, "lib",
                          llvm::sys::path::filename(ATTN_GPU_EMULATOR_LIBRARY));
  if (!exe.empty() && llvm::sys::fs::exists(beside))
    return std::string(beside);
  return ATTN_GPU_EMULATOR_LIBRARY;
}

static bool targetHas(const CompileOptions &options, llvm::StringRef feature) {
  if (options.cpu == "native") {
    llvm::StringMap<bool> features = llvm::sys::getHostCPUFeatures();
    return features.lookup(feature);
  }
  llvm::InitializeNativeTarget();
  llvm::Triple triple(llvm::sys::getDefaultTargetTriple());
  std::string error;
  const llvm::Target *target =
      llvm::TargetRegistry::lookupTarget(triple, error);
  if (!target)
    return false;
  std::unique_ptr<llvm::MCSubtargetInfo> info(
      target->createMCSubtargetInfo(triple, options.cpu, ""));
  return info && info->checkFeatures(("+" + feature).str());
}

static void buildPipeline(OpPassManager &pm, const CompileOptions &options) {
  mlir::attn::CpuPipelineOptions pipeline;
  // Vectors of 16 f32 lanes: one zmm each (32 registers), or two ymm (16).
  pipeline.avx512 = targetHas(options, "avx512f");
  pipeline.vectorRegisters = pipeline.avx512 ? 32 : 8;
  pipeline.bf16DotProducts = targetHas(options, "avx512bf16");
  // The host's L2 for the tile cost model; 1 MiB for other CPUs.
  if (options.cpu == "native")
    if (long l2 = sysconf(_SC_LEVEL2_CACHE_SIZE); l2 > 0)
      pipeline.l2CacheBytes = l2;
  pipeline.queryTile = options.queryTile;
  pipeline.keyTile = options.keyTile;
  pipeline.keySplits = options.keySplits;
  pipeline.stackScratchBytes = options.stackScratchBytes;
  pipeline.parallel = options.parallel;
  pipeline.exposeWeights = options.exposeWeights;
  mlir::attn::buildLowerToCpuPipeline(pm, pipeline);
}

LogicalResult lowerToLLVMDialect(ModuleOp module,
                                 const CompileOptions &options) {
  PassManager pm(module->getName());
  buildPipeline(pm, options);
  return pm.run(module);
}

/// A TargetMachine for the host (or the requested CPU), or null with a
/// diagnostic.
static std::unique_ptr<llvm::TargetMachine>
createTargetMachine(ModuleOp module, const CompileOptions &options) {
  llvm::InitializeNativeTarget();
  llvm::InitializeNativeTargetAsmPrinter();
  llvm::Triple triple(llvm::sys::getDefaultTargetTriple());
  std::string error;
  const llvm::Target *target =
      llvm::TargetRegistry::lookupTarget(triple, error);
  if (!target) {
    module.emitError() << "no LLVM target for " << triple.str() << ": "
                       << error;
    return nullptr;
  }
  std::string cpu = options.cpu;
  std::string features;
  if (cpu == "native") {
    cpu = llvm::sys::getHostCPUName().str();
    for (const auto &feature : llvm::sys::getHostCPUFeatures())
      features += (feature.second ? "+" : "-") + feature.first().str() + ",";
  }
  llvm::CodeGenOptLevel level =
      options.optLevel >= 3   ? llvm::CodeGenOptLevel::Aggressive
      : options.optLevel == 2 ? llvm::CodeGenOptLevel::Default
      : options.optLevel == 1 ? llvm::CodeGenOptLevel::Less
                              : llvm::CodeGenOptLevel::None;
  std::unique_ptr<llvm::TargetMachine> machine(
      target->createTargetMachine(triple, cpu, features, llvm::TargetOptions(),
                                  llvm::Reloc::PIC_, std::nullopt, level));
  if (!machine)
    module.emitError() << "cannot create a target machine for CPU '" << cpu
                       << "'";
  return machine;
}

LogicalResult emitObjectFile(ModuleOp module, llvm::StringRef objectPath,
                             const CompileOptions &options) {
  std::unique_ptr<llvm::TargetMachine> machine =
      createTargetMachine(module, options);
  if (!machine)
    return failure();
  llvm::LLVMContext llvmContext;
  std::unique_ptr<llvm::Module> llvmModule =
      translateModuleToLLVMIR(module, llvmContext);
  if (!llvmModule)
    return module.emitError() << "translation to LLVM IR failed";
  llvmModule->setTargetTriple(machine->getTargetTriple());
  llvmModule->setDataLayout(machine->createDataLayout());

  auto optimize = makeOptimizingTransformer(options.optLevel, /*sizeLevel=*/0,
                                            machine.get());
  if (llvm::Error err = optimize(llvmModule.get())) {
    std::string message = llvm::toString(std::move(err));
    return module.emitError() << "LLVM optimisation failed: " << message;
  }

  std::error_code ec;
  llvm::ToolOutputFile out(objectPath, ec, llvm::sys::fs::OF_None);
  if (ec)
    return module.emitError()
           << "cannot write '" << objectPath << "': " << ec.message();
  llvm::legacy::PassManager codegen;
  if (machine->addPassesToEmitFile(codegen, out.os(), nullptr,
                                   llvm::CodeGenFileType::ObjectFile))
    return module.emitError() << "the target cannot emit object files";
  codegen.run(*llvmModule);
  out.keep();
  return success();
}

LogicalResult linkSharedLibrary(llvm::StringRef objectPath,
                                llvm::StringRef sharedLibPath,
                                llvm::ArrayRef<llvm::StringRef> libraries) {
  llvm::ErrorOr<std::string> cc = llvm::sys::findProgramByName("cc");
  if (!cc) {
    llvm::errs() << "error: no system linker driver 'cc' on PATH to link '"
                 << sharedLibPath << "'\n";
    return failure();
  }
  std::string errorMessage;
  SmallVector<llvm::StringRef> args = {*cc, "-shared", "-o", sharedLibPath,
                                       objectPath};
  args.append(libraries.begin(), libraries.end());
  int rc = llvm::sys::ExecuteAndWait(*cc, args, /*Env=*/std::nullopt,
                                     /*Redirects=*/{}, /*SecondsToWait=*/0,
                                     /*MemoryLimit=*/0, &errorMessage);
  if (rc != 0) {
    llvm::errs() << "error: linking '" << sharedLibPath << "' failed"
                 << (errorMessage.empty() ? "" : ": ") << errorMessage << "\n";
    return failure();
  }
  return success();
}

std::string checkCompileOptions(const CompileOptions &options) {
  bool gpu = options.target == "cuda" || options.target == "gpu-emulator";
  if (options.target != "cpu" && !gpu)
    return "unknown target '" + options.target +
           "' (expected 'cpu', 'cuda' or 'gpu-emulator')";
  if (gpu && mlir::attn::sharedMemoryLimit(options.chip) == 0)
    return "unknown chip '" + options.chip +
           "' (expected sm_80, sm_86, sm_89, sm_90 or sm_90a)";
  if (options.allowTf32 && !gpu)
    return "--allow-tf32 applies to the GPU targets ('cuda', "
           "'gpu-emulator'), not to 'cpu'";
  if (options.exposeWeights && gpu)
    return "the attention weights (--expose-weights, --dump-weights) are "
           "computed on the 'cpu' target only";
  return "";
}

LogicalResult compileModule(ModuleOp module, llvm::StringRef sharedLibPath,
                            llvm::StringRef headerPath,
                            const CompileOptions &options) {
  if (std::string error = checkCompileOptions(options); !error.empty())
    return module.emitError(error);
  if (!headerPath.empty()) {
    // The header is written from the signature recorded at tensor level.
    // Exposed weights are results too: their signature is read after the
    // exposure, on a copy (the lowering below exposes them in `module`).
    OwningOpRef<ModuleOp> copy;
    if (options.exposeWeights)
      copy = module.clone();
    ModuleOp signed_ = copy ? *copy : module;
    PassManager signature(module->getName());
    if (options.exposeWeights)
      mlir::attn::buildSignatureAndDecompose(signature,
                                             /*exposeWeights=*/true);
    else
      signature.addPass(mlir::attn::createAttnAbiSignature());
    if (failed(signature.run(signed_)))
      return failure();
    std::error_code ec;
    llvm::ToolOutputFile header(headerPath, ec, llvm::sys::fs::OF_Text);
    if (ec)
      return module.emitError()
             << "cannot write '" << headerPath << "': " << ec.message();
    if (failed(emitCHeader(signed_, header.os(), options.target == "cuda")))
      return failure();
    header.keep();
  }

  bool cuda = options.target == "cuda";
  bool emulator = options.target == "gpu-emulator";
  if (failed(cuda || emulator ? lowerToCuda(module, sharedLibPath, options)
                              : lowerToLLVMDialect(module, options)))
    return failure();
  llvm::SmallString<256> objectPath(sharedLibPath);
  llvm::sys::path::replace_extension(objectPath, ".o");
  CompileOptions host = options;
  if (cuda && host.cpu == "native")
    host.cpu = "x86-64";
  if (failed(emitObjectFile(module, objectPath, host)))
    return failure();
  // libomp runs the parallel work items of CPU code: a dependency of the
  // compiled library (Debian's libomp5), not of MLIR or LLVM. CUDA
  // libraries call the CUDA runtime library of lib/Runtime, which the
  // program links (or has loaded) instead.
  if (cuda)
    return linkSharedLibrary(objectPath, sharedLibPath, {"-lm"});
  if (emulator)
    return linkSharedLibrary(
        objectPath, sharedLibPath,
        {gpuEmulatorLibrary(), "-lstdc++", "-lpthread", "-lm"});
  return linkSharedLibrary(objectPath, sharedLibPath, {"-lomp", "-lm"});
}

LogicalResult compileFile(llvm::StringRef inputPath,
                          llvm::StringRef sharedLibPath,
                          llvm::StringRef headerPath,
                          const CompileOptions &options) {
  MLIRContext context(MLIRContext::Threading::DISABLED);
  prepareContext(context);
  llvm::SourceMgr sourceMgr;
  SourceMgrDiagnosticHandler handler(sourceMgr, &context);
  OwningOpRef<ModuleOp> module = loadModule(inputPath, sourceMgr, context);
  if (!module)
    return failure();
  // Option errors are about the command line, not the input: no location.
  if (std::string error = checkCompileOptions(options); !error.empty()) {
    llvm::errs() << "error: " << error << "\n";
    return failure();
  }
  return compileModule(*module, sharedLibPath, headerPath, options);
}

TemporaryLibrary::TemporaryLibrary(TemporaryLibrary &&other) noexcept
    : directory(std::move(other.directory)),
      libraryPath(std::move(other.libraryPath)) {
  other.directory.clear();
}

TemporaryLibrary &
TemporaryLibrary::operator=(TemporaryLibrary &&other) noexcept {
  std::swap(directory, other.directory);
  std::swap(libraryPath, other.libraryPath);
  return *this;
}

TemporaryLibrary::~TemporaryLibrary() {
  if (!directory.empty())
    llvm::sys::fs::remove_directories(directory);
}

FailureOr<TemporaryLibrary>
compileToTemporaryLibrary(llvm::StringRef inputPath, llvm::StringRef toolName,
                          const CompileOptions &options) {
  TemporaryLibrary library;
  llvm::SmallString<128> dir;
  if (std::error_code ec =
          llvm::sys::fs::createUniqueDirectory(toolName, dir)) {
    llvm::errs() << "error: cannot create a temporary directory: "
                 << ec.message() << "\n";
    return failure();
  }
  library.directory = std::string(dir);
  llvm::SmallString<128> path(dir);
  llvm::sys::path::append(path, "module.so");
  library.libraryPath = std::string(path);
  if (failed(compileFile(inputPath, library.libraryPath, /*headerPath=*/"",
                         options)))
    return failure();
  return library;
}

} // namespace attn
