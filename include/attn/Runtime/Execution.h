//===- Execution.h - Running a loaded function on host arrays ---*- C++ -*-===//

#ifndef ATTN_RUNTIME_EXECUTION_H
#define ATTN_RUNTIME_EXECUTION_H

#include "attn/Runtime/Expected.h"
#include "attn/Runtime/Module.h"
#include "attn/Runtime/Npy.h"

#include <vector>

namespace attn {
namespace runtime {

struct ExecutionResult {
  /// The results, converted to their .npy types.
  std::vector<NpyArray> outputs;
  /// The time of each call in milliseconds: wall time for a CPU module, the
  /// device time between CUDA events around the call for a CUDA module.
  std::vector<double> timesMs;

  /// The median of `timesMs` (mean of the middle two for an even count).
  double getMedianMs() const;
};

/// Binds `inputs` to `module`'s function, calls it `repeat` (>= 1) times and
/// converts the results. A non-zero status from the entry is an error. For a
/// CUDA module the inputs are copied to device buffers, the results are
/// allocated on the device, each call runs on a new stream and is waited for,
/// and the results are copied back.
Expected<ExecutionResult> execute(const Module &module,
                                  std::vector<NpyArray> inputs,
                                  unsigned repeat = 1);

} // namespace runtime
} // namespace attn

#endif // ATTN_RUNTIME_EXECUTION_H
