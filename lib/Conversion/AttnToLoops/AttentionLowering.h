//===- AttentionLowering.h - shared state of the attn-tile lowering -*- C++
//-*-//
//
// The fused lowering of attn.attention is split by purpose:
//   AttnTile.cpp          the pass: what is supported, buffers, the parallel
//                         loop over (batch, head, query tile), the key loop
//                         (once per normaliser pass);
//   KeyRange.cpp          mask analysis: the live key range of a query tile
//                         and the test for a fully visible key tile;
//   TileBody.cpp          one key tile, row-major: the row loop between
//                         the score function and the normaliser;
//   KeyMajorTile.cpp      one key tile, key-major: scores and P*V as
//                         contractions on register tiles, the online
//                         softmax with query rows in the lanes;
//   RegisterTile.cpp      the contraction on a register tile (the
//                         micro-kernel);
//   ScoreChanges.cpp      score changes and masks of a vector of scores,
//                         shared by both layouts;
//   ScoreFunctions.cpp    dot, general, cosine, neg_l2, compositional:
//                         scores vectorised over keys from a prepared query
//                         tile and a transposed key tile;
//   AdditiveScores.cpp    additive and multi_dimensional: tanh of projected
//                         queries and keys, projected once per tile (the
//                         multi_dimensional per-feature softmax lives here);
//   Normalizers.cpp       softmax (online), sigmoid, none: weights times V;
//   SelectNormalizers.cpp hard, topk, hard_sample: index choices;
//   Positions.cpp         relative_position tables, local_gaussian windows,
//                         grid_window (declared in Positions.h);
//   RegionVectorizer.cpp  score_mod / mask_mod bodies cloned onto vectors;
//   LoopUtils.cpp         small IR-building helpers.
//
// A score function, a normaliser and the positional terms are objects the
// tile driver calls at fixed points (query tile, key tile, row, epilogue), so
// adding one is local to its file.
//
//===----------------------------------------------------------------------===//

#ifndef ATTN_LIB_CONVERSION_ATTNTOLOOPS_ATTENTIONLOWERING_H
#define ATTN_LIB_CONVERSION_ATTNTOLOOPS_ATTENTIONLOWERING_H

#include "attn/Dialect/Attn/IR/AttnDialect.h"

#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/IR/ImplicitLocOpBuilder.h"

#include <memory>
#include <string>

namespace mlir::attn::lowering {

/// The scratch buffers of one (batch, head, query tile) work item, all of
/// static shape. The parts request them in allocate(); attn-tile runs those
/// requests twice: first to measure them, building no IR (buffer() returns
/// null), so that sizes a work item cannot hold are rejected before anything
/// is emitted; then to emit them, on the stack of the work item (inside its
/// alloca_scope) or, when they pass the stack budget, on the heap (freed by
/// the buffer deallocation pipeline at the end of the work item).
class Scratch {
public:
  enum class Placement { Measure, Stack, Heap };
  explicit Scratch(Placement placement) : where(placement) {}

  /// A 64-byte aligned buffer of `shape` and `elem` (f32 when null).
  Value buffer(ImplicitLocOpBuilder &b, ArrayRef<int64_t> shape, Type elem);

