//===- BitmapFont.h - A 5x7 pixel font for image labels --------*- C++ -*-===//
//
// The heat maps label themselves (title, panel names, colour bar ticks) with
// this embedded font, so that the runtime needs no font files or font
// library. It covers printable ASCII; other bytes are drawn as '?'.
//
//===----------------------------------------------------------------------===//

#ifndef ATTN_RUNTIME_BITMAPFONT_H
#define ATTN_RUNTIME_BITMAPFONT_H

#include "attn/Runtime/Image.h"

#include <cstdint>
#include <string_view>

namespace attn {
namespace runtime {
namespace font {

/// Glyph size in font pixels; each character advances by one more column
/// than its glyph, which leaves a blank column between characters.
constexpr int64_t kGlyphWidth = 5;
constexpr int64_t kGlyphHeight = 7;
constexpr int64_t kAdvance = kGlyphWidth + 1;

/// The 7 rows of the glyph of `c`, top to bottom; bit 4 of a row is its
/// leftmost pixel.
const uint8_t *getGlyph(char c);

/// The width in image pixels of `text` drawn at `scale` (no trailing blank
/// column; 0 for empty text).
int64_t getTextWidth(std::string_view text, int64_t scale);

/// Draws `text` with its top-left corner at (x, y), each font pixel a
/// `scale` x `scale` square. Clipped to the image.
void drawText(RgbImage &image, int64_t x, int64_t y, std::string_view text,
              Rgb color, int64_t scale = 1);

} // namespace font
} // namespace runtime
} // namespace attn

#endif // ATTN_RUNTIME_BITMAPFONT_H
