//===- RadixModelCheckTest.cpp - RadixCache against a naive reference -----===//
//
// Random operations with a fixed seed (std::mt19937_64, drawn with `%` so the
// sequence is the same on every standard library) on a small pool, against a
// reference that stores every cached page under the token ids of the prefix
// it ends (std::map<prefix, page>) with its own LRU times and lock counts.
// Token sequences are prefixes of a few base sequences over a tiny alphabet,
// mutated here and there, so that prefixes collide, share and branch a lot.
//
// After every operation: the tree's invariants (checkInvariants), its page
// counts equal the reference's, and allocator free pages + tree pages + pages
// the test holds == capacity, all distinct. Every match is the reference's
// longest cached prefix with the same pages; every eviction frees exactly the
// pages the reference's LRU picks (never one on a locked path).
//
//===----------------------------------------------------------------------===//
#include "runtime/kvcache/RadixCache.h"

#include <gtest/gtest.h>

#include <map>
#include <random>

using namespace sgl::runtime;

namespace {

using Tokens = std::vector<int32_t>;

struct RefPage {
  PageId page;
  uint64_t lastUse;
  int32_t locks;
};

struct Handle {
  RadixNode *node;
  Tokens prefix; // the matched tokens: `pages` whole pages
  size_t pages;
};

class ModelCheck {
public:
  ModelCheck(int32_t pageSize, int32_t capacity, int32_t alphabet,
             uint64_t seed)
      : ps_(pageSize), capacity_(capacity), alphabet_(alphabet), rng_(seed),
        pool_(capacity), cache_(pool_, pageSize) {
    for (int i = 0; i < 6; ++i)
      bases_.push_back(randomTokens(kMaxPages * ps_));
  }

  void run(int ops) {
    for (int op = 0; op < ops && !::testing::Test::HasFailure(); ++op) {
      SCOPED_TRACE("op " + std::to_string(op) + ", page size " +
                   std::to_string(ps_));
      uint64_t r = draw(100);
      if (r < 30)
        doMatch();
      else if (r < 62)
        doInsert();
      else if (r < 74)
        doUnlock();
      else if (r < 86)
        doEvict(static_cast<int32_t>(draw(capacity_ / 2 + 1)));
      else if (r < 93)
        doHold();
      else if (r < 99)
        doRelease();
      else if (draw(20) == 0)
        doClear();
      else
        bases_[draw(bases_.size())] = randomTokens(kMaxPages * ps_);
      checkState();
    }
  }

  uint64_t matches = 0, hitPages = 0, evictedPages = 0, dupPages = 0;

private:
  static constexpr int kMaxPages = 10;

  uint64_t draw(uint64_t n) { return rng_() % n; }

  Tokens randomTokens(size_t n) {
    Tokens t(n);
    for (int32_t &x : t)
      x = static_cast<int32_t>(draw(static_cast<uint64_t>(alphabet_)));
    return t;
  }

  /// A prefix of a base sequence, maybe mutated, maybe with a partial page.
  Tokens generate(bool wholePages) {
    const Tokens &base = bases_[draw(bases_.size())];
    size_t pages = draw(kMaxPages + 1);
    Tokens t(base.begin(), base.begin() + static_cast<long>(pages * ps_));
    if (!t.empty() && draw(3) == 0)
      t[draw(t.size())] = static_cast<int32_t>(draw(alphabet_));
    if (!wholePages) {
      Tokens tail = randomTokens(draw(static_cast<uint64_t>(ps_) + 1));
      t.insert(t.end(), tail.begin(), tail.end());
    }
    return t;
  }

  Tokens prefix(const Tokens &t, size_t pages) const {
    return Tokens(t.begin(), t.begin() + static_cast<long>(pages * ps_));
  }

  /// The longest cached prefix of `t` in pages, by the reference.
  size_t refMatch(const Tokens &t) const {
    size_t k = 0;
    while ((k + 1) * ps_ <= t.size() && ref_.count(prefix(t, k + 1)))
      ++k;
    return k;
  }

