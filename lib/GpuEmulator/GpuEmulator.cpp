//===- GpuEmulator.cpp - run lowered GPU kernels on CPU threads -----------===//
//
// The CPU stage of the GPU lowering (attn-emulate-gpu): the kernels of
// attn-to-gpu, lowered to NVVM exactly as for the GPU, call these functions
// where the GPU has special registers, barriers and warp-wide instructions.
// Every CTA of a launch runs in turn; its threads run as real threads, so
// that barriers and warp collectives (ldmatrix, mma.sync, shfl.sync) see
// all their lanes. A collective is an exchange: each lane writes its
// operands to its warp's slots, the warp waits, each lane computes its
// results from all the slots, and the warp waits again before the slots are
// reused.
//
// The tensor copies (cp.async.bulk.tensor) read the emulated tensor maps
// of attnEmuTensorMap, write their box with the 128-byte swizzle and
// complete their bytes on an mbarrier at once; an mbarrier is a phase, a
// pending arrival count and a transaction count, which threads wait on
// with a condition variable. Named barriers (bar.sync id, count) are
// generations counted under a mutex.
//
// The matrix instructions follow the PTX ISA's fragment layouts of
// mma.m16n8k16 (f16, bf16), mma.m16n8k8 (tf32), ldmatrix .m8n8
// .x1/.x2/.x4 (.trans) and wgmma.mma_async m64nNk16 (A in registers, B
// through a 128-byte-swizzled shared-memory descriptor); a warpgroup
// collective is an exchange among its 128 threads. This checks the
// algorithm of the kernels (tiles, copies, swizzles, masks, the online
// softmax, the epilogue) against a reference on any machine; that the GPU
// agrees with these layouts is what a run on a GPU checks.
//
// No dependency on MLIR or LLVM: the compiler links this library into the
// modules it builds for --target=gpu-emulator.
//
//===----------------------------------------------------------------------===//

#include <pthread.h>

#include <array>
#include <chrono>
#include <cmath>
#include <condition_variable>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace {

constexpr int kLanes = 32;

/// One warp's exchange slots and barrier.
struct Warp {
  pthread_barrier_t barrier;
  uint64_t addresses[kLanes];
  uint32_t words[kLanes][8];
  float floats[kLanes][4];
};

/// Four warps' exchange slots and barrier, for warpgroup MMA.
struct Warpgroup {
  pthread_barrier_t barrier;
  uint32_t a[4 * kLanes][4];
};

/// The 128-byte swizzle repeats every 1024 bytes, and the tensor cores
/// apply it to shared addresses: the emulated shared memory is aligned to
/// it, so that an offset and its address have the same low bits.
constexpr size_t kSharedAlignment = 1024;

/// An mbarrier: arrivals still expected in the current phase, transaction
/// bytes still expected, and the phase's parity.
struct Mbarrier {
  int32_t count = 0, pending = 0;
  int64_t bytes = 0;
  int32_t phase = 0;
};

/// An emulated CUtensorMap: a rank-4 row-major tensor in host memory and
/// its boxes (attnEmuTensorMap).
struct TensorMap {
  const unsigned char *base = nullptr;
  int64_t elementBytes = 0;
  int64_t dims[4] = {};
  int64_t strides[3] = {};
  int64_t boxRows = 0, boxCols = 0;
};

/// A named barrier (bar.sync id, count): threads arrived in the current
/// generation.
struct NamedBarrier {
  int32_t arrived = 0;
  uint64_t generation = 0;
};
/// bar.sync's barriers per CTA.
constexpr int32_t kNamedBarriers = 16;
/// A wait longer than this is taken for a deadlock: the emulated threads
/// of a CTA never take that long between two barriers.
constexpr std::chrono::seconds kDeadlock(120);

struct FreeDeleter {
  void operator()(unsigned char *p) const { std::free(p); }
};

