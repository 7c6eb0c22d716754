/*===- fake-cuda-driver.c - A libcuda.so.1 that runs on the host ----------===*
 *
 * A test double of the CUDA driver for machines without a GPU: the tests put
 * its directory on LD_LIBRARY_PATH, and the runtime's dlopen("libcuda.so.1")
 * finds it. It implements the entry points the runtime resolves, with device
 * memory in host memory, and runs the one kernel of test-cuda-module.c
 * (attn_test_add) on the host. It checks what the real driver checks where
 * the runtime could get it wrong: a current context for every call that
 * needs one, the dynamic shared memory attribute, module and kernel names.
 *
 * Environment:
 *   FAKE_CUDA_DEVICES=N   number of devices (default 1; 0: cuInit fails)
 *   FAKE_CUDA_NO_POOLS=1  no stream-ordered allocator (cuMemAlloc is used)
 *   FAKE_CUDA_FAULT=1     every launch "faults": the stream reports
 *                         CUDA_ERROR_ILLEGAL_ADDRESS when synchronised
 *   FAKE_CUDA_ENCODE_ERROR=1
 *                         cuTensorMapEncodeTiled fails with
 *                         CUDA_ERROR_INVALID_VALUE
 *   FAKE_CUDA_TRACE=1     print the calls that matter on stderr, and the
 *                         allocations still live at exit
 *
 * Built a second time with FAKE_CUDA_NO_TENSOR_MAP defined: a driver older
 * than CUDA 12.0, without cuTensorMapEncodeTiled.
 *
 *===----------------------------------------------------------------------===*/

#include <cuda.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define EXPORT __attribute__((visibility("default")))

static int initialized;
static int numDevices = 1;
static int noPools, fault, encodeError, trace;
static long liveAllocations;
/* The one primary context; contexts are opaque pointers to it. */
static int primaryContextToken;
static _Thread_local CUcontext currentContext;

#define TRACE(...)                                                             \
  do {                                                                         \
    if (trace)                                                                 \
      fprintf(stderr, "fake-cuda: " __VA_ARGS__);                              \
  } while (0)

static int envFlag(const char *name) {
  const char *value = getenv(name);
  return value && *value && strcmp(value, "0") != 0;
}

__attribute__((destructor)) static void reportLeaks(void) {
  TRACE("%ld allocations live at exit\n", liveAllocations);
}

/* Checks that the driver is initialised and the primary context current. */
static CUresult checkContext(void) {
  if (!initialized)
    return CUDA_ERROR_NOT_INITIALIZED;
  if (currentContext != (CUcontext)&primaryContextToken)
    return CUDA_ERROR_INVALID_CONTEXT;
  return CUDA_SUCCESS;
}

/*===-- Errors ------------------------------------------------------------===*/

static const struct {
  CUresult code;
  const char *name, *text;
} kErrors[] = {
    {CUDA_SUCCESS, "CUDA_SUCCESS", "no error"},
    {CUDA_ERROR_INVALID_VALUE, "CUDA_ERROR_INVALID_VALUE", "invalid argument"},
    {CUDA_ERROR_OUT_OF_MEMORY, "CUDA_ERROR_OUT_OF_MEMORY", "out of memory"},
    {CUDA_ERROR_NOT_INITIALIZED, "CUDA_ERROR_NOT_INITIALIZED",
     "initialization error"},
    {CUDA_ERROR_NO_DEVICE, "CUDA_ERROR_NO_DEVICE",
     "no CUDA-capable device is detected"},
    {CUDA_ERROR_INVALID_DEVICE, "CUDA_ERROR_INVALID_DEVICE",
     "invalid device ordinal"},
    {CUDA_ERROR_INVALID_IMAGE, "CUDA_ERROR_INVALID_IMAGE",
     "device kernel image is invalid"},
    {CUDA_ERROR_INVALID_CONTEXT, "CUDA_ERROR_INVALID_CONTEXT",
     "invalid device context"},
    {CUDA_ERROR_INVALID_PTX, "CUDA_ERROR_INVALID_PTX",
     "a PTX JIT compilation failed"},
    {CUDA_ERROR_INVALID_HANDLE, "CUDA_ERROR_INVALID_HANDLE",
     "invalid resource handle"},
    {CUDA_ERROR_NOT_FOUND, "CUDA_ERROR_NOT_FOUND", "named symbol not found"},
    {CUDA_ERROR_ILLEGAL_ADDRESS, "CUDA_ERROR_ILLEGAL_ADDRESS",
     "an illegal memory access was encountered"},
    {CUDA_ERROR_NOT_SUPPORTED, "CUDA_ERROR_NOT_SUPPORTED",
     "operation not supported"},
};

