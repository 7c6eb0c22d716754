//===- AttnToGpu.cpp - attn.attention to a tensor-core kernel launch ------===//
//
// Each attn.attention becomes, on the host side,
//
//   %q = bufferization.to_buffer ...    (and k, v, mask, bias, lengths)
//   %o = memref.alloc(...)              (and lse)
//   %km = call @attnCudaTensorMap(...)  (sm_90a TMA copies: K's and V's)
//   gpu.launch_func @attn_kernels::@attention_N
//       blocks in (ceil(Sq / Tq), Hq, B) threads in (32 Tq / 16, 1, 1)
//       dynamic_shared_memory_size <Q + 2 K + 2 V tiles>
//   bufferization.to_tensor %o
//
// and a kernel in gpu.module @attn_kernels (FlashKernel.cpp).
//
//===----------------------------------------------------------------------===//

#include "../AttnToLoops/AttentionLowering.h"
#include "FlashKernel.h"
#include "FlashShape.h"
#include "KernelModule.h"
#include "TensorCopies.h"
#include "Warpgroup.h"
#include "attn/Dialect/Attn/Transforms/Passes.h"

#include "mlir/Dialect/Bufferization/IR/Bufferization.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/GPU/IR/GPUDialect.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/SCF/IR/SCF.h"

namespace mlir::attn {
#define GEN_PASS_DEF_ATTNTOGPU
#include "attn/Dialect/Attn/Transforms/Passes.h.inc"
} // namespace mlir::attn

using namespace mlir;
using namespace mlir::attn;
using namespace mlir::attn::gpu_lowering;

namespace {

/// The largest top_k of the GPU kernel.
constexpr uint64_t kMaxGpuTopK = 16;
/// The largest attention width of additive scores on the GPU.
constexpr int64_t kMaxGpuAttnDim = 256;

/// Rejects what the GPU kernel does not implement, naming it.
LogicalResult checkSupportedOnGpu(AttentionOp op) {
  auto fail = [&]() {
    InFlightDiagnostic diag = op.emitOpError();
    diag << "is not supported by attn-to-gpu yet: ";
    return diag;
  };
  ScoreKind score = op.getScore();
  if (failed(lowering::checkFeatureSoftmax(op, "attn-to-gpu")))
    return failure();
  // additive's tables in shared memory are sized at compile time.
  if (score == ScoreKind::additive) {
    int64_t a =
        cast<ShapedType>(op.getScoreOperands()[0].getType()).getDimSize(1);
    if (ShapedType::isDynamic(a) || a > kMaxGpuAttnDim)
      return fail() << "additive scores with attention width A = "
                    << (ShapedType::isDynamic(a) ? std::string("?")
                                                 : std::to_string(a))
                    << " (the GPU kernel needs a static A of at most "
                    << kMaxGpuAttnDim << ")";
  }
  Normalizer normalizer = op.getNormalizer();
  // topk keeps k (score, key) pairs per row half in registers.
  if (std::optional<uint64_t> k = op.getTopK(); k && *k > kMaxGpuTopK)
    return fail() << "top_k = " << *k << " (the GPU kernel keeps at most "
                  << kMaxGpuTopK << " keys per row in registers)";
  // The positional terms' value sides ride on the online softmax's max and
  // rescaling, as on the CPU.
  if ((op.getRelativeClip() || op.getGaussianWindow() || op.getGridWindow()) &&
      normalizer != Normalizer::softmax)
    return fail() << "positional terms (relative_clip, gaussian_window, "
                     "grid_window) with normalizer '"
                  << stringifyNormalizer(normalizer)
                  << "' (they need 'softmax')";
  if (op.getRelativeClip() && score != ScoreKind::dot)
    return fail() << "relative_clip with score '" << stringifyScoreKind(score)
                  << "' (it needs 'dot')";
  if (op.getGridWindow() && !op.getPositionOperands().empty() &&
      score != ScoreKind::dot)
    return fail() << "grid_window relative tables with score '"
                  << stringifyScoreKind(score) << "' (they need 'dot')";
  Type elem = op.getQuery().getType().getElementType();
  for (Value v : {op.getKey(), op.getValue()})
    if (cast<ShapedType>(v.getType()).getElementType() != elem)
      return fail() << "query, key and value of different element types";
  if (!elem.isF16() && !elem.isBF16() && !elem.isF32())
    return fail() << elem
                  << " inputs (the GPU kernel takes f16, bf16 or f32; "
                     "attn-dequantize decodes FP8 inputs)";
  int64_t d = op.getQuery().getType().getDimSize(3);
  int64_t dv = op.getValue().getType().getDimSize(3);
  // Tiles pad the head dims to multiples of 16 with zeros (any width: odd
  // f16 and bf16 rows are copied element by element).
  if (d > 256 || dv > 256)
    return fail() << "head dims D = " << d << ", Dv = " << dv
                  << " (at most 256)";
  return lowering::checkRegionsVectorize(op, "on fragments by attn-to-gpu");
}

/// The parts of each key range at run time: enough for `keySplitCtas`
/// CTAs, at most one per two key tiles, at least 1.
Value keyPartsFor(ImplicitLocOpBuilder &b, const FlashShape &shape, Value key,
                  Value tiles, Value heads, Value batch, int64_t ctas) {
  auto cst = [&](int64_t v) { return arith::ConstantIndexOp::create(b, v); };
  Value keyTiles = arith::CeilDivUIOp::create(
      b, memref::DimOp::create(b, key, 2), cst(shape.keyTile));
  Value items = arith::MaxUIOp::create(
      b,
      arith::MulIOp::create(b, arith::MulIOp::create(b, tiles, heads), batch),
      cst(1));
  Value wanted = arith::CeilDivUIOp::create(b, cst(ctas), items);
  Value most = arith::MaxUIOp::create(
      b, arith::DivUIOp::create(b, keyTiles, cst(2)), cst(1));
  return arith::MaxUIOp::create(b, arith::MinUIOp::create(b, wanted, most),
                                cst(1));
}

struct AttnToGpuPass : mlir::attn::impl::AttnToGpuBase<AttnToGpuPass> {
  using AttnToGpuBase::AttnToGpuBase;

