//===- BlasAttention.cpp - Unfused f32 attention on OpenBLAS --------------===//
//
// Built with -fveclib=libmvec and reassociation allowed (not -ffast-math:
// masked scores are -inf and must stay so), so the softmax loops vectorise
// with glibc's vector expf/tanhf. A scalar expf would make the baseline's
// softmax slower than its two GEMMs and the comparison too kind.
//
//===----------------------------------------------------------------------===//

#include "BlasAttention.h"

#include <cblas.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <sstream>
#include <thread>
#include <vector>

using namespace attn_bench;

std::string AttentionProblem::describe() const {
  std::ostringstream os;
  if (causal)
    os << " causal";
  if (topLeft)
    os << " top-left";
  if (windowLeft >= 0)
    os << " window(" << windowLeft << ":" << windowRight << ")";
  if (keyLengths)
    os << " key_lengths";
  if (mask)
    os << " mask";
  if (bias)
    os << " bias";
  if (alibi)
    os << " alibi";
  if (softcap > 0)
    os << " softcap(" << softcap << ")";
  if (queryHeads != kvHeads)
    os << " gqa(" << queryHeads << "/" << kvHeads << ")";
  std::string s = os.str();
  return s.empty() ? "none" : s.substr(1);
}

/// The keys [lo, hi) of query row `i` of batch `b` that the named masks
/// leave visible.
static void getVisibleRange(const AttentionProblem &p, int64_t b, int64_t i,
                            int64_t &lo, int64_t &hi) {
  int64_t pos = i + p.alignOffset();
  lo = 0;
  hi = p.keySeq;
  if (p.keyLengths)
    hi = std::clamp<int64_t>(p.keyLengths[b], 0, p.keySeq);
  if (p.causal)
    hi = std::min(hi, pos + 1);
  if (p.windowLeft >= 0) {
    lo = std::max(lo, pos - p.windowLeft);
    hi = std::min(hi, pos + p.windowRight + 1);
  }
  // Rows past the keys (a top-left window) see none: keep [lo, hi) empty
  // and inside [0, Skv].
  lo = std::min(lo, p.keySeq);
  if (hi < lo)
    hi = lo;
}

int64_t attn_bench::countVisiblePairs(const AttentionProblem &p, int64_t b) {
  int64_t pairs = 0;
  for (int64_t i = 0; i < p.querySeq; ++i) {
    int64_t lo, hi;
    getVisibleRange(p, b, i, lo, hi);
    pairs += hi - lo;
  }
  return pairs;
}

double attn_bench::countFlops(const AttentionProblem &p) {
  double flops = 0;
  for (int64_t b = 0; b < p.batch; ++b)
    flops += 2.0 * double(p.headDim + p.valueDim) * double(p.queryHeads) *
             double(countVisiblePairs(p, b));
  return flops;
}

int64_t attn_bench::getScratchElements(const AttentionProblem &p) {
  return p.querySeq * p.keySeq;
}

