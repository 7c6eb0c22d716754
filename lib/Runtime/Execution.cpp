//===- Execution.cpp - Running a loaded function on host arrays -----------===//

#include "attn/Runtime/Execution.h"

#include "attn/Runtime/Binding.h"

#include <algorithm>
#include <chrono>

using namespace attn::runtime;

double ExecutionResult::getMedianMs() const {
  if (timesMs.empty())
    return 0;
  std::vector<double> sorted = timesMs;
  std::sort(sorted.begin(), sorted.end());
  size_t mid = sorted.size() / 2;
  return sorted.size() % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

Expected<ExecutionResult> attn::runtime::execute(const Module &module,
                                                 std::vector<NpyArray> inputs,
                                                 unsigned repeat) {
  if (repeat == 0)
    return makeError("the repeat count must be at least 1");
  Expected<Binding> binding =
      bindInputs(module.getManifest(), std::move(inputs));
  if (!binding)
    return binding.takeError();

  ExecutionResult result;
  std::vector<void *> pointers = binding->getPointers();
  for (unsigned i = 0; i < repeat; ++i) {
    auto start = std::chrono::steady_clock::now();
    int32_t status = module.call(pointers.data(), binding->sizes.data());
    auto end = std::chrono::steady_clock::now();
    if (status != 0)
      return makeError("function '", module.getFunction(), "' returned status ",
                       status,
                       status == 1 ? " (a size is negative or a tensor's byte "
                                     "size overflows int64_t)"
                                   : "");
    result.timesMs.push_back(
        std::chrono::duration<double, std::milli>(end - start).count());
  }

  for (size_t i = 0; i < binding->results.size(); ++i) {
    Expected<NpyArray> output = toNpyArray(std::move(binding->results[i]));
    if (!output)
      return makeError("result #", i, ": ", output.getError());
    result.outputs.push_back(std::move(*output));
  }
  return result;
}
