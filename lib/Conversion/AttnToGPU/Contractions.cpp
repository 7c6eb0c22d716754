//===- Contractions.cpp - a warp's Q K^T and P V on fragments -------------===//
//
// The four ways a warp computes its scores S = Q K^T and its accumulator
// O += P V. All keep S, P and O in the accumulator fragments of mma.sync
// m16n8 (thread g = lane / 4, t = lane % 4 holds rows g, g + 8 and columns
// 2t, 2t + 1 of every 8-column block), which is what the kernel's variant
// math and online softmax work on; they differ only in the primitive and
// in how the operands reach it:
//
//   HalfMma  f16/bf16: mma.sync m16n8k16, Q and K by ldmatrix, V by
//            ldmatrix.trans; P's C fragments are P V's A fragments. A split
//            query (general on bf16) adds a second mma.sync per Q K^T step
//            for its lo tile.
//   Tf32Mma  f32 with --allow-tf32: mma.sync m16n8k8 .tf32 (cvt.rna to
//            TF32 first), Q and K by ldmatrix (an 8 x 8 b16 matrix is an
//            8 x 4 f32 one); the keys of each 8-key block of P V are taken
//            in the order 0, 2, 4, 6 | 1, 3, 5, 7, so that the C fragment
//            of P is its A fragment (a0..a3 = c0, c2, c1, c3) and V's B
//            fragment is two scalar loads of keys 2t, 2t + 1.
//   Fma      f32, exact: each thread computes its own fragment elements
//            with f32 FMAs, Q and K as 16-byte vectors from shared memory;
//            for P V it gathers the rest of its rows' weights from the
//            other threads of its quad with shfl.xor.
//   WarpgroupMma  f16/bf16 on sm_90a: HalfMma's A registers (Q by ldmatrix,
//            P from the S registers), and four warps issue one
//            wgmma.mma_async m64nNk16 per k step over the whole key tile or
//            value width, B read from shared memory through descriptors
//            (Warpgroup.cpp); its accumulators are laid out as mma.sync's.
//
//===----------------------------------------------------------------------===//

#include "Contractions.h"
#include "FlashShape.h"
#include "Fragments.h"
#include "Warpgroup.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/GPU/IR/GPUDialect.h"
#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"

#include <functional>

using namespace mlir;
using namespace mlir::attn;
using namespace mlir::attn::gpu_lowering;

namespace {

/// Index arithmetic shared by the contractions.
class ContractionBase : public WarpContraction {
public:
  ContractionBase(ImplicitLocOpBuilder &b, const WarpTiles &tiles)
      : WarpContraction(b, tiles) {}

protected:
  const FlashShape &shape() const { return t.shape; }
  Value cst(int64_t v) { return arith::ConstantIndexOp::create(b, v); }
  Value add(Value x, Value y) { return arith::AddIOp::create(b, x, y); }
  Value add(Value x, int64_t y) { return add(x, cst(y)); }
  Value mul(Value x, int64_t y) { return arith::MulIOp::create(b, x, cst(y)); }
  /// Element offsets of (row, chunk) and (row, col) in the Q tile and in a
  /// K or V tile (`cols` columns).
  Value queryTileOffset(Value row, Value chunk) {
    return tileOffset(b, shape(), row, chunk, shape().queryTile,
                      shape().headDim);
  }
  Value keyTileOffset(Value row, Value chunk, int64_t cols) {
    return tileOffset(b, shape(), row, chunk, shape().keyTile, cols);
  }
  Value keyTileElementOffset(Value row, Value col, int64_t cols) {
    return tileElementOffset(b, shape(), row, col, shape().keyTile, cols);
  }
  Value scalar(Value vec, int64_t i) {
    return vector::ExtractOp::create(b, vec, ArrayRef<int64_t>{i});
  }
  static SmallVector<Value> flatten(ArrayRef<SmallVector<Value, 4>> tiles) {
    SmallVector<Value> flat;
    for (const SmallVector<Value, 4> &tile : tiles)
      flat.append(tile.begin(), tile.end());
    return flat;
  }
  int64_t keyBlocks() const { return shape().keyTile / 8; }
  int64_t valueBlocks() const { return shape().valueDim / 8; }
};

//===----------------------------------------------------------------------===//
// Tensor cores: f16/bf16 m16n8k16 and TF32 m16n8k8.
//===----------------------------------------------------------------------===//

/// What the two mma.sync contractions share: Q K^T from ldmatrix fragments
/// of Q (kept in registers when the shape says so) and K, one k step of
/// two 16-byte chunks at a time.
class MmaContraction : public ContractionBase {
protected:
  using ContractionBase::ContractionBase;