EXPORT CUresult cuGetErrorName(CUresult error, const char **pStr) {
  for (size_t i = 0; i < sizeof(kErrors) / sizeof(kErrors[0]); ++i)
    if (kErrors[i].code == error) {
      *pStr = kErrors[i].name;
      return CUDA_SUCCESS;
    }
  *pStr = NULL;
  return CUDA_ERROR_INVALID_VALUE;
}

EXPORT CUresult cuGetErrorString(CUresult error, const char **pStr) {
  for (size_t i = 0; i < sizeof(kErrors) / sizeof(kErrors[0]); ++i)
    if (kErrors[i].code == error) {
      *pStr = kErrors[i].text;
      return CUDA_SUCCESS;
    }
  *pStr = NULL;
  return CUDA_ERROR_INVALID_VALUE;
}

/*===-- Devices and contexts ----------------------------------------------===*/

EXPORT CUresult cuInit(unsigned int flags) {
  const char *devices = getenv("FAKE_CUDA_DEVICES");
  if (devices && *devices)
    numDevices = atoi(devices);
  noPools = envFlag("FAKE_CUDA_NO_POOLS");
  fault = envFlag("FAKE_CUDA_FAULT");
  encodeError = envFlag("FAKE_CUDA_ENCODE_ERROR");
  trace = envFlag("FAKE_CUDA_TRACE");
  if (flags != 0)
    return CUDA_ERROR_INVALID_VALUE;
  if (numDevices <= 0)
    return CUDA_ERROR_NO_DEVICE;
  initialized = 1;
  TRACE("cuInit\n");
  return CUDA_SUCCESS;
}

EXPORT CUresult cuDeviceGetCount(int *count) {
  if (!initialized)
    return CUDA_ERROR_NOT_INITIALIZED;
  *count = numDevices;
  return CUDA_SUCCESS;
}

EXPORT CUresult cuDeviceGet(CUdevice *device, int ordinal) {
  if (!initialized)
    return CUDA_ERROR_NOT_INITIALIZED;
  if (ordinal < 0 || ordinal >= numDevices)
    return CUDA_ERROR_INVALID_DEVICE;
  *device = ordinal;
  return CUDA_SUCCESS;
}

EXPORT CUresult cuDeviceGetName(char *name, int len, CUdevice device) {
  if (!initialized)
    return CUDA_ERROR_NOT_INITIALIZED;
  snprintf(name, (size_t)len, "Fake CUDA Device %d", device);
  return CUDA_SUCCESS;
}

EXPORT CUresult cuDeviceGetAttribute(int *value, CUdevice_attribute attribute,
                                     CUdevice device) {
  if (!initialized)
    return CUDA_ERROR_NOT_INITIALIZED;
  switch (attribute) {
  case CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MAJOR:
    *value = 8;
    return CUDA_SUCCESS;
  case CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MINOR:
    *value = 0;
    return CUDA_SUCCESS;
  case CU_DEVICE_ATTRIBUTE_MEMORY_POOLS_SUPPORTED:
    *value = !noPools;
    return CUDA_SUCCESS;
  default:
    return CUDA_ERROR_INVALID_VALUE;
  }
}

EXPORT CUresult cuDevicePrimaryCtxRetain(CUcontext *context, CUdevice device) {
  if (!initialized)
    return CUDA_ERROR_NOT_INITIALIZED;
  *context = (CUcontext)&primaryContextToken;
  return CUDA_SUCCESS;
}

EXPORT CUresult cuCtxGetCurrent(CUcontext *context) {
  if (!initialized)
    return CUDA_ERROR_NOT_INITIALIZED;
  *context = currentContext;
  return CUDA_SUCCESS;
}

EXPORT CUresult cuCtxSetCurrent(CUcontext context) {
  if (!initialized)
    return CUDA_ERROR_NOT_INITIALIZED;
  if (context && context != (CUcontext)&primaryContextToken)
    return CUDA_ERROR_INVALID_CONTEXT;
  currentContext = context;
  return CUDA_SUCCESS;
}

