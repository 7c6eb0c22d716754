//===- HeatMap.cpp - Attention weights drawn as heat maps -----------------===//
//
// From the top: the title, caption lines (the shape, then one line per
// note), and a grid of panels with the colour bar to its right. Every size
// below is in image pixels; docs/heatmaps.md gives the same numbers, and
// test/Runtime/heatmap.test checks images against them, so change the three
// together.
//
//===----------------------------------------------------------------------===//

#include "attn/Runtime/HeatMap.h"

#include "BitmapFont.h"
#include "attn/Runtime/Float.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <limits>
#include <vector>

using namespace attn::runtime;

namespace {
constexpr int64_t kMargin = 8;
constexpr int64_t kTitleScale = 2;
constexpr int64_t kTitleLineHeight = 20;
// Caption lines and panel labels: the 7-pixel font and a 3-pixel gap.
constexpr int64_t kLineHeight = 10;
constexpr int64_t kHeaderGap = 6;
constexpr int64_t kPanelGap = 8;
constexpr int64_t kMaxGridColumns = 8;
// Beyond these the image would stop being something one can look at; the
// .npy beside it holds every value.
constexpr int64_t kMaxPanels = 64;
constexpr int64_t kManyPanels = 16;
constexpr int64_t kMaxPanelSide = 512;
constexpr int64_t kMaxPanelSideMany = 256;
// Small matrices are enlarged until the larger side has kMinPanelSide pixels
// and each side at least kMinPanelEdge (a single query row stays visible).
constexpr int64_t kMinPanelSide = 96;
constexpr int64_t kMinPanelEdge = 24;
constexpr int64_t kBarGap = 16;
constexpr int64_t kBarWidth = 16;
constexpr int64_t kMinBarHeight = 96;
constexpr int64_t kTickLength = 3;
constexpr int64_t kTickGap = 2;
// "{:.3g}" of a finite double needs at most 10 characters ("-1.23e+308").
constexpr int64_t kTickLabelWidth = 10 * font::kAdvance - 1;
// Tick labels are centred on their tick: they reach this far below it.
constexpr int64_t kTickLabelBelow = 3;
constexpr size_t kMaxTitleChars = 100;

constexpr Rgb kBackground{255, 255, 255};
constexpr Rgb kTextColor{0, 0, 0};

/// What is drawn where.
struct Layout {
  int64_t numShown = 0;
  int64_t rows = 0, cols = 0;           // Sq, Skv
  int64_t block = 1;                    // cells per block side
  int64_t blockRows = 0, blockCols = 0; // blocks per panel
  int64_t cellWidth = 0, cellHeight = 0;
  int64_t panelWidth = 0, panelHeight = 0;
  int64_t labelHeight = 0;
  int64_t slotWidth = 0, slotHeight = 0;
  int64_t gridColumns = 0, gridRows = 0;
  int64_t top = 0; // y of the first row of panel slots
  int64_t barX = 0, barY = 0, barHeight = 0;
  int64_t width = 0, height = 0;
};

/// The colour scale and the special cells of the panels shown.
struct Scale {
  double low = 0, high = 1;
  int64_t nanCells = 0, infiniteCells = 0;
};

/// The weights as doubles, whatever their float type.
class Values {
public:
  Values(const NpyArray &array)
      : data(array.data.data()), type(array.dtype),
        size(getNpyDTypeSize(array.dtype)) {}

  double operator[](int64_t index) const {
    const uint8_t *p = data + index * size;
    switch (type) {
    case NpyDType::Float16: {
      uint16_t bits;
      std::memcpy(&bits, p, 2);
      return f16ToFloat(bits);
    }
    case NpyDType::Float32: {
      float v;
      std::memcpy(&v, p, 4);
      return v;
    }
    default: {
      double v;
      std::memcpy(&v, p, 8);
      return v;
    }
    }
  }

private:
  const uint8_t *data;
  NpyDType type;
  size_t size;
};
} // namespace

static int64_t ceilDiv(int64_t a, int64_t b) { return (a + b - 1) / b; }

