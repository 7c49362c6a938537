//===- RadixCacheTest.cpp - The radix prefix cache, behaviour by behaviour ===//
#include "runtime/kvcache/RadixCache.h"

#include <gtest/gtest.h>

#include <numeric>

using namespace sgl::runtime;

namespace {

using Tokens = std::vector<int32_t>;
using Pages = std::vector<PageId>;

/// `n` fresh pages from `pool`.
Pages take(PageAllocator &pool, int32_t n) {
  Pages pages;
  EXPECT_TRUE(pool.alloc(n, pages));
  return pages;
}

/// Tokens first, first+1, ..., first+n-1.
Tokens iota(int32_t first, int32_t n) {
  Tokens tokens(static_cast<size_t>(n));
  std::iota(tokens.begin(), tokens.end(), first);
  return tokens;
}

TEST(RadixCache, EmptyTreeMatchesNothingAtTheRoot) {
  PageAllocator pool(4);
  RadixCache cache(pool, 1);
  PrefixMatch m = cache.matchPrefix(Tokens{1, 2, 3});
  EXPECT_TRUE(m.pages.empty());
  EXPECT_EQ(m.tokens, 0);
  ASSERT_NE(m.node, nullptr);
  cache.lock(m.node); // the root: a no-op
  cache.unlock(m.node);
  EXPECT_EQ(cache.cachedPages(), 0);
  EXPECT_EQ(cache.evictablePages(), 0);
  EXPECT_EQ(cache.checkInvariants(), "");
}

TEST(RadixCache, PageSizeOneReturnsExactPageIds) {
  PageAllocator pool(8);
  RadixCache cache(pool, 1);
  Pages pages = {5, 2, 7}; // any allocated ids, in any order
  Pages all = take(pool, 8);
  pool.free(Pages{0, 1, 3, 4, 6});
  InsertResult r = cache.insert(Tokens{10, 11, 12}, pages);
  EXPECT_EQ(r.alreadyCachedPages, 0);
  EXPECT_NE(r.node, nullptr);
  EXPECT_EQ(cache.cachedPages(), 3);
  EXPECT_EQ(cache.evictablePages(), 3);

  PrefixMatch m = cache.matchPrefix(Tokens{10, 11, 12, 13});
  EXPECT_EQ(m.pages, (Pages{5, 2, 7}));
  EXPECT_EQ(m.tokens, 3);
  EXPECT_EQ(m.node, r.node);

  m = cache.matchPrefix(Tokens{10, 99});
  EXPECT_EQ(m.pages, (Pages{5}));
  EXPECT_EQ(m.tokens, 1);
  EXPECT_TRUE(cache.matchPrefix(Tokens{11, 12}).pages.empty())
      << "a prefix is only shared from position 0";
  EXPECT_EQ(cache.checkInvariants(), "");
}

TEST(RadixCache, TrailingPartialPageNeverMatches) {
  PageAllocator pool(8);
  RadixCache cache(pool, 4);
  EXPECT_EQ(cache.pageSize(), 4);
  Pages pages = take(pool, 2);
  cache.insert(iota(0, 8), pages);
  PrefixMatch m = cache.matchPrefix(iota(0, 7));
  EXPECT_EQ(m.pages, (Pages{pages[0]}));
  EXPECT_EQ(m.tokens, 4);
  Tokens almost = iota(0, 8);
  almost[6] = 99; // differs inside the second page
  m = cache.matchPrefix(almost);
  EXPECT_EQ(m.tokens, 4);
  EXPECT_EQ(cache.matchPrefix(iota(0, 3)).tokens, 0);
  EXPECT_EQ(cache.checkInvariants(), "");
}

TEST(RadixCache, MatchEndingInsideAnEdgeSplitsTheNode) {
  PageAllocator pool(8);
  RadixCache cache(pool, 2);
  Pages pages = take(pool, 4); // 0 1 2 3
  InsertResult whole = cache.insert(iota(1, 8), pages);
  PrefixMatch m = cache.matchPrefix(Tokens{1, 2, 3, 4, 9, 9});
  EXPECT_EQ(m.pages, (Pages{0, 1}));
  EXPECT_EQ(m.tokens, 4);
  ASSERT_NE(m.node, whole.node) << "the split head ends at the match";
  EXPECT_EQ(cache.checkInvariants(), "");

  // The tail node kept its identity and end position.
  EXPECT_EQ(cache.matchPrefix(iota(1, 8)).node, whole.node);
  EXPECT_EQ(cache.matchPrefix(iota(1, 8)).pages, pages);

  // Locking the head protects it but not the tail below it.
  cache.lock(m.node);
  EXPECT_EQ(cache.evictablePages(), 2);
  EXPECT_EQ(cache.evict(8), 2);
  EXPECT_FALSE(pool.isAllocated(2));
  EXPECT_FALSE(pool.isAllocated(3));
  EXPECT_EQ(cache.matchPrefix(iota(1, 8)).pages, (Pages{0, 1}));
  cache.unlock(m.node);
  EXPECT_EQ(cache.checkInvariants(), "");
}

TEST(RadixCache, InsertEndingInsideAnEdgeSplitsToo) {
  PageAllocator pool(8);
  RadixCache cache(pool, 1);
  Pages pages = take(pool, 4);
  cache.insert(Tokens{1, 2, 3, 4}, pages);
  Pages dup = take(pool, 2);
  InsertResult r = cache.insert(Tokens{1, 2}, dup);
  EXPECT_EQ(r.alreadyCachedPages, 2);
  EXPECT_EQ(cache.matchPrefix(Tokens{1, 2, 7}).node, r.node);
  pool.free(dup);
  EXPECT_EQ(cache.cachedPages(), 4);
  EXPECT_EQ(cache.checkInvariants(), "");
}

TEST(RadixCache, DuplicateInsertReportsAlreadyCachedPages) {
  PageAllocator pool(16);
  RadixCache cache(pool, 2);
  Pages first = take(pool, 3);
  EXPECT_EQ(cache.insert(iota(0, 6), first).alreadyCachedPages, 0);

  // The same key with other pages: the tree keeps its own.
  Pages second = take(pool, 3);
  InsertResult r = cache.insert(iota(0, 6), second);
  EXPECT_EQ(r.alreadyCachedPages, 3);
  EXPECT_EQ(cache.cachedPages(), 3);
  EXPECT_EQ(cache.matchPrefix(iota(0, 6)).pages, first);
  pool.free(second); // still the caller's

  // A longer key whose head is the tree's pages (as matchPrefix gave them)
  // plus new pages: the tree takes the new ones.
  PrefixMatch m = cache.matchPrefix(iota(0, 10));
  Pages longer = m.pages;
  Pages fresh = take(pool, 2);
  longer.insert(longer.end(), fresh.begin(), fresh.end());
  r = cache.insert(iota(0, 10), longer);
  EXPECT_EQ(r.alreadyCachedPages, 3);
  EXPECT_EQ(cache.cachedPages(), 5);
  EXPECT_EQ(cache.matchPrefix(iota(0, 10)).pages, longer);
  EXPECT_EQ(pool.available(), 16 - 5);
  EXPECT_EQ(cache.checkInvariants(), "");
}

TEST(RadixCache, LockPreventsEviction) {
  PageAllocator pool(8);
  RadixCache cache(pool, 1);
  Pages a = take(pool, 3), b = take(pool, 2);
  cache.insert(Tokens{1, 2, 3}, a);
  cache.insert(Tokens{1, 2, 5, 6}, Pages{a[0], a[1], b[0], b[1]});
  // Tree: [1 2] -> {[3], [5 6]}.
  PrefixMatch m = cache.matchPrefix(Tokens{1, 2, 3});
  cache.lock(m.node);
  cache.lock(m.node); // references nest
  EXPECT_EQ(cache.cachedPages(), 5);
  EXPECT_EQ(cache.evictablePages(), 2);
  EXPECT_EQ(cache.evict(100), 2);
  EXPECT_FALSE(pool.isAllocated(b[0]));
  EXPECT_FALSE(pool.isAllocated(b[1]));
  EXPECT_EQ(cache.evict(100), 0);
  EXPECT_EQ(cache.matchPrefix(Tokens{1, 2, 3}).pages, a);
  cache.unlock(m.node);
  EXPECT_EQ(cache.evict(100), 0) << "still locked once";
  cache.unlock(m.node);
  EXPECT_EQ(cache.evictablePages(), 3);
  EXPECT_EQ(cache.evict(100), 3);
  EXPECT_EQ(cache.cachedPages(), 0);
  EXPECT_EQ(pool.available(), 8);
  EXPECT_EQ(cache.checkInvariants(), "");
}

TEST(RadixCache, EvictsLeastRecentlyUsedLeafFirst) {
  PageAllocator pool(8);
  RadixCache cache(pool, 1);
  Pages a = take(pool, 2), b = take(pool, 2), c = take(pool, 2);
  cache.insert(Tokens{1, 1}, a);
  cache.insert(Tokens{2, 2}, b);
  cache.insert(Tokens{3, 3}, c);
  cache.matchPrefix(Tokens{1, 1}); // a is now the most recent
  EXPECT_EQ(cache.evict(2), 2);
  EXPECT_FALSE(pool.isAllocated(b[0]));
  EXPECT_FALSE(pool.isAllocated(b[1]));
  EXPECT_EQ(cache.evict(2), 2);
  EXPECT_FALSE(pool.isAllocated(c[0]));
  EXPECT_TRUE(pool.isAllocated(a[0]));
  EXPECT_EQ(cache.checkInvariants(), "");
}

TEST(RadixCache, EvictionTakesTailPagesFirstAndIsPagePrecise) {
  PageAllocator pool(8);
  RadixCache cache(pool, 2);
  Pages pages = take(pool, 4);
  cache.insert(iota(0, 8), pages);
  EXPECT_EQ(cache.evict(1), 1);
  EXPECT_FALSE(pool.isAllocated(pages[3]));
  EXPECT_EQ(cache.matchPrefix(iota(0, 8)).pages,
            (Pages{pages[0], pages[1], pages[2]}));
  EXPECT_EQ(cache.evict(2), 2);
  EXPECT_EQ(cache.matchPrefix(iota(0, 8)).pages, (Pages{pages[0]}));
  EXPECT_EQ(cache.cachedPages(), 1);
  EXPECT_EQ(cache.checkInvariants(), "");
}

TEST(RadixCache, ParentBecomesALeafWhenItsChildrenAreEvicted) {
  PageAllocator pool(8);
  RadixCache cache(pool, 1);
  Pages p = take(pool, 4);
  cache.insert(Tokens{1, 2}, Pages{p[0], p[1]});
  cache.insert(Tokens{1, 2, 3, 4}, p);
  cache.insert(Tokens{9}, take(pool, 1)); // the most recent leaf
  // [1 2] was used with [3 4], after which [9]: evicting 3 pages empties
  // [3 4], then its parent [1 2] is the LRU leaf.
  EXPECT_EQ(cache.evict(3), 3);
  EXPECT_EQ(cache.matchPrefix(Tokens{1, 2, 3, 4}).pages, (Pages{p[0]}));
  EXPECT_EQ(cache.matchPrefix(Tokens{9}).tokens, 1);
  EXPECT_EQ(cache.checkInvariants(), "");
}

TEST(RadixCache, PageSizeSixteen) {
  PageAllocator pool(16);
  RadixCache cache(pool, 16);
  Pages pages = take(pool, 3);
  cache.insert(iota(100, 48), pages);
  PrefixMatch m = cache.matchPrefix(iota(100, 40));
  EXPECT_EQ(m.pages, (Pages{pages[0], pages[1]}));
  EXPECT_EQ(m.tokens, 32);
  Tokens branch = iota(100, 48);
  branch[40] = 7; // third page differs
  Pages mine = m.pages;
  Pages fresh = take(pool, 1);
  mine.push_back(fresh[0]);
  InsertResult r = cache.insert(branch, mine);
  EXPECT_EQ(r.alreadyCachedPages, 2);
  EXPECT_EQ(cache.cachedPages(), 4);
  EXPECT_EQ(cache.matchPrefix(branch).pages, mine);
  EXPECT_EQ(cache.matchPrefix(iota(100, 48)).pages, pages);
  EXPECT_EQ(cache.checkInvariants(), "");
}

TEST(RadixCache, ClearAndDestructorReturnEveryPage) {
  PageAllocator pool(8);
  {
    RadixCache cache(pool, 1);
    cache.insert(Tokens{1, 2, 3}, take(pool, 3));
    cache.insert(Tokens{1, 5}, Pages{cache.matchPrefix(Tokens{1}).pages[0],
                                     take(pool, 1)[0]});
    EXPECT_EQ(pool.available(), 4);
    cache.clear();
    EXPECT_EQ(pool.available(), 8);
    EXPECT_EQ(cache.cachedPages(), 0);
    EXPECT_EQ(cache.matchPrefix(Tokens{1, 2}).tokens, 0);
    cache.insert(Tokens{4, 4}, take(pool, 2));
    PrefixMatch m = cache.matchPrefix(Tokens{4, 4});
    cache.lock(m.node);
    EXPECT_EQ(cache.checkInvariants(), "");
  }
  EXPECT_EQ(pool.available(), 8) << "the destructor frees even locked pages";
}

#ifndef NDEBUG
TEST(RadixCacheDeathTest, MisuseAsserts) {
  PageAllocator pool(8);
  RadixCache cache(pool, 2);
  Pages pages = take(pool, 2);
  EXPECT_DEATH(cache.insert(iota(0, 3), pages), "whole pages");
  InsertResult r = cache.insert(iota(0, 4), pages);
  EXPECT_DEATH(cache.unlock(r.node), "without a matching lock");
  cache.lock(r.node);
  EXPECT_DEATH(cache.clear(), "locked");
  cache.unlock(r.node);
}
#endif

} // namespace
