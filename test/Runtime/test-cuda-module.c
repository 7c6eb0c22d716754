/*===- test-cuda-module.c - A hand-written CUDA module --------------------===*
 *
 * Stands in for `attn-compile --target=cuda` output (docs/abi.md): 3-argument
 * packed entries over device pointers and a stream, `target cuda` manifests,
 * and the imports a compiled module makes. Its PTX is loaded by a global
 * constructor at dlopen time, as the gpu.binary translation does, so a
 * failure to load must be carried to the calls. The mgpu* and attnCuda*
 * symbols are left undefined: the program that loads the module provides
 * them (AttnCudaRuntime).
 *
 *===----------------------------------------------------------------------===*/

#include "attn/Runtime/CudaRuntime.h"

#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#define EXPORT __attribute__((visibility("default")))

/* out[i] = x[i] + y[i] for i < n, one thread per element. */
static const char kAddPtx[] =
    ".version 7.0\n"
    ".target sm_80\n"
    ".address_size 64\n"
    "\n"
    ".visible .entry attn_test_add(.param .u64 x, .param .u64 y,\n"
    "                              .param .u64 out, .param .u64 n)\n"
    "{\n"
    "  .reg .pred %p<2>;\n"
    "  .reg .b32 %r<4>;\n"
    "  .reg .b64 %rd<10>;\n"
    "  .reg .f32 %f<4>;\n"
    "  ld.param.u64 %rd1, [x];\n"
    "  ld.param.u64 %rd2, [y];\n"
    "  ld.param.u64 %rd3, [out];\n"
    "  ld.param.u64 %rd4, [n];\n"
    "  mov.u32 %r1, %ctaid.x;\n"
    "  mov.u32 %r2, %ntid.x;\n"
    "  mov.u32 %r3, %tid.x;\n"
    "  mul.wide.u32 %rd5, %r1, %r2;\n"
    "  cvt.u64.u32 %rd6, %r3;\n"
    "  add.u64 %rd5, %rd5, %rd6;\n"
    "  setp.ge.u64 %p1, %rd5, %rd4;\n"
    "  @%p1 bra DONE;\n"
    "  shl.b64 %rd7, %rd5, 2;\n"
    "  add.u64 %rd8, %rd1, %rd7;\n"
    "  ld.global.f32 %f1, [%rd8];\n"
    "  add.u64 %rd8, %rd2, %rd7;\n"
    "  ld.global.f32 %f2, [%rd8];\n"
    "  add.f32 %f3, %f1, %f2;\n"
    "  add.u64 %rd8, %rd3, %rd7;\n"
    "  st.global.f32 [%rd8], %f3;\n"
    "DONE:\n"
    "  ret;\n"
    "}\n";

static const char kBadPtx[] = "this is not PTX\n";

/* Loaded as PTX through the JIT, as a blob (cuModuleLoadData also takes PTX
   text), and one that cannot load. */
static void *jitModule, *blobModule, *badModule;

__attribute__((constructor)) static void loadModules(void) {
  jitModule = mgpuModuleLoadJIT((void *)kAddPtx, 2);
  blobModule = mgpuModuleLoad((void *)kAddPtx, sizeof(kAddPtx));
  badModule = mgpuModuleLoadJIT((void *)kBadPtx, 2);
}

__attribute__((destructor)) static void unloadModules(void) {
  mgpuModuleUnload(jitModule);
  mgpuModuleUnload(blobModule);
  mgpuModuleUnload(badModule);
}

/* One launch of attn_test_add over n elements, 128 threads per block. */
static void launchAdd(void *module, const char *kernel, void *x, void *y,
                      void *out, int64_t n, int32_t smem, void *stream) {
  void *function = mgpuModuleGetFunction(module, kernel);
  void *params[] = {&x, &y, &out, &n};
  mgpuLaunchKernel(function, (n + 127) / 128, 1, 1, 128, 1, 1, smem, stream,
                   params, NULL, 4);
}

#define ADD_MANIFEST(name)                                                     \
  "attn-abi 1\n"                                                               \
  "function " name "\n"                                                        \
  "target cuda sm_80\n"                                                        \
  "sizes 1\n"                                                                  \
  "size 0 arg0.d0\n"                                                           \
  "arg 0 x f32 1 s0\n"                                                         \
  "arg 1 y f32 1 s0\n"                                                         \
  "result 0 sum f32 1 s0\n"                                                    \
  "end\n"