/// Turns row `i` of the scaled scores into softmax weights in place; keys
/// outside [lo, hi) or hidden by the mask get weight 0.
static void softmaxRow(const AttentionProblem &p, int64_t b, int64_t h,
                       int64_t i, float *row) {
  const float negInf = -std::numeric_limits<float>::infinity();
  int64_t n = p.keySeq;
  int64_t lo, hi;
  getVisibleRange(p, b, i, lo, hi);
  std::fill(row, row + lo, 0.0f);
  std::fill(row + hi, row + n, 0.0f);
  if (lo == hi)
    return;

  // Score modifications, in the order of VARIANTS.md / the op: bias, ALiBi,
  // softcap; then the boolean mask.
  if (p.bias) {
    const float *bias = p.bias + b * p.biasStrides[0] + h * p.biasStrides[1] +
                        i * p.biasStrides[2];
    int64_t s3 = p.biasStrides[3];
    if (s3 == 1)
      for (int64_t j = lo; j < hi; ++j)
        row[j] += bias[j];
    else
      for (int64_t j = lo; j < hi; ++j)
        row[j] += bias[j * s3];
  }
  if (p.alibi) {
    float slope = std::exp2(-8.0f * float(h + 1) / float(p.queryHeads));
    float pos = float(i + p.alignOffset());
    for (int64_t j = lo; j < hi; ++j)
      row[j] -= slope * (pos - float(j));
  }
  if (p.softcap > 0) {
    float cap = p.softcap, inv = 1.0f / p.softcap;
    for (int64_t j = lo; j < hi; ++j)
      row[j] = cap * std::tanh(row[j] * inv);
  }
  if (p.mask) {
    const uint8_t *mask = p.mask + b * p.maskStrides[0] + h * p.maskStrides[1] +
                          i * p.maskStrides[2];
    int64_t s3 = p.maskStrides[3];
    for (int64_t j = lo; j < hi; ++j)
      row[j] = mask[j * s3] ? row[j] : negInf;
  }

  float max = negInf;
  for (int64_t j = lo; j < hi; ++j)
    max = std::max(max, row[j]);
  if (max == negInf) {
    std::fill(row + lo, row + hi, 0.0f);
    return;
  }
  float sum = 0;
  for (int64_t j = lo; j < hi; ++j) {
    float e = std::exp(row[j] - max);
    row[j] = e;
    sum += e;
  }
  float inv = 1.0f / sum;
  for (int64_t j = lo; j < hi; ++j)
    row[j] *= inv;
}

/// Threads of the baseline: OpenBLAS' and the softmax's.
static int numThreads = 1;

/// The softmax of all rows of one (batch, head), split over `numThreads`
/// threads in contiguous row blocks (rows are independent).
static void softmaxRows(const AttentionProblem &p, int64_t b, int64_t h,
                        float *scores) {
  auto run = [&](int64_t begin, int64_t end) {
    for (int64_t i = begin; i < end; ++i)
      softmaxRow(p, b, h, i, scores + i * p.keySeq);
  };
  int64_t rows = p.querySeq;
  int64_t parts = std::min<int64_t>(numThreads, rows);
  if (parts <= 1)
    return run(0, rows);
  std::vector<std::thread> workers;
  for (int64_t t = 1; t < parts; ++t)
    workers.emplace_back(run, rows * t / parts, rows * (t + 1) / parts);
  run(0, rows / parts);
  for (std::thread &worker : workers)
    worker.join();
}

void attn_bench::blasAttention(const AttentionProblem &p, const float *q,
                               const float *k, const float *v, float *o,
                               float *scratch) {
  const int64_t sq = p.querySeq, skv = p.keySeq, d = p.headDim, dv = p.valueDim;
  const int64_t group = p.queryHeads / p.kvHeads;
  for (int64_t b = 0; b < p.batch; ++b) {
    for (int64_t h = 0; h < p.queryHeads; ++h) {
      int64_t kvh = h / group;
      const float *qbh = q + (b * p.queryHeads + h) * sq * d;
      const float *kbh = k + (b * p.kvHeads + kvh) * skv * d;
      const float *vbh = v + (b * p.kvHeads + kvh) * skv * dv;
      float *obh = o + (b * p.queryHeads + h) * sq * dv;
      if (skv == 0) {
        std::fill(obh, obh + sq * dv, 0.0f);
        continue;
      }
      // S = scale * Q K^T over all pairs: the unfused baseline does not skip
      // masked blocks.
      cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, int(sq), int(skv),
                  int(d), p.scale, qbh, int(d), kbh, int(d), 0.0f, scratch,
                  int(skv));
      softmaxRows(p, b, h, scratch);
      cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, int(sq), int(dv),
                  int(skv), 1.0f, scratch, int(skv), vbh, int(dv), 0.0f, obh,
                  int(dv));
    }
  }
}

void attn_bench::setBlasThreads(int threads) {
  numThreads = std::max(threads, 1);
  openblas_set_num_threads(numThreads);
}

std::string attn_bench::getBlasDescription() {
  std::string config = openblas_get_config();
  while (!config.empty() && config.back() == ' ')
    config.pop_back();
  return config + ", core " + openblas_get_corename();
}