  void refLock(const Handle &h, int32_t delta) {
    for (size_t i = 1; i <= h.pages; ++i) {
      auto it = ref_.find(prefix(h.prefix, i));
      ASSERT_NE(it, ref_.end()) << "a locked prefix left the cache";
      it->second.locks += delta;
      ASSERT_GE(it->second.locks, 0);
    }
  }

  void doMatch() {
    Tokens t = generate(/*wholePages=*/false);
    PrefixMatch m = cache_.matchPrefix(t);
    uint64_t now = ++clock_;
    size_t k = refMatch(t);
    ++matches;
    hitPages += k;
    ASSERT_EQ(m.tokens, static_cast<int64_t>(k * ps_));
    ASSERT_EQ(m.pages.size(), k);
    ASSERT_NE(m.node, nullptr);
    for (size_t i = 1; i <= k; ++i) {
      RefPage &p = ref_.at(prefix(t, i));
      ASSERT_EQ(m.pages[i - 1], p.page) << "page " << i - 1;
      p.lastUse = now;
    }
    if (draw(3) == 0) {
      Handle h{m.node, prefix(t, k), k};
      cache_.lock(h.node);
      refLock(h, +1);
      handles_.push_back(std::move(h));
    }
  }

  void doInsert() {
    Tokens t = generate(/*wholePages=*/true);
    int32_t n = static_cast<int32_t>(t.size() / ps_);
    if (pool_.available() < n)
      doEvict(n - pool_.available());
    std::vector<PageId> pages;
    if (!pool_.alloc(n, pages))
      return; // too much is locked or held
    size_t cached = refMatch(t);
    // Half the time, like the runtime, the head is the tree's own pages
    // (as matchPrefix would return them); else duplicates the caller owns.
    bool reuse = draw(2) == 0;
    if (reuse) {
      for (size_t i = 0; i < cached; ++i) {
        pool_.free(std::span<const PageId>(&pages[i], 1));
        pages[i] = ref_.at(prefix(t, i + 1)).page;
      }
    }
    InsertResult r = cache_.insert(t, pages);
    uint64_t now = ++clock_;
    ASSERT_EQ(r.alreadyCachedPages, static_cast<int64_t>(cached));
    ASSERT_NE(r.node, nullptr);
    if (!reuse) {
      pool_.free(std::span<const PageId>(pages).first(cached));
      dupPages += cached;
    }
    for (size_t i = 1; i <= static_cast<size_t>(n); ++i) {
      Tokens key = prefix(t, i);
      if (i > cached) {
        ASSERT_TRUE(ref_.emplace(key, RefPage{pages[i - 1], now, 0}).second);
      }
      ref_.at(key).lastUse = now;
    }
  }

  void doUnlock() {
    if (handles_.empty())
      return;
    size_t i = draw(handles_.size());
    Handle h = std::move(handles_[i]);
    handles_.erase(handles_.begin() + static_cast<long>(i));
    cache_.unlock(h.node);
    refLock(h, -1);
  }

  /// The reference's eviction: one page at a time, the unlocked leaf (a
  /// prefix no cached prefix extends) used least recently.
  std::vector<PageId> refEvict(int32_t n) {
    std::vector<PageId> freed;
    while (static_cast<int32_t>(freed.size()) < n) {
      auto best = ref_.end();
      int ties = 0;
      for (auto it = ref_.begin(); it != ref_.end(); ++it) {
        auto next = std::next(it);
        bool leaf = next == ref_.end() ||
                    next->first.size() <= it->first.size() ||
                    !std::equal(it->first.begin(), it->first.end(),
                                next->first.begin());
        if (!leaf || it->second.locks > 0)
          continue;
        if (best == ref_.end() || it->second.lastUse < best->second.lastUse) {
          best = it;
          ties = 0;
        } else if (it->second.lastUse == best->second.lastUse) {
          ++ties;
        }
      }
      if (best == ref_.end())
        break;
      EXPECT_EQ(ties, 0) << "two LRU leaves with the same time";
      freed.push_back(best->second.page);
      ref_.erase(best);
    }
    return freed;
  }

