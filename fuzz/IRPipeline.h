//===- IRPipeline.h - shared part of the IR fuzz targets --------*- C++ -*-===//
//
// attn-fuzz-ir (raw MLIR text) and attn-fuzz-attention (attn.attention ops
// generated from the input bytes) both hand MLIR text to runIRPipeline;
// attn-fuzz-onnx hands model bytes to runOnnxPipeline.
//
//===----------------------------------------------------------------------===//

#ifndef ATTN_FUZZ_IRPIPELINE_H
#define ATTN_FUZZ_IRPIPELINE_H

#include "llvm/ADT/StringRef.h"

namespace attn::fuzz {

/// Once per process: registers the dialects; reads ATTN_FUZZ_PIPELINE
/// (`tiles`, the default, or `cpu`).
void initIRPipeline();

/// Parses `text` (with verification) and, if it verifies, runs
/// attn-lower-to-tiles (or attn-lower-to-cpu) on it. Diagnostics are
/// dropped: rejecting the input is fine. Aborts when a pass that succeeded
/// leaves IR that does not verify. Returns true when the input parsed.
bool runIRPipeline(llvm::StringRef text);

/// Imports `bytes` as an ONNX model and, if that succeeds, runs the same
/// pipeline on the module. Returns true when the model imported.
bool runOnnxPipeline(llvm::StringRef bytes);

} // namespace attn::fuzz

#endif // ATTN_FUZZ_IRPIPELINE_H
