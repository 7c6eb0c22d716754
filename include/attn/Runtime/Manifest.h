//===- Manifest.h - Signature description of compiled functions -*- C++ -*-===//
//
// Parses the `attn_<fn>_manifest` text described in docs/abi.md:
//
//   attn-abi 1
//   function main
//   target cuda sm_80        (optional; absent for CPU modules)
//   sizes 1
//   size 0 arg0.d0
//   arg 0 arg0 f32 2 s0 64
//   result 0 res0 f32 2 s0 64
//   end
//
//===----------------------------------------------------------------------===//

#ifndef ATTN_RUNTIME_MANIFEST_H
#define ATTN_RUNTIME_MANIFEST_H

#include "attn/Runtime/ElementType.h"
#include "attn/Runtime/Expected.h"

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace attn {
namespace runtime {

/// Where a compiled function runs: on the host CPU (the packed entry takes
/// host pointers) or on a CUDA device (device pointers and a stream).
enum class Target { CPU, CUDA };

/// The manifest spelling ("cpu", "cuda").
const char *getTargetName(Target target);
/// Parses a manifest spelling.
std::optional<Target> parseTarget(std::string_view name);

/// One dimension of a tensor: a static size or a size symbol.
struct ManifestDim {
  bool isSymbol = false;
  /// The static size, or the index of the size symbol.
  int64_t value = 0;

  static ManifestDim getStatic(int64_t size) { return {false, size}; }
  static ManifestDim getSymbol(int64_t index) { return {true, index}; }
};

/// An argument or result of the function.
struct ManifestTensor {
  std::string name;
  ElementType type = ElementType::F32;
  std::vector<ManifestDim> dims;

  size_t getRank() const { return dims.size(); }
};

struct Manifest {
  int version = 1;
  std::string function;
  /// The `target` line; CPU when there is none.
  Target target = Target::CPU;
  /// The chip of a CUDA module ("sm_80"); empty for the CPU.
  std::string chip;
  /// `sizeLabels[k]` names the first occurrence of symbol `sk` ("arg0.d2").
  std::vector<std::string> sizeLabels;
  std::vector<ManifestTensor> args;
  std::vector<ManifestTensor> results;
};

/// Parses manifest text. Errors name the line ("manifest line 3: ...").
Expected<Manifest> parseManifest(std::string_view text);

/// Formats a tensor type for messages: "f32[s0,8,s1,64]".
std::string formatTensorType(const ManifestTensor &tensor);

} // namespace runtime
} // namespace attn

#endif // ATTN_RUNTIME_MANIFEST_H
