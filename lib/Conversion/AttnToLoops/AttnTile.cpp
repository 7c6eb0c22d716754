//===- AttnTile.cpp - attn.attention to a fused tiled loop nest -----------===//
//
// The loop nest of one attention op:
//
//   out = alloc [B, Hq, Sq, Dv]
//   scf.parallel (b, h, t) in [B, Hq, ceil(Sq / Tq)]:
//     alloca_scope: scratch of the score function, the normaliser, the
//                   positional terms and the score tile  (O(tile); on the
//                   heap instead past stack-scratch-bytes, and rejected
//                   past max-scratch-bytes before anything is emitted)
//       score.prepareQueryTile      (scale, project, normalise q once)
//       positions.prepareQueryTile  (relative tables, per-row windows)
//       normalizer.initState
//       for each normaliser pass (hard_sample has two):
//         for k0 in live key range, step Tk:  (mask analysis, KeyRange.cpp)
//           if tile fully visible: key tile without mask arithmetic
//           else:                  key tile with masks
//       normalizer.emitEpilogue     (out rows, lse)
//
//===----------------------------------------------------------------------===//

#include "AttentionLowering.h"
#include "Positions.h"
#include "attn/Dialect/Attn/Transforms/Passes.h"

#include "mlir/Dialect/Bufferization/IR/Bufferization.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"

#include <cmath>
#include <limits>
#include <optional>

namespace mlir::attn {
#define GEN_PASS_DEF_ATTNTILE
#include "attn/Dialect/Attn/Transforms/Passes.h.inc"
} // namespace mlir::attn

using namespace mlir;
using namespace mlir::attn;
using namespace mlir::attn::lowering;

