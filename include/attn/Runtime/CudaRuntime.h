/*===- CudaRuntime.h - The functions CUDA modules import ----------*- C -*-===*
 *
 * A shared library built with `attn-compile --target=cuda` leaves these
 * symbols undefined; the AttnCudaRuntime shared library defines them, so a
 * program that links it can dlopen such modules (docs/abi.md).
 *
 * The mgpu* functions have the signatures of MLIR's GPU host ABI (the calls
 * that gpu-to-llvm and the gpu.binary translation emit, as in
 * mlir/lib/ExecutionEngine/CudaRuntimeWrappers.cpp of LLVM 22). Unlike
 * upstream they never print or abort: each failure is recorded in the
 * calling thread's status, and the packed entry returns 2 when a CUDA call of
 * the call failed, with the message in attnCudaLastError().
 *
 * Modules are loaded by a global constructor of the compiled library, at
 * dlopen time: a load failure is kept in the returned handle and reported by
 * every call that uses the module.
 *
 *===----------------------------------------------------------------------===*/

#ifndef ATTN_RUNTIME_CUDARUNTIME_H
#define ATTN_RUNTIME_CUDARUNTIME_H

#include <stddef.h>
#include <stdint.h>

#ifndef __cplusplus
#include <stdbool.h>
#endif

#define ATTN_CUDA_RUNTIME_EXPORT __attribute__((visibility("default")))

#ifdef __cplusplus
extern "C" {
#endif

/* Called by a packed entry around its work. Begin makes `stream` (a CUstream,
   null for the default stream) the thread's current stream and clears the
   thread's status; End returns 0, or 2 if a CUDA call made since Begin on
   this thread failed. */
ATTN_CUDA_RUNTIME_EXPORT void attnCudaBeginCall(void *stream);
ATTN_CUDA_RUNTIME_EXPORT int32_t attnCudaEndCall(void);
/* The message of the failure on this thread: the first one since
   attnCudaBeginCall, or outside a call the last one; "" if none. Valid until
   the thread's next call into this runtime. */
ATTN_CUDA_RUNTIME_EXPORT const char *attnCudaLastError(void);

/* Loads a cubin or fatbin (mgpuModuleLoad) or NUL-terminated PTX, compiled
   by the driver at `optLevel` 0-4 (mgpuModuleLoadJIT). Never null: a failed
   load returns a handle that carries its error. */
ATTN_CUDA_RUNTIME_EXPORT void *mgpuModuleLoad(void *data, size_t gpuBlobSize);
ATTN_CUDA_RUNTIME_EXPORT void *mgpuModuleLoadJIT(void *data, int optLevel);
ATTN_CUDA_RUNTIME_EXPORT void mgpuModuleUnload(void *module);
/* Null (and the failure recorded) if the module did not load or has no such
   kernel. The result stays valid until the module is unloaded. */
ATTN_CUDA_RUNTIME_EXPORT void *mgpuModuleGetFunction(void *module,
                                                     const char *name);
/* Launches asynchronously on `stream`. Kernels that want more than 48 KiB
   of dynamic shared memory get the attribute that allows it first. A launch
   with an empty grid or block does nothing; a launch after a failure in the
   same call is skipped. `paramsCount` is the number of `params`. */
ATTN_CUDA_RUNTIME_EXPORT void
mgpuLaunchKernel(void *function, intptr_t gridX, intptr_t gridY, intptr_t gridZ,
                 intptr_t blockX, intptr_t blockY, intptr_t blockZ,
                 int32_t smem, void *stream, void **params, void **extra,
                 size_t paramsCount);

/* The thread's current stream (set by attnCudaBeginCall): compiled code
   runs on its caller's stream, so nothing is created, synchronised or
   destroyed. mgpuStreamSynchronize on any other stream waits for it. */
ATTN_CUDA_RUNTIME_EXPORT void *mgpuStreamCreate(void);
ATTN_CUDA_RUNTIME_EXPORT void mgpuStreamSynchronize(void *stream);
ATTN_CUDA_RUNTIME_EXPORT void mgpuStreamDestroy(void *stream);

/* Device memory ordered on `stream` (cuMemAllocAsync where the device has
   memory pools, else cuMemAlloc), or managed memory if `isHostShared`.
   Zero bytes give null; mgpuMemFree(null) does nothing. */
ATTN_CUDA_RUNTIME_EXPORT void *mgpuMemAlloc(uint64_t sizeBytes, void *stream,
                                            bool isHostShared);
ATTN_CUDA_RUNTIME_EXPORT void mgpuMemFree(void *ptr, void *stream);
/* Copies `sizeBytes` from `src` to `dst`, host or device memory, on
   `stream`, and waits for the stream. */
ATTN_CUDA_RUNTIME_EXPORT void mgpuMemcpy(void *dst, void *src, size_t sizeBytes,
                                         void *stream);

/* The device address of a CUtensorMap for the TMA copies
   (cp.async.bulk.tensor) of sm_90a kernels, over the rank-4 row-major
   tensor at device address `address`: `elementBytes` (1, 2 or 4) bytes per
   element, sizes dim0..dim3 outermost first (e.g. batch, heads, rows,
   columns), element strides stride0..stride2 of dims 0..2 (dim 3 is
   contiguous). Its boxes are boxRows x boxCols elements of dims 2 and 3 (one
   element along dims 0 and 1), 128-byte swizzled, with zeros for the
   elements outside the tensor. The map stays valid for the rest of the call
   (maps are cached across calls and freed at the start of a later one).
   0 for an empty tensor (a size 0), with no failure; otherwise 0 with the
   failure recorded, so that the call's launches are skipped and it returns
   2: a bad argument (TMA wants a 16-byte aligned address, strides that are
   multiples of 16 bytes below 2^40, box rows of 16 to 128 bytes, at most
   256 rows) or a driver without TMA (before CUDA 12.0). */
ATTN_CUDA_RUNTIME_EXPORT uint64_t attnCudaTensorMap(
    uint64_t address, int64_t elementBytes, int64_t dim0, int64_t dim1,
    int64_t dim2, int64_t dim3, int64_t stride0, int64_t stride1,
    int64_t stride2, int64_t boxRows, int64_t boxCols);

#ifdef __cplusplus
}
#endif

#endif /* ATTN_RUNTIME_CUDARUNTIME_H */
