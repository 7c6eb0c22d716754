//===- BlasAttention.h - Unfused f32 attention on OpenBLAS ------*- C++ -*-===//
//
// The CPU baseline of attn-bench: the textbook, unfused attention that a
// framework without a fused kernel runs. For every (batch, query head):
//
//   S = scale * Q K^T          cblas_sgemm into a [Sq, Skv] f32 buffer
//   S = mods(S), masked -> -inf, P = row softmax(S)    (plain C++ loops)
//   O = P V                    cblas_sgemm
//
// The variant semantics (masks, bias, ALiBi, softcap, GQA) follow
// shared/VARIANTS.md and are written here from that text: nothing is shared
// with the compiler, so the baseline doubles as an independent reference for
// the correctness check of the benchmark.
//
//===----------------------------------------------------------------------===//

#ifndef ATTN_BENCH_BLASATTENTION_H
#define ATTN_BENCH_BLASATTENTION_H

#include <cstdint>
#include <string>

namespace attn_bench {

/// One attention problem. Tensors are dense, row-major f32 (the mask is one
/// byte per element, the key lengths int32):
///   q [B,Hq,Sq,D], k [B,Hkv,Skv,D], v [B,Hkv,Skv,Dv], o [B,Hq,Sq,Dv].
struct AttentionProblem {
  int64_t batch = 1, queryHeads = 1, kvHeads = 1;
  int64_t querySeq = 1, keySeq = 1, headDim = 64, valueDim = 64;

  /// Multiplies q.k (1/sqrt(D) in the default case).
  float scale = 0.125f;
  /// visible iff j <= i'. i' = i + Skv - Sq (bottom-right alignment), or
  /// i' = i with topLeft.
  bool causal = false;
  bool topLeft = false;
  /// visible iff i' - windowLeft <= j <= i' + windowRight; -1 = no window.
  int64_t windowLeft = -1, windowRight = -1;
  /// s -= m_h * (i' - j), m_h = 2^(-8(h+1)/Hq).
  bool alibi = false;
  /// s = softcap * tanh(s / softcap) when > 0.
  float softcap = 0;

  /// [B]: visible iff j < keyLengths[b]; null = all keys.
  const int32_t *keyLengths = nullptr;
  /// Boolean mask (non-zero = visible) and additive bias, indexed
  /// [b*s0 + h*s1 + i*s2 + j*s3] with element strides (0 on broadcast
  /// dimensions); null = absent.
  const uint8_t *mask = nullptr;
  int64_t maskStrides[4] = {0, 0, 0, 0};
  const float *bias = nullptr;
  int64_t biasStrides[4] = {0, 0, 0, 0};

  /// i' - i: the query row's position on the key axis minus its index.
  int64_t alignOffset() const { return topLeft ? 0 : keySeq - querySeq; }

  /// A short description ("causal window(64,0) bias ...") for reports.
  std::string describe() const;
};

/// Number of (query, key) pairs of batch `b` visible through the named masks
/// (causal, window, key lengths) of one head. A boolean mask tensor is not
/// looked at: its pairs all count.
int64_t countVisiblePairs(const AttentionProblem &p, int64_t b);

/// Useful floating-point work: 2*(D + Dv) per visible pair and query head,
/// summed over the batch (= 4*B*Hq*pairs*D when Dv = D).
double countFlops(const AttentionProblem &p);

/// Floats of scratch memory blasAttention needs: one [Sq, Skv] buffer.
int64_t getScratchElements(const AttentionProblem &p);

/// Computes o. `scratch` holds getScratchElements(p) floats. A query row with
/// no visible key yields zeros.
void blasAttention(const AttentionProblem &p, const float *q, const float *k,
                   const float *v, float *o, float *scratch);

/// Sets the threads of the baseline: OpenBLAS' (the two GEMMs) and the
/// softmax's (rows split in blocks over std::threads).
void setBlasThreads(int threads);
/// OpenBLAS' build configuration and the kernel core it chose ("SkylakeX").
std::string getBlasDescription();

} // namespace attn_bench

#endif // ATTN_BENCH_BLASATTENTION_H