namespace {

/// Most vector chunks of a key tile, each unrolled in the tile body (scores,
/// score changes, masks, normaliser update): 1024 keys at 16 lanes.
constexpr int64_t kMaxKeyChunks = 64;

/// Rejects what this lowering does not implement, naming it. Everything
/// the verifier accepts is lowered except these combinations.
LogicalResult checkSupported(AttentionOp op) {
  if (op.isFp8())
    return op.emitOpError() << "f8E4M3FN inputs are not supported by "
                               "attn-tile; attn-dequantize decodes them first";
  // Weights are projected in vectors of a static width: a dynamic attention
  // width A ('additive' allows one) has no such width.
  for (Value w : op.getScoreOperands())
    if (!cast<ShapedType>(w.getType()).hasStaticShape())
      return op.emitOpError()
             << "score operands of dynamic shape (" << w.getType()
             << ") are not supported by attn-tile";
  ScoreKind score = op.getScore();
  bool hasPositions =
      op.getRelativeClip() || op.getGaussianWindow() || op.getGridWindow();
  if (failed(lowering::checkFeatureSoftmax(op, "attn-tile")))
    return failure();
  if (hasPositions && op.getNormalizer() != Normalizer::softmax)
    return op.emitOpError()
           << "positional terms (relative_clip, gaussian_window, grid_window) "
              "with normalizer '"
           << stringifyNormalizer(op.getNormalizer())
           << "' are not supported by attn-tile; they need 'softmax'";
  if (op.getRelativeClip() && score != ScoreKind::dot)
    return op.emitOpError()
           << "relative_clip with score '" << stringifyScoreKind(score)
           << "' is not supported by attn-tile; it needs score 'dot'";
  if (op.getGridWindow() && !op.getPositionOperands().empty() &&
      score != ScoreKind::dot)
    return op.emitOpError()
           << "grid_window relative tables with score '"
           << stringifyScoreKind(score)
           << "' are not supported by attn-tile; they need score 'dot'";
  return success();
}

/// The tiling options of the pass.
struct TileOptions {
  int64_t queryTile, keyTile, width, vectorRegisters, l2CacheBytes;
  bool keyMajor, bf16DotProducts;
  int64_t keySplits;
};

/// The tile cost model of the pass description, for a tile size of 0.
void chooseTileSizes(KernelConfig &cfg, int64_t l2CacheBytes) {
  int64_t width = cfg.width;
  auto roundUp = [&](int64_t x) { return llvm::alignTo(x, width); };
  // Only the sizes left to the model are chosen (and shrunk).
  bool autoQueries = cfg.queryTile == 0;
  if (autoQueries)
    cfg.queryTile = cfg.keyMajor ? 64 : 32;
  bool autoKeys = cfg.keyTile == 0;
  if (autoKeys)
    cfg.keyTile =
        cfg.keyMajor ? std::clamp<int64_t>(roundUp(cfg.valueDim), 64, 128) : 64;
  auto workingSet = [&]() {
    return 4 * (cfg.keyTile * (cfg.headDim + cfg.valueDim) +
                cfg.queryTile * (cfg.keyTile + cfg.headDim + cfg.valueDim));
  };
  while (workingSet() > l2CacheBytes / 2) {
    if (autoKeys && cfg.keyTile > width)
      cfg.keyTile = roundUp(cfg.keyTile / 2);
    else if (autoQueries && cfg.queryTile > width)
      cfg.queryTile = roundUp(cfg.queryTile / 2);
    else
      break;
  }
}

/// A paged cache of static page size: the key tile shrinks to the largest
/// multiple of the vector width that divides the page size, so that every
/// key tile lies in one page and its page is looked up once (a page of at
/// least a key tile keeps the tile, and the dense speed). A page size the
/// width does not divide, or a dynamic one, keeps the tile and looks up
/// the page of every key.
void choosePageTiles(KernelConfig &cfg) {
  if (!cfg.op.isPaged())
    return;
  int64_t pageSize = cfg.op.getKey().getType().getDimSize(2);
  if (ShapedType::isDynamic(pageSize) || pageSize % cfg.width != 0)
    return;
  while (pageSize % cfg.keyTile != 0)
    cfg.keyTile -= cfg.width;
  cfg.pageTiles = true;
}

/// Bounds of one work item's scratch, in bytes (the pass options).
struct ScratchLimits {
  /// Up to this much lives on the stack of the thread running the item.
  uint64_t stack;
  /// More than this is rejected.
  uint64_t max;
};

class AttentionLowering {
public:
  AttentionLowering(AttentionOp op, const TileOptions &options,
                    ScratchLimits limits)
      : op(op), b(op.getLoc(), op), limits(limits),
        l2CacheBytes(options.l2CacheBytes), allowKeyMajor(options.keyMajor),
        allowBf16Dot(options.bf16DotProducts), keySplits(options.keySplits) {
    cfg.op = op;
    cfg.queryTile = options.queryTile;
    cfg.keyTile = options.keyTile;
    cfg.width = options.width;
    cfg.vectorRegisters = options.vectorRegisters;
  }

  LogicalResult run();

private:
  Value idx(int64_t v) { return arith::ConstantIndexOp::create(b, v); }
  Value toBuffer(Value tensor) { return toReadOnlyBuffer(b, tensor); }
  SmallVector<Value> toBuffers(ValueRange tensors) {
    SmallVector<Value> out;
    for (Value t : tensors)
      out.push_back(toBuffer(t));
    return out;
  }
  Value allocLike(Value tensorResult, ValueRange dynSizes) {
    auto type = cast<RankedTensorType>(tensorResult.getType());
    auto memType = MemRefType::get(type.getShape(), type.getElementType());
    SmallVector<Value> dyn;
    for (auto [i, size] : llvm::enumerate(type.getShape()))
      if (ShapedType::isDynamic(size))
        dyn.push_back(dynSizes[i]);
    return memref::AllocOp::create(b, memType, dyn, b.getI64IntegerAttr(64));
  }

