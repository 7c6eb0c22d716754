//===- ManifestFuzzer.cpp - libFuzzer target: the manifest parser ---------===//
//
// attn-fuzz-manifest: the input bytes are the text of an attn_<f>_manifest
// (docs/abi.md). rt::parseManifest must return a manifest or an error; a
// manifest it accepts has symbol references within its size list.
//
//===----------------------------------------------------------------------===//

#include "attn/Runtime/Manifest.h"

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string_view>

namespace rt = attn::runtime;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  rt::Expected<rt::Manifest> manifest = rt::parseManifest(
      std::string_view(reinterpret_cast<const char *>(data), size));
  if (!manifest)
    return 0;
  for (const auto *list : {&manifest->args, &manifest->results})
    for (const rt::ManifestTensor &tensor : *list) {
      (void)rt::formatTensorType(tensor);
      for (const rt::ManifestDim &dim : tensor.dims)
        if (dim.isSymbol ? (dim.value < 0 || static_cast<size_t>(dim.value) >=
                                                 manifest->sizeLabels.size())
                         : dim.value < 0) {
          std::fprintf(stderr, "attn-fuzz-manifest: accepted a dimension "
                               "outside the size list or negative\n");
          std::abort();
        }
    }
  return 0;
}
