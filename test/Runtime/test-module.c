/*===- test-module.c - A hand-written module implementing the ABI ---------===*
 *
 * Stands in for attn-compile output (docs/abi.md) so the runtime's loading,
 * binding, calling and output conversion are tested without the compiler.
 *
 *===----------------------------------------------------------------------===*/

#include <stdint.h>
#include <string.h>

#define EXPORT __attribute__((visibility("default")))

/* y = x for the one-argument copies below: s0 elements of `width` bytes. */
static int32_t copyElements(void **pointers, const int64_t *sizes,
                            size_t width) {
  if (sizes[0] < 0)
    return 1;
  memcpy(pointers[1], pointers[0], (size_t)sizes[0] * width);
  return 0;
}

/* add(x: f32[s0,4], y: f32[s0,4]) -> sum: f32[s0,4] */
EXPORT const char attn_add_manifest[] = "attn-abi 1\n"
                                        "function add\n"
                                        "sizes 1\n"
                                        "size 0 arg0.d0\n"
                                        "arg 0 x f32 2 s0 4\n"
                                        "arg 1 y f32 2 s0 4\n"
                                        "result 0 sum f32 2 s0 4\n"
                                        "end\n";
EXPORT int32_t attn_add_packed(void **pointers, const int64_t *sizes) {
  if (sizes[0] < 0)
    return 1;
  const float *x = pointers[0], *y = pointers[1];
  float *sum = pointers[2];
  for (int64_t i = 0; i < sizes[0] * 4; ++i)
    sum[i] = x[i] + y[i];
  return 0;
}

/* copy_bf16(x: bf16[s0]) -> y: bf16[s0], and the same for f16. */
EXPORT const char attn_copy_bf16_manifest[] = "attn-abi 1\n"
                                              "function copy_bf16\n"
                                              "sizes 1\n"
                                              "size 0 arg0.d0\n"
                                              "arg 0 x bf16 1 s0\n"
                                              "result 0 y bf16 1 s0\n"
                                              "end\n";
EXPORT int32_t attn_copy_bf16_packed(void **pointers, const int64_t *sizes) {
  return copyElements(pointers, sizes, 2);
}

EXPORT const char attn_copy_f16_manifest[] = "attn-abi 1\n"
                                             "function copy_f16\n"
                                             "sizes 1\n"
                                             "size 0 arg0.d0\n"
                                             "arg 0 x f16 1 s0\n"
                                             "result 0 y f16 1 s0\n"
                                             "end\n";
EXPORT int32_t attn_copy_f16_packed(void **pointers, const int64_t *sizes) {
  return copyElements(pointers, sizes, 2);
}

/* copy_f8e4m3fn(x: f8e4m3fn[s0]) -> y: f8e4m3fn[s0], and
   bits_f8e4m3fn(x: f8e4m3fn[s0]) -> b: i8[s0], which shows the bit patterns
   that the runtime narrowed x to. */
EXPORT const char attn_copy_f8e4m3fn_manifest[] = "attn-abi 1\n"
                                                  "function copy_f8e4m3fn\n"
                                                  "sizes 1\n"
                                                  "size 0 arg0.d0\n"
                                                  "arg 0 x f8e4m3fn 1 s0\n"
                                                  "result 0 y f8e4m3fn 1 s0\n"
                                                  "end\n";
EXPORT int32_t attn_copy_f8e4m3fn_packed(void **pointers,
                                         const int64_t *sizes) {
  return copyElements(pointers, sizes, 1);
}

EXPORT const char attn_bits_f8e4m3fn_manifest[] = "attn-abi 1\n"
                                                  "function bits_f8e4m3fn\n"
                                                  "sizes 1\n"
                                                  "size 0 arg0.d0\n"
                                                  "arg 0 x f8e4m3fn 1 s0\n"
                                                  "result 0 b i8 1 s0\n"
                                                  "end\n";
EXPORT int32_t attn_bits_f8e4m3fn_packed(void **pointers,
                                         const int64_t *sizes) {
  return copyElements(pointers, sizes, 1);
}

/* masks(m: i1[s0,s1], len: i32[s0]) -> count: i32[s0], inv: i1[s0,s1]
   count[b] = len[b] + number of true m[b,:]; inv = !m. */
