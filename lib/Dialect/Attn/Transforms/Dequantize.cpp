//===- Dequantize.cpp - attn-dequantize pass
//-------------------------------===//
//
// FP8 (E4M3FN) query, key and value become tensors of the attention's
// compute element type, decoded and scaled by linalg.generic ops, so that
// the fused lowerings, which take f32, f16 and bf16, run FP8 models.
//
//===----------------------------------------------------------------------===//

#include "attn/Dialect/Attn/IR/AttnDialect.h"
#include "attn/Dialect/Attn/Transforms/Passes.h"

#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/IR/ImplicitLocOpBuilder.h"

namespace mlir::attn {
#define GEN_PASS_DEF_ATTNDEQUANTIZE
#include "attn/Dialect/Attn/Transforms/Passes.h.inc"
} // namespace mlir::attn

using namespace mlir;
using namespace mlir::attn;

namespace {

/// The f32 value of the E4M3FN bits `byte` (an i8): exact, since every
/// E4M3 value is an f32. Normal numbers move their exponent and mantissa
/// into f32's fields and rebias the exponent (7 -> 127); subnormals are
/// their mantissa times 2^-9, built as an integer conversion so that no
/// f32 subnormal (which a target may flush) appears.
Value decodeE4M3(ImplicitLocOpBuilder &b, Value byte) {
  Type i32 = b.getI32Type(), f32 = b.getF32Type();
  auto c = [&](int64_t v) {
    return arith::ConstantOp::create(b, b.getI32IntegerAttr(v));
  };
  auto cf = [&](float v) {
    return arith::ConstantOp::create(b, b.getF32FloatAttr(v));
  };
  Value bits = arith::ExtUIOp::create(b, i32, byte);
  Value magnitude = arith::AndIOp::create(b, bits, c(0x7f));
  Value exponent = arith::ShRUIOp::create(b, magnitude, c(3));
  Value mantissa = arith::AndIOp::create(b, magnitude, c(0x7));
  // (E, M) -> f32 bits (E + 120) << 23 | M << 20.
  Value normalBits = arith::AddIOp::create(
      b, arith::ShLIOp::create(b, magnitude, c(20)), c(120 << 23));
  Value normal = arith::BitcastOp::create(b, f32, normalBits);
  Value subnormal = arith::MulFOp::create(
      b, arith::UIToFPOp::create(b, f32, mantissa), cf(1.0f / 512.0f));
  Value isSubnormal =
      arith::CmpIOp::create(b, arith::CmpIPredicate::eq, exponent, c(0));
  Value value = arith::SelectOp::create(b, isSubnormal, subnormal, normal);
  Value isNan =
      arith::CmpIOp::create(b, arith::CmpIPredicate::eq, magnitude, c(0x7f));
  value = arith::SelectOp::create(
      b, isNan, cf(std::numeric_limits<float>::quiet_NaN()), value);
  // The sign bit moves from bit 7 to bit 31.
  Value sign =
      arith::ShLIOp::create(b, arith::AndIOp::create(b, bits, c(0x80)), c(24));
  Value signedBits =
      arith::OrIOp::create(b, arith::BitcastOp::create(b, i32, value), sign);
  return arith::BitcastOp::create(b, f32, signedBits);
}

/// `input` (FP8) decoded, times element `index` of `scales` (if any), in
/// `elementType`.
Value dequantize(ImplicitLocOpBuilder &b, Value input, Value scales,
                 int64_t index, Type elementType) {
  auto type = cast<RankedTensorType>(input.getType());
  Value init = tensor::EmptyOp::create(
      b, tensor::getMixedSizes(b, b.getLoc(), input), elementType);
  SmallVector<Value> inputs = {input};
  int64_t rank = type.getRank();
  SmallVector<AffineMap> maps = {b.getMultiDimIdentityMap(rank)};
  if (scales) {
    // The scale as a 0-d tensor that every point reads: it stays on the
    // device with the kernels.
    auto scalar = RankedTensorType::get({}, b.getF32Type());
    inputs.push_back(tensor::ExtractSliceOp::create(
        b, scalar, scales, ValueRange(), ValueRange(), ValueRange(),
        b.getDenseI64ArrayAttr({index}), b.getDenseI64ArrayAttr({1}),
        b.getDenseI64ArrayAttr({1})));
    maps.push_back(AffineMap::get(rank, 0, b.getContext()));
  }
  maps.push_back(b.getMultiDimIdentityMap(rank));
  SmallVector<utils::IteratorType> iterators(rank,
                                             utils::IteratorType::parallel);
  auto generic = linalg::GenericOp::create(
      b, TypeRange{init.getType()}, inputs, ValueRange{init}, maps, iterators,
      [&](OpBuilder &nested, Location loc, ValueRange args) {
        ImplicitLocOpBuilder body(loc, nested);
        Value byte = arith::BitcastOp::create(body, body.getI8Type(), args[0]);
        Value value = decodeE4M3(body, byte);
        if (scales)
          value = arith::MulFOp::create(body, value, args[1]);
        if (!elementType.isF32())
          value = arith::TruncFOp::create(body, elementType, value);
        linalg::YieldOp::create(body, value);
      });
  return generic.getResult(0);
}

struct AttnDequantizePass
    : public attn::impl::AttnDequantizeBase<AttnDequantizePass> {
  void runOnOperation() override {
    getOperation().walk([](AttentionOp op) {
      if (!op.isFp8())
        return;
      ImplicitLocOpBuilder b(op.getLoc(), op);
      Type elementType = op.getComputeElementType();
      Value scales = op.getScales();
      Value query = dequantize(b, op.getQuery(), scales, 0, elementType);
      Value key = dequantize(b, op.getKey(), scales, 1, elementType);
      Value value = dequantize(b, op.getValue(), scales, 2, elementType);
      op.getQueryMutable().assign(query);
      op.getKeyMutable().assign(key);
      op.getValueMutable().assign(value);
      op.getScalesMutable().clear();
    });
  }
};

} // namespace
