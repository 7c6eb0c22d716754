//===- FragmentChoice.h - normalisers that choose keys ----------*- C++ -*-===//
//
// hard, topk and hard_sample on a thread's fragments (FragmentChoice.cpp).
//
//===----------------------------------------------------------------------===//

#ifndef ATTN_LIB_CONVERSION_ATTNTOGPU_FRAGMENTCHOICE_H
#define ATTN_LIB_CONVERSION_ATTNTOGPU_FRAGMENTCHOICE_H

#include "Fragments.h"

#include <memory>

namespace mlir::attn::gpu_lowering {

/// hard, topk and hard_sample on a thread's fragments. None multiplies P V
/// in the key loop: the thread keeps per row half what it has chosen among
/// the keys it holds (2t, 2t + 1 of every 8-key block, visited in
/// increasing j), the quad merges its four choices after the key loop, and
/// each thread reads its columns of the chosen value rows from global
/// memory. The choices follow the rules of the CPU lowering
/// (lowering::hardPrefers, lowering::insertStep).
class FragmentSelection {
public:
  /// The selection of `cfg.op`'s normaliser for the CTA's `tile`, or null
  /// for the other normalisers. `rows`: the global rows of the thread's
  /// fragment rows g, g + 8 (clamped into the sequence).
  static std::unique_ptr<FragmentSelection>
  create(ImplicitLocOpBuilder &b, const WarpTiles &tiles,
         const lowering::KernelConfig &cfg, const lowering::QueryTile &tile,
         ArrayRef<Value> rows);
  virtual ~FragmentSelection() = default;

  /// Passes over the key tiles (hard_sample: the softmax's max and sum,
  /// then its CDF).
  virtual unsigned passes() const { return 1; }
  /// The loop-carried state of pass `pass`, from the final state of the
  /// pass before (empty for the first).
  virtual SmallVector<Value> initialState(unsigned pass,
                                          ValueRange previous) = 0;
  /// The state after the flat scores of the key tile at k0 (hidden keys
  /// -inf).
  virtual SmallVector<Value> update(unsigned pass, ValueRange state,
                                    ArrayRef<Value> scores, Value k0) = 0;
  /// After the last pass: merges the quad's choices and writes the
  /// thread's columns of output rows `rows` (those below cfg.queryLen).
  virtual void storeRows(ValueRange state, ArrayRef<Value> rows) = 0;

protected:
  FragmentSelection(ImplicitLocOpBuilder &b, const WarpTiles &tiles,
                    const lowering::KernelConfig &cfg,
                    const lowering::QueryTile &tile)
      : b(b), t(tiles), cfg(cfg), tile(tile) {}
  /// The global key of element `e` (0, 1) of the thread's pair in 8-key
  /// block `nt` of the tile at k0, as an i32.
  Value keyOf(Value k0, int64_t nt, int64_t e);
  /// Columns [col, col + width) of value row `key` (an index), read only
  /// where `read` holds, zeros elsewhere (with no key there may be no row
  /// to read: an empty or paged cache).
  Value loadValueColumns(Value read, Value key, Value col, int64_t width);
  /// The output rows `rows` as copies of value rows `keys` (i32 per row
  /// half; negative: no key, zeros).
  void storeChosenRows(ArrayRef<Value> rows, ArrayRef<Value> keys);

  ImplicitLocOpBuilder &b;
  WarpTiles t;
  const lowering::KernelConfig &cfg;
  const lowering::QueryTile &tile;
};

} // namespace mlir::attn::gpu_lowering

#endif // ATTN_LIB_CONVERSION_ATTNTOGPU_FRAGMENTCHOICE_H