EXPORT CUresult cuCtxSynchronize(void) {
  CUresult result = checkContext();
  if (result)
    return result;
  TRACE("cuCtxSynchronize\n");
  return CUDA_SUCCESS;
}

/*===-- Modules and kernels -----------------------------------------------===*/

struct FakeFunction {
  struct FakeFunction *next;
  char name[128];
  int maxDynamicSharedBytes;
};

/* Functions belong to their module, as in the real driver. */
struct FakeModule {
  char *text;
  struct FakeFunction *functions;
};

/* The real driver takes PTX text in both load calls; so does the fake. */
static CUresult loadModule(CUmodule *module, const void *image, char *log,
                           size_t logSize) {
  CUresult result = checkContext();
  if (result)
    return result;
  const char *text = image;
  if (!strstr(text, ".version") || !strstr(text, ".entry")) {
    if (log && logSize)
      snprintf(log, logSize, "ptxas fatal   : fake driver: not PTX\n");
    return CUDA_ERROR_INVALID_PTX;
  }
  struct FakeModule *m = calloc(1, sizeof(*m));
  m->text = strdup(text);
  *module = (CUmodule)m;
  TRACE("module loaded\n");
  return CUDA_SUCCESS;
}

EXPORT CUresult cuModuleLoadData(CUmodule *module, const void *image) {
  return loadModule(module, image, NULL, 0);
}

EXPORT CUresult cuModuleLoadDataEx(CUmodule *module, const void *image,
                                   unsigned int numOptions,
                                   CUjit_option *options, void **values) {
  char *log = NULL;
  size_t logSize = 0;
  for (unsigned i = 0; i < numOptions; ++i) {
    if (options[i] == CU_JIT_ERROR_LOG_BUFFER)
      log = values[i];
    else if (options[i] == CU_JIT_ERROR_LOG_BUFFER_SIZE_BYTES)
      logSize = (size_t)(uintptr_t)values[i];
    else if (options[i] == CU_JIT_OPTIMIZATION_LEVEL &&
             (uintptr_t)values[i] > 4)
      return CUDA_ERROR_INVALID_VALUE;
  }
  return loadModule(module, image, log, logSize);
}

EXPORT CUresult cuModuleUnload(CUmodule module) {
  if (!initialized)
    return CUDA_ERROR_NOT_INITIALIZED;
  struct FakeModule *m = (struct FakeModule *)module;
  if (!m)
    return CUDA_ERROR_INVALID_HANDLE;
  while (m->functions) {
    struct FakeFunction *next = m->functions->next;
    free(m->functions);
    m->functions = next;
  }
  free(m->text);
  free(m);
  TRACE("module unloaded\n");
  return CUDA_SUCCESS;
}

EXPORT CUresult cuModuleGetFunction(CUfunction *function, CUmodule module,
                                    const char *name) {
  CUresult result = checkContext();
  if (result)
    return result;
  struct FakeModule *m = (struct FakeModule *)module;
  if (!m)
    return CUDA_ERROR_INVALID_HANDLE;
  char entry[160];
  snprintf(entry, sizeof(entry), ".entry %s(", name);
  if (strlen(name) >= 128 || !strstr(m->text, entry))
    return CUDA_ERROR_NOT_FOUND;
  for (struct FakeFunction *f = m->functions; f; f = f->next)
    if (strcmp(f->name, name) == 0) {
      *function = (CUfunction)f;
      return CUDA_SUCCESS;
    }
  struct FakeFunction *f = calloc(1, sizeof(*f));
  strcpy(f->name, name);
  f->maxDynamicSharedBytes = 48 * 1024;
  f->next = m->functions;
  m->functions = f;
  *function = (CUfunction)f;
  return CUDA_SUCCESS;
}

EXPORT CUresult cuFuncSetAttribute(CUfunction function,
                                   CUfunction_attribute attribute, int value) {
  CUresult result = checkContext();
  if (result)
    return result;
  struct FakeFunction *f = (struct FakeFunction *)function;
  if (attribute != CU_FUNC_ATTRIBUTE_MAX_DYNAMIC_SHARED_SIZE_BYTES ||
      value < 0 || value > 227 * 1024)
    return CUDA_ERROR_INVALID_VALUE;
  f->maxDynamicSharedBytes = value;
  TRACE("cuFuncSetAttribute %s MAX_DYNAMIC_SHARED_SIZE_BYTES %d\n", f->name,
        value);
  return CUDA_SUCCESS;
}