struct Cta {
  int64_t block[3], grid[3], threads[3];
  std::unique_ptr<unsigned char[], FreeDeleter> shared;
  size_t sharedBytes = 0;
  pthread_barrier_t barrier;
  std::vector<std::unique_ptr<Warp>> warps;
  std::vector<std::unique_ptr<Warpgroup>> warpgroups;
  /// The mbarriers, by their offset in shared memory.
  std::mutex mbarrierMutex;
  std::condition_variable mbarrierChanged;
  std::map<size_t, Mbarrier> mbarriers;
  /// The named barriers: groups of threads that meet without the rest.
  std::mutex namedMutex;
  std::condition_variable namedChanged;
  NamedBarrier named[kNamedBarriers];

  /// `bytes` of garbage, not zeros: a kernel must not read what it did not
  /// write.
  void allocateShared(int32_t bytes) {
    sharedBytes = size_t(std::max(bytes, 0));
    size_t rounded = (std::max<size_t>(sharedBytes, 1) + kSharedAlignment - 1) /
                     kSharedAlignment * kSharedAlignment;
    shared.reset(static_cast<unsigned char *>(
        std::aligned_alloc(kSharedAlignment, rounded)));
    std::memset(shared.get(), 0xff, rounded);
  }
};

thread_local Cta *currentCta = nullptr;
thread_local int64_t threadIndex[3];
thread_local int linearThread = 0;

Warp &myWarp() { return *currentCta->warps[linearThread / kLanes]; }
int myLane() { return linearThread % kLanes; }
void warpSync(Warp &w) { pthread_barrier_wait(&w.barrier); }

float halfToFloat(uint16_t h) {
  uint32_t sign = uint32_t(h >> 15) << 31, exp = (h >> 10) & 0x1f,
           man = h & 0x3ff, bits;
  if (exp == 0x1f) {
    bits = sign | 0x7f800000u | (man << 13);
  } else if (exp != 0) {
    bits = sign | ((exp + 112) << 23) | (man << 13);
  } else if (man == 0) {
    bits = sign;
  } else {
    // Subnormal: normalise.
    int shift = 0;
    while (!(man & 0x400)) {
      man <<= 1;
      ++shift;
    }
    bits = sign | ((113 - shift) << 23) | ((man & 0x3ff) << 13);
  }
  float f;
  std::memcpy(&f, &bits, 4);
  return f;
}

float bf16ToFloat(uint16_t h) {
  uint32_t bits = uint32_t(h) << 16;
  float f;
  std::memcpy(&f, &bits, 4);
  return f;
}

/// Element `e` (0 low, 1 high) of a register of two 16-bit values.
float element(uint32_t word, int e, bool bf16) {
  uint16_t h = uint16_t(word >> (16 * e));
  return bf16 ? bf16ToFloat(h) : halfToFloat(h);
}

/// A TF32 register as the tensor cores read it: its sign, exponent and top
/// 10 mantissa bits.
float tf32ToFloat(uint32_t word) {
  uint32_t bits = word & ~0x1fffu;
  float f;
  std::memcpy(&f, &bits, 4);
  return f;
}

[[noreturn]] void fail(const char *message) {
  std::fprintf(stderr, "gpu emulator: %s\n", message);
  std::abort();
}

/// The offset in the CTA's shared memory of the generic address `p` of an
/// mbarrier (8 bytes, 8-byte aligned).
size_t mbarrierOffset(const void *p) {
  auto at =
      size_t(static_cast<const unsigned char *>(p) - currentCta->shared.get());
  if (at % 8 || at + 8 > currentCta->sharedBytes)
    fail("mbarrier outside shared memory or not 8-byte aligned");
  return at;
}

/// The initialised mbarrier at `bar`, for `use` (the caller holds the CTA's
/// mbarrier mutex).
Mbarrier &initialisedMbarrier(void *bar, const char *use) {
  auto it = currentCta->mbarriers.find(mbarrierOffset(bar));
  if (it == currentCta->mbarriers.end())
    fail((std::string(use) + " on an mbarrier that was not initialised")
             .c_str());
  return it->second;
}