/// The name of panel `index` (row-major over the leading dimensions).
static std::string getPanelLabel(const std::vector<int64_t> &shape,
                                 int64_t index) {
  size_t numLeading = shape.size() - 2;
  std::vector<int64_t> indices(numLeading);
  for (size_t d = numLeading; d-- > 0;) {
    indices[d] = index % shape[d];
    index /= shape[d];
  }
  if (numLeading == 2)
    return fmt::format("b{} h{}", indices[0], indices[1]);
  std::string label;
  for (size_t d = 0; d < numLeading; ++d)
    label += fmt::format(d ? ",{}" : "{}", indices[d]);
  return label;
}

/// The side of the square blocks of cells that one pixel block shows:
/// enough that no panel passes its size cap.
static int64_t getBlockSize(int64_t rows, int64_t cols, int64_t numShown) {
  int64_t cap = numShown > kManyPanels ? kMaxPanelSideMany : kMaxPanelSide;
  return ceilDiv(std::max(rows, cols), cap);
}

static std::string formatTick(double value) {
  return fmt::format("{:.3g}", value);
}

/// The range [min(0, min), max] of the finite values of the first
/// `numShown` panels, and their NaNs and infinities.
static Scale getScale(const Values &values, int64_t numShown,
                      int64_t panelSize) {
  Scale scale;
  double low = 0, high = -std::numeric_limits<double>::infinity();
  for (int64_t i = 0, e = numShown * panelSize; i < e; ++i) {
    double v = values[i];
    if (std::isnan(v)) {
      ++scale.nanCells;
    } else if (std::isinf(v)) {
      ++scale.infiniteCells;
    } else {
      low = std::min(low, v);
      high = std::max(high, v);
    }
  }
  if (std::isinf(high)) // No finite value: any scale will do.
    high = 1;
  // All values equal (all 0, say): a unit range keeps them at the bottom
  // colour instead of dividing by zero.
  if (!(high > low))
    high = low + 1;
  scale.low = low;
  scale.high = high;
  return scale;
}

/// Where `value` lies on the scale, unclamped. Halving first keeps
/// high - low finite for float64 values near the overflow threshold.
static double getScalePosition(const Scale &scale, double value) {
  return (value / 2 - scale.low / 2) / (scale.high / 2 - scale.low / 2);
}

static Rgb getCellColor(const Scale &scale, double value) {
  if (std::isnan(value))
    return kHeatMapNanColor;
  return getHeatMapColor(getScalePosition(scale, value));
}

static Layout getLayout(const std::vector<int64_t> &shape, int64_t numPanels,
                        int64_t numCaptionLines, int64_t titleWidth,
                        int64_t captionWidth) {
  Layout l;
  l.top =
      kMargin + kTitleLineHeight + numCaptionLines * kLineHeight + kHeaderGap;
  l.rows = shape[shape.size() - 2];
  l.cols = shape.back();
  l.numShown = std::min(numPanels, kMaxPanels);
  int64_t textWidth = kMargin + std::max(titleWidth, captionWidth) + kMargin;
  if (l.numShown == 0 || l.rows == 0 || l.cols == 0) {
    l.numShown = 0;
    l.width = textWidth;
    l.height = l.top + kMargin;
    return l;
  }

  // Square blocks keep the aspect ratio.
  int64_t cap = l.numShown > kManyPanels ? kMaxPanelSideMany : kMaxPanelSide;
  l.block = getBlockSize(l.rows, l.cols, l.numShown);
  l.blockRows = ceilDiv(l.rows, l.block);
  l.blockCols = ceilDiv(l.cols, l.block);
  int64_t longest = std::max(l.blockRows, l.blockCols);
  int64_t cell =
      std::clamp(ceilDiv(kMinPanelSide, longest), int64_t(1), cap / longest);
  l.cellHeight = std::max(cell, ceilDiv(kMinPanelEdge, l.blockRows));
  l.cellWidth = std::max(cell, ceilDiv(kMinPanelEdge, l.blockCols));
  l.panelWidth = l.blockCols * l.cellWidth;
  l.panelHeight = l.blockRows * l.cellHeight;

  // Labels sit above their panel; a slot is wide enough for either.
  l.slotWidth = l.panelWidth;
  if (shape.size() > 2) {
    l.labelHeight = kLineHeight;
    for (int64_t i = 0; i < l.numShown; ++i)
      l.slotWidth =
          std::max(l.slotWidth, font::getTextWidth(getPanelLabel(shape, i), 1));
  }
  l.slotHeight = l.labelHeight + l.panelHeight;
  l.gridColumns = std::min(l.numShown, kMaxGridColumns);
  l.gridRows = ceilDiv(l.numShown, l.gridColumns);
  int64_t gridWidth =
      l.gridColumns * l.slotWidth + (l.gridColumns - 1) * kPanelGap;
  int64_t gridHeight = l.gridRows * l.slotHeight + (l.gridRows - 1) * kPanelGap;

  l.barX = kMargin + gridWidth + kBarGap;
  l.barY = l.top + l.labelHeight;
  l.barHeight = std::max(l.panelHeight, kMinBarHeight);
  int64_t barRight =
      l.barX + kBarWidth + kTickLength + kTickGap + kTickLabelWidth;
  l.width = std::max(barRight + kMargin, textWidth);
  l.height =
      std::max(l.top + gridHeight, l.barY + l.barHeight + kTickLabelBelow) +
      kMargin;
  return l;
}

