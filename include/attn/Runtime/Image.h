//===- Image.h - 8-bit RGB images and PNG output ---------------*- C++ -*-===//
//
// A plain pixel buffer that the heat maps draw into, and its PNG encoder.
// PNG output needs libpng; a runtime built without it (ATTN_ENABLE_PNG=OFF)
// keeps the same API and writePngFile returns an error.
//
//===----------------------------------------------------------------------===//

#ifndef ATTN_RUNTIME_IMAGE_H
#define ATTN_RUNTIME_IMAGE_H

#include "attn/Runtime/Expected.h"

#include <cstdint>
#include <string>
#include <vector>

namespace attn {
namespace runtime {

/// An 8-bit RGB colour.
struct Rgb {
  uint8_t r = 0, g = 0, b = 0;

  bool operator==(const Rgb &other) const {
    return r == other.r && g == other.g && b == other.b;
  }
  bool operator!=(const Rgb &other) const { return !(*this == other); }
};

/// An 8-bit RGB image, rows top to bottom, 3 bytes per pixel. Drawing outside
/// the image is clipped, so callers can place text without bounds checks.
class RgbImage {
public:
  /// The largest width or height `create` accepts: far above any heat map,
  /// small enough that width * height * 3 cannot overflow.
  static constexpr int64_t kMaxSide = 1 << 15;

  RgbImage() = default;
  /// A `width` x `height` image filled with `background`.
  static Expected<RgbImage> create(int64_t width, int64_t height,
                                   Rgb background);

  int64_t getWidth() const { return width; }
  int64_t getHeight() const { return height; }
  /// The pixel at (x, y); black outside the image.
  Rgb getPixel(int64_t x, int64_t y) const;
  /// The `width * 3` bytes of row `y`.
  const uint8_t *getRow(int64_t y) const {
    return pixels.data() + y * width * 3;
  }

  void setPixel(int64_t x, int64_t y, Rgb color);
  /// Fills the `w` x `h` rectangle whose top-left pixel is (x, y).
  void fillRect(int64_t x, int64_t y, int64_t w, int64_t h, Rgb color);

private:
  int64_t width = 0, height = 0;
  std::vector<uint8_t> pixels;
};

/// Whether this runtime was built with libpng, i.e. writePngFile can succeed.
bool isBuiltWithPng();

/// Writes `image` to `path` as an 8-bit RGB PNG. Errors name the file.
Status writePngFile(const std::string &path, const RgbImage &image);

} // namespace runtime
} // namespace attn

#endif // ATTN_RUNTIME_IMAGE_H
