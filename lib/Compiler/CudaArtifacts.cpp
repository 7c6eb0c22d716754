//===- CudaArtifacts.cpp - kernels of a CUDA module, on disk and embedded -===//
//
// attn-lower-to-cuda leaves the kernels as PTX in a gpu.binary. This writes
// that PTX beside the library, assembles it with the CUDA toolkit's ptxas
// when it is installed (a cubin, and a check of the PTX), and embeds a fat
// binary of both when fatbinary is there too: the driver loads the cubin on
// the chip it was built for and JIT-compiles the PTX elsewhere. Without the
// toolkit the library embeds the PTX alone, which the driver JIT-compiles.
//
//===----------------------------------------------------------------------===//

#include "attn/Compiler/Compiler.h"
#include "attn/Pipelines/Pipelines.h"

#include "mlir/Dialect/GPU/IR/GPUDialect.h"
#include "mlir/Pass/PassManager.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/Program.h"
#include "llvm/Support/ToolOutputFile.h"

#include <cstdlib>

using namespace mlir;

namespace attn {
namespace {

/// A CUDA toolkit program: on PATH, else under $CUDA_HOME/bin or
/// /usr/local/cuda/bin; empty when none is found.
std::string findCudaTool(llvm::StringRef name) {
  if (llvm::ErrorOr<std::string> found = llvm::sys::findProgramByName(name))
    return *found;
  SmallVector<llvm::StringRef, 2> dirs;
  std::string home;
  if (const char *env = std::getenv("CUDA_HOME"))
    home = (llvm::Twine(env) + "/bin").str();
  if (!home.empty())
    dirs.push_back(home);
  dirs.push_back("/usr/local/cuda/bin");
  if (llvm::ErrorOr<std::string> found =
          llvm::sys::findProgramByName(name, dirs))
    return *found;
  return "";
}

/// Runs `args` (args[0] is the program); on failure reports `what`.
LogicalResult runTool(ArrayRef<llvm::StringRef> args, llvm::StringRef what) {
  std::string message;
  int rc = llvm::sys::ExecuteAndWait(args[0], args, /*Env=*/std::nullopt,
                                     /*Redirects=*/{}, /*SecondsToWait=*/0,
                                     /*MemoryLimit=*/0, &message);
  if (rc == 0)
    return success();
  llvm::errs() << "error: " << what << " failed (" << args[0] << " exited with "
               << rc << (message.empty() ? "" : ": ") << message << ")\n";
  return failure();
}

LogicalResult writeFile(llvm::StringRef path, llvm::StringRef bytes) {
  std::error_code ec;
  llvm::ToolOutputFile out(path, ec, llvm::sys::fs::OF_None);
  if (ec) {
    llvm::errs() << "error: cannot write '" << path << "': " << ec.message()
                 << "\n";
    return failure();
  }
  out.os() << bytes;
  out.keep();
  return success();
}

std::string besideLibrary(llvm::StringRef sharedLibPath,
                          llvm::StringRef extension) {
  llvm::SmallString<256> path(sharedLibPath);
  llvm::sys::path::replace_extension(path, extension);
  return std::string(path);
}

} // namespace

LogicalResult lowerToCuda(ModuleOp module, llvm::StringRef sharedLibPath,
                          const CompileOptions &options) {
  mlir::attn::CudaPipelineOptions pipeline;
  pipeline.chip = options.chip;
  pipeline.allowTf32 = options.allowTf32;
  if (options.queryTile > 0)
    pipeline.queryTile = options.queryTile;
  if (options.keyTile > 0)
    pipeline.keyTile = options.keyTile;
  pipeline.optLevel = options.optLevel;
  pipeline.emulate = options.target == "gpu-emulator";
  PassManager pm(module->getName());
  mlir::attn::buildLowerToCudaPipeline(pm, pipeline);
  if (failed(pm.run(module)))
    return failure();
  if (pipeline.emulate)
    return success();

  // One gpu.binary (@attn_kernels) with one PTX object; none when the
  // module has no attention op.
  SmallVector<gpu::BinaryOp> binaries;
  module.walk([&](gpu::BinaryOp op) { binaries.push_back(op); });
  if (binaries.empty())
    return success();
  if (binaries.size() != 1 || binaries[0].getObjects().size() != 1)
    return module.emitError() << "expected one gpu.binary with one object";
  gpu::BinaryOp binary = binaries[0];
  auto object = cast<gpu::ObjectAttr>(binary.getObjects()[0]);
  llvm::StringRef ptx = object.getObject().getValue();
  std::string ptxPath = besideLibrary(sharedLibPath, ".ptx");
  if (failed(writeFile(ptxPath, ptx)))
    return failure();

  std::string ptxas = findCudaTool("ptxas");
  if (ptxas.empty())
    return success();
  std::string cubinPath = besideLibrary(sharedLibPath, ".cubin");
  std::string arch = "-arch=" + options.chip;
  if (failed(runTool({ptxas, arch, "-O3", ptxPath, "-o", cubinPath},
                     "assembling the PTX with ptxas")))
    return failure();

  std::string fatbinary = findCudaTool("fatbinary");
  if (fatbinary.empty())
    return success();
  std::string fatbinPath = besideLibrary(sharedLibPath, ".fatbin");
  std::string sm = llvm::StringRef(options.chip).drop_front(3).str();
  std::string elf = "--image3=kind=elf,sm=" + sm + ",file=" + cubinPath;
  std::string ptxImage = "--image3=kind=ptx,sm=" + sm + ",file=" + ptxPath;
  if (failed(
          runTool({fatbinary, "-64", "--create=" + fatbinPath, elf, ptxImage},
                  "packing the cubin and the PTX with fatbinary")))
    return failure();
  auto bytes = llvm::MemoryBuffer::getFile(fatbinPath, /*IsText=*/false);
  if (!bytes) {
    llvm::errs() << "error: cannot read '" << fatbinPath
                 << "': " << bytes.getError().message() << "\n";
    return failure();
  }
  MLIRContext *context = module.getContext();
  auto fat = gpu::ObjectAttr::get(
      context, object.getTarget(), gpu::CompilationTarget::Fatbin,
      StringAttr::get(context, (*bytes)->getBuffer()), object.getProperties(),
      object.getKernels());
  binary.setObjectsAttr(ArrayAttr::get(context, {fat}));
  return success();
}

} // namespace attn
