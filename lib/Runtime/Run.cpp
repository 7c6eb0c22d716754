//===- Run.cpp - The run-on-.npy-files steps shared by the tools ----------===//

#include "attn/Runtime/Run.h"
#include "attn/Runtime/HeapPolicy.h"
#include "attn/Runtime/HeatMap.h"

#include <algorithm>
#include <filesystem>

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

bool attn::runtime::isWeightsResult(const ManifestTensor &result) {
  return result.name.rfind(kWeightsResultPrefix, 0) == 0;
}

/// The ",dims=..." part of a weights result name, or npos.
static size_t findDimsTag(std::string_view name) { return name.find(",dims="); }

std::string attn::runtime::describeWeightsResult(std::string_view name) {
  // "attn.weights3:causal.mlir:31,softmax,causal" without its "attn.", and
  // without the dims groups, which the runtime has merged.
  name.remove_prefix(std::min(name.size(), std::string_view("attn.").size()));
  name = name.substr(0, findDimsTag(name));
  size_t colon = name.find(':');
  std::string text(name.substr(0, colon));
  if (colon == std::string_view::npos || colon + 1 == name.size())
    return text;
  text += ": ";
  for (char c : name.substr(colon + 1)) {
    text += c;
    if (c == ',')
      text += ' ';
  }
  return text;
}

std::vector<int64_t> attn::runtime::getWeightsDimGroups(std::string_view name) {
  size_t at = findDimsTag(name);
  if (at == std::string_view::npos)
    return {};
  std::string_view text = name.substr(at + std::string_view(",dims=").size());
  text = text.substr(0, text.find(','));
  std::vector<int64_t> groups;
  while (!text.empty()) {
    size_t slash = text.find('/');
    std::string_view part = text.substr(0, slash);
    int64_t count = 0;
    for (char c : part) {
      if (c < '0' || c > '9' || count > 64)
        return {};
      count = count * 10 + (c - '0');
    }
    if (part.empty() || count == 0)
      return {};
    groups.push_back(count);
    text = slash == std::string_view::npos ? std::string_view()
                                           : text.substr(slash + 1);
  }
  return groups;
}

Expected<ExecutionResult>
attn::runtime::runAndWriteOutputs(const Module &module, RunFiles files,
                                  unsigned repeat) {
  const Manifest &manifest = module.getManifest();
  if (files.inputs.size() != manifest.args.size())
    return Error{fmt::format(
        "function '{}' takes {} arguments, but {} --input were given",
        manifest.function, manifest.args.size(), files.inputs.size())};
  // The weights of a module compiled to expose them are not the
  // function's own results: --dump-weights writes them.
  std::vector<size_t> ownResults;
  for (size_t i = 0; i < manifest.results.size(); ++i)
    if (!isWeightsResult(manifest.results[i]))
      ownResults.push_back(i);
  if (files.outputPaths.size() != ownResults.size())
    return Error{fmt::format(
        "function '{}' has {} results, but {} --output were given",
        manifest.function, ownResults.size(), files.outputPaths.size())};
  // Repeated calls reuse the memory of the previous call's intermediates
  // rather than page-faulting them in again (HeapPolicy.h).
  retainFreedHeapMemory();
  Expected<ExecutionResult> result =
      execute(module, std::move(files.inputs), repeat);
  if (!result)
    return result;
  for (size_t i = 0; i < files.outputPaths.size(); ++i)
    if (Status status =
            writeNpyFile(files.outputPaths[i], result->outputs[ownResults[i]]);
        !status)
      return status.takeError();
  return result;
}

Expected<std::vector<std::string>>
attn::runtime::dumpWeights(const Module &module, const ExecutionResult &result,
                           const std::string &directory) {
  std::error_code ec;
  std::filesystem::create_directories(directory, ec);
  if (ec)
    return Error{fmt::format("--dump-weights: cannot create '{}': {}",
                             directory, ec.message())};
  const Manifest &manifest = module.getManifest();
  std::vector<std::string> written;
  for (size_t i = 0; i < manifest.results.size(); ++i) {
    if (!isWeightsResult(manifest.results[i]))
      continue;
    // "weights3: causal.mlir:31, softmax, causal": file main.weights3.
    std::string what = describeWeightsResult(manifest.results[i].name);
    std::string title = manifest.function + " " + what;
    std::string stem =
        (std::filesystem::path(directory) /
         (manifest.function + "." + what.substr(0, what.find(':'))))
            .string();
    if (Status status = writeNpyFile(stem + ".npy", result.outputs[i]); !status)
      return status.takeError();
    if (Status status =
            writeHeatMapPng(stem + ".png", result.outputs[i], title);
        !status)
      return status.takeError();
    written.push_back(fmt::format("{}.npy, {}.png: {}", stem, stem, title));
  }
  return written;
}

std::string attn::runtime::formatTimeLine(const ExecutionResult &result) {
  return fmt::format("time: {:.3f} ms (median of {})\n", result.getMedianMs(),
                     result.timesMs.size());
}