  /// The A fragment of the warp's rows x k step `ks` of the Q tile (or
  /// the lo tile of a split query) `view`.
  virtual SmallVector<Value, 4> queryStep(Value view, int64_t ks) = 0;
  /// S += A B for two n-tiles, `k` the four ldmatrix registers of K.
  virtual void multiply(ArrayRef<Value> a, ArrayRef<Value> k,
                        SmallVector<Value, 4> &s0,
                        SmallVector<Value, 4> &s1) = 0;
  /// Head-dim elements per k step.
  virtual int64_t kStep() const = 0;

  /// From registers when they hold it, else from shared memory; `low`:
  /// of the lo tile.
  SmallVector<Value, 4> queryFragment(int64_t ks, bool low) {
    auto &regs = low ? qLowRegs : qRegs;
    if (ks < int64_t(regs.size()))
      return regs[ks];
    return queryStep(low ? t.queryLow : t.query, ks);
  }
  Value queryOffset(int64_t ks) {
    return queryTileOffset(add(t.warpRow0, t.lane.aRow),
                           add(t.lane.aChunk, 2 * ks));
  }

public:
  void loadQuery() override {
    if (!shape().queryInRegisters)
      return;
    for (int64_t ks = 0; ks < shape().headDim / kStep(); ++ks) {
      qRegs.push_back(queryStep(t.query, ks));
      if (t.queryLow)
        qLowRegs.push_back(queryStep(t.queryLow, ks));
    }
  }

  SmallVector<Value> scores(Value keyBase) override {
    Value zero = arith::ConstantOp::create(b, b.getF32FloatAttr(0.0f));
    SmallVector<SmallVector<Value, 4>> s(keyBlocks(), {zero, zero, zero, zero});
    for (int64_t ks = 0; ks < shape().headDim / kStep(); ++ks) {
      SmallVector<Value, 4> a = queryFragment(ks, /*low=*/false);
      SmallVector<Value, 4> aLow;
      if (t.queryLow)
        aLow = queryFragment(ks, /*low=*/true);
      for (int64_t pair = 0; pair < keyBlocks() / 2; ++pair) {
        Value row = add(t.lane.bRow, pair * 16);
        Value chunk = add(t.lane.bChunk, 2 * ks);
        SmallVector<Value, 4> k = loadMatrices(
            b, t.key, add(keyBase, keyTileOffset(row, chunk, shape().headDim)),
            /*transpose=*/false);
        multiply(a, k, s[2 * pair], s[2 * pair + 1]);
        // A split query: (hi + lo) k.
        if (t.queryLow)
          multiply(aLow, k, s[2 * pair], s[2 * pair + 1]);
      }
    }
    return flatten(s);
  }

private:
  SmallVector<SmallVector<Value, 4>> qRegs, qLowRegs;
};

class HalfMma : public MmaContraction {
public:
  HalfMma(ImplicitLocOpBuilder &b, const WarpTiles &tiles, bool splitWeights)
      : MmaContraction(b, tiles), splitWeights(splitWeights) {}