  void allocateScratch(ImplicitLocOpBuilder &ib, QueryTile &tile);
  LogicalResult checkScratch(const Scratch &measured);
  /// An scf.parallel over [0, upper) whose iterations are work items, each
  /// with its scratch in an alloca_scope when it fits the stack.
  LogicalResult emitWorkItems(
      ValueRange upper,
      function_ref<LogicalResult(ImplicitLocOpBuilder &, ValueRange)> item);
  /// The coordinates and scratch of the query tile of work item (b, h, t).
  QueryTile beginQueryTile(ImplicitLocOpBuilder &ib, ValueRange ivs);
  LogicalResult emitQueryTile(ImplicitLocOpBuilder &ib, ValueRange ivs);
  LogicalResult emitKeyLoop(ImplicitLocOpBuilder &ib, const QueryTile &tile,
                            unsigned pass);
  /// Split keys: the nest over (b, h, t, part) then the combine over
  /// (b, h, t), for `parts` parts per query tile.
  LogicalResult emitSplitNest(Value numTiles, Value items, Value parts);

  /// Part `part` of `parts` of the key range of the work item being
  /// emitted, when the keys are split.
  struct KeySplit {
    /// parts > 1: the tile exports its state instead of writing its rows.
    Value part, parts, splitting;
    /// The states of all parts, and the slot of the current one in them.
    SplitStates states;
    Value slot;
  };

