//===- Image.cpp - 8-bit RGB images ---------------------------------------===//

#include "attn/Runtime/Image.h"

#include <algorithm>

using namespace attn::runtime;

Expected<RgbImage> RgbImage::create(int64_t width, int64_t height,
                                    Rgb background) {
  if (width < 1 || height < 1 || width > kMaxSide || height > kMaxSide)
    return makeError("image size ", width, "x", height, " is outside 1x1 to ",
                     kMaxSide, "x", kMaxSide);
  RgbImage image;
  image.width = width;
  image.height = height;
  image.pixels.resize(static_cast<size_t>(width * height * 3));
  for (size_t i = 0; i < image.pixels.size(); i += 3) {
    image.pixels[i] = background.r;
    image.pixels[i + 1] = background.g;
    image.pixels[i + 2] = background.b;
  }
  return image;
}

Rgb RgbImage::getPixel(int64_t x, int64_t y) const {
  if (x < 0 || y < 0 || x >= width || y >= height)
    return Rgb{};
  const uint8_t *p = pixels.data() + (y * width + x) * 3;
  return Rgb{p[0], p[1], p[2]};
}

void RgbImage::setPixel(int64_t x, int64_t y, Rgb color) {
  fillRect(x, y, 1, 1, color);
}

void RgbImage::fillRect(int64_t x, int64_t y, int64_t w, int64_t h, Rgb color) {
  int64_t x0 = std::max<int64_t>(x, 0), y0 = std::max<int64_t>(y, 0);
  int64_t x1 = std::min(x + w, width), y1 = std::min(y + h, height);
  for (int64_t row = y0; row < y1; ++row) {
    uint8_t *p = pixels.data() + (row * width + x0) * 3;
    for (int64_t col = x0; col < x1; ++col, p += 3) {
      p[0] = color.r;
      p[1] = color.g;
      p[2] = color.b;
    }
  }
}
