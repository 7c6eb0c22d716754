//===- Warpgroup.cpp - warpgroup MMA instructions of sm_90a ---------------===//
//
// wgmma.mma_async m64nNk16 with f32 accumulators: four warps (a warpgroup)
// issue it together; warp w of the group owns rows 16w..16w+15 of the 64,
// and each of its threads holds the same fragment elements as in mma.sync
// m16n8 (rows g, g + 8, columns 2t, 2t + 1 of every 8-column block), both
// for the accumulators and for an A operand in registers (PTX ISA, "Register
// Fragments and Shared Memory Matrix Layouts" of wgmma). B is read by the
// tensor cores from shared memory, through a 64-bit matrix descriptor.
//
// Upstream NVVM's wgmma op takes A from shared memory only, so the MMA with
// A in registers is inline PTX; attn-emulate-gpu reads it back with
// parseWarpgroupMmaAsm.
//
//===----------------------------------------------------------------------===//

#include "Warpgroup.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/Dialect/LLVMIR/NVVMDialect.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"
#include "llvm/ADT/StringExtras.h"

using namespace mlir;
using namespace mlir::attn;
using namespace mlir::attn::gpu_lowering;

namespace {
constexpr llvm::StringLiteral kMmaPrefix = "wgmma.mma_async.sync.aligned.m64n";
constexpr llvm::StringLiteral kWaitPrefix = "wgmma.wait_group.sync.aligned ";
/// No instruction: its operands pass through, so that they are defined
/// before what follows it.
constexpr llvm::StringLiteral kPinAsm = "";

/// An inline PTX statement whose results are tied to `tied` (f32 or i32
/// registers: "=f" / "=r", then "0", "1", ...), followed by the operands
/// `extra` of `extraConstraints`.
SmallVector<Value> tiedAsm(ImplicitLocOpBuilder &b, ArrayRef<Value> tied,
                           ArrayRef<Value> extra, StringRef text,
                           StringRef extraConstraints) {
  SmallVector<Type> types;
  std::string outputs, inputs;
  for (auto [i, v] : llvm::enumerate(tied)) {
    types.push_back(v.getType());
    outputs += v.getType().isF32() ? "=f," : "=r,";
    inputs += (i ? "," : "") + std::to_string(i);
  }
  std::string constraints = outputs + inputs;
  if (!extraConstraints.empty())
    constraints += ("," + extraConstraints).str();
  SmallVector<Value> operands(tied);
  operands.append(extra.begin(), extra.end());
  auto op = LLVM::InlineAsmOp::create(
      b, LLVM::LLVMStructType::getLiteral(b.getContext(), types), operands,
      text, constraints, /*has_side_effects=*/true, /*is_align_stack=*/false,
      LLVM::tailcallkind::TailCallKind::None,
      /*asm_dialect=*/LLVM::AsmDialectAttr(), /*operand_attrs=*/ArrayAttr());
  SmallVector<Value> out;
  for (int64_t i = 0; i < int64_t(tied.size()); ++i)
    out.push_back(
        LLVM::ExtractValueOp::create(b, op.getRes(), ArrayRef<int64_t>{i}));
  return out;
}
} // namespace

Value gpu_lowering::matrixDescriptor(ImplicitLocOpBuilder &b, Value address,
                                     int64_t leadingBytes,
                                     int64_t strideBytes) {
  // Bits 0-13: address / 16 (of the 256 KiB shared window); 16-29: the
  // leading byte offset / 16; 32-45: the stride byte offset / 16; 62-63:
  // the swizzle, 1 = 128 bytes. Base offset 0: the tiles start on atoms.
  Type i64 = b.getI64Type();
  auto c = [&](int64_t v) {
    return arith::ConstantOp::create(b, b.getI64IntegerAttr(v));
  };
  Value addr = arith::IndexCastUIOp::create(b, i64, address);
  Value start = arith::AndIOp::create(b, arith::ShRUIOp::create(b, addr, c(4)),
                                      c(0x3fff));
  int64_t fixed = ((leadingBytes >> 4) & 0x3fff) << 16 |
                  ((strideBytes >> 4) & 0x3fff) << 32 | int64_t(1) << 62;
  return arith::OrIOp::create(b, start, c(fixed));
}