  LogicalResult checkOptions(ModuleOp module) {
    if (queryTile < kWarpRows || queryTile % kWarpRows || queryTile > 256 ||
        keyTile < 16 || keyTile % 16 || keyTile > 256 || sharedMemoryBytes < 1)
      return emitError(module.getLoc())
             << "attn-to-gpu expects query-tile a multiple of 16 in [16, "
                "256], key-tile a multiple of 16 in [16, 256] and positive "
                "shared-memory-bytes, but got "
             << int64_t(queryTile) << ", " << int64_t(keyTile) << ", "
             << int64_t(sharedMemoryBytes);
    return success();
  }

  LogicalResult lower(AttentionOp op, gpu::GPUModuleOp kernels,
                      unsigned index) {
    if (failed(checkSupportedOnGpu(op)))
      return failure();
    FailureOr<FlashShape> shape =
        chooseFlashShape(op, queryTile, keyTile, sharedMemoryBytes, allowTf32,
                         warpgroupMma, tensorCopies, warpSpecialize);
    if (failed(shape))
      return failure();

    ImplicitLocOpBuilder b(op.getLoc(), op);
    auto toBuffer = [&](Value tensor) {
      return lowering::toReadOnlyBuffer(b, tensor);
    };
    FlashOperands operands;
    operands.query = toBuffer(op.getQuery());
    operands.key = toBuffer(op.getKey());
    operands.value = toBuffer(op.getValue());
    operands.mask = toBuffer(op.getMask());
    operands.bias = toBuffer(op.getBias());
    operands.keyLengths = toBuffer(op.getKeyLengths());
    operands.blockTable = toBuffer(op.getBlockTable());
    for (Value weight : op.getScoreOperands())
      operands.scoreWeights.push_back(toBuffer(weight));
    if (op.getNormalizer() == Normalizer::hard_sample)
      operands.sample = toBuffer(op.getNormalizerOperands()[0]);
    operands.gridWidth = op.getGridWidth();
    for (Value position : op.getPositionOperands())
      operands.positions.push_back(toBuffer(position));
    Value batch = memref::DimOp::create(b, operands.query, 0);
    Value queryLen = memref::DimOp::create(b, operands.query, 2);
    auto alloc = [&](Value result) {
      auto type = cast<RankedTensorType>(result.getType());
      auto memType = MemRefType::get(type.getShape(), type.getElementType());
      SmallVector<Value> dyn;
      for (auto [i, size] : llvm::enumerate(type.getShape()))
        if (ShapedType::isDynamic(size))
          dyn.push_back(i == 0 ? batch : queryLen);
      return memref::AllocOp::create(b, memType, dyn, b.getI64IntegerAttr(64));
    };
    operands.output = alloc(op.getOutput());
    if (op.getLse())
      operands.lse = alloc(op.getLse());

    Value one = arith::ConstantIndexOp::create(b, 1);
    // Packed GQA: the query tiles run over the group's G rows per query
    // row, one CTA row (grid y) per K/V head.
    Value tiles = arith::CeilDivSIOp::create(
        b,
        arith::MulIOp::create(
            b, queryLen, arith::ConstantIndexOp::create(b, shape->packedHeads)),
        arith::ConstantIndexOp::create(b, shape->queryTile));
    Value heads = arith::ConstantIndexOp::create(b, op.getQueryHeads() /
                                                        shape->packedHeads);
    Value parts = one, split;
    if (keySplitCtas > 1 && canSplitKeys(op)) {
      parts = keyPartsFor(b, *shape, operands.key, tiles, heads, batch,
                          keySplitCtas);
      split = arith::CmpIOp::create(b, arith::CmpIPredicate::ugt, parts, one);
      // One float unless there is more than one part.
      SplitStateLayout layout = splitStateLayout(
          b, parts, batch, op.getQueryHeads(), queryLen, shape->inputValueDim);
      Value size = arith::SelectOp::create(
          b, split,
          arith::AddIOp::create(
              b, layout.rowStateBase,
              arith::MulIOp::create(b, layout.slots,
                                    arith::ConstantIndexOp::create(b, 2))),
          one);
      operands.keyParts = parts;
      operands.partials = memref::AllocOp::create(
          b, MemRefType::get({ShapedType::kDynamic}, b.getF32Type()),
          ValueRange{size}, b.getI64IntegerAttr(64));
    }
    if (shape->tensorCopies) {
      // Boxes of one key tile x one 128-byte column block.
      auto module = op->getParentOfType<ModuleOp>();
      int64_t boxCols = kSwizzleAtomBytes / 8 / shape->elementBytes;
      operands.keyMap =
          makeTensorMap(b, module, operands.key, shape->keyTile, boxCols);
      operands.valueMap =
          makeTensorMap(b, module, operands.value, shape->keyTile, boxCols);
    }
    std::string name = "attention_" + std::to_string(index);
    FailureOr<gpu::GPUFuncOp> kernel =
        emitFlashKernel(kernels, name, op, *shape, operands);
    if (failed(kernel))
      return failure();

    Value threads = arith::ConstantIndexOp::create(b, shape->launchThreads());
    Value shared =
        arith::ConstantIntOp::create(b, b.getI32Type(), shape->sharedBytes);
    gpu::LaunchFuncOp::create(
        b, *kernel,
        {split ? arith::MulIOp::create(b, tiles, parts).getResult() : tiles,
         heads, batch},
        {threads, one, one}, shared, operands.list());
    if (split) {
      gpu::GPUFuncOp combine =
          emitSplitCombineKernel(kernels, name + "_combine", op, operands);
      auto ifOp = scf::IfOp::create(b, split, /*withElseRegion=*/false);
      OpBuilder::InsertionGuard g(b);
      b.setInsertionPointToStart(&ifOp.getThenRegion().front());
      Value elements = arith::MulIOp::create(
          b,
          arith::MulIOp::create(
              b,
              arith::MulIOp::create(
                  b, batch,
                  arith::ConstantIndexOp::create(b, op.getQueryHeads())),
              queryLen),
          arith::ConstantIndexOp::create(b, shape->inputValueDim));
      Value blocks = arith::CeilDivUIOp::create(
          b, elements, arith::ConstantIndexOp::create(b, kCombineThreads));
      gpu::LaunchFuncOp::create(
          b, combine, {blocks, one, one},
          {arith::ConstantIndexOp::create(b, kCombineThreads), one, one},
          /*dynamicSharedMemorySize=*/Value(), splitCombineArgs(operands));
    }

    SmallVector<Value> results = {bufferization::ToTensorOp::create(
        b, op.getOutput().getType(), operands.output, b.getUnitAttr(),
        b.getUnitAttr())};
    if (op.getLse())
      results.push_back(bufferization::ToTensorOp::create(
          b, op.getLse().getType(), operands.lse, b.getUnitAttr(),
          b.getUnitAttr()));
    op->replaceAllUsesWith(results);
    op->erase();
    return success();
  }

  void runOnOperation() override {
    ModuleOp module = getOperation();
    if (failed(checkOptions(module)))
      return signalPassFailure();
    SmallVector<AttentionOp> ops;
    module.walk([&](AttentionOp op) { ops.push_back(op); });
    if (ops.empty())
      return;
    gpu::GPUModuleOp kernels = getOrCreateKernelModule(module);
    unsigned index = 0;
    for (AttentionOp op : ops)
      if (failed(lower(op, kernels, index++)))
        return signalPassFailure();
  }
};

} // namespace