  SmallVector<Value> accumulate(ArrayRef<Value> accIn, ArrayRef<Value> p,
                                Value valueBase) override {
    SmallVector<Value> acc(accIn);
    WeightFragments w = weightFragments(p);
    for (int64_t kk = 0; kk < keyBlocks() / 2; ++kk) {
      for (int64_t dp = 0; dp < valueBlocks() / 2; ++dp) {
        Value row = add(t.lane.aRow, kk * 16);
        Value chunk = add(t.lane.aChunk, 2 * dp);
        SmallVector<Value, 4> v = loadMatrices(
            b, t.value,
            add(valueBase, keyTileOffset(row, chunk, shape().valueDim)),
            /*transpose=*/true);
        for (int64_t h = 0; h < 2; ++h) {
          int64_t ot = 2 * dp + h;
          SmallVector<Value, 4> c(acc.begin() + 4 * ot,
                                  acc.begin() + 4 * ot + 4);
          SmallVector<Value, 4> d =
              mmaSync(b, w.hi[kk], {v[2 * h], v[2 * h + 1]}, c);
          if (splitWeights)
            d = mmaSync(b, w.lo[kk], {v[2 * h], v[2 * h + 1]}, d);
          std::copy(d.begin(), d.end(), acc.begin() + 4 * ot);
        }
      }
    }
    return acc;
  }

protected:
  /// The A fragments of P V, one per 16-key step: P's accumulator layout
  /// is the A layout. Split weights go as P = hi + lo, two bf16 terms.
  struct WeightFragments {
    SmallVector<SmallVector<Value, 4>> hi, lo;
  };
  WeightFragments weightFragments(ArrayRef<Value> pIn) {
    Type elem = cast<MemRefType>(t.value.getType()).getElementType();
    SmallVector<Value> p(pIn), pLow;
    if (splitWeights)
      for (Value &pi : p) {
        Value hi = arith::ExtFOp::create(
            b, b.getF32Type(),
            arith::TruncFOp::create(b, elem, pi).getResult());
        pLow.push_back(arith::SubFOp::create(b, pi, hi));
        pi = hi;
      }
    auto fragment = [&](ArrayRef<Value> w, int64_t kk) {
      auto pair = [&](int64_t nt, int64_t half) {
        return packPair(b, w[4 * nt + 2 * half], w[4 * nt + 2 * half + 1],
                        elem);
      };
      return SmallVector<Value, 4>{pair(2 * kk, 0), pair(2 * kk, 1),
                                   pair(2 * kk + 1, 0), pair(2 * kk + 1, 1)};
    };
    WeightFragments out;
    for (int64_t kk = 0; kk < keyBlocks() / 2; ++kk) {
      out.hi.push_back(fragment(p, kk));
      if (splitWeights)
        out.lo.push_back(fragment(pLow, kk));
    }
    return out;
  }

  int64_t kStep() const override { return 16; }
  SmallVector<Value, 4> queryStep(Value view, int64_t ks) override {
    return loadMatrices(b, view, queryOffset(ks), /*transpose=*/false);
  }
  void multiply(ArrayRef<Value> a, ArrayRef<Value> k, SmallVector<Value, 4> &s0,
                SmallVector<Value, 4> &s1) override {
    s0 = mmaSync(b, a, {k[0], k[1]}, s0);
    s1 = mmaSync(b, a, {k[2], k[3]}, s1);
  }

  bool splitWeights;
};

/// sm_90a: the warpgroup's Q K^T and P V as wgmma.mma_async, A (Q, P) from
/// HalfMma's registers, B (K, V) from the shared tiles through descriptors:
/// K is K-major (the head dim is contiguous), V MN-major (its columns are),
/// which the tensor cores transpose.
class WarpgroupMma : public HalfMma {
public:
  using HalfMma::HalfMma;

  SmallVector<Value> scores(Value keyBase) override {
    return waitIssued(issueGroups({scoreGroup(keyBase)})[0], 0);
  }

  SmallVector<Value> accumulate(ArrayRef<Value> acc, ArrayRef<Value> p,
                                Value valueBase) override {
    return waitIssued(issueAccumulate(acc, weightRegisters(p), valueBase), 0);
  }

  bool issuesApart() const override { return true; }

  SmallVector<Value> weightRegisters(ArrayRef<Value> p) override {
    WeightFragments w = weightFragments(p);
    SmallVector<Value> flat = flatten(w.hi);
    flat.append(flatten(w.lo));
    return flat;
  }

  std::pair<SmallVector<Value>, SmallVector<Value>>
  issueScoresAndAccumulate(Value keyBase, ArrayRef<Value> acc,
                           ArrayRef<Value> weights, Value valueBase) override {
    SmallVector<SmallVector<Value>> issued =
        issueGroups({scoreGroup(keyBase), valueGroup(acc, weights, valueBase)});
    return {issued[0], issued[1]};
  }

  SmallVector<Value> issueAccumulate(ArrayRef<Value> acc,
                                     ArrayRef<Value> weights,
                                     Value valueBase) override {
    return issueGroups({valueGroup(acc, weights, valueBase)})[0];
  }

