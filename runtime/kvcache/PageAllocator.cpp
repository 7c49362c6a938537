//===- PageAllocator.cpp - Fixed pool of KV cache page ids ----------------===//
#include "runtime/kvcache/PageAllocator.h"

#include <cassert>

namespace sgl::runtime {

PageAllocator::PageAllocator(int32_t numPages) {
  assert(numPages >= 0 && "a page pool cannot have a negative size");
  allocated_.assign(static_cast<size_t>(numPages), 0);
  freeList_.reserve(static_cast<size_t>(numPages));
  // Pushed in reverse so that a fresh pool hands out 0, 1, 2, ...
  for (int32_t page = numPages - 1; page >= 0; --page)
    freeList_.push_back(page);
}

bool PageAllocator::alloc(int32_t n, std::vector<PageId> &out) {
  assert(n >= 0 && "cannot allocate a negative number of pages");
  if (n > available())
    return false;
  out.reserve(out.size() + static_cast<size_t>(n));
  for (int32_t i = 0; i < n; ++i) {
    PageId page = freeList_.back();
    freeList_.pop_back();
    assert(!allocated_[page] && "a free-list page is marked allocated");
    allocated_[page] = 1;
    out.push_back(page);
  }
  return true;
}

void PageAllocator::free(std::span<const PageId> pages) {
  for (PageId page : pages) {
    assert(page >= 0 && page < capacity() && "freeing a foreign page id");
    assert(allocated_[page] && "double free of a page");
    allocated_[page] = 0;
    freeList_.push_back(page);
  }
}

} // namespace sgl::runtime
