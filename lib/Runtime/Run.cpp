//===- Run.cpp - The run-on-.npy-files steps shared by the tools ----------===//

#include "attn/Runtime/Run.h"
#include "attn/Runtime/HeapPolicy.h"

#include <fmt/format.h>

using namespace attn::runtime;

Expected<std::string> attn::runtime::getFileOperand(std::string_view option,
                                                    size_t index,
                                                    std::string_view value) {
  if (value.size() < 2 || value[0] != '@')
    return Error{fmt::format("{} #{} '{}' must be written @FILE.npy", option,
                             index, value)};
  return std::string(value.substr(1));
}

Expected<RunFiles>
attn::runtime::readRunFiles(const std::vector<std::string> &inputs,
                            const std::vector<std::string> &outputs) {
  RunFiles files;
  for (size_t i = 0; i < outputs.size(); ++i) {
    Expected<std::string> path = getFileOperand("--output", i, outputs[i]);
    if (!path)
      return path.takeError();
    files.outputPaths.push_back(std::move(*path));
  }
  for (size_t i = 0; i < inputs.size(); ++i) {
    Expected<std::string> path = getFileOperand("--input", i, inputs[i]);
    if (!path)
      return path.takeError();
    Expected<NpyArray> array = readNpyFile(*path);
    if (!array)
      return Error{fmt::format("--input #{}: {}", i, array.getError())};
    files.inputs.push_back(std::move(*array));
  }
  return files;
}

Expected<ExecutionResult>
attn::runtime::runAndWriteOutputs(const Module &module, RunFiles files,
                                  unsigned repeat) {
  const Manifest &manifest = module.getManifest();
  if (files.inputs.size() != manifest.args.size())
    return Error{fmt::format(
        "function '{}' takes {} arguments, but {} --input were given",
        manifest.function, manifest.args.size(), files.inputs.size())};
  if (files.outputPaths.size() != manifest.results.size())
    return Error{fmt::format(
        "function '{}' has {} results, but {} --output were given",
        manifest.function, manifest.results.size(), files.outputPaths.size())};
  // Repeated calls reuse the memory of the previous call's intermediates
  // rather than page-faulting them in again (HeapPolicy.h).
  retainFreedHeapMemory();
  Expected<ExecutionResult> result =
      execute(module, std::move(files.inputs), repeat);
  if (!result)
    return result;
  for (size_t i = 0; i < files.outputPaths.size(); ++i)
    if (Status status = writeNpyFile(files.outputPaths[i], result->outputs[i]);
        !status)
      return status.takeError();
  return result;
}

std::string attn::runtime::formatTimeLine(const ExecutionResult &result) {
  return fmt::format("time: {:.3f} ms (median of {})\n", result.getMedianMs(),
                     result.timesMs.size());
}