  SmallVector<Value> waitIssued(ArrayRef<Value> values,
                                int64_t pending) override {
    return warpgroupWait(b, values, pending);
  }

private:
  /// Bytes of one 128-byte column block of a K or V tile.
  int64_t blockBytes() const { return shape().keyTile * 128; }
  /// One group of MMAs: acc += sum over the steps i of (hi[i] + lo[i]) B_i
  /// (lo empty, or one per step), B_i's descriptor descB(i).
  struct MmaGroup {
    SmallVector<Value> acc;
    SmallVector<SmallVector<Value, 4>> hi, lo;
    std::function<Value(int64_t)> descB;
    bool transposeB;
  };
  /// Q K^T of the key tile at element `keyBase` of the K view.
  MmaGroup scoreGroup(Value keyBase) {
    MmaGroup group;
    for (int64_t ks = 0; ks < shape().headDim / kStep(); ++ks) {
      group.hi.push_back(queryFragment(ks, /*low=*/false));
      // A split query: (hi + lo) k.
      if (t.queryLow)
        group.lo.push_back(queryFragment(ks, /*low=*/true));
    }
    Value zero = arith::ConstantOp::create(b, b.getF32FloatAttr(0.0f));
    group.acc.assign(4 * keyBlocks(), zero);
    group.descB = [this, keyBase](int64_t ks) {
      // k step ks: 32 bytes into its 128-byte column block; the 8-row
      // groups of a block are adjacent atoms.
      int64_t bytes = ks / 4 * blockBytes() + ks % 4 * 32;
      return matrixDescriptor(b, sharedByte(shape().keyOffset, keyBase, bytes),
                              /*leadingBytes=*/16,
                              /*strideBytes=*/kSwizzleAtomBytes);
    };
    group.transposeB = false;
    return group;
  }
  /// `acc` + P V, P as weightRegisters' `weights` (the hi fragments, then
  /// the lo ones), V the tile at element `valueBase` of the V view.
  MmaGroup valueGroup(ArrayRef<Value> acc, ArrayRef<Value> weights,
                      Value valueBase) {
    MmaGroup group;
    group.acc.assign(acc.begin(), acc.end());
    int64_t steps = keyBlocks() / 2;
    for (int64_t i = 0; i < int64_t(weights.size()); i += 4)
      (i < 4 * steps ? group.hi : group.lo).emplace_back(weights.slice(i, 4));
    group.descB = [this, valueBase](int64_t kk) {
      // Keys 16 kk.. are the row groups 2 kk, 2 kk + 1; the leading offset
      // steps over the 64-column blocks of N.
      return matrixDescriptor(b,
                              sharedByte(shape().valueOffset, valueBase,
                                         2 * kk * kSwizzleAtomBytes),
                              /*leadingBytes=*/blockBytes(),
                              /*strideBytes=*/kSwizzleAtomBytes);
    };
    group.transposeB = true;
    return group;
  }
  /// Issues `groups` in order, each committed on its own, behind one
  /// wgmma.fence: every accumulator and A register of every group is
  /// defined before the fence, so that no other instruction writes a
  /// register of an MMA while MMAs are in flight (ptxas would serialise
  /// them). The results hold after a wait.
  SmallVector<SmallVector<Value>> issueGroups(ArrayRef<MmaGroup> groups) {
    SmallVector<Value> regs;
    for (const MmaGroup &g : groups) {
      regs.append(g.acc);
      regs.append(flatten(g.hi));
      regs.append(flatten(g.lo));
    }
    SmallVector<Value> pinned = warpgroupFence(b, regs);
    ArrayRef<Value> next(pinned);
    SmallVector<SmallVector<Value>> results;
    for (const MmaGroup &g : groups) {
      SmallVector<Value> acc(next.take_front(g.acc.size()));
      next = next.drop_front(g.acc.size());
      ArrayRef<Value> hi = next.take_front(4 * g.hi.size());
      next = next.drop_front(4 * g.hi.size());
      ArrayRef<Value> lo = next.take_front(4 * g.lo.size());
      next = next.drop_front(4 * g.lo.size());
      for (int64_t i = 0; i < int64_t(g.hi.size()); ++i) {
        Value desc = g.descB(i);
        acc = warpgroupMma(b, acc, hi.slice(4 * i, 4), desc, g.transposeB);
        if (!lo.empty())
          acc = warpgroupMma(b, acc, lo.slice(4 * i, 4), desc, g.transposeB);
      }
      warpgroupCommit(b);
      results.push_back(std::move(acc));
    }
    return results;
  }
  /// The shared address of element `base` of the tile at `tileOffset`
  /// bytes, plus `bytes`.
  Value sharedByte(int64_t tileOffset, Value base, int64_t bytes) {
    return add(add(t.sharedAddress, mul(base, shape().elementBytes)),
               tileOffset + bytes);
  }
};

class Tf32Mma : public MmaContraction {
public:
  using MmaContraction::MmaContraction;

