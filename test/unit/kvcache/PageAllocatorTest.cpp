//===- PageAllocatorTest.cpp - KV page ids: order, all-or-nothing, reuse --===//
#include "runtime/kvcache/PageAllocator.h"

#include <gtest/gtest.h>

using namespace sgl::runtime;

namespace {

TEST(PageAllocator, FreshPoolHandsOutAscendingIds) {
  PageAllocator pool(5);
  EXPECT_EQ(pool.capacity(), 5);
  EXPECT_EQ(pool.available(), 5);
  std::vector<PageId> pages;
  ASSERT_TRUE(pool.alloc(3, pages));
  EXPECT_EQ(pages, (std::vector<PageId>{0, 1, 2}));
  EXPECT_EQ(pool.available(), 2);
  EXPECT_TRUE(pool.isAllocated(1));
  EXPECT_FALSE(pool.isAllocated(3));
  EXPECT_FALSE(pool.isAllocated(-1));
  EXPECT_FALSE(pool.isAllocated(5));
}

TEST(PageAllocator, AllocAppendsAllOrNothing) {
  PageAllocator pool(4);
  std::vector<PageId> pages = {42};
  ASSERT_TRUE(pool.alloc(3, pages));
  EXPECT_EQ(pages, (std::vector<PageId>{42, 0, 1, 2}));
  EXPECT_FALSE(pool.alloc(2, pages));
  EXPECT_EQ(pages.size(), 4u) << "a failed alloc appends nothing";
  EXPECT_EQ(pool.available(), 1);
  EXPECT_TRUE(pool.alloc(0, pages));
  EXPECT_TRUE(pool.alloc(1, pages));
  EXPECT_EQ(pages.back(), 3);
  EXPECT_EQ(pool.available(), 0);
  EXPECT_FALSE(pool.alloc(1, pages));
}

TEST(PageAllocator, RecentlyFreedPagesAreReusedFirst) {
  PageAllocator pool(6);
  std::vector<PageId> pages;
  ASSERT_TRUE(pool.alloc(6, pages));
  std::vector<PageId> back = {4, 1, 3};
  pool.free(back);
  EXPECT_EQ(pool.available(), 3);
  EXPECT_FALSE(pool.isAllocated(1));
  std::vector<PageId> again;
  ASSERT_TRUE(pool.alloc(3, again));
  // LIFO: the last page freed comes back first.
  EXPECT_EQ(again, (std::vector<PageId>{3, 1, 4}));
}

TEST(PageAllocator, EmptyPool) {
  PageAllocator pool(0);
  std::vector<PageId> pages;
  EXPECT_TRUE(pool.alloc(0, pages));
  EXPECT_FALSE(pool.alloc(1, pages));
  EXPECT_TRUE(pages.empty());
}

#ifndef NDEBUG
TEST(PageAllocatorDeathTest, DoubleFreeAndForeignIdsAssert) {
  PageAllocator pool(2);
  std::vector<PageId> pages;
  ASSERT_TRUE(pool.alloc(1, pages));
  pool.free(pages);
  EXPECT_DEATH(pool.free(pages), "double free");
  std::vector<PageId> foreign = {7};
  EXPECT_DEATH(pool.free(foreign), "foreign");
}
#endif

} // namespace