/* cuda_add(x: f32[s0], y: f32[s0]) -> sum = x + y: one launch. */
EXPORT const char attn_cuda_add_manifest[] = ADD_MANIFEST("cuda_add");
EXPORT int32_t attn_cuda_add_packed(void **pointers, const int64_t *sizes,
                                    void *stream) {
  if (sizes[0] < 0)
    return 1;
  attnCudaBeginCall(stream);
  void *s = mgpuStreamCreate();
  launchAdd(jitModule, "attn_test_add", pointers[0], pointers[1], pointers[2],
            sizes[0], 0, s);
  mgpuStreamSynchronize(s);
  mgpuStreamDestroy(s);
  return attnCudaEndCall();
}

/* cuda_add_twice(x, y) -> sum = (x + y) + y through a temporary buffer; the
   second launch asks for 64 KiB of dynamic shared memory, more than a
   kernel gets without the attribute. */
EXPORT const char attn_cuda_add_twice_manifest[] =
    ADD_MANIFEST("cuda_add_twice");
EXPORT int32_t attn_cuda_add_twice_packed(void **pointers, const int64_t *sizes,
                                          void *stream) {
  if (sizes[0] < 0)
    return 1;
  attnCudaBeginCall(stream);
  void *s = mgpuStreamCreate();
  void *tmp = mgpuMemAlloc((uint64_t)sizes[0] * 4, s, false);
  launchAdd(jitModule, "attn_test_add", pointers[0], pointers[1], tmp, sizes[0],
            0, s);
  launchAdd(jitModule, "attn_test_add", tmp, pointers[1], pointers[2], sizes[0],
            64 * 1024, s);
  mgpuMemFree(tmp, s);
  mgpuStreamSynchronize(s);
  mgpuStreamDestroy(s);
  return attnCudaEndCall();
}

/* cuda_add_first(x, y) -> sum = x + y[0]: y[0] comes to the host with
   mgpuMemcpy (as a scalar that compiled code reads), then goes back to a
   device buffer of the size of x, which a launch adds. */
EXPORT const char attn_cuda_add_first_manifest[] =
    ADD_MANIFEST("cuda_add_first");
EXPORT int32_t attn_cuda_add_first_packed(void **pointers, const int64_t *sizes,
                                          void *stream) {
  if (sizes[0] <= 0)
    return 1;
  attnCudaBeginCall(stream);
  void *s = mgpuStreamCreate();
  float first = 0.0f;
  mgpuMemcpy(&first, pointers[1], sizeof(float), s);
  float *host = (float *)malloc((size_t)sizes[0] * sizeof(float));
  for (int64_t i = 0; host && i < sizes[0]; ++i)
    host[i] = first;
  void *tmp = mgpuMemAlloc((uint64_t)sizes[0] * 4, s, false);
  if (host)
    mgpuMemcpy(tmp, host, (size_t)sizes[0] * sizeof(float), s);
  launchAdd(jitModule, "attn_test_add", pointers[0], tmp, pointers[2],
            sizes[0], 0, s);
  mgpuMemFree(tmp, s);
  free(host);
  mgpuStreamDestroy(s);
  return attnCudaEndCall();
}

/* cuda_add_blob: cuda_add with the module loaded by mgpuModuleLoad. */
EXPORT const char attn_cuda_add_blob_manifest[] = ADD_MANIFEST("cuda_add_blob");
EXPORT int32_t attn_cuda_add_blob_packed(void **pointers, const int64_t *sizes,
                                         void *stream) {
  if (sizes[0] < 0)
    return 1;
  attnCudaBeginCall(stream);
  launchAdd(blobModule, "attn_test_add", pointers[0], pointers[1], pointers[2],
            sizes[0], 0, mgpuStreamCreate());
  return attnCudaEndCall();
}

/* cuda_missing_kernel: looks up a kernel the module does not have. */
EXPORT const char attn_cuda_missing_kernel_manifest[] =
    ADD_MANIFEST("cuda_missing_kernel");
EXPORT int32_t attn_cuda_missing_kernel_packed(void **pointers,
                                               const int64_t *sizes,
                                               void *stream) {
  if (sizes[0] < 0)
    return 1;
  attnCudaBeginCall(stream);
  launchAdd(jitModule, "attn_test_missing", pointers[0], pointers[1],
            pointers[2], sizes[0], 0, mgpuStreamCreate());
  return attnCudaEndCall();
}

/* cuda_bad_module: uses the module whose PTX did not load. */
EXPORT const char attn_cuda_bad_module_manifest[] =
    ADD_MANIFEST("cuda_bad_module");
EXPORT int32_t attn_cuda_bad_module_packed(void **pointers,
                                           const int64_t *sizes, void *stream) {
  if (sizes[0] < 0)
    return 1;
  attnCudaBeginCall(stream);
  launchAdd(badModule, "attn_test_add", pointers[0], pointers[1], pointers[2],
            sizes[0], 0, mgpuStreamCreate());
  return attnCudaEndCall();
}