  SmallVector<Value> accumulate(ArrayRef<Value> accIn, ArrayRef<Value> p,
                                Value valueBase) override {
    SmallVector<Value> acc(accIn);
    int64_t dv = shape().valueDim;
    // B column n = g of value block ot; rows: keys 2t and 2t + 1 of the
    // block (the permuted k order, see the file header).
    Value col = t.lane.group;
    Value key = mul(t.lane.quad, 2);
    for (int64_t nt = 0; nt < keyBlocks(); ++nt) {
      SmallVector<Value, 4> a = {toTf32(b, p[4 * nt]), toTf32(b, p[4 * nt + 2]),
                                 toTf32(b, p[4 * nt + 1]),
                                 toTf32(b, p[4 * nt + 3])};
      for (int64_t ot = 0; ot < valueBlocks(); ++ot) {
        SmallVector<Value, 2> bFrag;
        for (int64_t e = 0; e < 2; ++e) {
          Value at = add(valueBase, keyTileElementOffset(add(key, 8 * nt + e),
                                                         add(col, 8 * ot), dv));
          bFrag.push_back(
              toTf32(b, memref::LoadOp::create(b, t.value, ValueRange{at})));
        }
        SmallVector<Value, 4> c(acc.begin() + 4 * ot, acc.begin() + 4 * ot + 4);
        SmallVector<Value, 4> d = mmaSyncTf32(b, a, bFrag, c);
        std::copy(d.begin(), d.end(), acc.begin() + 4 * ot);
      }
    }
    return acc;
  }

protected:
  int64_t kStep() const override { return 8; }
  SmallVector<Value, 4> queryStep(Value view, int64_t ks) override {
    return tf32Registers(
        loadMatrices(b, view, queryOffset(ks), /*transpose=*/false));
  }
  void multiply(ArrayRef<Value> a, ArrayRef<Value> k, SmallVector<Value, 4> &s0,
                SmallVector<Value, 4> &s1) override {
    SmallVector<Value, 4> kk = tf32Registers(k);
    s0 = mmaSyncTf32(b, a, {kk[0], kk[1]}, s0);
    s1 = mmaSyncTf32(b, a, {kk[2], kk[3]}, s1);
  }

private:
  /// ldmatrix registers (vector<1 x f32>) as TF32 registers.
  SmallVector<Value, 4> tf32Registers(ArrayRef<Value> regs) {
    SmallVector<Value, 4> out;
    for (Value r : regs)
      out.push_back(toTf32(b, scalar(r, 0)));
    return out;
  }
};

//===----------------------------------------------------------------------===//
// f32 FMAs.
//===----------------------------------------------------------------------===//

class Fma : public ContractionBase {
public:
  using ContractionBase::ContractionBase;

  SmallVector<Value> scores(Value keyBase) override {
    Value zero = arith::ConstantOp::create(b, b.getF32FloatAttr(0.0f));
    SmallVector<Value> init(4 * keyBlocks(), zero);
    int64_t d = shape().headDim;
    auto vec4 = VectorType::get({4}, b.getF32Type());
    Value rows[2] = {add(t.warpRow0, t.lane.group),
                     add(t.warpRow0, add(t.lane.group, 8))};
    // One 16-byte chunk of the head dim per iteration: two Q vectors, one
    // K vector per key of the thread, 4 FMAs per score.
    auto loop = scf::ForOp::create(
        b, cst(0), cst(d / 4), cst(1), init,
        [&](OpBuilder &nb, Location loc, Value chunk, ValueRange carried) {
          OpBuilder::InsertionGuard guard(b);
          b.setInsertionPoint(nb.getInsertionBlock(), nb.getInsertionPoint());
          SmallVector<Value> s(carried);
          Value q[2];
          for (int64_t h = 0; h < 2; ++h)
            q[h] = load(vec4, t.query, queryTileOffset(rows[h], chunk));
          for (int64_t nt = 0; nt < keyBlocks(); ++nt)
            for (int64_t e = 0; e < 2; ++e) {
              Value key = add(mul(t.lane.quad, 2), 8 * nt + e);
              Value k =
                  load(vec4, t.key, add(keyBase, keyTileOffset(key, chunk, d)));
              for (int64_t h = 0; h < 2; ++h) {
                Value &acc = s[4 * nt + 2 * h + e];
                for (int64_t j = 0; j < 4; ++j)
                  acc = fma(scalar(q[h], j), scalar(k, j), acc);
              }
            }
          scf::YieldOp::create(b, s);
        });
    return SmallVector<Value>(loop.getResults());
  }

