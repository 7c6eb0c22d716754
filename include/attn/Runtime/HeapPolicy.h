//===- HeapPolicy.h - keep freed heap memory for the next call --*- C++ -*-===//
//
// A compiled function allocates its intermediate tensors with malloc and
// frees them before it returns. With glibc's defaults, blocks above 128 KiB
// are fresh mmap regions, and a freed heap top above 128 KiB is given back
// to the kernel, so every call page-faults its intermediates in again: on a
// BERT-base encoder layer that was 60 % of the time. The tools that run
// compiled functions repeatedly (attn-run, attn-exec, attn-bench) keep
// freed memory instead, as inference runtimes do with their arenas.
// Applications that call compiled functions in a loop can do the same with
// GLIBC_TUNABLES=glibc.malloc.mmap_threshold=33554432:
// glibc.malloc.trim_threshold=1073741824 (docs/benchmarks.md).
//
//===----------------------------------------------------------------------===//

#ifndef ATTN_RUNTIME_HEAPPOLICY_H
#define ATTN_RUNTIME_HEAPPOLICY_H

namespace attn {
namespace runtime {

/// Makes malloc serve blocks up to 32 MiB from the heap and keep up to
/// 1 GiB of freed heap top, process-wide; a no-op outside glibc.
void retainFreedHeapMemory();

} // namespace runtime
} // namespace attn

#endif // ATTN_RUNTIME_HEAPPOLICY_H
