//===- Module.cpp - A loaded compiled module ------------------------------===//

#include "attn/Runtime/Module.h"

#include "attn/Runtime/Cuda.h"

#include <dlfcn.h>

using namespace attn::runtime;

Module::Module(void *handle, void *entry, Manifest manifest)
    : handle(handle), entry(entry), manifest(std::move(manifest)) {}

Module::~Module() { dlclose(handle); }

static std::string getDlError() {
  const char *message = dlerror();
  return message ? message : "unknown error";
}

Expected<std::unique_ptr<Module>> Module::load(const std::string &path,
                                               const std::string &function) {
  // A name without a slash would be searched on the library path instead of
  // being taken relative to the working directory.
  std::string file = path.find('/') == std::string::npos ? "./" + path : path;
  void *handle = dlopen(file.c_str(), RTLD_NOW | RTLD_LOCAL);
  if (!handle) {
    std::string message = getDlError();
    // A CUDA module imports the mgpu* and attnCuda* functions of the CUDA
    // runtime (docs/abi.md); say so rather than only naming the symbol.
    if (message.find("undefined symbol: mgpu") != std::string::npos ||
        message.find("undefined symbol: attnCuda") != std::string::npos)
      message += cuda::isBuiltWithCuda()
                     ? " (a CUDA module: the program must link the "
                       "AttnCudaRuntime library)"
                     : " (a CUDA module: this runtime was built without CUDA "
                       "support)";
    return makeError("cannot load '", path, "': ", message);
  }

  auto fail = [&](const std::string &message) -> Error {
    dlclose(handle);
    return makeError("'", path, "': ", message);
  };
  std::string entryName = "attn_" + function + "_packed";
  std::string manifestName = "attn_" + function + "_manifest";
  void *entry = dlsym(handle, entryName.c_str());
  if (!entry)
    return fail("no function '" + function + "' (symbol " + entryName +
                " not found)");
  auto *text = static_cast<const char *>(dlsym(handle, manifestName.c_str()));
  if (!text)
    return fail("no manifest for function '" + function + "' (symbol " +
                manifestName + " not found)");
  Expected<Manifest> manifest = parseManifest(text);
  if (!manifest)
    return fail(manifest.getError());
  if (manifest->function != function)
    return fail("manifest of '" + function + "' describes function '" +
                manifest->function + "'");

  return std::unique_ptr<Module>(
      new Module(handle, entry, std::move(*manifest)));
}

int32_t Module::call(void **pointers, const int64_t *sizes,
                     void *stream) const {
  // dlsym returns void*; POSIX guarantees it converts to a function pointer.
  if (manifest.target == Target::CUDA)
    return reinterpret_cast<CudaPackedFn>(entry)(pointers, sizes, stream);
  return reinterpret_cast<PackedFn>(entry)(pointers, sizes);
}
