//===- Execution.cpp - Running a loaded function on host arrays -----------===//

#include "attn/Runtime/Execution.h"

#include "attn/Runtime/Binding.h"
#include "attn/Runtime/Cuda.h"
#include "attn/Runtime/Run.h"

#include <fmt/format.h>

#include <algorithm>
#include <chrono>
#include <functional>
#include <numeric>

using namespace attn::runtime;

double ExecutionResult::getMedianMs() const {
  if (timesMs.empty())
    return 0;
  std::vector<double> sorted = timesMs;
  std::sort(sorted.begin(), sorted.end());
  size_t mid = sorted.size() / 2;
  return sorted.size() % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

/// The error for a non-zero status of the packed entry.
static Error getStatusError(const Module &module, int32_t status) {
  std::string reason;
  if (status == 1)
    reason = " (a size is negative or a tensor's byte size overflows int64_t)";
  else if (status == 3)
    reason = " (out of memory: a heap allocation of the compiled code failed; "
             "the results are unspecified)";
  else if (status == 2 && module.getTarget() == Target::CUDA) {
    std::string message = cuda::getLastCallError();
    reason = fmt::format(" (a CUDA error: {})",
                         message.empty() ? "no message" : message);
  }
  return makeError("function '", module.getFunction(), "' returned status ",
                   status, reason);
}

/// Converts the results of `binding` to their .npy types.
static Status convertResults(Binding &binding, ExecutionResult &result) {
  for (size_t i = 0; i < binding.results.size(); ++i) {
    Expected<NpyArray> output = toNpyArray(std::move(binding.results[i]));
    if (!output)
      return makeError("result #", i, ": ", output.getError());
    result.outputs.push_back(std::move(*output));
  }
  return Status::success();
}

static Expected<ExecutionResult>
executeOnHost(const Module &module, Binding &binding, unsigned repeat) {
  ExecutionResult result;
  std::vector<void *> pointers = binding.getPointers();
  for (unsigned i = 0; i < repeat; ++i) {
    auto start = std::chrono::steady_clock::now();
    int32_t status = module.call(pointers.data(), binding.sizes.data());
    auto end = std::chrono::steady_clock::now();
    if (status != 0)
      return getStatusError(module, status);
    result.timesMs.push_back(
        std::chrono::duration<double, std::milli>(end - start).count());
  }
  if (Status status = convertResults(binding, result); !status)
    return status.takeError();
  return result;
}

/// Names a tensor of the binding in messages: "argument #1 'k'".
static std::string describeTensor(const Manifest &manifest, size_t index) {
  size_t numArgs = manifest.args.size();
  if (index < numArgs)
    return fmt::format("argument #{} '{}'", index, manifest.args[index].name);
  return fmt::format("result #{} '{}'", index - numArgs,
                     manifest.results[index - numArgs].name);
}

static Expected<ExecutionResult>
executeOnCuda(const Module &module, Binding &binding, unsigned repeat) {
  const Manifest &manifest = module.getManifest();
  if (Status status = cuda::initialize(); !status)
    return Error{fmt::format("cannot run function '{}' (target cuda {}): {}",
                             module.getFunction(), manifest.chip,
                             status.getError())};
  Expected<cuda::Stream> stream = cuda::Stream::create();
  if (!stream)
    return stream.takeError();

  // Device copies of the arguments, then the results, zeroed as on the
  // host.
  std::vector<cuda::DeviceBuffer> buffers;
  std::vector<void *> pointers;
  auto addBuffer = [&](const Tensor &tensor, bool copy) -> Status {
    std::string what = describeTensor(manifest, buffers.size());
    Expected<cuda::DeviceBuffer> buffer =
        cuda::DeviceBuffer::allocate(tensor.data.size());
    if (!buffer)
      return Error{fmt::format("{}: {}", what, buffer.getError())};
    Status status = copy ? buffer->copyFromHost(tensor.data.data(),
                                                tensor.data.size(), *stream)
                         : buffer->clear(*stream);
    if (!status)
      return Error{fmt::format("{}: {}", what, status.getError())};
    pointers.push_back(buffer->get());
    buffers.push_back(std::move(*buffer));
    return Status::success();
  };
  for (const Tensor &tensor : binding.args)
    if (Status status = addBuffer(tensor, /*copy=*/true); !status)
      return status.takeError();
  for (const Tensor &tensor : binding.results)
    if (Status status = addBuffer(tensor, /*copy=*/false); !status)
      return status.takeError();

  Expected<cuda::Event> start = cuda::Event::create();
  if (!start)
    return start.takeError();
  Expected<cuda::Event> end = cuda::Event::create();
  if (!end)
    return end.takeError();

  ExecutionResult result;
  for (unsigned i = 0; i < repeat; ++i) {
    if (Status status = start->record(*stream); !status)
      return status.takeError();
    int32_t status =
        module.call(pointers.data(), binding.sizes.data(), stream->get());
    if (status != 0)
      return getStatusError(module, status);
    if (Status recorded = end->record(*stream); !recorded)
      return recorded.takeError();
    // Faults of the kernels show up here.
    if (Status synced = stream->synchronize(); !synced)
      return Error{fmt::format("function '{}' failed on the device: {}",
                               module.getFunction(), synced.getError())};
    Expected<double> ms = cuda::Event::getElapsedMs(*start, *end);
    if (!ms)
      return ms.takeError();
    result.timesMs.push_back(*ms);
  }

  size_t numArgs = binding.args.size();
  for (size_t i = 0; i < binding.results.size(); ++i) {
    Tensor &tensor = binding.results[i];
    if (Status status = buffers[numArgs + i].copyToHost(
            tensor.data.data(), tensor.data.size(), *stream);
        !status)
      return Error{fmt::format("{}: {}", describeTensor(manifest, numArgs + i),
                               status.getError())};
  }
  if (Status status = convertResults(binding, result); !status)
    return status.takeError();
  return result;
}

/// Weights results whose name says that positions were split into sizes
/// the ABI can name ("dims=2/1/2/2") come back as [B, Hq, Sq, Skv].
static Status mergeWeightsDims(const Manifest &manifest,
                               ExecutionResult &result) {
  for (size_t i = 0; i < manifest.results.size(); ++i) {
    const ManifestTensor &tensor = manifest.results[i];
    if (!isWeightsResult(tensor))
      continue;
    std::vector<int64_t> groups = getWeightsDimGroups(tensor.name);
    std::vector<int64_t> &shape = result.outputs[i].shape;
    if (groups.empty())
      continue;
    if (std::accumulate(groups.begin(), groups.end(), int64_t(0)) !=
        int64_t(shape.size()))
      return makeError("result '", tensor.name, "' has rank ", shape.size(),
                       ", not the sum of its dims groups");
    std::vector<int64_t> merged;
    auto next = shape.begin();
    for (int64_t count : groups) {
      merged.push_back(std::accumulate(next, next + count, int64_t(1),
                                       std::multiplies<int64_t>()));
      next += count;
    }
    shape = std::move(merged);
  }
  return Status::success();
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
  Expected<ExecutionResult> result =
      module.getTarget() == Target::CUDA
          ? executeOnCuda(module, *binding, repeat)
          : executeOnHost(module, *binding, repeat);
  if (!result)
    return result;
  if (Status status = mergeWeightsDims(module.getManifest(), *result); !status)
    return status.takeError();
  return result;
}