/// Paints panel `index`: each pixel block is the max of its cells, NaN if
/// any of them is NaN (a NaN must not hide behind its neighbours).
static void drawPanel(RgbImage &image, const Layout &l, const Scale &scale,
                      const Values &values, int64_t index, int64_t x,
                      int64_t y) {
  std::vector<double> blocks(l.blockRows * l.blockCols,
                             -std::numeric_limits<double>::infinity());
  int64_t base = index * l.rows * l.cols;
  for (int64_t r = 0; r < l.rows; ++r) {
    double *blockRow = blocks.data() + (r / l.block) * l.blockCols;
    for (int64_t c = 0; c < l.cols; ++c) {
      double v = values[base + r * l.cols + c];
      double &m = blockRow[c / l.block];
      if (!std::isnan(m) && (std::isnan(v) || v > m))
        m = v;
    }
  }
  for (int64_t br = 0; br < l.blockRows; ++br)
    for (int64_t bc = 0; bc < l.blockCols; ++bc)
      image.fillRect(x + bc * l.cellWidth, y + br * l.cellHeight, l.cellWidth,
                     l.cellHeight,
                     getCellColor(scale, blocks[br * l.blockCols + bc]));
}

/// The colour bar, high values at the top, with ticks at max, middle, min.
static void drawColorBar(RgbImage &image, const Layout &l, const Scale &scale) {
  for (int64_t y = 0; y < l.barHeight; ++y) {
    double t = l.barHeight > 1 ? 1 - double(y) / double(l.barHeight - 1) : 1;
    image.fillRect(l.barX, l.barY + y, kBarWidth, 1, getHeatMapColor(t));
  }
  struct Tick {
    int64_t y;
    double value;
  };
  Tick ticks[] = {
      {l.barY, scale.high},
      {l.barY + (l.barHeight - 1) / 2, scale.low / 2 + scale.high / 2},
      {l.barY + l.barHeight - 1, scale.low}};
  for (const Tick &tick : ticks) {
    image.fillRect(l.barX + kBarWidth, tick.y, kTickLength, 1, kTextColor);
    font::drawText(image, l.barX + kBarWidth + kTickLength + kTickGap,
                   tick.y - font::kGlyphHeight / 2, formatTick(tick.value),
                   kTextColor);
  }
}

static std::string getTitleText(const std::string &title) {
  if (title.size() <= kMaxTitleChars)
    return title;
  return title.substr(0, kMaxTitleChars - 3) + "...";
}

static std::string plural(int64_t n, const char *noun) {
  return fmt::format("{} {}{}", n, noun, n == 1 ? "" : "s");
}

