//===- MachinePeak.cpp - this machine's FMA peak and read bandwidth -------===//
//
// FMA peak: every thread runs chains of independent FMAs on registers, more
// chains than the FMA latency times the number of FMA units, so that the
// units never wait; the widest vector unit the CPU has is used (chosen at
// run time, like the compiled modules, so one binary serves every machine).
//
// Read bandwidth: every thread sums its part of a 256 MiB buffer (far past
// the caches) with eight vector accumulators, best of five (the sum is kept,
// so the reads are not removed).
//
//===----------------------------------------------------------------------===//

#include "MachinePeak.h"

#include <immintrin.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <thread>
#include <vector>

using namespace attn_bench;

namespace {
using Clock = std::chrono::steady_clock;

/// Iterations of the FMA kernels per trial: a few tens of milliseconds.
constexpr int64_t kFmaIterations = 20'000'000;

/// 24 chains of zmm FMAs: 2 FMA units x 4 cycles latency needs at least 8.
__attribute__((target("avx512f"))) double fmaAvx512(int64_t iterations) {
  __m512 acc[24];
  for (int i = 0; i < 24; ++i)
    acc[i] = _mm512_set1_ps(float(i));
  __m512 a = _mm512_set1_ps(0.999999f), b = _mm512_set1_ps(1e-7f);
  for (int64_t it = 0; it < iterations; ++it)
    for (int i = 0; i < 24; ++i)
      acc[i] = _mm512_fmadd_ps(acc[i], a, b);
  __m512 sum = acc[0];
  for (int i = 1; i < 24; ++i)
    sum = _mm512_add_ps(sum, acc[i]);
  volatile float sink = _mm512_reduce_add_ps(sum);
  (void)sink;
  return double(iterations) * 24 * 16 * 2;
}

/// 12 chains of ymm FMAs (16 registers in all).
__attribute__((target("avx2,fma"))) double fmaAvx2(int64_t iterations) {
  __m256 acc[12];
  for (int i = 0; i < 12; ++i)
    acc[i] = _mm256_set1_ps(float(i));
  __m256 a = _mm256_set1_ps(0.999999f), b = _mm256_set1_ps(1e-7f);
  for (int64_t it = 0; it < iterations; ++it)
    for (int i = 0; i < 12; ++i)
      acc[i] = _mm256_fmadd_ps(acc[i], a, b);
  __m256 sum = acc[0];
  for (int i = 1; i < 12; ++i)
    sum = _mm256_add_ps(sum, acc[i]);
  alignas(32) float lanes[8];
  _mm256_store_ps(lanes, sum);
  volatile float sink = lanes[0];
  (void)sink;
  return double(iterations) * 12 * 8 * 2;
}

double fmaScalar(int64_t iterations) {
  float acc[8] = {0, 1, 2, 3, 4, 5, 6, 7};
  for (int64_t it = 0; it < iterations; ++it)
    for (float &x : acc)
      x = x * 0.999999f + 1e-7f;
  volatile float sink = acc[0] + acc[7];
  (void)sink;
  return double(iterations) * 8 * 2;
}

/// Runs `work` on `threads` threads started together; returns the sum of
/// their counts divided by the wall time of the slowest, per second.
template <typename Work> double runOnThreads(unsigned threads, Work work) {
  std::atomic<unsigned> ready{0};
  std::atomic<bool> go{false};
  std::vector<double> counts(threads, 0.0);
  std::vector<std::thread> pool;
  for (unsigned t = 0; t < threads; ++t)
    pool.emplace_back([&, t] {
      ready.fetch_add(1);
      while (!go.load(std::memory_order_acquire))
        std::this_thread::yield();
      counts[t] = work(t);
    });
  while (ready.load() != threads)
    std::this_thread::yield();
  Clock::time_point start = Clock::now();
  go.store(true, std::memory_order_release);
  for (std::thread &th : pool)
    th.join();
  double seconds = std::chrono::duration<double>(Clock::now() - start).count();
  double total = 0;
  for (double c : counts)
    total += c;
  return total / seconds;
}

/// Sums `count` floats (a multiple of 64) with eight vector accumulators:
/// independent add chains, so the adds keep up with the loads and the
/// memory system is what is measured.
__attribute__((target("avx512f"))) float sumAvx512(const float *data,
                                                   size_t count) {
  __m512 acc[8];
  for (__m512 &a : acc)
    a = _mm512_setzero_ps();
  for (size_t i = 0; i < count; i += 128)
    for (int l = 0; l < 8; ++l)
      acc[l] = _mm512_add_ps(acc[l], _mm512_loadu_ps(data + i + 16 * l));
  for (int l = 1; l < 8; ++l)
    acc[0] = _mm512_add_ps(acc[0], acc[l]);
  return _mm512_reduce_add_ps(acc[0]);
}

__attribute__((target("avx2"))) float sumAvx2(const float *data, size_t count) {
  __m256 acc[8];
  for (__m256 &a : acc)
    a = _mm256_setzero_ps();
  for (size_t i = 0; i < count; i += 64)
    for (int l = 0; l < 8; ++l)
      acc[l] = _mm256_add_ps(acc[l], _mm256_loadu_ps(data + i + 8 * l));
  for (int l = 1; l < 8; ++l)
    acc[0] = _mm256_add_ps(acc[0], acc[l]);
  alignas(32) float lanes[8];
  _mm256_store_ps(lanes, acc[0]);
  return lanes[0] + lanes[7];
}

float sumScalar(const float *data, size_t count) {
  float acc[8] = {};
  for (size_t i = 0; i < count; i += 8)
    for (int l = 0; l < 8; ++l)
      acc[l] += data[i + l];
  return acc[0] + acc[7];
}
} // namespace

MachinePeak attn_bench::measureMachinePeak(unsigned threads) {
  MachinePeak peak;
  double (*kernel)(int64_t) = fmaScalar;
  peak.isa = "scalar";
  __builtin_cpu_init();
  if (__builtin_cpu_supports("avx512f")) {
    kernel = fmaAvx512;
    peak.isa = "avx512f";
  } else if (__builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma")) {
    kernel = fmaAvx2;
    peak.isa = "avx2+fma";
  }
  // Short trials first let the clocks settle; the best trial counts.
  kernel(kFmaIterations / 10);
  for (int trial = 0; trial < 3; ++trial)
    peak.fmaGflops =
        std::max(peak.fmaGflops, runOnThreads(threads, [&](unsigned) {
                                   return kernel(kFmaIterations);
                                 }) / 1e9);

  size_t elements = (size_t(256) << 20) / sizeof(float);
  std::vector<float> buffer(elements, 1.0f);
  // Slices of whole 128-float blocks.
  size_t slice = elements / threads / 128 * 128;
  float (*sum)(const float *, size_t) = sumScalar;
  if (peak.isa == "avx512f")
    sum = sumAvx512;
  else if (peak.isa == "avx2+fma")
    sum = sumAvx2;
  std::vector<float> sums(threads);
  for (int trial = 0; trial < 3; ++trial)
    peak.readGBs = std::max(peak.readGBs,
                            runOnThreads(threads, [&](unsigned t) {
                              sums[t] = sum(buffer.data() + t * slice, slice);
                              return double(slice * sizeof(float));
                            }) / 1e9);
  volatile float sink = sums[0];
  (void)sink;
  return peak;
}