  SmallVector<Value> accumulate(ArrayRef<Value> accIn, ArrayRef<Value> p,
                                Value valueBase) override {
    SmallVector<Value> acc(accIn);
    int64_t dv = shape().valueDim;
    auto vec2 = VectorType::get({2}, b.getF32Type());
    // The thread's two value columns of block ot: 8 ot + 2t, + 1.
    Value col = mul(t.lane.quad, 2);
    for (int64_t nt = 0; nt < keyBlocks(); ++nt)
      for (int32_t x = 0; x < 4; ++x) {
        // The weights of keys 2 (t ^ x), + 1 of this block, from the
        // thread t ^ x of the quad that holds them.
        Value w[2][2];
        for (int64_t h = 0; h < 2; ++h)
          for (int64_t e = 0; e < 2; ++e) {
            Value own = p[4 * nt + 2 * h + e];
            w[h][e] = x == 0
                          ? own
                          : gpu::ShuffleOp::create(b, own, x, kThreadsPerWarp,
                                                   gpu::ShuffleMode::XOR)
                                .getShuffleResult();
          }
        Value keyPair =
            x == 0 ? t.lane.quad
                   : Value(arith::XOrIOp::create(b, t.lane.quad, cst(x)));
        for (int64_t e = 0; e < 2; ++e) {
          Value key = add(mul(keyPair, 2), 8 * nt + e);
          for (int64_t ot = 0; ot < valueBlocks(); ++ot) {
            Value v =
                load(vec2, t.value,
                     add(valueBase,
                         keyTileElementOffset(key, add(col, 8 * ot), dv)));
            for (int64_t h = 0; h < 2; ++h)
              for (int64_t j = 0; j < 2; ++j) {
                Value &a = acc[4 * ot + 2 * h + j];
                a = fma(w[h][e], scalar(v, j), a);
              }
          }
        }
      }
    return acc;
  }

private:
  /// A vector of shared memory at `at`, aligned to its size (one
  /// ld.shared.v2/v4).
  Value load(VectorType type, Value view, Value at) {
    return vector::LoadOp::create(b, type, view, ValueRange{at},
                                  /*nontemporal=*/false,
                                  llvm::MaybeAlign(type.getNumElements() * 4));
  }
  Value fma(Value x, Value y, Value z) {
    return LLVM::FMAOp::create(b, x, y, z);
  }
};

} // namespace

SmallVector<Value> WarpContraction::weightRegisters(ArrayRef<Value>) {
  llvm_unreachable("only contractions that issue apart take registers");
}
std::pair<SmallVector<Value>, SmallVector<Value>>
WarpContraction::issueScoresAndAccumulate(Value, ArrayRef<Value>,
                                          ArrayRef<Value>, Value) {
  llvm_unreachable("only contractions that issue apart issue scores");
}
SmallVector<Value> WarpContraction::issueAccumulate(ArrayRef<Value>,
                                                    ArrayRef<Value>, Value) {
  llvm_unreachable("only contractions that issue apart issue P V");
}
SmallVector<Value> WarpContraction::waitIssued(ArrayRef<Value>, int64_t) {
  llvm_unreachable("only contractions that issue apart wait");
}

std::unique_ptr<WarpContraction>
WarpContraction::create(ImplicitLocOpBuilder &b, const WarpTiles &tiles,
                        bool splitWeights) {
  switch (tiles.shape.contraction) {
  case Contraction::HalfMma:
    return std::make_unique<HalfMma>(b, tiles, splitWeights);
  case Contraction::WarpgroupMma:
    return std::make_unique<WarpgroupMma>(b, tiles, splitWeights);
  case Contraction::Tf32Mma:
    return std::make_unique<Tf32Mma>(b, tiles);
  case Contraction::Fma:
    return std::make_unique<Fma>(b, tiles);
  }
  llvm_unreachable("unknown contraction");
}
