//===- Runtime.cpp - C API over the module runtime ------------------------===//
//
// A thin shell over attn/Runtime: the checks, conversions and error messages
// are those of attn-run (Binding.cpp, Execution.cpp); this file only moves
// arrays and messages across the C boundary. No MLIR or LLVM.
//
//===----------------------------------------------------------------------===//

#include "attn-c/Runtime.h"

#include "attn/Runtime/Binding.h"
#include "attn/Runtime/Execution.h"
#include "attn/Runtime/Module.h"

#include <cstring>
#include <memory>
#include <string>
#include <vector>

using namespace attn::runtime;

namespace {
/// A loaded function and the strings its AttnTensorInfo point to.
struct LoadedModule {
  std::unique_ptr<Module> module;
  std::vector<std::string> argSignatures, resultSignatures;
};
} // namespace

// The C enum mirrors NpyDType so that a cast converts it.
static_assert(static_cast<int>(ATTN_DTYPE_BOOL) ==
              static_cast<int>(NpyDType::Bool));
static_assert(static_cast<int>(ATTN_DTYPE_INT8) ==
              static_cast<int>(NpyDType::Int8));
static_assert(static_cast<int>(ATTN_DTYPE_INT32) ==
              static_cast<int>(NpyDType::Int32));
static_assert(static_cast<int>(ATTN_DTYPE_INT64) ==
              static_cast<int>(NpyDType::Int64));
static_assert(static_cast<int>(ATTN_DTYPE_FLOAT16) ==
              static_cast<int>(NpyDType::Float16));
static_assert(static_cast<int>(ATTN_DTYPE_FLOAT32) ==
              static_cast<int>(NpyDType::Float32));
static_assert(static_cast<int>(ATTN_DTYPE_FLOAT64) ==
              static_cast<int>(NpyDType::Float64));

static AttnError wrapError(std::string message) {
  return AttnError{new std::string(std::move(message))};
}

static LoadedModule *unwrap(AttnModule module) {
  return static_cast<LoadedModule *>(module.ptr);
}

static std::vector<NpyArray> *unwrap(AttnResults results) {
  return static_cast<std::vector<NpyArray> *>(results.ptr);
}

const char *attnErrorGetMessage(AttnError error) {
  return error.ptr ? static_cast<std::string *>(error.ptr)->c_str() : "";
}

void attnErrorDestroy(AttnError error) {
  delete static_cast<std::string *>(error.ptr);
}

AttnError attnModuleLoad(const char *libraryPath, const char *function,
                         AttnModule *module) {
  if (!libraryPath || !function || !module)
    return wrapError("attnModuleLoad: null library path, function name or "
                     "module pointer");
  Expected<std::unique_ptr<Module>> loaded =
      Module::load(libraryPath, function);
  if (!loaded)
    return wrapError(loaded.getError());
  auto result = std::make_unique<LoadedModule>();
  for (const ManifestTensor &arg : (*loaded)->getManifest().args)
    result->argSignatures.push_back(formatTensorType(arg));
  for (const ManifestTensor &res : (*loaded)->getManifest().results)
    result->resultSignatures.push_back(formatTensorType(res));
  result->module = std::move(*loaded);
  module->ptr = result.release();
  return AttnError{nullptr};
}

void attnModuleDestroy(AttnModule module) { delete unwrap(module); }

const char *attnModuleGetTarget(AttnModule module) {
  return getTargetName(unwrap(module)->module->getTarget());
}

intptr_t attnModuleGetNumArguments(AttnModule module) {
  return unwrap(module)->module->getManifest().args.size();
}

intptr_t attnModuleGetNumResults(AttnModule module) {
  return unwrap(module)->module->getManifest().results.size();
}

static AttnTensorInfo getInfo(const ManifestTensor &tensor,
                              const std::string &signature) {
  return AttnTensorInfo{tensor.name.c_str(), getElementTypeName(tensor.type),
                        static_cast<AttnDType>(getNpyTypeFor(tensor.type)),
                        static_cast<intptr_t>(tensor.getRank()),
                        signature.c_str()};
}

AttnTensorInfo attnModuleGetArgument(AttnModule module, intptr_t index) {
  LoadedModule *loaded = unwrap(module);
  return getInfo(loaded->module->getManifest().args[index],
                 loaded->argSignatures[index]);
}

AttnTensorInfo attnModuleGetResult(AttnModule module, intptr_t index) {
  LoadedModule *loaded = unwrap(module);
  return getInfo(loaded->module->getManifest().results[index],
                 loaded->resultSignatures[index]);
}

/// Copies the `index`th argument into an owned array, checking what the C
/// caller could get wrong before the binding checks the rest.
static Expected<NpyArray> copyArgument(const AttnHostArray &arg,
                                       intptr_t index) {
  std::string where = "argument #" + std::to_string(index) + ": ";
  if (arg.dtype < ATTN_DTYPE_BOOL || arg.dtype > ATTN_DTYPE_FLOAT64)
    return makeError(where, "unknown AttnDType ", static_cast<int>(arg.dtype));
  if (arg.rank < 0 || (arg.rank > 0 && !arg.shape))
    return makeError(where, "rank ", arg.rank, " with ", arg.shape ? "a" : "no",
                     " shape");
  NpyArray array;
  array.dtype = static_cast<NpyDType>(arg.dtype);
  array.shape.assign(arg.shape, arg.shape + arg.rank);
  Expected<int64_t> count =
      getCheckedNumElements(array.shape, getNpyDTypeSize(array.dtype));
  if (!count)
    return makeError(where, count.getError());
  size_t bytes = *count * getNpyDTypeSize(array.dtype);
  if (bytes > 0 && !arg.data)
    return makeError(where, "null data for shape ", formatShape(array.shape));
  Expected<Buffer> buffer = Buffer::allocate(bytes);
  if (!buffer)
    return makeError(where, buffer.getError());
  if (bytes > 0)
    std::memcpy(buffer->data(), arg.data, bytes);
  array.data = std::move(*buffer);
  return array;
}

AttnError attnModuleCall(AttnModule module, const AttnHostArray *args,
                         intptr_t numArgs, AttnResults *results) {
  if (!module.ptr || !results || (numArgs > 0 && !args))
    return wrapError("attnModuleCall: null module, arguments or results");
  std::vector<NpyArray> inputs;
  for (intptr_t i = 0; i < numArgs; ++i) {
    Expected<NpyArray> input = copyArgument(args[i], i);
    if (!input)
      return wrapError(input.getError());
    inputs.push_back(std::move(*input));
  }
  Expected<ExecutionResult> executed =
      execute(*unwrap(module)->module, std::move(inputs));
  if (!executed)
    return wrapError(executed.getError());
  results->ptr = new std::vector<NpyArray>(std::move(executed->outputs));
  return AttnError{nullptr};
}

intptr_t attnResultsGetCount(AttnResults results) {
  return unwrap(results)->size();
}

AttnHostArray attnResultsGet(AttnResults results, intptr_t index) {
  NpyArray &array = (*unwrap(results))[index];
  return AttnHostArray{static_cast<AttnDType>(array.dtype),
                       static_cast<intptr_t>(array.shape.size()),
                       array.shape.data(), array.data.data()};
}

void attnResultsDestroy(AttnResults results) { delete unwrap(results); }
