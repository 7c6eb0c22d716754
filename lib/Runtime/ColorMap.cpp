//===- ColorMap.cpp - The heat maps' colour scale -------------------------===//
//
// A perceptually ordered scale in the manner of viridis: lightness rises
// steadily from dark violet to yellow, so equal steps in value look like
// equal steps in colour and the picture survives grey-scale printing and
// the common colour-vision deficiencies. Nine control points, linearly
// interpolated, are close enough to a smooth map at 8 bits per channel.
//
//===----------------------------------------------------------------------===//

#include "attn/Runtime/HeatMap.h"

#include <cmath>

using namespace attn::runtime;

namespace {
struct ControlPoint {
  double r, g, b;
};
} // namespace

// Evenly spaced in t, from t = 0 to t = 1.
static const ControlPoint kScale[] = {
    {68, 1, 84},    {71, 44, 122},  {59, 81, 139},
    {44, 113, 142}, {33, 144, 141}, {39, 173, 129},
    {92, 200, 99},  {170, 220, 50}, {253, 231, 37},
};

Rgb attn::runtime::getHeatMapColor(double t) {
  constexpr int kLast = sizeof(kScale) / sizeof(kScale[0]) - 1;
  // NaN has no place on the scale; callers draw it with kHeatMapNanColor,
  // and anything else is clamped.
  if (!(t > 0))
    t = 0;
  if (t > 1)
    t = 1;
  double position = t * kLast;
  int low = static_cast<int>(position);
  if (low >= kLast)
    low = kLast - 1;
  double f = position - low;
  const ControlPoint &a = kScale[low], &b = kScale[low + 1];
  auto mix = [f](double x, double y) {
    return static_cast<uint8_t>(std::lround(x + (y - x) * f));
  };
  return Rgb{mix(a.r, b.r), mix(a.g, b.g), mix(a.b, b.b)};
}