Expected<RgbImage> attn::runtime::renderHeatMap(const NpyArray &weights,
                                                const std::string &title) {
  if (weights.dtype != NpyDType::Float16 &&
      weights.dtype != NpyDType::Float32 && weights.dtype != NpyDType::Float64)
    return makeError("a heat map needs float16, float32 or float64 weights, "
                     "got ",
                     getNpyDTypeName(weights.dtype));
  if (weights.shape.size() < 2)
    return makeError("a heat map needs weights of rank 2 or more "
                     "([..., Sq, Skv]), got shape ",
                     formatShape(weights.shape));
  Expected<int64_t> numElements =
      getCheckedNumElements(weights.shape, getNpyDTypeSize(weights.dtype));
  if (!numElements)
    return numElements.takeError();
  if (weights.data.size() <
      static_cast<size_t>(*numElements) * getNpyDTypeSize(weights.dtype))
    return makeError("the weights of shape ", formatShape(weights.shape),
                     " hold only ", weights.data.size(), " bytes");

  // With no elements the leading dimensions may multiply past int64_t; the
  // count is not needed then.
  int64_t numPanels = *numElements == 0 ? 0 : 1;
  for (size_t d = 0; numPanels && d + 2 < weights.shape.size(); ++d)
    numPanels *= weights.shape[d];
  int64_t rows = weights.shape[weights.shape.size() - 2];
  int64_t cols = weights.shape.back();
  int64_t numShown = std::min(numPanels, kMaxPanels);
  Values values(weights);
  Scale scale;
  if (*numElements != 0)
    scale = getScale(values, numShown, rows * cols);

  std::vector<std::string> captions = {
      fmt::format("shape {} {}", formatShape(weights.shape),
                  getNpyDTypeName(weights.dtype))};
  if (*numElements == 0) {
    captions.push_back("no cells to draw");
  } else {
    int64_t block = getBlockSize(rows, cols, numShown);
    if (block > 1)
      captions.push_back(fmt::format("max over {}x{} blocks",
                                     std::min(block, rows),
                                     std::min(block, cols)));
    if (numShown < numPanels)
      captions.push_back(
          fmt::format("first {} of {} panels", numShown, numPanels));
    if (scale.nanCells)
      captions.push_back("magenta: " + plural(scale.nanCells, "NaN cell"));
    if (scale.infiniteCells)
      captions.push_back(plural(scale.infiniteCells, "infinite cell") +
                         " at scale ends");
  }

  std::string titleText = getTitleText(title);
  int64_t captionWidth = 0;
  for (const std::string &caption : captions)
    captionWidth = std::max(captionWidth, font::getTextWidth(caption, 1));
  Layout l =
      getLayout(weights.shape, numPanels, captions.size(),
                font::getTextWidth(titleText, kTitleScale), captionWidth);

  Expected<RgbImage> image = RgbImage::create(l.width, l.height, kBackground);
  if (!image)
    return image;
  font::drawText(*image, kMargin, kMargin, titleText, kTextColor, kTitleScale);
  for (size_t i = 0; i < captions.size(); ++i)
    font::drawText(*image, kMargin,
                   kMargin + kTitleLineHeight + int64_t(i) * kLineHeight,
                   captions[i], kTextColor);
  for (int64_t i = 0; i < l.numShown; ++i) {
    int64_t x = kMargin + (i % l.gridColumns) * (l.slotWidth + kPanelGap);
    int64_t y = l.top + (i / l.gridColumns) * (l.slotHeight + kPanelGap);
    if (l.labelHeight)
      font::drawText(*image, x, y, getPanelLabel(weights.shape, i), kTextColor);
    drawPanel(*image, l, scale, values, i, x, y + l.labelHeight);
  }
  if (l.numShown)
    drawColorBar(*image, l, scale);
  return image;
}

Status attn::runtime::writeHeatMapPng(const std::string &path,
                                      const NpyArray &weights,
                                      const std::string &title) {
  // Checked first, so that a build without libpng does not draw in vain.
  if (!isBuiltWithPng())
    return writePngFile(path, RgbImage());
  Expected<RgbImage> image = renderHeatMap(weights, title);
  if (!image)
    return makeError("cannot write heat map '", path, "': ", image.getError());
  return writePngFile(path, *image);
}