  void doEvict(int32_t n) {
    std::vector<PageId> expected = refEvict(n);
    int32_t got = cache_.evict(n);
    ASSERT_EQ(got, static_cast<int32_t>(expected.size()));
    evictedPages += expected.size();
    for (PageId page : expected)
      ASSERT_FALSE(pool_.isAllocated(page)) << "page " << page;
    for (const Handle &h : handles_)
      for (size_t i = 1; i <= h.pages; ++i)
        ASSERT_TRUE(ref_.count(prefix(h.prefix, i)));
  }

  void doHold() {
    int32_t n = static_cast<int32_t>(draw(4));
    pool_.alloc(n, held_); // nothing when too few are free
  }

  void doRelease() {
    pool_.free(held_);
    held_.clear();
  }

  void doClear() {
    for (const Handle &h : handles_) {
      cache_.unlock(h.node);
      refLock(h, -1);
    }
    handles_.clear();
    cache_.clear();
    ref_.clear();
  }

  void checkState() {
    ASSERT_EQ(cache_.checkInvariants(), "");
    ASSERT_EQ(cache_.cachedPages(), static_cast<int32_t>(ref_.size()));
    int32_t unlocked = 0;
    std::vector<uint8_t> owner(static_cast<size_t>(capacity_), 0);
    for (const auto &[key, p] : ref_) {
      unlocked += p.locks == 0;
      ASSERT_TRUE(pool_.isAllocated(p.page)) << "cached page " << p.page;
      ASSERT_EQ(owner[p.page]++, 0) << "page " << p.page << " owned twice";
    }
    for (PageId page : held_) {
      ASSERT_TRUE(pool_.isAllocated(page)) << "held page " << page;
      ASSERT_EQ(owner[page]++, 0) << "page " << page << " owned twice";
    }
    ASSERT_EQ(cache_.evictablePages(), unlocked);
    ASSERT_EQ(pool_.available() + static_cast<int32_t>(ref_.size()) +
                  static_cast<int32_t>(held_.size()),
              capacity_)
        << "a page leaked";
  }

  int32_t ps_, capacity_, alphabet_;
  std::mt19937_64 rng_;
  PageAllocator pool_;
  RadixCache cache_;
  std::vector<Tokens> bases_;
  std::map<Tokens, RefPage> ref_;
  std::vector<Handle> handles_;
  std::vector<PageId> held_;
  uint64_t clock_ = 0;
};

struct Config {
  int32_t pageSize, capacity, alphabet;
};

class RadixModelCheck : public ::testing::TestWithParam<Config> {};

TEST_P(RadixModelCheck, RandomOperationsAgreeWithTheReference) {
  Config c = GetParam();
  ModelCheck check(c.pageSize, c.capacity, c.alphabet,
                   0x5eed0000u + static_cast<uint64_t>(c.pageSize));
  check.run(40000);
  RecordProperty("matches", std::to_string(check.matches));
  RecordProperty("hitPages", std::to_string(check.hitPages));
  RecordProperty("evictedPages", std::to_string(check.evictedPages));
  RecordProperty("dupPages", std::to_string(check.dupPages));
  // The trace must exercise what it checks.
  EXPECT_GT(check.hitPages, check.matches) << "too few prefix hits";
  EXPECT_GT(check.evictedPages, 1000u) << "too little eviction";
  EXPECT_GT(check.dupPages, 1000u) << "too few duplicate inserts";
}

INSTANTIATE_TEST_SUITE_P(PageSizes, RadixModelCheck,
                         ::testing::Values(Config{1, 24, 3}, Config{2, 32, 2},
                                           Config{16, 40, 2}),
                         [](const auto &info) {
                           return "PageSize" +
                                  std::to_string(info.param.pageSize);
                         });

} // namespace