EXPORT const char attn_masks_manifest[] = "attn-abi 1\n"
                                          "function masks\n"
                                          "sizes 2\n"
                                          "size 0 arg0.d0\n"
                                          "size 1 arg0.d1\n"
                                          "arg 0 m i1 2 s0 s1\n"
                                          "arg 1 len i32 1 s0\n"
                                          "result 0 count i32 1 s0\n"
                                          "result 1 inv i1 2 s0 s1\n"
                                          "end\n";
EXPORT int32_t attn_masks_packed(void **pointers, const int64_t *sizes) {
  if (sizes[0] < 0 || sizes[1] < 0)
    return 1;
  const uint8_t *m = pointers[0];
  const int32_t *len = pointers[1];
  int32_t *count = pointers[2];
  uint8_t *inv = pointers[3];
  for (int64_t b = 0; b < sizes[0]; ++b) {
    count[b] = len[b];
    for (int64_t j = 0; j < sizes[1]; ++j) {
      count[b] += m[b * sizes[1] + j];
      inv[b * sizes[1] + j] = !m[b * sizes[1] + j];
    }
  }
  return 0;
}

/* wide(a: f64[s0], b: i64[s0], c: i8[s0]) -> r: f64[s0] = a + b + c */
EXPORT const char attn_wide_manifest[] = "attn-abi 1\n"
                                         "function wide\n"
                                         "sizes 1\n"
                                         "size 0 arg0.d0\n"
                                         "arg 0 a f64 1 s0\n"
                                         "arg 1 b i64 1 s0\n"
                                         "arg 2 c i8 1 s0\n"
                                         "result 0 r f64 1 s0\n"
                                         "end\n";
EXPORT int32_t attn_wide_packed(void **pointers, const int64_t *sizes) {
  const double *a = pointers[0];
  const int64_t *b = pointers[1];
  const int8_t *c = pointers[2];
  double *r = pointers[3];
  for (int64_t i = 0; i < sizes[0]; ++i)
    r[i] = a[i] + (double)b[i] + (double)c[i];
  return 0;
}

/* fail(x: f32[s0]) -> y: f32[s0], always status 1. */
EXPORT const char attn_fail_manifest[] = "attn-abi 1\n"
                                         "function fail\n"
                                         "sizes 1\n"
                                         "size 0 arg0.d0\n"
                                         "arg 0 x f32 1 s0\n"
                                         "result 0 y f32 1 s0\n"
                                         "end\n";
EXPORT int32_t attn_fail_packed(void **pointers, const int64_t *sizes) {
  return 1;
}

/* Broken modules: a bad manifest, none at all, one naming another function. */
EXPORT const char attn_bad_manifest_manifest[] = "attn-abi 2\n"
                                                 "function bad_manifest\n"
                                                 "end\n";
EXPORT int32_t attn_bad_manifest_packed(void **pointers, const int64_t *sizes) {
  return 0;
}

EXPORT int32_t attn_no_manifest_packed(void **pointers, const int64_t *sizes) {
  return 0;
}

EXPORT const char attn_renamed_manifest[] = "attn-abi 1\n"
                                            "function other\n"
                                            "sizes 0\n"
                                            "end\n";
EXPORT int32_t attn_renamed_packed(void **pointers, const int64_t *sizes) {
  return 0;
}

/* cuda_stub(x: f32[s0]) -> y: f32[s0] with target cuda: the 3-argument
   packed entry of a CUDA module that imports nothing, so it loads even into
   a runtime built without CUDA. It does nothing with the device pointers. */
EXPORT const char attn_cuda_stub_manifest[] = "attn-abi 1\n"
                                              "function cuda_stub\n"
                                              "target cuda sm_80\n"
                                              "sizes 1\n"
                                              "size 0 arg0.d0\n"
                                              "arg 0 x f32 1 s0\n"
                                              "result 0 y f32 1 s0\n"
                                              "end\n";
EXPORT int32_t attn_cuda_stub_packed(void **pointers, const int64_t *sizes,
                                     void *stream) {
  return sizes[0] < 0 ? 1 : 0;
}