/// The 128-byte swizzle of shared-memory offset `byte` (of a 1024-byte
/// aligned base): its 16-byte chunk XOR its row of 128 bytes mod 8.
int64_t swizzle128(int64_t byte) { return byte ^ (((byte >> 7) & 7) << 4); }

/// Arrivals and completed transaction bytes on an mbarrier (the caller
/// holds the CTA's mbarrier mutex): the phase completes when both are done.
void updateMbarrier(Mbarrier &bar, int32_t arrivals, int64_t expectBytes,
                    int64_t completeBytes) {
  bar.pending -= arrivals;
  bar.bytes += expectBytes - completeBytes;
  if (bar.pending < 0)
    fail("more arrivals on an mbarrier than its count");
  if (bar.pending == 0 && bar.bytes == 0) {
    bar.phase ^= 1;
    bar.pending = bar.count;
    currentCta->mbarrierChanged.notify_all();
  }
}

/// One arrival of the calling thread at named barrier `id` of `count`
/// threads (the caller holds the CTA's named-barrier mutex): the barrier's
/// generation before it, and whether it completed the generation.
std::pair<uint64_t, bool> arriveAtNamedBarrier(Cta &cta, int32_t id,
                                               int32_t count) {
  int64_t threads = cta.threads[0] * cta.threads[1] * cta.threads[2];
  if (id < 0 || id >= kNamedBarriers || count <= 0 || count % kLanes ||
      count > threads)
    fail(("named barrier " + std::to_string(id) + " for " +
          std::to_string(count) +
          " threads (a multiple of 32, at most the CTA's " +
          std::to_string(threads) + ")")
             .c_str());
  NamedBarrier &bar = cta.named[id];
  uint64_t generation = bar.generation;
  if (++bar.arrived < count)
    return {generation, false};
  bar.arrived = 0;
  ++bar.generation;
  cta.namedChanged.notify_all();
  return {generation, true};
}
/// The matrix operation types of attnEmuMma.
enum MmaType : int32_t { kF16 = 0, kBf16 = 1, kTf32 = 2 };

} // namespace

