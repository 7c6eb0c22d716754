//===- Module.h - A loaded compiled module ---------------------*- C++ -*-===//

#ifndef ATTN_RUNTIME_MODULE_H
#define ATTN_RUNTIME_MODULE_H

#include "attn/Runtime/Expected.h"
#include "attn/Runtime/Manifest.h"

#include <cstdint>
#include <memory>
#include <string>

namespace attn {
namespace runtime {

/// One function of a shared library produced by attn-compile: the library
/// stays loaded while the object lives.
class Module {
public:
  using PackedFn = int32_t (*)(void **pointers, const int64_t *sizes);

  /// dlopens `path` (RTLD_NOW | RTLD_LOCAL) and looks up
  /// `attn_<function>_packed` and `attn_<function>_manifest`.
  static Expected<std::unique_ptr<Module>> load(const std::string &path,
                                                const std::string &function);
  ~Module();
  Module(const Module &) = delete;
  Module &operator=(const Module &) = delete;

  const Manifest &getManifest() const { return manifest; }
  const std::string &getFunction() const { return manifest.function; }

  /// Calls the packed entry point: `pointers` holds the arguments then the
  /// results, `sizes` the size symbols. Returns the entry's status (0 = ok).
  int32_t call(void **pointers, const int64_t *sizes) const;

private:
  Module(void *handle, PackedFn entry, Manifest manifest);

  void *handle;
  PackedFn entry;
  Manifest manifest;
};

} // namespace runtime
} // namespace attn

#endif // ATTN_RUNTIME_MODULE_H