/*===-- Streams -----------------------------------------------------------===*/

struct FakeStream {
  CUresult pending;
};
/* The default stream (null). */
static struct FakeStream defaultStream;

static struct FakeStream *getStream(CUstream stream) {
  return stream ? (struct FakeStream *)stream : &defaultStream;
}

EXPORT CUresult cuStreamCreate(CUstream *stream, unsigned int flags) {
  CUresult result = checkContext();
  if (result)
    return result;
  *stream = (CUstream)calloc(1, sizeof(struct FakeStream));
  return CUDA_SUCCESS;
}

EXPORT CUresult cuStreamDestroy_v2(CUstream stream) {
  if (!initialized)
    return CUDA_ERROR_NOT_INITIALIZED;
  free(stream);
  return CUDA_SUCCESS;
}

EXPORT CUresult cuStreamSynchronize(CUstream stream) {
  CUresult result = checkContext();
  if (result)
    return result;
  return getStream(stream)->pending;
}

/*===-- Launches ----------------------------------------------------------===*/

EXPORT CUresult cuLaunchKernel(CUfunction function, unsigned int gridX,
                               unsigned int gridY, unsigned int gridZ,
                               unsigned int blockX, unsigned int blockY,
                               unsigned int blockZ, unsigned int smem,
                               CUstream stream, void **params, void **extra) {
  CUresult result = checkContext();
  if (result)
    return result;
  struct FakeFunction *f = (struct FakeFunction *)function;
  if (!f || !params || extra)
    return CUDA_ERROR_INVALID_VALUE;
  if (!gridX || !gridY || !gridZ || !blockX || !blockY || !blockZ)
    return CUDA_ERROR_INVALID_VALUE;
  if (smem > (unsigned)f->maxDynamicSharedBytes)
    return CUDA_ERROR_INVALID_VALUE;
  TRACE("launch %s grid %ux%ux%u block %ux%ux%u smem %u\n", f->name, gridX,
        gridY, gridZ, blockX, blockY, blockZ, smem);
  if (strcmp(f->name, "attn_test_add") != 0)
    return CUDA_ERROR_NOT_SUPPORTED;
  if (fault) {
    getStream(stream)->pending = CUDA_ERROR_ILLEGAL_ADDRESS;
    return CUDA_SUCCESS;
  }
  const float *x = *(float **)params[0], *y = *(float **)params[1];
  float *out = *(float **)params[2];
  int64_t n = *(int64_t *)params[3];
  uint64_t threads = (uint64_t)gridX * blockX;
  for (uint64_t i = 0; i < threads && (int64_t)i < n; ++i)
    out[i] = x[i] + y[i];
  return CUDA_SUCCESS;
}

/*===-- Memory ------------------------------------------------------------===*/

static CUresult allocate(CUdeviceptr *ptr, size_t bytes, const char *how) {
  CUresult result = checkContext();
  if (result)
    return result;
  if (bytes == 0)
    return CUDA_ERROR_INVALID_VALUE;
  void *memory = malloc(bytes);
  if (!memory)
    return CUDA_ERROR_OUT_OF_MEMORY;
  /* Device memory starts out as anything. */
  memset(memory, 0xa5, bytes);
  *ptr = (CUdeviceptr)memory;
  ++liveAllocations;
  TRACE("%s %zu bytes\n", how, bytes);
  return CUDA_SUCCESS;
}

static CUresult release(CUdeviceptr ptr, const char *how) {
  CUresult result = checkContext();
  if (result)
    return result;
  if (!ptr)
    return CUDA_ERROR_INVALID_VALUE;
  free((void *)ptr);
  --liveAllocations;
  TRACE("%s\n", how);
  return CUDA_SUCCESS;
}

EXPORT CUresult cuMemAlloc_v2(CUdeviceptr *ptr, size_t bytes) {
  return allocate(ptr, bytes, "cuMemAlloc");
}

EXPORT CUresult cuMemAllocManaged(CUdeviceptr *ptr, size_t bytes,
                                  unsigned int flags) {
  return allocate(ptr, bytes, "cuMemAllocManaged");
}

EXPORT CUresult cuMemAllocAsync(CUdeviceptr *ptr, size_t bytes,
                                CUstream stream) {
  if (noPools)
    return CUDA_ERROR_NOT_SUPPORTED;
  return allocate(ptr, bytes, "cuMemAllocAsync");
}

