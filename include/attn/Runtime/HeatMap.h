//===- HeatMap.h - Attention weights drawn as heat maps --------*- C++ -*-===//
//
// Draws an attention op's weights, a float array of shape [..., Sq, Skv],
// as an RGB image: one panel per index of the leading dimensions (usually
// batch and head), queries as rows and keys as columns, on one colour scale
// with a colour bar. docs/heatmaps.md describes the layout and its limits.
//
//===----------------------------------------------------------------------===//

#ifndef ATTN_RUNTIME_HEATMAP_H
#define ATTN_RUNTIME_HEATMAP_H

#include "attn/Runtime/Expected.h"
#include "attn/Runtime/Image.h"
#include "attn/Runtime/Npy.h"

#include <string>

namespace attn {
namespace runtime {

/// The colour of `t` on the heat map scale, a perceptual map from dark
/// violet (t <= 0, #440154) through blue and green to yellow (t >= 1,
/// #fde725): lightness grows with `t`, so it also reads in grey scale.
Rgb getHeatMapColor(double t);

/// The colour of NaN cells, far from every colour of the scale.
constexpr Rgb kHeatMapNanColor{255, 0, 255};

/// Draws `weights` (float16, float32 or float64, rank 2 or more) with
/// `title` at the top. Arrays with no cells (Sq, Skv or a leading dimension
/// 0) give a small image that says so.
Expected<RgbImage> renderHeatMap(const NpyArray &weights,
                                 const std::string &title);

/// Draws `weights` as renderHeatMap does and writes the image to `path` as a
/// PNG. Errors name the file; a runtime built without libpng always fails.
Status writeHeatMapPng(const std::string &path, const NpyArray &weights,
                       const std::string &title);

} // namespace runtime
} // namespace attn

#endif // ATTN_RUNTIME_HEATMAP_H
