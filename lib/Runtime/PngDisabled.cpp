//===- PngDisabled.cpp - attn/Runtime/Image.h without libpng --------------===//
//
// Built instead of Png.cpp when libpng is not available
// (ATTN_ENABLE_PNG=OFF): images can still be drawn, but not written.
//
//===----------------------------------------------------------------------===//

#include "attn/Runtime/Image.h"

using namespace attn::runtime;

bool attn::runtime::isBuiltWithPng() { return false; }

Status attn::runtime::writePngFile(const std::string &path,
                                   const RgbImage &image) {
  return makeError("cannot write '", path,
                   "': this runtime was built without libpng (PNG output)");
}