EXPORT CUresult cuMemFree_v2(CUdeviceptr ptr) {
  return release(ptr, "cuMemFree");
}

EXPORT CUresult cuMemFreeAsync(CUdeviceptr ptr, CUstream stream) {
  if (noPools)
    return CUDA_ERROR_NOT_SUPPORTED;
  return release(ptr, "cuMemFreeAsync");
}

EXPORT CUresult cuMemcpyHtoD_v2(CUdeviceptr dst, const void *src,
                                size_t bytes) {
  CUresult result = checkContext();
  if (result)
    return result;
  memcpy((void *)dst, src, bytes);
  TRACE("cuMemcpyHtoD %zu bytes\n", bytes);
  return CUDA_SUCCESS;
}

EXPORT CUresult cuMemcpyHtoDAsync_v2(CUdeviceptr dst, const void *src,
                                     size_t bytes, CUstream stream) {
  CUresult result = checkContext();
  if (result)
    return result;
  memcpy((void *)dst, src, bytes);
  return CUDA_SUCCESS;
}

EXPORT CUresult cuMemcpyDtoHAsync_v2(void *dst, CUdeviceptr src, size_t bytes,
                                     CUstream stream) {
  CUresult result = checkContext();
  if (result)
    return result;
  memcpy(dst, (const void *)src, bytes);
  return CUDA_SUCCESS;
}

EXPORT CUresult cuMemcpyAsync(CUdeviceptr dst, CUdeviceptr src, size_t bytes,
                              CUstream stream) {
  CUresult result = checkContext();
  if (result)
    return result;
  memcpy((void *)dst, (const void *)src, bytes);
  TRACE("cuMemcpyAsync %zu bytes\n", bytes);
  return CUDA_SUCCESS;
}

EXPORT CUresult cuMemsetD8Async(CUdeviceptr dst, unsigned char value,
                                size_t bytes, CUstream stream) {
  CUresult result = checkContext();
  if (result)
    return result;
  memset((void *)dst, value, bytes);
  return CUDA_SUCCESS;
}

/*===-- Events ------------------------------------------------------------===*/

struct FakeEvent {
  double ms;
  int recorded;
};

EXPORT CUresult cuEventCreate(CUevent *event, unsigned int flags) {
  CUresult result = checkContext();
  if (result)
    return result;
  *event = (CUevent)calloc(1, sizeof(struct FakeEvent));
  return CUDA_SUCCESS;
}

EXPORT CUresult cuEventDestroy_v2(CUevent event) {
  if (!initialized)
    return CUDA_ERROR_NOT_INITIALIZED;
  free(event);
  return CUDA_SUCCESS;
}

EXPORT CUresult cuEventRecord(CUevent event, CUstream stream) {
  CUresult result = checkContext();
  if (result)
    return result;
  struct timespec now;
  clock_gettime(CLOCK_MONOTONIC, &now);
  struct FakeEvent *e = (struct FakeEvent *)event;
  e->ms = now.tv_sec * 1e3 + now.tv_nsec / 1e6;
  e->recorded = 1;
  return CUDA_SUCCESS;
}

EXPORT CUresult cuEventSynchronize(CUevent event) {
  CUresult result = checkContext();
  if (result)
    return result;
  return ((struct FakeEvent *)event)->recorded ? CUDA_SUCCESS
                                               : CUDA_ERROR_INVALID_HANDLE;
}

EXPORT CUresult cuEventElapsedTime_v2(float *ms, CUevent start, CUevent end) {
  CUresult result = checkContext();
  if (result)
    return result;
  struct FakeEvent *s = (struct FakeEvent *)start, *e = (struct FakeEvent *)end;
  if (!s->recorded || !e->recorded)
    return CUDA_ERROR_INVALID_HANDLE;
  *ms = (float)(e->ms - s->ms);
  return CUDA_SUCCESS;
}

/*===-- Tensor maps -------------------------------------------------------===*/

#ifndef FAKE_CUDA_NO_TENSOR_MAP
/* Checks the rules of cuda.h for the tiled, non-interleaved maps of the
   plain integer and float types, and writes the parameters into the map, so
   that equal parameters give equal maps. */
