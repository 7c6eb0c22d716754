//===- Png.cpp - PNG output with libpng -----------------------------------===//
//
// Uses libpng's simplified API, which catches libpng's errors (a longjmp
// inside libpng) and reports them as a message, so no setjmp crosses this
// C++ code.
//
//===----------------------------------------------------------------------===//

#include "FileOutput.h"
#include "attn/Runtime/Image.h"

#include <png.h>

#include <cstdio>
#include <cstring>

using namespace attn::runtime;

bool attn::runtime::isBuiltWithPng() { return true; }

Status attn::runtime::writePngFile(const std::string &path,
                                   const RgbImage &image) {
  if (image.getWidth() < 1 || image.getHeight() < 1)
    return makeError("cannot write '", path, "': the image is empty");
  return writeFileWith(path, [&](std::FILE *file) -> std::string {
    png_image png;
    std::memset(&png, 0, sizeof(png));
    png.version = PNG_IMAGE_VERSION;
    png.width = static_cast<png_uint_32>(image.getWidth());
    png.height = static_cast<png_uint_32>(image.getHeight());
    png.format = PNG_FORMAT_RGB;
    // libpng reads the rows through a non-const pointer but does not write
    // them.
    void *rows = const_cast<uint8_t *>(image.getRow(0));
    bool ok =
        png_image_write_to_stdio(&png, file, /*convert_to_8bit=*/0, rows,
                                 static_cast<png_int_32>(image.getWidth() * 3),
                                 /*colormap=*/nullptr) != 0;
    std::string reason = ok ? "" : std::string("libpng: ") + png.message;
    png_image_free(&png);
    return reason;
  });
}
