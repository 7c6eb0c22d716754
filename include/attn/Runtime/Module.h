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
/// stays loaded while the object lives. The manifest's target says how the
/// packed entry is called (docs/abi.md): CPU modules take host pointers, CUDA
/// modules device pointers and a stream.
class Module {
public:
  using PackedFn = int32_t (*)(void **pointers, const int64_t *sizes);
  using CudaPackedFn = int32_t (*)(void **pointers, const int64_t *sizes,
                                   void *stream);

  /// dlopens `path` (RTLD_NOW | RTLD_LOCAL) and looks up
  /// `attn_<function>_packed` and `attn_<function>_manifest`.
  static Expected<std::unique_ptr<Module>> load(const std::string &path,
                                                const std::string &function);
  ~Module();
  Module(const Module &) = delete;
  Module &operator=(const Module &) = delete;

  const Manifest &getManifest() const { return manifest; }
  const std::string &getFunction() const { return manifest.function; }
  Target getTarget() const { return manifest.target; }

  /// Calls the packed entry point: `pointers` holds the arguments then the
  /// results, `sizes` the size symbols. For a CUDA module the pointers are
  /// device addresses and `stream` the CUstream to launch on (null: the
  /// default stream); a CPU module ignores `stream`. Returns the entry's
  /// status: 0 ok, 1 bad sizes, 2 a CUDA error (cuda::getLastCallError()).
  int32_t call(void **pointers, const int64_t *sizes,
               void *stream = nullptr) const;

private:
  Module(void *handle, void *entry, Manifest manifest);

  void *handle;
  /// The packed entry: a PackedFn or a CudaPackedFn, by the target.
  void *entry;
  Manifest manifest;
};

} // namespace runtime
} // namespace attn

#endif // ATTN_RUNTIME_MODULE_H
