//===- FlashKernelScores.cpp - score changes and masks --------------------===//
//
// The scale, score changes (bias, ALiBi, softcap, score_mod) and masks on
// the flat score fragments, with the variant math of ScoreChanges.cpp
// applied to each pair of fragment elements at its global indices.
//
//===----------------------------------------------------------------------===//

#include "FlashKernelEmitter.h"
#include "Fragments.h"

#include "mlir/Dialect/Vector/IR/VectorOps.h"

using namespace mlir;
using namespace mlir::attn;
using namespace mlir::attn::gpu_lowering;
using lowering::ScoreIndices;

ScoreIndices FlashKernelEmitter::fragmentIndices(Value k0, int64_t nt,
                                                 int64_t half) {
  return {rowIdx[half], add(rowIdx[half], cfg.alignOffset),
          fragmentKeyPair(b, fragmentKey(b, lane, k0, nt))};
}

FailureOr<SmallVector<Value>>
FlashKernelEmitter::changeScores(ArrayRef<Value> flat, Value k0) {
  auto v2 = VectorType::get({2}, b.getF32Type());
  // compositional's weights take the scale inside (and are not
  // normalised: natural units).
  double scale = score->scaled() ? 1.0 : cfg.scale;
  Value factor = vector::BroadcastOp::create(
      b, v2, f32(hasChanges || !log2Units ? scale : scale * M_LOG2E));
  return mapFragmentPairs(
      b, flat, [&](Value s, int64_t nt, int64_t half) -> FailureOr<Value> {
        s = positions->addToScore(score->finish(s, nt, half),
                                  fragmentKey(b, lane, k0, nt), half);
        s = arith::MulFOp::create(b, s, factor);
        if (!hasChanges)
          return s;
        return lowering::emitScoreChanges(b, cfg, tile, s,
                                          fragmentIndices(k0, nt, half));
      });
}

SmallVector<Value> FlashKernelEmitter::maskScores(ArrayRef<Value> flat,
                                                  Value k0) {
  Value negInf = arith::ConstantOp::create(
      b, DenseElementsAttr::get(
             VectorType::get({2}, b.getF32Type()),
             b.getF32FloatAttr(-std::numeric_limits<float>::infinity())));
  return *mapFragmentPairs(
      b, flat, [&](Value s, int64_t nt, int64_t half) -> FailureOr<Value> {
        ScoreIndices at = fragmentIndices(k0, nt, half);
        Value visible = lowering::emitVisibility(b, cfg, tile, at, range.end);
        if (Value window = positions->visibility(at.key, half))
          visible = arith::AndIOp::create(b, visible, window);
        return Value(arith::SelectOp::create(b, visible, s, negInf));
      });
}