  AttentionOp op;
  ImplicitLocOpBuilder b;
  ScratchLimits limits;
  int64_t l2CacheBytes;
  bool allowKeyMajor, allowBf16Dot;
  int64_t keySplits;
  std::optional<KeySplit> split;
  KernelConfig cfg;
  std::optional<Scratch> scratch;
  std::unique_ptr<ScoreFunction> score;
  std::unique_ptr<PositionTerms> positions;
  std::unique_ptr<RowNormalizer> normalizer;
};

LogicalResult AttentionLowering::run() {
  if (failed(checkSupported(op)))
    return failure();
  auto qType = op.getQuery().getType();
  cfg.elementType = qType.getElementType();
  cfg.queryHeads = op.getQueryHeads();
  cfg.kvHeads = op.getKeyValueHeads();
  cfg.headDim = qType.getDimSize(3);
  cfg.valueDim = op.getValue().getType().getDimSize(3);
  cfg.valueWidth = widthFor(cfg.valueDim, cfg.width);
  cfg.scale = op.getEffectiveScale();

  // The parts of the kernel. The normaliser decides the units of the
  // scores: exp2-based ones get log2(e) folded into the prepared query,
  // unless a score change must see natural-unit scores first.
  score = createScoreFunction(cfg);
  positions = std::make_unique<PositionTerms>(cfg, *score);
  normalizer = createNormalizer(cfg, *score, *positions);
  bool hasMods = op.getBias() || op.getAlibi() || op.getSoftcap() ||
                 !op.getScoreMod().empty();
  bool log2Units = normalizer->usesLog2Units();
  cfg.convertAfterMods = hasMods && log2Units;
  cfg.scoreUnit = log2Units && !hasMods ? float(M_LOG2E) : 1.0f;
  // The key-major tile (register-tile contractions) where both parts
  // implement it; the row-major tile otherwise.
  cfg.keyMajor = allowKeyMajor && score->supportsKeyMajor() &&
                 normalizer->supportsKeyMajor();
  chooseTileSizes(cfg, l2CacheBytes);
  choosePageTiles(cfg);
  cfg.paddedRows =
      cfg.keyMajor ? llvm::alignTo(cfg.queryTile, cfg.width) : cfg.queryTile;
  // vdpbf16ps: lanes of 16 f32 sums, each of pairs along the head dim.
  cfg.bf16Dot = allowBf16Dot && cfg.keyMajor && cfg.width == 16 &&
                cfg.elementType.isBF16() && op.getScore() == ScoreKind::dot &&
                cfg.headDim % 2 == 0;
  cfg.bf16Values = allowBf16Dot && cfg.keyMajor && cfg.width == 16 &&
                   cfg.elementType.isBF16() && cfg.valueWidth == 16;

  // Measure the scratch of a work item before emitting anything: sizes
  // whose scratch no thread can hold are rejected here, not at run time.
  Scratch measured(Scratch::Placement::Measure);
  cfg.scratch = &measured;
  QueryTile unused;
  allocateScratch(b, unused);
  if (failed(checkScratch(measured)))
    return failure();
  scratch.emplace(measured.totalBytes() > limits.stack
                      ? Scratch::Placement::Heap
                      : Scratch::Placement::Stack);
  cfg.scratch = &*scratch;

  // Check the regions vectorise before emitting anything.
  if (failed(checkRegionsVectorize(op, "on vectors by attn-tile")))
    return failure();

  cfg.query = toBuffer(op.getQuery());
  cfg.key = toBuffer(op.getKey());
  cfg.value = toBuffer(op.getValue());
  cfg.mask = toBuffer(op.getMask());
  cfg.bias = toBuffer(op.getBias());
  cfg.keyLengths = toBuffer(op.getKeyLengths());
  cfg.scoreWeights = toBuffers(op.getScoreOperands());
  cfg.normalizerInputs = toBuffers(op.getNormalizerOperands());
  cfg.positionInputs = toBuffers(op.getPositionOperands());
  cfg.batch = memref::DimOp::create(b, cfg.query, 0);
  cfg.queryLen = memref::DimOp::create(b, cfg.query, 2);
  cfg.blockTable = toBuffer(op.getBlockTable());
  setKeyLength(b, cfg);
  cfg.alignOffset =
      op.buildAlignOffset(b, op.getLoc(), cfg.queryLen, cfg.keyLen);

  Value hq = idx(cfg.queryHeads), dv = idx(cfg.valueDim);
  cfg.output = allocLike(op.getOutput(), {cfg.batch, hq, cfg.queryLen, dv});
  if (op.getLse())
    cfg.lse = allocLike(op.getLse(), {cfg.batch, hq, cfg.queryLen});

  Value numTiles =
      arith::CeilDivSIOp::create(b, cfg.queryLen, idx(cfg.queryTile));
  // The (batch, head, query tile) work items (emitWorkItems).
  if (keySplits <= 1 || !cfg.keyMajor || !normalizer->supportsKeySplit()) {
    if (failed(emitWorkItems({cfg.batch, hq, numTiles},
                             [&](ImplicitLocOpBuilder &ib, ValueRange ivs) {
                               return emitQueryTile(ib, ivs);
                             })))
      return failure();
  } else {
    // Few work items (decode, short queries): parts of the key range become
    // work items of their own, up to keySplits items in all, each part at
    // least two key tiles; one part when there are enough items.
    Value items = arith::MulIOp::create(
        b, arith::MulIOp::create(b, cfg.batch, hq), numTiles);
    Value keyTiles =
        arith::CeilDivUIOp::create(b, cfg.keyLen, idx(2 * cfg.keyTile));
    Value parts = arith::MaxUIOp::create(
        b,
        arith::MinUIOp::create(
            b,
            arith::CeilDivUIOp::create(
                b, idx(keySplits),
                // No work item at all (Sq or B = 0): no division by zero.
                arith::MaxUIOp::create(b, items, idx(1))),
            keyTiles),
        idx(1));
    if (failed(emitSplitNest(numTiles, items, parts)))
      return failure();
  }

  SmallVector<Value> results = {
      bufferization::ToTensorOp::create(b, op.getOutput().getType(), cfg.output,
                                        b.getUnitAttr(), b.getUnitAttr())};
  if (op.getLse())
    results.push_back(bufferization::ToTensorOp::create(
        b, op.getLse().getType(), cfg.lse, b.getUnitAttr(), b.getUnitAttr()));
  op->replaceAllUsesWith(results);
  op->erase();
  return success();
}

LogicalResult AttentionLowering::emitWorkItems(
    ValueRange upper,
    function_ref<LogicalResult(ImplicitLocOpBuilder &, ValueRange)> item) {
  // The work items are independent: an scf.parallel that a threading pass
  // (scf-to-openmp) may distribute. Each item owns its scratch, O(tile) and
  // independent of the sequence lengths, on the stack of an alloca_scope so
  // that a sequential lowering does not grow the stack per iteration;
  // scratch past the stack budget is allocated on the heap instead, once
  // per work item, which the deallocation pipeline frees at its end.
  LogicalResult result = success();
  SmallVector<Value> zeros(upper.size(), idx(0)), ones(upper.size(), idx(1));
  bool onStack = scratch->placement() == Scratch::Placement::Stack;
  scf::ParallelOp::create(
      b, zeros, upper, ones,
      [&](OpBuilder &nested, Location loc, ValueRange ivs) {
        ImplicitLocOpBuilder ib(loc, nested);
        memref::AllocaScopeOp scope;
        if (onStack) {
          scope = memref::AllocaScopeOp::create(ib, TypeRange{});
          ib.setInsertionPointToStart(&scope.getBodyRegion().emplaceBlock());
        }
        if (failed(item(ib, ivs)))
          result = failure();
        if (onStack) {
          memref::AllocaScopeReturnOp::create(ib, ValueRange{});
          ib.setInsertionPointAfter(scope);
        }
        scf::ReduceOp::create(ib);
      });
  return result;
}

LogicalResult AttentionLowering::emitSplitNest(Value numTiles, Value items,
                                               Value parts) {
  // One nest over (b, h, t, part): the kernel body is emitted once, and
  // with one part a tile writes its rows as in the plain nest.
  Value splitting =
      arith::CmpIOp::create(b, arith::CmpIPredicate::ugt, parts, idx(1));
  // Slot of part p of work item (b, h, t): ((b Hq + h) tiles + t) parts + p.
  auto slotOf = [&](ImplicitLocOpBuilder &ib, ValueRange ivs, Value part) {
    Value head = arith::AddIOp::create(
        ib, arith::MulIOp::create(ib, ivs[0], indexConst(ib, cfg.queryHeads)),
        ivs[1]);
    Value item = arith::AddIOp::create(
        ib, arith::MulIOp::create(ib, head, numTiles), ivs[2]);
    return arith::AddIOp::create(ib, arith::MulIOp::create(ib, item, parts),
                                 part);
  };
  Value slots = arith::SelectOp::create(
      b, splitting, arith::MulIOp::create(b, items, parts), idx(0));
  SplitStates states = allocateSplitStates(b, cfg, slots);
  Value hq = idx(cfg.queryHeads);
  LogicalResult result = emitWorkItems(
      {cfg.batch, hq, numTiles, parts},
      [&](ImplicitLocOpBuilder &ib, ValueRange ivs) {
        split =
            KeySplit{ivs[3], parts, splitting, states, slotOf(ib, ivs, ivs[3])};
        LogicalResult emitted = emitQueryTile(ib, ivs.take_front(3));
        split.reset();
        return emitted;
      });
  if (failed(result))
    return failure();
  // The combine: each query tile merges its parts into its own softmax
  // state, then writes its output rows as an unsplit tile would.
  scf::IfOp::create(b, splitting, [&](OpBuilder &nb, Location loc) {
    OpBuilder::InsertionGuard guard(b);
    b.setInsertionPoint(scf::YieldOp::create(nb, loc));
    result =
        emitWorkItems({cfg.batch, hq, numTiles},
                      [&](ImplicitLocOpBuilder &ib, ValueRange ivs) {
                        QueryTile tile = beginQueryTile(ib, ivs);
                        mergeSoftmaxStates(ib, cfg, tile, states,
                                           slotOf(ib, ivs, indexConst(ib, 0)),
                                           parts, normalizer->softmaxState());
                        normalizer->emitEpilogue(ib, tile);
                        return success();
                      });
  });
  return result;
}

/// Every scratch buffer of a work item, from cfg.scratch: the measure and
/// the emission run exactly the same requests.
void AttentionLowering::allocateScratch(ImplicitLocOpBuilder &ib,
                                        QueryTile &tile) {
  if (cfg.keyMajor)
    tile.scores = scratchBuffer(ib, cfg, {cfg.keyTile, cfg.paddedRows});
  else
    tile.scores = scratchBuffer(ib, cfg, {cfg.queryTile, cfg.keyTile});
  int64_t transposedKeys = llvm::alignTo(cfg.keyTile, kTransposeBlock);
  if (usesTransposedTile(cfg, op.getBias()))
    tile.biasTile = scratchBuffer(ib, cfg, {transposedKeys, cfg.paddedRows},
                                  ib.getF32Type());
  if (usesTransposedTile(cfg, op.getMask()))
    tile.maskTile = scratchBuffer(ib, cfg, {transposedKeys, cfg.paddedRows},
                                  ib.getF32Type());
  if (cfg.bf16Values) {
    int64_t pairs = llvm::divideCeil(cfg.keyTile, 2);
    tile.weightPairs =
        scratchBuffer(ib, cfg, {pairs, 2 * cfg.paddedRows}, ib.getBF16Type());
    tile.valuePairs =
        scratchBuffer(ib, cfg, {pairs, 2 * cfg.valueDim}, ib.getBF16Type());
  }
  score->allocate(ib);
  positions->allocate(ib);
  normalizer->allocate(ib);
}

LogicalResult AttentionLowering::checkScratch(const Scratch &measured) {
  uint64_t bytes = measured.totalBytes();
  if (bytes <= limits.max)
    return success();
  // Name every size the scratch grows with, so that the one to change is
  // among them.
  InFlightDiagnostic diag = op.emitOpError();
  diag << "needs ";
  if (bytes == std::numeric_limits<uint64_t>::max())
    diag << "at least 2^64";
  else
    diag << bytes;
  diag << " bytes of scratch per (batch, head, query tile) work item, more "
          "than max-scratch-bytes = "
       << limits.max << " (query-tile = " << cfg.queryTile
       << ", key-tile = " << cfg.keyTile << ", D = " << cfg.headDim
       << ", Dv = " << cfg.valueDim;
  if (op.getScore() == ScoreKind::additive)
    diag << ", A = "
         << cast<ShapedType>(op.getScoreOperands()[0].getType()).getDimSize(1);
  if (std::optional<uint64_t> k = op.getTopK())
    diag << ", top_k = " << *k;
  if (std::optional<uint64_t> clip = op.getRelativeClip())
    diag << ", relative_clip = " << *clip;
  diag << "; largest buffer " << measured.largestBuffer()
       << "); use smaller tiles or sizes";
  return failure();
}

QueryTile AttentionLowering::beginQueryTile(ImplicitLocOpBuilder &ib,
                                            ValueRange ivs) {
  QueryTile tile;
  tile.b = ivs[0];
  tile.h = ivs[1];
  tile.kvHead = arith::DivUIOp::create(
      ib, tile.h, indexConst(ib, cfg.queryHeads / cfg.kvHeads));
  tile.row0 = arith::MulIOp::create(ib, ivs[2], indexConst(ib, cfg.queryTile));
  tile.rows = arith::MinSIOp::create(
      ib, indexConst(ib, cfg.queryTile),
      arith::SubIOp::create(ib, cfg.queryLen, tile.row0));
  if (cfg.keyLengths) {
    // Lengths outside [0, Skv] are clamped: a negative length hides every
    // key, a length past the end shows them all.
    Value len = arith::IndexCastOp::create(
        ib, ib.getIndexType(),
        memref::LoadOp::create(ib, cfg.keyLengths, ValueRange{tile.b}));
    tile.keyLimit = arith::MaxSIOp::create(
        ib, indexConst(ib, 0), arith::MinSIOp::create(ib, len, cfg.keyLen));
  }
  allocateScratch(ib, tile);
  if (cfg.keyMajor) {
    // The few-row score kernel writes only the rows of the tile; the
    // padding lanes it leaves must hold finite values, not whatever the
    // stack held, for the lane-wise softmax (denormals and NaNs are slow).
    Value zero = splat(ib, f32Const(ib, 0.0), cfg.width);
    buildCountedLoop(
        ib, indexConst(ib, cfg.keyTile),
        [&](ImplicitLocOpBuilder &jb, Value j) {
          forEachChunkBlock(
              jb, cfg.paddedRows / cfg.width, cfg.width,
              [&](ImplicitLocOpBuilder &cb, const ChunkBlock &block) {
                for (int64_t c = 0; c < block.count; ++c)
                  vector::StoreOp::create(cb, zero, tile.scores,
                                          ValueRange{j, block.column(cb, c)});
              });
        });
  }
  return tile;
}

LogicalResult AttentionLowering::emitQueryTile(ImplicitLocOpBuilder &ib,
                                               ValueRange ivs) {
  QueryTile tile = beginQueryTile(ib, ivs);
  score->prepareQueryTile(ib, tile);
  positions->prepareQueryTile(ib, tile);
  normalizer->initState(ib, tile);
  for (unsigned pass = 0; pass < normalizer->numPasses(); ++pass) {
    if (pass > 0)
      normalizer->beginPass(ib, tile, pass);
    if (failed(emitKeyLoop(ib, tile, pass)))
      return failure();
  }
  if (!split) {
    normalizer->emitEpilogue(ib, tile);
    return success();
  }
  scf::IfOp::create(
      ib, split->splitting,
      [&](OpBuilder &nb, Location loc) {
        ImplicitLocOpBuilder tb(loc, nb);
        exportSoftmaxState(tb, cfg, tile, normalizer->softmaxState(),
                           split->states, split->slot);
        scf::YieldOp::create(tb);
      },
      [&](OpBuilder &nb, Location loc) {
        ImplicitLocOpBuilder eb(loc, nb);
        normalizer->emitEpilogue(eb, tile);
        scf::YieldOp::create(eb);
      });
  return success();
}

LogicalResult AttentionLowering::emitKeyLoop(ImplicitLocOpBuilder &ib,
                                             const QueryTile &tile,
                                             unsigned pass) {
  // The key loop runs over the live range only; each tile picks the variant
  // without mask arithmetic when the named masks show all of it.
  KeyRange range = computeKeyRange(ib, cfg, tile);
  // Page tiles start on multiples of the key tile (which divides the page
  // size); the keys this adds before the range are hidden by the masks
  // that set its start, in the masked variant of the first tile.
  if (cfg.pageTiles)
    range.begin = arith::MulIOp::create(
        ib,
        arith::DivUIOp::create(ib, range.begin, indexConst(ib, cfg.keyTile)),
        indexConst(ib, cfg.keyTile));
  if (split)
    narrowToPart(ib, cfg, range, split->part, split->parts);
  bool opaqueMask = op.hasUnanalysableMask();
  LogicalResult result = success();
  scf::ForOp::create(
      ib, range.begin, range.end, indexConst(ib, cfg.keyTile), ValueRange{},
      [&](OpBuilder &nb, Location loc, Value k0, ValueRange) {
        ImplicitLocOpBuilder kb(loc, nb);
        // The page of this key tile, looked up once for all its keys.
        QueryTile kvTile = tile;
        if (cfg.pageTiles) {
          auto [page, row] = pageOfKey(kb, cfg, tile.b, k0);
          kvTile.kvSlot = page;
          kvTile.kvShift = arith::SubIOp::create(kb, k0, row);
        }
        Value tileEnd =
            arith::AddIOp::create(kb, k0, indexConst(kb, cfg.keyTile));
        Value n = arith::SubIOp::create(
            kb, arith::MinSIOp::create(kb, tileEnd, range.end), k0);
        auto emit = [&](ImplicitLocOpBuilder &eb, bool masked) {
          // A fully visible tile is a whole key tile: a constant count lets
          // its loops be static.
          Value count = masked ? n : indexConst(eb, cfg.keyTile);
          if (failed(emitKeyTile(eb, cfg, kvTile, *score, *normalizer,
                                 *positions, k0, count, masked, pass)))
            result = failure();
        };
        using P = arith::CmpIPredicate;
        Value full =
            opaqueMask
                ? Value()
                : arith::AndIOp::create(
                      kb,
                      arith::CmpIOp::create(kb, P::sle, range.fullBegin, k0),
                      arith::CmpIOp::create(kb, P::sle, tileEnd,
                                            range.fullEnd));
        if (cfg.keyMajor) {
          // One copy of the register tiles; the masks are applied inside
          // where the tile is not fully visible.
          if (failed(emitKeyMajorTile(kb, cfg, kvTile, *score, *normalizer,
                                      *positions, k0, n, full, pass)))
            result = failure();
        } else if (opaqueMask) {
          emit(kb, /*masked=*/true);
        } else {
          auto variant = [&](bool masked) {
            return [&, masked](OpBuilder &vb, Location vloc) {
              ImplicitLocOpBuilder vib(vloc, vb);
              emit(vib, masked);
              scf::YieldOp::create(vib);
            };
          };
          scf::IfOp::create(kb, full, variant(false), variant(true));
        }
        scf::YieldOp::create(kb);
      });
  return result;
}

struct AttnTilePass : mlir::attn::impl::AttnTileBase<AttnTilePass> {
  using AttnTileBase::AttnTileBase;

