//===- BenchModule.h - The entry point as attn-bench sees it ----*- C++ -*-===//
//
// attn-bench times modules whose entry is one attn.attention on the
// function's arguments (as in examples/variants/). It reads the op to set up
// the baseline (bench/BlasAttention.h) and the inputs, and fills the
// arguments at the ABI (docs/abi.md) with seeded random data.
//
//===----------------------------------------------------------------------===//

#ifndef ATTN_TOOLS_ATTN_BENCH_BENCHMODULE_H
#define ATTN_TOOLS_ATTN_BENCH_BENCHMODULE_H

#include "BlasAttention.h"

#include "attn/Runtime/Buffer.h"
#include "attn/Runtime/Expected.h"
#include "attn/Runtime/Manifest.h"

#include "mlir/IR/BuiltinOps.h"
#include "llvm/ADT/StringRef.h"

#include <cstdint>
#include <string>
#include <vector>

namespace attn_bench {

/// What an argument of the entry is to the attention op.
enum class Role { Query, Key, Value, Mask, Bias, KeyLengths, Scales };

/// The dynamic sizes asked for; a size not `given` yields to a static size
/// of the module (and Skv < 0 means Skv = Sq).
struct RequestedSizes {
  int64_t batch = 1, querySeq = 1024, keySeq = -1;
  bool batchGiven = false, querySeqGiven = false, keySeqGiven = false;
};

/// The entry: the problem (sizes and variant), and for every function
/// argument its role and shape; which function result is the output.
struct BenchModule {
  AttentionProblem problem;
  std::vector<Role> argRoles;
  std::vector<std::vector<int64_t>> argShapes;
  unsigned outputResult = 0;
  /// Element type of q, k and v: "f32", "bf16", "f16" or "f8e4m3fn" (then o
  /// is wider).
  std::string elementType;
};

/// Reads the attention op of `@entry`. Errors say what is not supported.
attn::runtime::Status inspectModule(mlir::ModuleOp module,
                                    llvm::StringRef entry,
                                    const RequestedSizes &sizes,
                                    BenchModule &bench);

/// The arguments and results of one call, and the f32 view of the inputs
/// that the baseline reads.
struct BenchInputs {
  std::vector<attn::runtime::Buffer> args, results;
  /// The packed entry's operands: arguments then results; size symbols.
  std::vector<void *> pointers;
  std::vector<int64_t> sizes;
  /// q, k, v and bias widened to f32 after rounding to the ABI type (so
  /// both sides see the same values); empty for the other arguments.
  std::vector<std::vector<float>> argFloats;
};

/// Allocates and fills the arguments of `manifest`'s function (uniform in
/// [-1, 1), bias in [-0.5, 0.5), masks all true, key lengths = Skv) and the
/// results, infers the size symbols, and points `bench.problem`'s mask,
/// bias and key lengths at the data. Returns q, k and v in f32 through
/// `q`, `k`, `v`.
attn::runtime::Status prepareInputs(const attn::runtime::Manifest &manifest,
                                    unsigned seed, BenchModule &bench,
                                    BenchInputs &inputs, const float *&q,
                                    const float *&k, const float *&v);

} // namespace attn_bench

#endif // ATTN_TOOLS_ATTN_BENCH_BENCHMODULE_H
