//===- Module.cpp - A loaded compiled module ------------------------------===//

#include "attn/Runtime/Module.h"

#include <dlfcn.h>

using namespace attn::runtime;

Module::Module(void *handle, PackedFn entry, Manifest manifest)
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
  if (!handle)
    return makeError("cannot load '", path, "': ", getDlError());

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

  // dlsym returns void*; POSIX guarantees it converts to a function pointer.
  auto fn = reinterpret_cast<PackedFn>(entry);
  return std::unique_ptr<Module>(new Module(handle, fn, std::move(*manifest)));
}

int32_t Module::call(void **pointers, const int64_t *sizes) const {
  return entry(pointers, sizes);
}
