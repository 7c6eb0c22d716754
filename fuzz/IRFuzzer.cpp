//===- IRFuzzer.cpp - libFuzzer target: parse, verify, lower --------------===//
//
// attn-fuzz-ir: the input bytes are MLIR text. Each input is parsed (with
// verification), and a module that verifies runs through attn-lower-to-tiles
// (ATTN_FUZZ_PIPELINE=cpu: attn-lower-to-cpu, down to the LLVM dialect and
// the C entry points). Rejecting an input is fine; a crash, a sanitizer
// report, a hang, or a pass that reports success but leaves IR that does
// not verify is a bug (IRPipeline.cpp).
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
  attn::fuzz::runIRPipeline(
      llvm::StringRef(reinterpret_cast<const char *>(data), size));
  return 0;
}