extern "C" {

/// Special registers: 0-2 tid.x/y/z, 3-5 ctaid, 6-8 ntid, 9-11 nctaid.
int32_t attnEmuSpecialRegister(int32_t code) {
  int axis = code % 3;
  switch (code / 3) {
  case 0:
    return int32_t(threadIndex[axis]);
  case 1:
    return int32_t(currentCta->block[axis]);
  case 2:
    return int32_t(currentCta->threads[axis]);
  default:
    return int32_t(currentCta->grid[axis]);
  }
}

void *attnEmuSharedMemory() { return currentCta->shared.get(); }

void attnEmuBarrier() { pthread_barrier_wait(&currentCta->barrier); }

/// bar.arrive id, count: one arrival at barrier `id`, without waiting.
void attnEmuNamedBarrierArrive(int32_t id, int32_t count) {
  Cta &cta = *currentCta;
  std::lock_guard<std::mutex> lock(cta.namedMutex);
  arriveAtNamedBarrier(cta, id, count);
}

/// bar.sync id, count: the first `count` threads to arrive at barrier
/// `id` (waiting or not) go on together.
void attnEmuNamedBarrier(int32_t id, int32_t count) {
  Cta &cta = *currentCta;
  std::unique_lock<std::mutex> lock(cta.namedMutex);
  std::pair<uint64_t, bool> arrival = arriveAtNamedBarrier(cta, id, count);
  uint64_t generation = arrival.first;
  if (arrival.second)
    return;
  NamedBarrier &bar = cta.named[id];
  if (!cta.namedChanged.wait_for(lock, kDeadlock,
                                 [&] { return bar.generation != generation; }))
    fail(("named barrier " + std::to_string(id) +
          " never met its threads (a deadlock)")
             .c_str());
}

/// cp.async, synchronously: `srcBytes` of `bytes` come from `src`, the rest
/// is zero.
void attnEmuCopy(void *dst, const void *src, int32_t bytes, int32_t srcBytes) {
  if (srcBytes > 0)
    std::memcpy(dst, src, size_t(std::min(bytes, srcBytes)));
  if (srcBytes < bytes)
    std::memset(static_cast<char *>(dst) + std::max(srcBytes, 0), 0,
                size_t(bytes - std::max(srcBytes, 0)));
}

/// shfl.sync.bfly over the whole warp: the value of lane ^ offset.
uint32_t attnEmuShuffleXor(uint32_t value, int32_t offset) {
  Warp &w = myWarp();
  int lane = myLane();
  w.words[lane][0] = value;
  warpSync(w);
  uint32_t result = w.words[(lane ^ offset) % kLanes][0];
  warpSync(w);
  return result;
}

/// shfl.sync.idx over the whole warp: the value of lane `source`.
uint32_t attnEmuShuffleIdx(uint32_t value, int32_t source) {
  Warp &w = myWarp();
  w.words[myLane()][0] = value;
  warpSync(w);
  uint32_t result = w.words[source % kLanes][0];
  warpSync(w);
  return result;
}

/// ldmatrix .m8n8 .x`count` of 16-bit elements: lanes 8i..8i+7 give the row
/// addresses of matrix i; register i of lane l holds row l / 4, columns
/// 2 (l % 4) and 2 (l % 4) + 1 of matrix i (transposed: rows 2 (l % 4) and
/// 2 (l % 4) + 1 of column l / 4).
void attnEmuLdmatrix(const void *address, int32_t count, int32_t transpose,
                     uint32_t *out) {
  Warp &w = myWarp();
  int lane = myLane();
  w.addresses[lane] = reinterpret_cast<uint64_t>(address);
  warpSync(w);
  auto at = [&](int matrix, int row, int col) {
    const uint16_t *p =
        reinterpret_cast<const uint16_t *>(w.addresses[8 * matrix + row]);
    return uint32_t(p[col]);
  };
  int group = lane / 4, pair = 2 * (lane % 4);
  for (int i = 0; i < count; ++i)
    out[i] = transpose ? at(i, pair, group) | at(i, pair + 1, group) << 16
                       : at(i, group, pair) | at(i, group, pair + 1) << 16;
  warpSync(w);
}

/// cvt.rna.tf32.f32: `x` rounded to the nearest TF32 (10-bit mantissa),
/// ties away from zero, as the bits of an f32 whose low 13 bits are zero.
uint32_t attnEmuToTf32(float x) {
  uint32_t bits;
  std::memcpy(&bits, &x, 4);
  if (std::isnan(x))
    return 0x7fffffffu;
  // Adding half of the dropped bits' weight to the magnitude rounds it
  // away from zero on ties; a carry into the exponent (up to infinity) is
  // the right result.
  return (bits + 0x1000u) & ~0x1fffu;
}

/// mma.sync.row.col.f32: m16n8k16 .f16 / .bf16 (`type` kF16, kBf16) or
/// m16n8k8 .tf32 (kTf32); a, b the lane's A (4) and B (2) registers, c and
/// d its accumulator (4 f32).
void attnEmuMma(int32_t type, const uint32_t *a, const uint32_t *b,
                const float *c, float *d) {
  Warp &w = myWarp();
  int lane = myLane();
  for (int i = 0; i < 4; ++i)
    w.words[lane][i] = a[i];
  for (int i = 0; i < 2; ++i)
    w.words[lane][4 + i] = b[i];
  warpSync(w);
  // The full A (16 x k) and B (k x 8) from every lane's fragments.
  float matA[16][16], matB[16][8];
  int depth = type == kTf32 ? 8 : 16;
  bool bf16 = type == kBf16;
  for (int l = 0; l < kLanes; ++l) {
    int g = l / 4, t = l % 4;
    if (type == kTf32) {
      matA[g][t] = tf32ToFloat(w.words[l][0]);
      matA[g + 8][t] = tf32ToFloat(w.words[l][1]);
      matA[g][t + 4] = tf32ToFloat(w.words[l][2]);
      matA[g + 8][t + 4] = tf32ToFloat(w.words[l][3]);
      matB[t][g] = tf32ToFloat(w.words[l][4]);
      matB[t + 4][g] = tf32ToFloat(w.words[l][5]);
      continue;
    }
    for (int e = 0; e < 2; ++e) {
      matA[g][2 * t + e] = element(w.words[l][0], e, bf16);
      matA[g + 8][2 * t + e] = element(w.words[l][1], e, bf16);
      matA[g][2 * t + 8 + e] = element(w.words[l][2], e, bf16);
      matA[g + 8][2 * t + 8 + e] = element(w.words[l][3], e, bf16);
      matB[2 * t + e][g] = element(w.words[l][4], e, bf16);
      matB[2 * t + 8 + e][g] = element(w.words[l][5], e, bf16);
    }
  }
  warpSync(w);
  int g = lane / 4, t = lane % 4;
  for (int i = 0; i < 4; ++i) {
    int row = g + 8 * (i / 2), col = 2 * t + i % 2;
    float sum = c[i];
    for (int k = 0; k < depth; ++k)
      sum += matA[row][k] * matB[k][col];
    d[i] = sum;
  }
}

/// wgmma.mma_async.sync.aligned.m64n`n`k16.f32 .bf16 (`bf16`) or .f16 with
/// A in registers (`a`, the thread's four) and B through the descriptor
/// `desc`: `acc` (the thread's n / 2 accumulators) += A B.
void attnEmuWarpgroupMma(int32_t n, int32_t bf16, int32_t transposeB,
                         const uint32_t *a, uint64_t desc, float *acc) {
  Cta &cta = *currentCta;
  Warpgroup &group = *cta.warpgroups[linearThread / (4 * kLanes)];
  int me = linearThread % (4 * kLanes);
  std::memcpy(group.a[me], a, sizeof(group.a[me]));
  pthread_barrier_wait(&group.barrier);
  // The descriptor: start address, leading and stride byte offsets (all
  // over 16), the swizzle mode in bits 62-63.
  auto field = [&](int shift) {
    return uint32_t((desc >> shift) & 0x3fff) << 4;
  };
  if (desc >> 62 != 1)
    fail("wgmma descriptor without the 128-byte swizzle");
  // The start address is a shared-window address (18 bits): its offset
  // from this CTA's shared memory.
  uint32_t window = 1u << 18;
  uint32_t start =
      (field(0) - uint32_t(reinterpret_cast<uintptr_t>(cta.shared.get()))) &
      (window - 1);
  uint32_t leading = field(16), stride = field(32);
  auto bAt = [&](int k, int col) {
    // K-major: 8-row groups of n `stride` apart, rows 128 bytes apart, k
    // contiguous. MN-major: 64-column blocks of n `leading` apart, 8-row
    // groups of k `stride` apart, rows of k 128 bytes apart.
    uint32_t byte = transposeB
                        ? start + col / 64 * leading + k / 8 * stride +
                              k % 8 * 128 + col % 64 * 2
                        : start + col / 8 * stride + col % 8 * 128 + k * 2;
    byte = uint32_t(swizzle128(byte));
    if (byte + 2 > cta.sharedBytes)
      fail("wgmma reads past shared memory");
    uint16_t h;
    std::memcpy(&h, cta.shared.get() + byte, 2);
    return bf16 ? bf16ToFloat(h) : halfToFloat(h);
  };
  // A (64 x 16): warp w holds rows 16w.., in mma.m16n8k16's A layout.
  auto aAt = [&](int row, int k) {
    int w = row / 16, r = row % 16, t = (k % 8) / 2;
    int thread = w * kLanes + 4 * (r % 8) + t;
    return element(group.a[thread][r / 8 + 2 * (k / 8)], k % 2, bf16);
  };
  int w = me / kLanes, g = (me % kLanes) / 4, t = me % 4;
  for (int i = 0; i < n / 2; ++i) {
    int row = 16 * w + g + 8 * (i % 4 / 2), col = 8 * (i / 4) + 2 * t + i % 2;
    float sum = acc[i];
    for (int k = 0; k < 16; ++k)
      sum += aAt(row, k) * bAt(k, col);
    acc[i] = sum;
  }
  pthread_barrier_wait(&group.barrier);
}

/// mbarrier.init: phase 0, `count` arrivals expected.
void attnEmuMbarrierInit(void *bar, int32_t count) {
  Cta &cta = *currentCta;
  std::lock_guard<std::mutex> lock(cta.mbarrierMutex);
  Mbarrier &state = cta.mbarriers[mbarrierOffset(bar)];
  state = Mbarrier();
  state.count = state.pending = count;
}

/// mbarrier.arrive.expect_tx: `bytes` more transaction bytes, one arrival.
void attnEmuMbarrierArriveExpectTx(void *bar, int32_t bytes) {
  Cta &cta = *currentCta;
  std::lock_guard<std::mutex> lock(cta.mbarrierMutex);
  updateMbarrier(initialisedMbarrier(bar, "arrive"), 1, bytes, 0);
}

/// mbarrier.arrive: one arrival.
void attnEmuMbarrierArrive(void *bar) {
  Cta &cta = *currentCta;
  std::lock_guard<std::mutex> lock(cta.mbarrierMutex);
  updateMbarrier(initialisedMbarrier(bar, "arrive"), 1, 0, 0);
}

/// mbarrier.try_wait.parity, until it succeeds: the phase of parity
/// `parity` has completed (the current phase's parity is the other).
void attnEmuMbarrierWait(void *bar, int32_t parity) {
  Cta &cta = *currentCta;
  std::unique_lock<std::mutex> lock(cta.mbarrierMutex);
  Mbarrier &state = initialisedMbarrier(bar, "wait");
  if (!cta.mbarrierChanged.wait_for(
          lock, kDeadlock, [&] { return state.phase != (parity & 1); }))
    fail("an mbarrier wait that never ends (a deadlock, or a phase that "
         "completed twice before its waiters saw it)");
}

/// cp.async.bulk.tensor.4d ... .mbarrier::complete_tx::bytes, at once: the
/// box of `map` at coordinates (c0 the column, c1 the row, c2, c3; innermost
/// first) into `dst`, rows of 128 bytes with the 128-byte swizzle, zeros
/// outside the tensor; then its bytes complete on `bar`.
void attnEmuTensorLoad(void *dst, const void *mapAddress, void *bar, int32_t c0,
                       int32_t c1, int32_t c2, int32_t c3) {
  Cta &cta = *currentCta;
  const auto *map = static_cast<const TensorMap *>(mapAddress);
  auto *out = static_cast<unsigned char *>(dst);
  size_t at = size_t(out - cta.shared.get());
  int64_t rowBytes = map->boxCols * map->elementBytes;
  int64_t boxBytes = map->boxRows * rowBytes;
  if (at % 1024 || at + size_t(boxBytes) > cta.sharedBytes)
    fail("tensor copy to shared memory not 1024-byte aligned or past its "
         "end");
  int64_t coords[4] = {c3, c2, c1, c0};
  bool outer = coords[0] >= 0 && coords[0] < map->dims[0] && coords[1] >= 0 &&
               coords[1] < map->dims[1];
  for (int64_t r = 0; r < map->boxRows; ++r) {
    int64_t row = coords[2] + r;
    bool rowInside = outer && row >= 0 && row < map->dims[2];
    for (int64_t byte = 0; byte < rowBytes; byte += map->elementBytes) {
      int64_t col = coords[3] + byte / map->elementBytes;
      unsigned char *to = out + swizzle128(r * rowBytes + byte);
      if (!rowInside || col < 0 || col >= map->dims[3]) {
        std::memset(to, 0, size_t(map->elementBytes));
        continue;
      }
      int64_t element = coords[0] * map->strides[0] +
                        coords[1] * map->strides[1] + row * map->strides[2] +
                        col;
      std::memcpy(to, map->base + element * map->elementBytes,
                  size_t(map->elementBytes));
    }
  }
  std::lock_guard<std::mutex> lock(cta.mbarrierMutex);
  updateMbarrier(initialisedMbarrier(bar, "tensor copy completing"), 0, 0,
                 boxBytes);
}

/// Runs `entry(args)` for every thread of every CTA of the grid.
void attnEmuLaunch(void (*entry)(void **), int64_t gridX, int64_t gridY,
                   int64_t gridZ, int64_t blockX, int64_t blockY,
                   int64_t blockZ, int32_t sharedBytes, void **args) {
  int64_t threads = blockX * blockY * blockZ;
  if (threads <= 0 || gridX <= 0 || gridY <= 0 || gridZ <= 0)
    return;
  for (int64_t bz = 0; bz < gridZ; ++bz)
    for (int64_t by = 0; by < gridY; ++by)
      for (int64_t bx = 0; bx < gridX; ++bx) {
        Cta cta;
        cta.block[0] = bx, cta.block[1] = by, cta.block[2] = bz;
        cta.grid[0] = gridX, cta.grid[1] = gridY, cta.grid[2] = gridZ;
        cta.threads[0] = blockX, cta.threads[1] = blockY,
        cta.threads[2] = blockZ;
        cta.allocateShared(sharedBytes);
        pthread_barrier_init(&cta.barrier, nullptr, unsigned(threads));
        for (int64_t w = 0; w < (threads + kLanes - 1) / kLanes; ++w) {
          cta.warps.push_back(std::make_unique<Warp>());
          pthread_barrier_init(&cta.warps.back()->barrier, nullptr, kLanes);
        }
        for (int64_t first = 0; first < threads; first += 4 * kLanes) {
          cta.warpgroups.push_back(std::make_unique<Warpgroup>());
          pthread_barrier_init(
              &cta.warpgroups.back()->barrier, nullptr,
              unsigned(std::min<int64_t>(4 * kLanes, threads - first)));
        }
        std::vector<std::thread> pool;
        for (int64_t t = 0; t < threads; ++t)
          pool.emplace_back([&, t]() {
            currentCta = &cta;
            linearThread = int(t);
            threadIndex[0] = t % blockX;
            threadIndex[1] = (t / blockX) % blockY;
            threadIndex[2] = t / (blockX * blockY);
            entry(args);
          });
        for (std::thread &th : pool)
          th.join();
        for (auto &w : cta.warps)
          pthread_barrier_destroy(&w->barrier);
        for (auto &g : cta.warpgroups)
          pthread_barrier_destroy(&g->barrier);
        pthread_barrier_destroy(&cta.barrier);
      }
}

/// Runs `entry(args)` for every thread of every CTA of the grid, one
/// thread after the other: for kernels without barriers or warp
/// collectives, whose threads never wait for each other.
void attnEmuLaunchIndependent(void (*entry)(void **), int64_t gridX,
                              int64_t gridY, int64_t gridZ, int64_t blockX,
                              int64_t blockY, int64_t blockZ,
                              int32_t sharedBytes, void **args) {
  if (blockX * blockY * blockZ <= 0 || gridX <= 0 || gridY <= 0 || gridZ <= 0)
    return;
  Cta cta;
  cta.grid[0] = gridX, cta.grid[1] = gridY, cta.grid[2] = gridZ;
  cta.threads[0] = blockX, cta.threads[1] = blockY, cta.threads[2] = blockZ;
  cta.allocateShared(sharedBytes);
  Cta *outer = currentCta;
  currentCta = &cta;
  for (int64_t bz = 0; bz < gridZ; ++bz)
    for (int64_t by = 0; by < gridY; ++by)
      for (int64_t bx = 0; bx < gridX; ++bx) {
        cta.block[0] = bx, cta.block[1] = by, cta.block[2] = bz;
        for (int64_t tz = 0; tz < blockZ; ++tz)
          for (int64_t ty = 0; ty < blockY; ++ty)
            for (int64_t tx = 0; tx < blockX; ++tx) {
              threadIndex[0] = tx, threadIndex[1] = ty, threadIndex[2] = tz;
              linearThread = int((tz * blockY + ty) * blockX + tx);
              entry(args);
            }
      }
  currentCta = outer;
}

//===----------------------------------------------------------------------===//
// The host side: MLIR's mgpu* functions on host memory, renamed
// attnEmu* by attn-emulate-gpu (a process may hold the CUDA runtime's too)
//===----------------------------------------------------------------------===//

// Every launch and copy completes before it returns, so a stream is a
// placeholder and synchronising does nothing.
void *attnEmuStreamCreate() {
  static char stream;
  return &stream;
}
void attnEmuStreamSynchronize(void *) {}
void attnEmuStreamDestroy(void *) {}

/// Device memory is host memory, aligned as cudaMalloc's (256 bytes).
void *attnEmuMemAlloc(uint64_t sizeBytes, void *, bool) {
  if (sizeBytes == 0)
    return nullptr;
  return std::aligned_alloc(256, (sizeBytes + 255) / 256 * 256);
}
void attnEmuMemFree(void *ptr, void *) { std::free(ptr); }
void attnEmuMemcpy(void *dst, void *src, size_t sizeBytes, void *) {
  std::memcpy(dst, src, sizeBytes);
}

/// attnCudaTensorMap of the CUDA runtime (renamed by attn-emulate-gpu):
/// the same checks of TMA's rules, and an emulated map instead of a
/// CUtensorMap. The maps stay valid for the next 63 calls on the thread,
/// more than a kernel's launch needs between making and using them.
uint64_t attnEmuTensorMap(uint64_t address, int64_t elementBytes, int64_t dim0,
                          int64_t dim1, int64_t dim2, int64_t dim3,
                          int64_t stride0, int64_t stride1, int64_t stride2,
                          int64_t boxRows, int64_t boxCols) {
  if (address % 16)
    fail("tensor map of an address that is not 16-byte aligned");
  for (int64_t stride : {stride0, stride1, stride2})
    if (stride * elementBytes % 16)
      fail("tensor map with a stride that is not a multiple of 16 bytes");
  if (boxCols * elementBytes != 128 || boxRows < 1 || boxRows > 256)
    fail("tensor map box not of 128-byte rows and 1-256 rows");
  thread_local std::array<TensorMap, 64> maps;
  thread_local size_t next = 0;
  TensorMap &map = maps[next++ % maps.size()];
  map.base = reinterpret_cast<const unsigned char *>(address);
  map.elementBytes = elementBytes;
  int64_t dims[4] = {dim0, dim1, dim2, dim3};
  int64_t strides[3] = {stride0, stride1, stride2};
  std::memcpy(map.dims, dims, sizeof(dims));
  std::memcpy(map.strides, strides, sizeof(strides));
  map.boxRows = boxRows;
  map.boxCols = boxCols;
  return reinterpret_cast<uint64_t>(&map);
}

} // extern "C"
