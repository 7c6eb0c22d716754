//===- MachinePeak.h - this machine's FMA peak and read bandwidth -*- C++
//-*-===//
//
// Measured in the benchmark's own process, on the same threads, so that
// percent-of-peak figures refer to the machine at hand and not to a number
// copied from a data sheet (clock, cores and vector units differ from one
// machine to the next).
//
//===----------------------------------------------------------------------===//

#ifndef ATTN_BENCH_MACHINEPEAK_H
#define ATTN_BENCH_MACHINEPEAK_H

#include <string>

namespace attn_bench {

struct MachinePeak {
  /// fp32 FMA throughput of `threads` threads, GFLOP/s (an FMA is 2 FLOPs).
  double fmaGflops = 0;
  /// Read bandwidth of `threads` threads streaming a buffer far larger than
  /// the caches, GB/s.
  double readGBs = 0;
  /// The vector instructions the FMA kernel used ("avx512f", "avx2+fma",
  /// "scalar").
  std::string isa;
};

/// Runs the FMA and read kernels on `threads` threads (best of a few
/// trials each, about half a second in all).
MachinePeak measureMachinePeak(unsigned threads);

} // namespace attn_bench

#endif // ATTN_BENCH_MACHINEPEAK_H