  /// Bytes of all the buffers, alignment included; saturates at UINT64_MAX.
  uint64_t totalBytes() const { return total; }
  Placement placement() const { return where; }
  /// The largest buffer, as `32x64xf32`, for diagnostics.
  StringRef largestBuffer() const { return largest; }

private:
  Placement where;
  uint64_t total = 0, largestBytes = 0;
  std::string largest;
};

/// Most lanes of one vector: masks are gathered lane by lane, and register
/// tiles unroll their vectors.
constexpr int64_t kMaxVectorWidth = 64;

/// At most this many vector chunks of a static dimension (D, Dv, A, the
/// relative-position slots) are unrolled in one loop body: beyond it the
/// chunks go in blocks through an scf.for, so that big head dimensions
/// neither blow up the IR nor keep more accumulators live than there are
/// vector registers.
constexpr int64_t kMaxUnrolledChunks = 16;

/// A block of `count` chunks of `width` columns starting at column `base`
/// (null: column 0, where the columns are constants).
struct ChunkBlock {
  Value base;
  int64_t count, width;
  /// First column of chunk c of the block.
  Value column(ImplicitLocOpBuilder &b, int64_t c) const;
};

/// Everything about one attention op that the emitters need, fixed before
/// the loop nest is built.
struct KernelConfig {
  AttentionOp op;
  // Buffers (memrefs) of the operands and results.
  Value query, key, value, mask, bias, keyLengths, output, lse;
  SmallVector<Value> scoreWeights, normalizerInputs, positionInputs;
  /// Paged cache: the block table [B, P] and the page size (index); key and
  /// value are then page pools [num_pages, Hkv, page_size, D|Dv].
  Value blockTable, pageSize;
  /// Paged, with a key tile that divides the page size: key tiles start on
  /// multiples of keyTile, so each lies in one page, looked up once per
  /// tile (QueryTile::kvSlot). Otherwise every key load looks up its page.
  bool pageTiles = false;
  // Dynamic sizes (index) and the bottom-right alignment offset Skv - Sq.
  Value batch, queryLen, keyLen, alignOffset;
  // Static sizes.
  int64_t queryHeads, kvHeads, headDim, valueDim;
  // Tile shape and vector widths.
  int64_t queryTile, keyTile, width, valueWidth;
  /// The op's effective scale.
  float scale;
  /// Factor the score function multiplies its scores by: log2(e) when the
  /// normaliser works in exp2 units and no score change needs natural-unit
  /// scores (it is then free, folded into the prepared query), else 1.
  float scoreUnit;
  /// True when scores need a multiply by log2(e) after the score changes.
  bool convertAfterMods;
  Type elementType;
  /// Layout of the inner tile. Row-major: tile.scores is [queryTile,
  /// keyTile] and rows are processed one by one (TileBody.cpp). Key-major:
  /// tile.scores is [keyTile, paddedRows], query rows run in the lanes, and
  /// Q K^T and P V are register-tile contractions (KeyMajorTile.cpp). Set
  /// when the score function and the normaliser both support it.
  bool keyMajor = false;
  /// Query rows of the row-indexed scratch: queryTile, rounded up to a
  /// multiple of width in key-major (the padding rows hold zero queries).
  int64_t paddedRows = 0;
  /// vector<width x f32> values that fit in the vector register file (32
  /// for AVX-512 at 16 lanes): sizes the register tiles.
  int64_t vectorRegisters = 32;
  /// Key-major bf16 dot scores with AVX512-BF16 pair dot products.
  bool bf16Dot = false;
  /// Key-major bf16 P V with AVX512-BF16 pair dot products: the weights are
  /// rounded to bf16 and paired along the keys (QueryTile::weightPairs),
  /// as are the values (QueryTile::valuePairs).
  bool bf16Values = false;
  /// Broadcastable operands (bias, mask) are read lane by lane even along
  /// consecutive keys: the GPU kernel reads two keys per fragment register,
  /// where clamped scalar loads beat a masked vector read.
  bool laneByLaneLoads = false;
  /// Where allocate() puts the work item's buffers (see Scratch).
  Scratch *scratch = nullptr;
};

/// Per query tile coordinates, fixed inside the parallel loop.
struct QueryTile {
  Value b, h, kvHead, row0, rows;
  /// Clamped key-padding length of this batch, or null.
  Value keyLimit;
  /// Key bounds from per-row positions (local_gaussian), or null: the union
  /// [posBegin, posEnd) and the intersection [posFullBegin, posFullEnd) of
  /// the rows' windows.
  Value posBegin, posEnd, posFullBegin, posFullEnd;
  /// [queryTile, keyTile] f32: the scores of a row (hidden keys hold the
  /// normaliser's hidden score), which the normaliser may overwrite with
  /// its weights.
  Value scores;
  /// With cfg.bf16Values, [ceil(keyTile / 2), 2 paddedRows] and
  /// [ceil(keyTile / 2), 2 Dv] bf16: the weights and the values of a key
  /// tile in pairs of consecutive keys, weightPairs[p, 2 r + e] = w[2 p + e,
  /// r] and valuePairs[p, 2 c + e] = v[k0 + 2 p + e, c].
  Value weightPairs, valuePairs;
  /// Key-major with a bias or a mask that varies along both the query rows
  /// and the keys: [alignTo(keyTile, 16), paddedRows] f32, the operand of
  /// the current key tile transposed (keys x rows; a mask as 0 / 1), so
  /// that a vector of rows is one load (packTransposedTile); keyTileStart
  /// is that tile's first key.
  Value biasTile, maskTile, keyTileStart;
  /// Paged cache with cfg.pageTiles, inside a key tile: the page holding
  /// the tile and its first key minus its row in the page, so that key j is
  /// row j - kvShift of page kvSlot. Null elsewhere.
  Value kvSlot, kvShift;
};

/// Indices of row `key` (a global key index), column `col` of cfg.key or
/// cfg.value: [b, kvHead, key, col] for a dense cache; for a paged one the
/// page and row of the key, from the tile's page (QueryTile::kvSlot) when
/// set and `anyKey` is false, else from the block table. Pass anyKey for
/// keys that need not lie in the current key tile.
SmallVector<Value, 4> kvIndices(ImplicitLocOpBuilder &b,
                                const KernelConfig &cfg, const QueryTile &tile,
                                Value key, Value col, bool anyKey = false);

/// Sets cfg.keyLen, Skv, from cfg.key: its length, or for a paged cache
/// (cfg.blockTable set) P * page_size, with cfg.pageSize (a constant when
/// static).
void setKeyLength(ImplicitLocOpBuilder &b, KernelConfig &cfg);

/// Paged cache: the page (index) and the row in it of key `key` of batch
/// `batch`, read from the block table.
std::pair<Value, Value> pageOfKey(ImplicitLocOpBuilder &b,
                                  const KernelConfig &cfg, Value batch,
                                  Value key);

/// Key range [begin, end) of the tile loop and the bounds that decide
/// whether a key tile is fully visible for every row of the query tile.
struct KeyRange {
  Value begin, end;
  /// A key tile [k0, k0 + keyTile) is fully visible iff
  /// fullBegin <= k0 and k0 + keyTile <= fullEnd (and no opaque mask).
  Value fullBegin, fullEnd;
};

/// Global indices of one vector of scores: the query row i, its aligned
/// position i' = i + Skv - Sq and the key j. In a row-major tile row and pos
/// are scalars and key a vector; in a key-major tile row and pos are
/// vectors and key a scalar.
struct ScoreIndices {
  Value row, pos, key;
};

/// Applies bias, ALiBi, softcap and score_mod to the scores `s`, and the
/// conversion to log2 units when cfg.convertAfterMods.
FailureOr<Value> emitScoreChanges(ImplicitLocOpBuilder &b,
                                  const KernelConfig &cfg,
                                  const QueryTile &tile, Value s,
                                  const ScoreIndices &at);

/// Side of the square blocks packTransposedBias transposes: the 16 f32
/// lanes of an AVX-512 vector.
constexpr int64_t kTransposeBlock = 16;

/// True when the key-major tile reads `operand` (the op's bias or mask)
/// through a transposed tile (QueryTile::biasTile, maskTile): it varies
/// along both the query rows and the keys, in 16-lane vectors.
bool usesTransposedTile(const KernelConfig &cfg, Value operand);

/// Fills `tileBuffer` with `buffer` (the bias or the mask) for the key tile
/// starting at k0 with n keys, as f32 keys x rows: blocks of 16 rows x 16
/// keys read along the keys (keys past Skv read 0, rows past Sq repeat the
/// last row; a mask's bytes become 0 / 1) and transposed in registers.
void packTransposedTile(ImplicitLocOpBuilder &b, const KernelConfig &cfg,
                        const QueryTile &tile, Value buffer, Value tileBuffer,
                        Value k0, Value n);

/// Visibility (i1 vector) from causal, window, key padding, the boolean
/// mask and mask_mod, and keys < keyEnd.
Value emitVisibility(ImplicitLocOpBuilder &b, const KernelConfig &cfg,
                     const QueryTile &tile, const ScoreIndices &at,
                     Value keyEnd);

/// One row of one key tile, as the tile body hands it to the normaliser.
struct RowTile {
  Value r;     // row in the query tile
  Value row;   // query index i
  Value pos;   // aligned position i' = i + Skv - Sq
  Value k0, n; // first key of the tile and number of valid keys
  bool masked; // false: the tile was proved fully visible (n = keyTile)
  /// Scores, one vector per `width` keys (also stored in tile.scores[r]).
  SmallVector<Value> scores;
};

//===----------------------------------------------------------------------===//
// The three parts of a kernel.
//===----------------------------------------------------------------------===//

/// Computes s_ij for a tile of queries against a tile of keys. Scratch
/// buffers are members, created by allocate() inside the work item's
/// alloca scope.
class ScoreFunction {
public:
  explicit ScoreFunction(const KernelConfig &cfg) : cfg(cfg) {}
  virtual ~ScoreFunction() = default;
  virtual void allocate(ImplicitLocOpBuilder &b) = 0;
  /// Once per query tile: loads (and projects, normalises, ...) the queries.
  virtual void prepareQueryTile(ImplicitLocOpBuilder &b,
                                const QueryTile &tile) = 0;
  /// Once per key tile, shared by all rows: the keys [k0, k0 + n).
  virtual void prepareKeyTile(ImplicitLocOpBuilder &b, const QueryTile &tile,
                              Value k0, Value n) = 0;
  /// Scores of row r against the key tile, one vector<width> per chunk of
  /// keys, times cfg.scoreUnit, before score changes and masks. Lanes past
  /// the valid keys hold garbage (the tile body masks them).
  virtual SmallVector<Value> rowScores(ImplicitLocOpBuilder &b,
                                       const QueryTile &tile, Value r) = 0;
  /// For scores of the form scale * q . x (positional key tables): the
  /// f32 vector of q * scale * scoreUnit at row r, features [d, d + width)
  /// of the prepared query tile; null for other scores.
  virtual Value loadScaledQuery(ImplicitLocOpBuilder &b, Value r, Value d,
                                int64_t width) const {
    return {};
  }
  /// Whether the score function implements keyMajorScores.
  virtual bool supportsKeyMajor() const { return false; }
  /// Key-major: stores the scores of the keys [k0, k0 + n) against every
  /// query row of the tile (padding rows included) in tile.scores[j, r],
  /// before score changes and masks, times cfg.scoreUnit.
  virtual void keyMajorScores(ImplicitLocOpBuilder &b, const QueryTile &tile,
                              Value k0, Value n) {}

protected:
  const KernelConfig &cfg;
};

class PositionTerms;

/// Turns the scores of a row into weights and accumulates the output.
class RowNormalizer {
public:
  explicit RowNormalizer(const KernelConfig &cfg) : cfg(cfg) {}
  virtual ~RowNormalizer() = default;
  /// Whether scores should be in log2 units (exp2-based weights).
  virtual bool usesLog2Units() const = 0;
  /// Score the tile body stores for a hidden key.
  virtual double hiddenScore() const;
  /// Number of passes over the key tiles (hard_sample needs two).
  virtual unsigned numPasses() const { return 1; }
  virtual void allocate(ImplicitLocOpBuilder &b) = 0;
  /// Initialises the state before the first pass.
  virtual void initState(ImplicitLocOpBuilder &b, const QueryTile &tile) = 0;
  /// Called before the key loop of every pass after the first.
  virtual void beginPass(ImplicitLocOpBuilder &b, const QueryTile &tile,
                         unsigned pass) {}
  /// An i1 that is false when row r needs no work in this pass, or null.
  virtual Value rowActive(ImplicitLocOpBuilder &b, const QueryTile &tile,
                          Value r, unsigned pass) {
    return {};
  }
  /// Consumes the scores of one row of one key tile.
  virtual void updateRow(ImplicitLocOpBuilder &b, const QueryTile &tile,
                         const RowTile &row, unsigned pass) = 0;
  /// Writes the output rows (and the lse) of the query tile.
  virtual void emitEpilogue(ImplicitLocOpBuilder &b, const QueryTile &tile) = 0;
  /// Whether the normaliser implements updateKeyMajor (every row takes
  /// part in every pass: rowActive is not consulted).
  virtual bool supportsKeyMajor() const { return false; }
  /// The online softmax state of a query tile, which a combine step can
  /// merge across parts of the key range: [paddedRows] running max (log2
  /// units) and sum, [queryTile, Dv] unnormalised accumulator. Null buffers
  /// for normalisers whose state does not merge; valid after allocate().
  struct SoftmaxState {
    Value rowMax, rowSum, acc;
  };
  virtual bool supportsKeySplit() const { return false; }
  virtual SoftmaxState softmaxState() const { return {}; }
  /// Key-major: consumes the scores tile.scores[j, r] of the keys
  /// [k0, k0 + n) for all rows at once in the given pass and accumulates
  /// the output.
  virtual void updateKeyMajor(ImplicitLocOpBuilder &b, const QueryTile &tile,
                              Value k0, Value n, unsigned pass) {}

protected:
  const KernelConfig &cfg;
};

/// hard's choice, written once for every inner tile (SelectNormalizers.cpp):
/// whether key `index` with `score` replaces the current choice
/// (bestScore, bestIndex): a greater score, or an equal one at a lower
/// index (ties go to the lowest j). NaN scores never win.
Value hardPrefers(ImplicitLocOpBuilder &b, Value score, Value index,
                  Value bestScore, Value bestIndex);

/// What the softmax per feature of multi_dimensional takes
/// (AdditiveScores.cpp), with `pass` in the diagnostic: no score changes or
/// positional terms, and a scale of at most 40 (it runs without a running
/// max). Success for the other scores.
LogicalResult checkFeatureSoftmax(AttentionOp op, StringRef pass);

/// compositional's weights (ScoreFunctions.cpp), written once for every
/// inner tile: tanh(dot * scale) * sigmoid(-l1 * scale) for f32 vectors of
/// dot products and L1 distances.
Value compositionalWeights(ImplicitLocOpBuilder &b, Value dot, Value l1,
                           float scale);

/// One step of top-k insertion into slots sorted by descending score
/// (SelectNormalizers.cpp): the carried (score, index) takes the slot if it
/// beats the slot's entry, or if an earlier slot was taken (then every
/// later entry shifts down by one); the slot's entry becomes the carry.
/// Scalars or vectors alike. Keys inserted in increasing index need only
/// a strictly greater score to beat an entry (equal scores keep their
/// order: ties go to the lower index); with `anyOrder`, an equal score at
/// a lower index beats it too (hardPrefers), for keys in any order.
struct InsertCarry {
  Value score, index, moved;
};
struct InsertStep {
  Value slotScore, slotIndex;
  InsertCarry carry;
};
InsertStep insertStep(ImplicitLocOpBuilder &b, const InsertCarry &carry,
                      Value slotScore, Value slotIndex, bool anyOrder = false);

/// Creates the parts of the op's kernel (the caller checked support).
std::unique_ptr<ScoreFunction> createScoreFunction(const KernelConfig &cfg);
std::unique_ptr<RowNormalizer> createNormalizer(const KernelConfig &cfg,
                                                ScoreFunction &score,
                                                PositionTerms &positions);
/// Implementations, by file.
std::unique_ptr<ScoreFunction> createDotFamilyScore(const KernelConfig &cfg);
std::unique_ptr<ScoreFunction> createAdditiveScore(const KernelConfig &cfg);
std::unique_ptr<ScoreFunction>
createMultiDimensionalScore(const KernelConfig &cfg);
std::unique_ptr<RowNormalizer> createFeatureSoftmax(const KernelConfig &cfg,
                                                    ScoreFunction &score);
std::unique_ptr<RowNormalizer> createSoftmax(const KernelConfig &cfg,
                                             PositionTerms &positions);
std::unique_ptr<RowNormalizer> createElementwise(const KernelConfig &cfg);
std::unique_ptr<RowNormalizer> createHard(const KernelConfig &cfg);
std::unique_ptr<RowNormalizer> createTopK(const KernelConfig &cfg);
std::unique_ptr<RowNormalizer> createHardSample(const KernelConfig &cfg);

/// Online max/sum update of row r shared by softmax and hard_sample: reads
/// the scores, updates rowMax/rowSum, returns the correction
/// exp2(m - m') and the chunks p = exp2(s - m').
struct OnlineUpdate {
  Value corr;
  SmallVector<Value> p;
};
OnlineUpdate emitOnlineSoftmaxUpdate(ImplicitLocOpBuilder &b,
                                     const KernelConfig &cfg, Value rowMax,
                                     Value rowSum, const RowTile &row);

/// The same update on the key-major tile, for the keys [0, n) of
/// tile.scores and every vector of rows: rowMax and rowSum [paddedRows]
/// updated lane-wise, corr [paddedRows] set to exp2(m - m'), and, with
/// storeWeights, tile.scores overwritten with p = exp2(s - m').
void emitKeyMajorSoftmaxUpdate(ImplicitLocOpBuilder &b, const KernelConfig &cfg,
                               const QueryTile &tile, Value n, Value rowMax,
                               Value rowSum, Value corr, bool storeWeights);

/// acc[r] = acc[r] * corr + sum_j w[j] v[k0 + j] over the n keys of the
/// tile, with w read from tile.scores[r]; corr may be null (no rescale).
void emitWeightedValues(ImplicitLocOpBuilder &b, const KernelConfig &cfg,
                        const QueryTile &tile, Value acc, Value r, Value k0,
                        Value n, Value corr);

/// Key-major P V: acc[r] = acc[r] * corr[r] + sum_j w[j, r] v[k0 + j] for
/// the rows r < tile.rows, with w = tile.scores ([keyTile, paddedRows]) and
/// corr a [paddedRows] buffer (null: no rescale). Register tiles of rows x
/// value chunks.
void emitKeyMajorWeightedValues(ImplicitLocOpBuilder &b,
                                const KernelConfig &cfg, const QueryTile &tile,
                                Value acc, Value k0, Value n, Value corr);

/// Calls `body` on the blocks of row vectors of a key-major tile
/// (paddedRows / width vectors) that hold rows of `tile`: only the first
/// when the tile has at most `width` rows (decode, short queries), else all.
void forEachRowVectorBlock(
    ImplicitLocOpBuilder &b, const KernelConfig &cfg, const QueryTile &tile,
    function_ref<void(ImplicitLocOpBuilder &, const ChunkBlock &)> body);

/// Rewrites the key-major scores of the keys [0, n) of the tile in place:
/// tile.scores[j, col..col+width) = fn(j, col, scores), for the row vectors
/// of forEachRowVectorBlock.
void transformKeyMajorScores(
    ImplicitLocOpBuilder &b, const KernelConfig &cfg, const QueryTile &tile,
    Value n,
    function_ref<Value(ImplicitLocOpBuilder &, Value /*j*/, Value /*col*/,
                       Value /*scores*/)>
        fn);

/// Emits the key-major work of one key tile [k0, k0 + n): one copy for
/// fully visible and masked tiles (the masks are applied when the i1
/// `full` is false; a null `full` means always), which keeps the code of
/// the register tiles once.
LogicalResult emitKeyMajorTile(ImplicitLocOpBuilder &b, const KernelConfig &cfg,
                               const QueryTile &tile, ScoreFunction &score,
                               RowNormalizer &normalizer,
                               PositionTerms &positions, Value k0, Value n,
                               Value full, unsigned pass);

//===----------------------------------------------------------------------===//
// The register tile (micro-kernel).
//===----------------------------------------------------------------------===//

/// A contraction on a register tile: acc[i][c] += lhs(i, k) * rhs(k, c) for
/// k in [0, depth), i < rows, c < cols, with lhs a scalar (broadcast to the
/// lanes) or a vector, and rhs a vector; acc is row-major (i * cols + c),
/// carried through one loop over k. `accumulate` computes acc + lhs * rhs
/// for one cell (null: vector.fma; a target's matrix instruction, e.g.
/// vdpbf16ps on pairs of bf16, otherwise). `secondSum`, when given, is a
/// second reduction over the same loaded operands (compositional's L1
/// distance beside its dot product): its accumulators follow the first
/// rows x cols ones in `init` and in the result. Returns the final
/// accumulators.
/// Every inner tile contraction (Q K^T, P V) goes through here, so a target
/// changes how a tile maps onto its matrix units in one place.
using TileLhs =
    function_ref<Value(ImplicitLocOpBuilder &, int64_t /*i*/, Value /*k*/)>;
using TileRhs =
    function_ref<Value(ImplicitLocOpBuilder &, Value /*k*/, int64_t /*c*/)>;
using TileAccumulate = function_ref<Value(ImplicitLocOpBuilder &, Value /*acc*/,
                                          Value /*lhs*/, Value /*rhs*/)>;
SmallVector<Value> emitRegisterTile(ImplicitLocOpBuilder &b, int64_t rows,
                                    int64_t cols, Value depth, ValueRange init,
                                    TileLhs lhs, TileRhs rhs,
                                    TileAccumulate accumulate = {},
                                    TileAccumulate secondSum = {});

/// `count` dot products along a contraction of `chunks` vectors of `count`
/// lanes: lane l of the result is sum_c lhs(col_c) . rhs(l, col_c), with
/// col_c the first column of chunk c, and count a power of 2. The partial
/// products stay in count accumulators (carried through blocks of chunks,
/// so a long contraction is a loop) and are reduced together (log2(count)
/// levels of shuffles and adds), not one horizontal reduction each. The
/// kernel for a single query row, where a register tile over rows would be
/// mostly padding.
Value emitDotProducts(
    ImplicitLocOpBuilder &b, int64_t count, int64_t chunks,
    function_ref<Value(ImplicitLocOpBuilder &, Value /*col*/)> lhs,
    function_ref<Value(ImplicitLocOpBuilder &, int64_t /*l*/, Value /*col*/)>
        rhs);

/// Register tile shape for `vectors` vector columns: at most `vectors`
/// columns per tile and as many rows as the accumulators leave registers
/// for (at least 1), given the `vectorRegisters` of the register file.
struct TileShape {
  int64_t rows, cols;
};
TileShape chooseTileShape(int64_t vectorRegisters, int64_t vectors);

/// Calls `body(rowBase, rows)` over [0, count) in blocks of `block` rows
/// (dynamic count): an scf.for over the full blocks, then the remainder as
/// blocks of the heights of its binary digits (one block when the count is
/// a constant).
void forEachRowBlock(
    ImplicitLocOpBuilder &b, Value count, int64_t block,
    function_ref<void(ImplicitLocOpBuilder &, Value, int64_t)> body);

/// Split key ranges (KeySplit.cpp): the online softmax states of the parts
/// of every query tile, in flat heap buffers indexed by slot (one slot per
/// part): [slots * paddedRows] maxima (log2 units) and sums and [slots *
/// queryTile * Dv] unnormalised accumulators.
struct SplitStates {
  Value rowMax, rowSum, acc;
};
SplitStates allocateSplitStates(ImplicitLocOpBuilder &b,
                                const KernelConfig &cfg, Value slots);

/// Narrows the key range of a query tile to part `part` of `parts`: whole
/// key tiles on the same grid as the unsplit loop, empty for parts past the
/// range.
void narrowToPart(ImplicitLocOpBuilder &b, const KernelConfig &cfg,
                  KeyRange &range, Value part, Value parts);

/// Copies the softmax state of `tile` into slot `slot` of `states`.
void exportSoftmaxState(ImplicitLocOpBuilder &b, const KernelConfig &cfg,
                        const QueryTile &tile,
                        const RowNormalizer::SoftmaxState &state,
                        const SplitStates &states, Value slot);

/// Merges the `count` parts from slot `first` on into `state` (log-sum-exp:
/// m = max m_p, l = sum l_p 2^(m_p - m), acc = sum acc_p 2^(m_p - m); an
/// empty part, m_p = -inf, weighs 0), ready for the normaliser's epilogue.
void mergeSoftmaxStates(ImplicitLocOpBuilder &b, const KernelConfig &cfg,
                        const QueryTile &tile, const SplitStates &states,
                        Value first, Value count,
                        const RowNormalizer::SoftmaxState &state);

//===----------------------------------------------------------------------===//
// Drivers and helpers.
//===----------------------------------------------------------------------===//

/// Body of a counted loop: gets the builder, the induction variable and the
/// carried values, returns the values to carry on.
using LoopBody =
    function_ref<SmallVector<Value>(ImplicitLocOpBuilder &, Value, ValueRange)>;

/// Emits `for iv = 0 to ub step 1` carrying `init`; returns the loop.
scf::ForOp buildCountedLoop(ImplicitLocOpBuilder &b, Value ub, ValueRange init,
                            LoopBody body);

/// The same without carried values, for loops that only store.
void buildCountedLoop(ImplicitLocOpBuilder &b, Value ub,
                      function_ref<void(ImplicitLocOpBuilder &, Value)> body);

/// Loads buffer[indices] and widens it to f32.
Value loadAsF32(ImplicitLocOpBuilder &b, Value buffer, ValueRange indices);

/// Loads a vector<width> at buffer[indices] and widens it to f32.
Value loadVectorAsF32(ImplicitLocOpBuilder &b, Value buffer, ValueRange indices,
                      int64_t width);

/// The two bf16 at buffer[indices] (the last index and the next) as one
/// 32-bit word broadcast to `width` lanes, viewed as 2 width bf16: the
/// left operand of a vdpbf16ps register tile.
Value broadcastPair(ImplicitLocOpBuilder &b, Value buffer, ValueRange indices,
                    int64_t width);

/// 1 / |x| from the f32 |x|^2 `squares`: cosine's factor of a query or a
/// key. 0 for a zero vector, whose cosine is taken as 0 rather than NaN.
Value inverseNorm(ImplicitLocOpBuilder &b, Value squares);

/// Constants and splats.
Value indexConst(ImplicitLocOpBuilder &b, int64_t v);
Value f32Const(ImplicitLocOpBuilder &b, double v);
Value splat(ImplicitLocOpBuilder &b, Value scalar, int64_t width);

/// A scratch buffer of the work item (f32 unless `elem` is given), from
/// cfg.scratch; null while the scratch is being measured.
Value scratchBuffer(ImplicitLocOpBuilder &b, const KernelConfig &cfg,
                    ArrayRef<int64_t> shape, Type elem = {});

/// Body of a chunk block: gets the builder, the block and the carried
/// values, returns the values to carry on.
using ChunkBlockBody = function_ref<SmallVector<Value>(
    ImplicitLocOpBuilder &, const ChunkBlock &, ValueRange)>;

/// Emits `body` over `chunks` chunks of `width` columns carrying `init`
/// from block to block, and returns the values after the last block. Up to
/// blockChunks chunks are one block at column 0 (no loop); more are an
/// scf.for over blocks of blockChunks, then a tail block.
SmallVector<Value> forEachChunkBlock(ImplicitLocOpBuilder &b, int64_t chunks,
                                     int64_t width, ValueRange init,
                                     ChunkBlockBody body,
                                     int64_t blockChunks = kMaxUnrolledChunks);

/// The same without carried values.
void forEachChunkBlock(
    ImplicitLocOpBuilder &b, int64_t chunks, int64_t width,
    function_ref<void(ImplicitLocOpBuilder &, const ChunkBlock &)> body,
    int64_t blockChunks = kMaxUnrolledChunks);

/// The global key indices k0 + c * width + [0, width) of chunk c.
Value chunkKeys(ImplicitLocOpBuilder &b, Value k0, int64_t c, int64_t width);

/// The largest vector width <= preferred that divides `size`.
int64_t widthFor(int64_t size, int64_t preferred);

/// out[r, :] = scale * (sum_d x(r, d) W[d, :] + bias) for r < rows (bias
/// optional),
/// vectorised over the columns of W ([K, N] row-major, N % colWidth == 0).
void emitRowProjection(
    ImplicitLocOpBuilder &b, Value rows, int64_t depth,
    function_ref<Value(ImplicitLocOpBuilder &, Value, Value)> loadInput,
    Value weights, Value bias, float scale, Value out, int64_t colWidth);

/// Computes the live key range of `tile` from the named masks and the
/// per-row position bounds.
KeyRange computeKeyRange(ImplicitLocOpBuilder &b, const KernelConfig &cfg,
                         const QueryTile &tile);

/// Emits the work of one key tile starting at `k0` with `n` valid keys,
/// for normaliser pass `pass`. When `masked` is false no mask arithmetic is
/// emitted: the caller proved the tile fully visible.
LogicalResult emitKeyTile(ImplicitLocOpBuilder &b, const KernelConfig &cfg,
                          const QueryTile &tile, ScoreFunction &score,
                          RowNormalizer &normalizer, PositionTerms &positions,
                          Value k0, Value n, bool masked, unsigned pass);

/// Fails, naming the op, when score_mod or mask_mod holds an op that is not
/// a constant or elementwise with one result: those cannot be cloned onto
/// vectors or fragments. `where` completes "cannot be evaluated ...".
LogicalResult checkRegionsVectorize(AttentionOp op, StringRef where);

/// `tensor` as a read-only buffer of the same shape with the identity
/// layout (bufferization removes the boundary); null for null.
Value toReadOnlyBuffer(ImplicitLocOpBuilder &b, Value tensor);

/// Clones the single-block `region` (score_mod or mask_mod) elementwise onto
/// vectors: `args` are the vector (or scalar, broadcast on use) values of the
/// block arguments. Returns the vector the region yields.
FailureOr<Value> vectorizeRegion(ImplicitLocOpBuilder &b, Region &region,
                                 ValueRange args, int64_t width);

} // namespace mlir::attn::lowering

#endif // ATTN_LIB_CONVERSION_ATTNTOLOOPS_ATTENTIONLOWERING_H
