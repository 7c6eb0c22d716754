//===- PngProbe.cpp - Reads PNG files back for the heat map tests ---------===//
//
//   attn-runtime-test png-probe FILE [X,Y | X0,Y0:X1,Y1]...
//
// prints "size WxH", then for each X,Y "pixel X,Y #rrggbb", and for each
// rectangle (X1, Y1 exclusive) "dark X0,Y0:X1,Y1 N", the number of pixels
// with every channel below 64: text, and no colour of the heat map scale
// (the darkest, #440154, has red 68). The reader is independent of the
// runtime's writer: it decodes with libpng whatever the file holds.
//
//===----------------------------------------------------------------------===//

#include <png.h>

#include <cstdio>
#include <cstring>
#include <string>
#include <vector>

int runPngProbe(const std::vector<std::string> &args) {
  if (args.empty()) {
    std::fprintf(stderr,
                 "error: usage: png-probe FILE [X,Y | X0,Y0:X1,Y1]...\n");
    return 1;
  }
  png_image png;
  std::memset(&png, 0, sizeof(png));
  png.version = PNG_IMAGE_VERSION;
  if (!png_image_begin_read_from_file(&png, args[0].c_str())) {
    std::fprintf(stderr, "error: cannot read '%s': %s\n", args[0].c_str(),
                 png.message);
    return 1;
  }
  png.format = PNG_FORMAT_RGB;
  std::vector<unsigned char> pixels(PNG_IMAGE_SIZE(png));
  if (!png_image_finish_read(&png, nullptr, pixels.data(), 0, nullptr)) {
    std::fprintf(stderr, "error: cannot decode '%s': %s\n", args[0].c_str(),
                 png.message);
    return 1;
  }
  long width = png.width, height = png.height;
  std::printf("size %ldx%ld\n", width, height);
  auto at = [&](long x, long y) { return pixels.data() + (y * width + x) * 3; };

  for (size_t i = 1; i < args.size(); ++i) {
    long x0, y0, x1, y1;
    char end;
    if (std::sscanf(args[i].c_str(), "%ld,%ld:%ld,%ld%c", &x0, &y0, &x1, &y1,
                    &end) == 4) {
      long dark = 0;
      for (long y = y0; y < y1 && y < height; ++y)
        for (long x = x0; x < x1 && x < width; ++x) {
          const unsigned char *p = at(x, y);
          dark += p[0] < 64 && p[1] < 64 && p[2] < 64;
        }
      std::printf("dark %ld,%ld:%ld,%ld %ld\n", x0, y0, x1, y1, dark);
    } else if (std::sscanf(args[i].c_str(), "%ld,%ld%c", &x0, &y0, &end) == 2 &&
               x0 >= 0 && y0 >= 0 && x0 < width && y0 < height) {
      const unsigned char *p = at(x0, y0);
      std::printf("pixel %ld,%ld #%02x%02x%02x\n", x0, y0, p[0], p[1], p[2]);
    } else {
      std::fprintf(stderr, "error: bad or out-of-image probe '%s'\n",
                   args[i].c_str());
      return 1;
    }
  }
  return 0;
}
