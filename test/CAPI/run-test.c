/*===- run-test.c - The runtime half of the C API, from C -----------------===*\
|*                                                                            *|
|* Loads `main` of a library compiled from causal attention over [B, 2, S,   *|
|* 16] f32 (capi.test compiles it), prints its signature, calls it on         *|
|* deterministic inputs and compares the result with a float64 causal        *|
|* softmax attention computed here; then checks that bad calls and bad       *|
|* libraries are errors with messages. Links no MLIR.                         *|
|*                                                                            *|
\*===----------------------------------------------------------------------===*/

#include "attn-c/Runtime.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>

enum { kBatch = 2, kHeads = 2, kSeq = 37, kDim = 16 };
#define kElements (kBatch * kHeads * kSeq * kDim)

/// Uniform values in [-1, 1) from a fixed linear congruential sequence.
static void fill(float *data, int count, unsigned seed) {
  for (int i = 0; i < count; ++i) {
    seed = seed * 1664525u + 1013904223u;
    data[i] = (float)((seed >> 8) / 8388608.0 - 1.0);
  }
}

/// Causal softmax attention with scale 1/sqrt(D), in double, for one
/// (batch, head): query i sees keys j <= i (Sq == Skv).
static void reference(const float *q, const float *k, const float *v,
                      double *o) {
  double scale = 1.0 / sqrt((double)kDim);
  for (int i = 0; i < kSeq; ++i) {
    double scores[kSeq], max = -INFINITY, sum = 0;
    for (int j = 0; j <= i; ++j) {
      double s = 0;
      for (int d = 0; d < kDim; ++d)
        s += (double)q[i * kDim + d] * k[j * kDim + d];
      scores[j] = s * scale;
      max = scores[j] > max ? scores[j] : max;
    }
    for (int j = 0; j <= i; ++j)
      sum += scores[j] = exp(scores[j] - max);
    for (int d = 0; d < kDim; ++d) {
      double acc = 0;
      for (int j = 0; j <= i; ++j)
        acc += scores[j] * v[j * kDim + d];
      o[i * kDim + d] = acc / sum;
    }
  }
}

static int expectError(AttnError error, const char *what) {
  if (attnErrorIsNull(error)) {
    printf("%s: unexpected success\n", what);
    return 1;
  }
  printf("%s: %s\n", what, attnErrorGetMessage(error));
  attnErrorDestroy(error);
  return 0;
}

static void printInfo(const char *kind, AttnTensorInfo info) {
  printf("%s %s: %s (%s, rank %ld, host dtype %d)\n", kind, info.name,
         info.signature, info.elementType, (long)info.rank, (int)info.hostType);
}

int main(int argc, char **argv) {
  if (argc != 2) {
    fprintf(stderr, "usage: attn-capi-run-test LIBRARY.so\n");
    return 2;
  }
  AttnModule module;
  AttnError error = attnModuleLoad(argv[1], "main", &module);
  if (!attnErrorIsNull(error)) {
    printf("load failed: %s\n", attnErrorGetMessage(error));
    attnErrorDestroy(error);
    return 1;
  }
  printf("target: %s\n", attnModuleGetTarget(module));
  for (intptr_t i = 0; i < attnModuleGetNumArguments(module); ++i)
    printInfo("argument", attnModuleGetArgument(module, i));
  for (intptr_t i = 0; i < attnModuleGetNumResults(module); ++i)
    printInfo("result", attnModuleGetResult(module, i));

  static float q[kElements], k[kElements], v[kElements];
  static double expected[kElements];
  fill(q, kElements, 1);
  fill(k, kElements, 2);
  fill(v, kElements, 3);
  for (int bh = 0; bh < kBatch * kHeads; ++bh) {
    int offset = bh * kSeq * kDim;
    reference(q + offset, k + offset, v + offset, expected + offset);
  }

  int64_t shape[4] = {kBatch, kHeads, kSeq, kDim};
  AttnHostArray args[3] = {{ATTN_DTYPE_FLOAT32, 4, shape, q},
                           {ATTN_DTYPE_FLOAT32, 4, shape, k},
                           {ATTN_DTYPE_FLOAT32, 4, shape, v}};
  AttnResults results;
  error = attnModuleCall(module, args, 3, &results);
  if (!attnErrorIsNull(error)) {
    printf("call failed: %s\n", attnErrorGetMessage(error));
    attnErrorDestroy(error);
    return 1;
  }
  AttnHostArray o = attnResultsGet(results, 0);
  printf("results: %ld, o: dtype %d shape [%ld, %ld, %ld, %ld]\n",
         (long)attnResultsGetCount(results), (int)o.dtype, (long)o.shape[0],
         (long)o.shape[1], (long)o.shape[2], (long)o.shape[3]);
  double maxError = 0;
  for (int i = 0; i < kElements; ++i) {
    double e = fabs(((const float *)o.data)[i] - expected[i]);
    maxError = e > maxError || isnan(e) ? e : maxError;
  }
  /* f32 tolerance of shared/VARIANTS.md for softmax attention. */
  printf("max abs error vs float64: %s\n",
         maxError <= 1e-5 ? "within 1e-5" : "TOO LARGE");
  attnResultsDestroy(results);

  /* Errors name the argument, as attn-run's do. */
  int64_t shortShape[3] = {kBatch, kHeads, kSeq};
  AttnHostArray badRank[3] = {
      args[0], {ATTN_DTYPE_FLOAT32, 3, shortShape, k}, args[2]};
  int failures =
      expectError(attnModuleCall(module, badRank, 3, &results), "rank 3 for k");
  int64_t otherSeq[4] = {kBatch, kHeads, kSeq - 1, kDim};
  AttnHostArray badSize[3] = {
      args[0], {ATTN_DTYPE_FLOAT32, 4, otherSeq, k}, args[2]};
  failures +=
      expectError(attnModuleCall(module, badSize, 3, &results), "short k");
  AttnHostArray badType[3] = {
      args[0], args[1], {ATTN_DTYPE_FLOAT64, 4, shape, v}};
  failures +=
      expectError(attnModuleCall(module, badType, 3, &results), "float64 v");
  failures +=
      expectError(attnModuleCall(module, args, 2, &results), "two arguments");
  AttnHostArray nullData[3] = {
      args[0], args[1], {ATTN_DTYPE_FLOAT32, 4, shape, NULL}};
  failures +=
      expectError(attnModuleCall(module, nullData, 3, &results), "null data");
  int64_t negative[4] = {kBatch, kHeads, -1, kDim};
  AttnHostArray negativeShape[3] = {
      args[0], args[1], {ATTN_DTYPE_FLOAT32, 4, negative, v}};
  failures += expectError(attnModuleCall(module, negativeShape, 3, &results),
                          "negative size");
  attnModuleDestroy(module);

  AttnModule other;
  failures += expectError(attnModuleLoad(argv[1], "no_such_function", &other),
                          "unknown function");
  failures +=
      expectError(attnModuleLoad("/nonexistent/libmodule.so", "main", &other),
                  "missing library");
  return failures || maxError > 1e-5 ? 1 : 0;
}
