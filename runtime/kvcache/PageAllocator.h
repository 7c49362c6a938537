//===- PageAllocator.h - Fixed pool of KV cache page ids --------*- C++ -*-===//
//
// The KV cache is a pool of `numPages` pages, each holding the keys and values
// of `pageSize` consecutive tokens of one sequence. This class hands out and
// takes back page *ids* (0 .. numPages-1) only: the KV buffers those ids index
// live elsewhere (the backend), so the allocator works with no KV memory at
// all -- in unit tests and in offline hit-rate studies (bench/radix-sim).
//
// Order is deterministic: the free list is a stack (LIFO). A fresh allocator
// hands out 0, 1, 2, ...; afterwards the most recently freed page is reused
// first, which keeps the working set of pages small and warm in caches. Every
// operation costs O(1) per page.
//
//===----------------------------------------------------------------------===//
#ifndef SGL_RUNTIME_KVCACHE_PAGEALLOCATOR_H
#define SGL_RUNTIME_KVCACHE_PAGEALLOCATOR_H

#include <cstdint>
#include <span>
#include <vector>

namespace sgl::runtime {

/// Index of one KV cache page in the backend's page pool.
using PageId = int32_t;

/// Hands out page ids from a fixed pool; see the file comment.
class PageAllocator {
public:
  /// A pool of pages 0 .. numPages-1, all free. numPages >= 0.
  explicit PageAllocator(int32_t numPages);

  /// Number of pages in the pool.
  int32_t capacity() const { return static_cast<int32_t>(allocated_.size()); }

  /// Number of pages free right now.
  int32_t available() const { return static_cast<int32_t>(freeList_.size()); }

  /// Whether `page` is a page id of this pool that is currently allocated.
  bool isAllocated(PageId page) const {
    return page >= 0 && page < capacity() && allocated_[page];
  }

  /// Appends `n` (>= 0) pages to `out` and returns true, or, when fewer than
  /// `n` pages are free, appends nothing and returns false.
  bool alloc(int32_t n, std::vector<PageId> &out);

  /// Returns `pages` to the pool; each must be currently allocated (a double
  /// free or a foreign id is a bug and asserts). The last page of the span is
  /// the first one handed out again.
  void free(std::span<const PageId> pages);

private:
  std::vector<PageId> freeList_;   ///< Stack: back() is handed out next.
  std::vector<uint8_t> allocated_; ///< Per page: 1 while allocated.
};

} // namespace sgl::runtime

#endif // SGL_RUNTIME_KVCACHE_PAGEALLOCATOR_H
