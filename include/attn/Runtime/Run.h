//===- Run.h - The run-on-.npy-files steps shared by the tools -*- C++ -*-===//
//
// attn-run (compile, then run) and attn-exec (run a prebuilt library) take
// the same --input=@FILE / --output=@FILE options and report the same
// errors; these are the steps around loading the module.
//
//===----------------------------------------------------------------------===//

#ifndef ATTN_RUNTIME_RUN_H
#define ATTN_RUNTIME_RUN_H

#include "attn/Runtime/Execution.h"
#include "attn/Runtime/Expected.h"
#include "attn/Runtime/Module.h"
#include "attn/Runtime/Npy.h"

#include <string>
#include <string_view>
#include <vector>

namespace attn {
namespace runtime {

/// The files of one run: inputs already read, outputs still to write.
struct RunFiles {
  std::vector<NpyArray> inputs;
  std::vector<std::string> outputPaths;
};

/// The path of the `index`th value of `option` ("--input"), which must be
/// written "@FILE"; other forms are reserved for inline values. Error:
/// "--input #0 'q.npy' must be written @FILE.npy".
Expected<std::string> getFileOperand(std::string_view option, size_t index,
                                     std::string_view value);

/// Checks every --output value, then reads every --input file (in that
/// order), so that a bad file fails before anything is compiled or loaded.
/// Errors name the option: "--input #1: cannot read 'k.npy': ...".
Expected<RunFiles> readRunFiles(const std::vector<std::string> &inputs,
                                const std::vector<std::string> &outputs);

/// Checks the number of inputs and outputs against the function's manifest
/// ("function 'main' takes 3 arguments, but 2 --input were given"; weights
/// results, below, need no --output), runs it
/// `repeat` times (execute) and writes the results. Freed heap memory is
/// kept for the next call from here on (retainFreedHeapMemory).
Expected<ExecutionResult> runAndWriteOutputs(const Module &module,
                                             RunFiles files, unsigned repeat);

/// Results named with this prefix are the attention weights that a module
/// compiled with attn-expose-weights adds after its own results.
inline constexpr const char *kWeightsResultPrefix = "attn.weights";

/// Whether `result` is such a weights result.
bool isWeightsResult(const ManifestTensor &result);

/// A weights result's name as the heat maps' titles show it:
/// "attn.weights3:causal.mlir:31,softmax,causal" becomes
/// "weights3: causal.mlir:31, softmax, causal".
std::string describeWeightsResult(std::string_view name);

/// Weights whose batch, query or key positions are products of the
/// function's sizes (non_local's H*W) are results of higher rank, each
/// product split into its factors; the name says how many dimensions each
/// of B, Hq, Sq and Skv (after the iterations of an attention in a loop)
/// became: "attn.weights0:...,dims=1/1/2/2" gives {1, 1, 2, 2}. Empty when
/// the name has no such part. execute() merges the groups, so callers see
/// [B, Hq, Sq, Skv], or [iterations, B, Hq, Sq, Skv].
std::vector<int64_t> getWeightsDimGroups(std::string_view name);

/// Writes every weights result of `result` into `directory` (created when
/// missing) as `<function>.weights<N>.npy` and a PNG heat map
/// `<function>.weights<N>.png` titled with the op's description. Returns one
/// line per op naming the files.
Expected<std::vector<std::string>> dumpWeights(const Module &module,
                                               const ExecutionResult &result,
                                               const std::string &directory);

/// The line --print-time prints: "time: 1.234 ms (median of 3)\n".
std::string formatTimeLine(const ExecutionResult &result);

} // namespace runtime
} // namespace attn

#endif // ATTN_RUNTIME_RUN_H