EXPORT CUresult cuTensorMapEncodeTiled(
    CUtensorMap *tensorMap, CUtensorMapDataType tensorDataType,
    cuuint32_t tensorRank, void *globalAddress, const cuuint64_t *globalDim,
    const cuuint64_t *globalStrides, const cuuint32_t *boxDim,
    const cuuint32_t *elementStrides, CUtensorMapInterleave interleave,
    CUtensorMapSwizzle swizzle, CUtensorMapL2promotion l2Promotion,
    CUtensorMapFloatOOBfill oobFill) {
  static const unsigned kElementBytes[] = {1, 2, 4, 4, 8, 8, 2,
                                           4, 8, 2, 4, 4, 4};
  static const unsigned kSwizzleBytes[] = {0, 32, 64, 128};
  if (encodeError || !tensorMap || (uintptr_t)tensorMap % 64 ||
      (unsigned)tensorDataType >= sizeof(kElementBytes) / sizeof(unsigned) ||
      tensorRank < 1 || tensorRank > 5 || (uintptr_t)globalAddress % 16 ||
      interleave != CU_TENSOR_MAP_INTERLEAVE_NONE ||
      (unsigned)swizzle >= sizeof(kSwizzleBytes) / sizeof(unsigned) ||
      (unsigned)l2Promotion > CU_TENSOR_MAP_L2_PROMOTION_L2_256B ||
      oobFill != CU_TENSOR_MAP_FLOAT_OOB_FILL_NONE)
    return CUDA_ERROR_INVALID_VALUE;
  unsigned elementBytes = kElementBytes[tensorDataType];
  for (cuuint32_t i = 0; i < tensorRank; ++i) {
    if (globalDim[i] < 1 || globalDim[i] > (1ull << 32) || boxDim[i] < 1 ||
        boxDim[i] > 256 || elementStrides[i] < 1 || elementStrides[i] > 8)
      return CUDA_ERROR_INVALID_VALUE;
    if (i + 1 < tensorRank &&
        (globalStrides[i] % 16 || globalStrides[i] >= (1ull << 40)))
      return CUDA_ERROR_INVALID_VALUE;
  }
  unsigned boxRowBytes = boxDim[0] * elementBytes;
  if (boxRowBytes % 16 || (swizzle && boxRowBytes > kSwizzleBytes[swizzle]))
    return CUDA_ERROR_INVALID_VALUE;

  cuuint64_t *words = tensorMap->opaque;
  memset(words, 0, sizeof(tensorMap->opaque));
  words[0] = (cuuint64_t)(uintptr_t)globalAddress;
  words[1] = (cuuint64_t)tensorDataType | (cuuint64_t)tensorRank << 8 |
             (cuuint64_t)swizzle << 16 | (cuuint64_t)l2Promotion << 24;
  for (cuuint32_t i = 0; i < tensorRank; ++i) {
    words[2 + i] = globalDim[i];
    words[7 + i] = (cuuint64_t)boxDim[i] | (cuuint64_t)elementStrides[i] << 32;
    if (i + 1 < tensorRank)
      words[12 + i] = globalStrides[i];
  }
  if (trace) {
    char line[512];
    size_t n = 0;
#define APPEND(...)                                                            \
  n += (size_t)snprintf(line + n, n < sizeof(line) ? sizeof(line) - n : 0,     \
                        __VA_ARGS__)
    APPEND("type %u rank %u dims", (unsigned)tensorDataType, tensorRank);
    for (cuuint32_t i = 0; i < tensorRank; ++i)
      APPEND("%s%llu", i ? "x" : " ", (unsigned long long)globalDim[i]);
    APPEND(" strides");
    for (cuuint32_t i = 0; i + 1 < tensorRank; ++i)
      APPEND("%s%llu", i ? "," : " ", (unsigned long long)globalStrides[i]);
    APPEND(" box");
    for (cuuint32_t i = 0; i < tensorRank; ++i)
      APPEND("%s%u", i ? "x" : " ", boxDim[i]);
    APPEND(" element strides");
    for (cuuint32_t i = 0; i < tensorRank; ++i)
      APPEND("%s%u", i ? "x" : " ", elementStrides[i]);
    APPEND(" swizzle %uB l2 promotion %u oob fill %u", kSwizzleBytes[swizzle],
           (unsigned)l2Promotion, (unsigned)oobFill);
#undef APPEND
    TRACE("cuTensorMapEncodeTiled %s\n", line);
  }
  return CUDA_SUCCESS;
}
#endif
