/*===- fail-malloc.c - a malloc that fails inside one library -------------===*
 *
 * Loaded with LD_PRELOAD by test/Integration/CPU/robustness/out-of-memory.test:
 * malloc and aligned_alloc return NULL when called from code of a shared
 * object whose path contains $ATTN_FAIL_MALLOC_IN (the compiled module under
 * test) for sizes of at least $ATTN_FAIL_MALLOC_BYTES (0 when unset). Every
 * other caller (the runtime, libc, libomp) gets glibc's allocator, so the
 * test sees exactly what the compiled code does when memory runs out.
 *
 *===----------------------------------------------------------------------===*/

#define _GNU_SOURCE
#include <dlfcn.h>
#include <stdlib.h>
#include <string.h>

void *__libc_malloc(size_t size);
void *__libc_memalign(size_t alignment, size_t size);

/* Whether the allocation of `size` bytes called from `caller` fails. */
static int shouldFail(const void *caller, size_t size) {
  const char *in = getenv("ATTN_FAIL_MALLOC_IN");
  if (!in || !*in)
    return 0;
  const char *bytes = getenv("ATTN_FAIL_MALLOC_BYTES");
  if (bytes && size < strtoull(bytes, NULL, 10))
    return 0;
  Dl_info info;
  return dladdr(caller, &info) && info.dli_fname &&
         strstr(info.dli_fname, in) != NULL;
}

void *malloc(size_t size) {
  if (shouldFail(__builtin_return_address(0), size))
    return NULL;
  return __libc_malloc(size);
}

void *aligned_alloc(size_t alignment, size_t size) {
  if (shouldFail(__builtin_return_address(0), size))
    return NULL;
  return __libc_memalign(alignment, size);
}