  /// Rejects options the lowering cannot honour. The error names the
  /// options at the function's location only: its IR says nothing more.
  LogicalResult checkOptions() {
    auto fail = [&]() { return emitError(getOperation().getLoc()); };
    if (queryTile < 0 || keyTile < 0 || vectorWidth < 1 ||
        keyTile % vectorWidth != 0 || l2CacheBytes < 1)
      return fail() << "attn-tile expects non-negative query-tile and "
                       "key-tile (0: chosen by the cost model), positive "
                       "vector-width and l2-cache-bytes, with key-tile a "
                       "multiple of vector-width, but got "
                    << int64_t(queryTile) << ", " << int64_t(keyTile) << ", "
                    << int64_t(vectorWidth) << ", " << int64_t(l2CacheBytes);
    // The lanes of a vector and the chunks of a key tile are unrolled in
    // the tile body: bounded so that the IR stays small.
    if (vectorWidth > kMaxVectorWidth)
      return fail() << "attn-tile expects vector-width <= " << kMaxVectorWidth
                    << ", but got " << int64_t(vectorWidth);
    if (keyTile / vectorWidth > kMaxKeyChunks)
      return fail() << "attn-tile unrolls key-tile / vector-width = "
                    << int64_t(keyTile) / int64_t(vectorWidth)
                    << " vector chunks per row, more than " << kMaxKeyChunks
                    << "; with vector-width = " << int64_t(vectorWidth)
                    << " key-tile must be at most "
                    << kMaxKeyChunks * int64_t(vectorWidth) << ", but got "
                    << int64_t(keyTile);
    if (vectorRegisters < 1)
      return fail() << "attn-tile expects positive vector-registers, but got "
                    << int64_t(vectorRegisters);
    if (keySplits < 1)
      return fail() << "attn-tile expects key-splits >= 1, but got "
                    << int64_t(keySplits);
    if (stackScratchBytes < 0 || maxScratchBytes < 0)
      return fail() << "attn-tile expects non-negative stack-scratch-bytes "
                       "and max-scratch-bytes, but got "
                    << int64_t(stackScratchBytes) << ", "
                    << int64_t(maxScratchBytes);
    return success();
  }

  void runOnOperation() override {
    if (failed(checkOptions()))
      return signalPassFailure();
    ScratchLimits limits{uint64_t(int64_t(stackScratchBytes)),
                         uint64_t(int64_t(maxScratchBytes))};
    SmallVector<AttentionOp> ops;
    getOperation().walk([&](AttentionOp op) { ops.push_back(op); });
    TileOptions options{queryTile,       keyTile,      vectorWidth,
                        vectorRegisters, l2CacheBytes, keyMajor,
                        bf16DotProducts, keySplits};
    for (AttentionOp op : ops)
      if (failed(AttentionLowering(op, options, limits).run()))
        return signalPassFailure();
  }
};

} // namespace