SmallVector<Value> gpu_lowering::warpgroupMma(ImplicitLocOpBuilder &b,
                                              ArrayRef<Value> acc,
                                              ArrayRef<Value> a, Value descB,
                                              bool transposeB) {
  Type elem = cast<VectorType>(a.front().getType()).getElementType();
  StringRef type = elem.isBF16() ? "bf16" : "f16";
  int64_t count = acc.size();
  std::string text = (kMmaPrefix + std::to_string(2 * count) + "k16.f32." +
                      type + "." + type + " {")
                         .str();
  for (int64_t i = 0; i < count; ++i)
    text += "$" + std::to_string(i) + (i + 1 < count ? ", " : "}, {");
  // Operands count..2 count - 1 are the tied inputs.
  for (int64_t i = 0; i < 4; ++i)
    text += "$" + std::to_string(2 * count + i) + (i < 3 ? ", " : "}, ");
  // scale-d 1 (accumulate), A and B not negated, B transposed or not.
  text += "$" + std::to_string(2 * count + 4) + ", 1, 1, 1, " +
          (transposeB ? "1;" : "0;");
  SmallVector<Value> extra;
  for (Value v : a)
    extra.push_back(v.getType().isInteger(32)
                        ? v
                        : LLVM::BitcastOp::create(b, b.getI32Type(), v));
  extra.push_back(descB);
  return tiedAsm(b, acc, extra, text, "r,r,r,r,l");
}

SmallVector<Value> gpu_lowering::warpgroupFence(ImplicitLocOpBuilder &b,
                                                ArrayRef<Value> registers) {
  // The registers as f32 or i32 (a pair of 16-bit values).
  SmallVector<Value> words;
  for (Value v : registers)
    words.push_back(
        v.getType().isF32()
            ? v
            : LLVM::BitcastOp::create(b, b.getI32Type(), v).getResult());
  SmallVector<Value> pinned = tiedAsm(b, words, {}, kPinAsm, "");
  NVVM::WgmmaFenceAlignedOp::create(b);
  for (auto [v, p] : llvm::zip(registers, pinned))
    if (v.getType() != p.getType())
      p = LLVM::BitcastOp::create(b, v.getType(), p);
  return pinned;
}

void gpu_lowering::warpgroupCommit(ImplicitLocOpBuilder &b) {
  NVVM::WgmmaGroupSyncAlignedOp::create(b);
}

SmallVector<Value> gpu_lowering::warpgroupWait(ImplicitLocOpBuilder &b,
                                               ArrayRef<Value> acc,
                                               int64_t pending) {
  return tiedAsm(b, acc, {}, (kWaitPrefix + Twine(pending) + ";").str(), "");
}

std::optional<WarpgroupMmaAsm>
gpu_lowering::parseWarpgroupMmaAsm(StringRef text) {
  if (!text.consume_front(kMmaPrefix))
    return std::nullopt;
  WarpgroupMmaAsm parsed;
  if (text.consumeInteger(10, parsed.n) || !text.consume_front("k16.f32."))
    return std::nullopt;
  if (text.consume_front("bf16.bf16 "))
    parsed.bf16 = true;
  else if (text.consume_front("f16.f16 "))
    parsed.bf16 = false;
  else
    return std::nullopt;
  if (text.ends_with(", 1;"))
    parsed.transposeB = true;
  else if (text.ends_with(", 0;"))
    parsed.transposeB = false;
  else
    return std::nullopt;
  return parsed;
}

bool gpu_lowering::isWarpgroupPassThroughAsm(StringRef text) {
  if (text == kPinAsm)
    return true;
  unsigned pending;
  return text.consume_front(kWaitPrefix) && text.consume_back(";") &&
         !text.getAsInteger(10, pending);
}
