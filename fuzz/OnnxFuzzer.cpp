//===- OnnxFuzzer.cpp - libFuzzer target: ONNX import, then lower --------===//
//
// attn-fuzz-onnx: the input bytes are an ONNX model (a serialised
// ModelProto). Each input is imported; a model that imports runs through
// attn-lower-to-tiles (ATTN_FUZZ_PIPELINE=cpu: attn-lower-to-cpu) as in
// attn-fuzz-ir. Rejecting a model is fine; a crash, a sanitizer report, a
// hang, or IR that does not verify after a pass that succeeded is a bug.
//
//===----------------------------------------------------------------------===//

#include "IRPipeline.h"

#include <cstddef>
#include <cstdint>

extern "C" int LLVMFuzzerInitialize(int *argc, char ***argv) {
  attn::fuzz::initIRPipeline();
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  attn::fuzz::runOnnxPipeline(
      llvm::StringRef(reinterpret_cast<const char *>(data), size));
  return 0;
}
