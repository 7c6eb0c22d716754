//===- main.cpp - the attn compiler inside another compiler ---------------===//
//
// What a compiler that embeds attn does: its own MLIRContext with the attn
// dialect and the upstream dialects the attn pipelines lower through, the
// attn-lower-to-cpu pipeline run by name, the AOT compiler library for the
// object and the shared library, and the runtime to load the result. The
// output is checked against a plain C++ attention.
//
//===----------------------------------------------------------------------===//

#include "attn/Compiler/Compiler.h"
#include "attn/Dialect/Attn/IR/AttnDialect.h"
#include "attn/Dialect/Attn/Transforms/Passes.h"
#include "attn/InitAll.h"
#include "attn/Pipelines/Pipelines.h"
#include "attn/Runtime/Module.h"

#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/IR/MLIRContext.h"
#include "mlir/Parser/Parser.h"
#include "mlir/Pass/PassManager.h"
#include "mlir/Pass/PassRegistry.h"
#include "mlir/Target/LLVMIR/Dialect/Builtin/BuiltinToLLVMIRTranslation.h"
#include "mlir/Target/LLVMIR/Dialect/LLVMIR/LLVMToLLVMIRTranslation.h"
#include "llvm/ADT/SmallString.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/Path.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <vector>

// Batch 1, 2 heads, 8 queries, 32 keys, head dim 16; the default scale is
// 1/sqrt(16).
constexpr int64_t heads = 2, queries = 8, keys = 32, dim = 16;
constexpr float scale = 0.25f;

static const char *const source = R"mlir(
func.func @main(%q: tensor<1x2x8x16xf32>, %k: tensor<1x2x32x16xf32>,
                %v: tensor<1x2x32x16xf32>) -> tensor<1x2x8x16xf32> {
  %o = attn.attention %q, %k, %v
      : tensor<1x2x8x16xf32>, tensor<1x2x32x16xf32>, tensor<1x2x32x16xf32>
      -> tensor<1x2x8x16xf32>
  return %o : tensor<1x2x8x16xf32>
}
)mlir";

static int fail(const char *message) {
  std::fprintf(stderr, "error: %s\n", message);
  return 1;
}

/// The ops of the attn dialect in `module`.
static int countAttnOps(mlir::ModuleOp module) {
  int count = 0;
  module.walk([&](mlir::Operation *op) {
    if (op->getName().getDialectNamespace() ==
        mlir::attn::AttnDialect::getDialectNamespace())
      ++count;
  });
  return count;
}

/// Softmax attention in double precision, row by row.
static std::vector<float> reference(const std::vector<float> &q,
                                    const std::vector<float> &k,
                                    const std::vector<float> &v) {
  std::vector<float> o(q.size());
  for (int64_t h = 0; h < heads; ++h) {
    for (int64_t i = 0; i < queries; ++i) {
      const float *qi = &q[(h * queries + i) * dim];
      std::vector<double> p(keys);
      for (int64_t j = 0; j < keys; ++j) {
        const float *kj = &k[(h * keys + j) * dim];
        for (int64_t d = 0; d < dim; ++d)
          p[j] += double(qi[d]) * kj[d];
        p[j] *= scale;
      }
      double max = *std::max_element(p.begin(), p.end()), sum = 0;
      for (double &pj : p) {
        pj = std::exp(pj - max);
        sum += pj;
      }
      for (int64_t d = 0; d < dim; ++d) {
        double acc = 0;
        for (int64_t j = 0; j < keys; ++j)
          acc += p[j] * v[(h * keys + j) * dim + d];
        o[(h * queries + i) * dim + d] = float(acc / sum);
      }
    }
  }
  return o;
}

/// Loads the compiled library with the runtime, runs it on fixed inputs and
/// returns the largest difference to the reference (negative on failure).
static double runAndCompare(const std::string &libraryPath) {
  auto module = attn::runtime::Module::load(libraryPath, "main");
  if (!module) {
    std::fprintf(stderr, "error: %s\n", module.getError().c_str());
    return -1;
  }
  std::vector<float> q(heads * queries * dim), k(heads * keys * dim),
      v(heads * keys * dim), o(q.size());
  for (size_t i = 0; i < q.size(); ++i)
    q[i] = std::sin(0.37f * i);
  for (size_t i = 0; i < k.size(); ++i) {
    k[i] = std::cos(0.11f * i);
    v[i] = std::sin(0.05f * i + 1.0f);
  }
  void *pointers[] = {q.data(), k.data(), v.data(), o.data()};
  // Static shapes: the module has no size symbols to pass.
  const int64_t sizes[1] = {0};
  if ((*module)->call(pointers, sizes) != 0)
    return -1;
  std::vector<float> expected = reference(q, k, v);
  double error = 0;
  for (size_t i = 0; i < o.size(); ++i)
    error = std::max(error, double(std::fabs(o[i] - expected[i])));
  return error;
}

int main() {
  // Only what the attn pipelines parse and lower through, and the two
  // translations that object emission needs (no OpenMP: one thread).
  mlir::DialectRegistry registry;
  attn::registerAllDialects(registry);
  mlir::registerBuiltinDialectTranslation(registry);
  mlir::registerLLVMDialectTranslation(registry);
  mlir::MLIRContext context(registry);
  // The attn passes and named pipelines (attn-lower-to-cpu, ...), so that
  // this compiler can take them as text from its own options.
  mlir::attn::registerAttnPasses();
  mlir::attn::registerPipelines();

  mlir::OwningOpRef<mlir::ModuleOp> module =
      mlir::parseSourceString<mlir::ModuleOp>(source, &context);
  if (!module || countAttnOps(*module) != 1)
    return fail("cannot parse the module with its one attn.attention");

  mlir::PassManager pm(&context);
  if (mlir::failed(
          mlir::parsePassPipeline("attn-lower-to-cpu{parallel=false}", pm)) ||
      mlir::failed(pm.run(*module)))
    return fail("attn-lower-to-cpu failed");
  if (countAttnOps(*module) != 0 ||
      !module->lookupSymbol<mlir::LLVM::LLVMFuncOp>("attn_main_packed"))
    return fail("the lowered module still has attn ops or lacks the "
                "attn_main_packed entry point");

  llvm::SmallString<128> dir;
  if (llvm::sys::fs::createUniqueDirectory("attn-embedding", dir))
    return fail("cannot create a temporary directory");
  llvm::SmallString<128> object(dir), library(dir);
  llvm::sys::path::append(object, "attention.o");
  llvm::sys::path::append(library, "libattention.so");
  attn::CompileOptions options;
  options.parallel = false;
  double error = -1;
  if (mlir::succeeded(attn::emitObjectFile(*module, object, options)) &&
      mlir::succeeded(attn::linkSharedLibrary(object, library, {"-lm"})))
    error = runAndCompare(std::string(library));
  llvm::sys::fs::remove_directories(dir);
  if (error < 0)
    return fail("compiling or running the library failed");
  std::printf("max error against the reference: %g\n", error);
  return error < 1e-4 ? 0 : fail("the result differs from the reference");
}
