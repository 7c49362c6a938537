//===- RadixCache.h - Page-granular radix prefix cache ----------*- C++ -*-===//
//
// The prefix cache: a radix tree keyed by token ids whose every edge holds a
// whole number of pages (`pageSize` tokens each) and the ids of the pages that
// back them. A request whose prompt starts with a cached prefix reuses that
// prefix's pages instead of recomputing its KV. Because the tree starts at
// position 0, a prefix is only ever shared for exactly the same token ids at
// exactly the same positions.
//
// Like PageAllocator, the cache deals only in page ids: the KV buffers live
// in the backend, so the cache works with no KV memory at all (unit tests,
// offline hit-rate studies in bench/radix-sim).
//
// Ownership. Every page in the tree is owned by the tree; evict() and clear()
// give pages back to the allocator. A caller keeps using the pages of a match
// by locking its node: a locked node and all its ancestors are never evicted.
//
// A request's life, as the runtime (and bench/radix-sim) drives it:
//   PrefixMatch m = cache.matchPrefix(prompt);     // reuse m.pages
//   cache.lock(m.node);
//   allocate pages for the rest (cache.evict(...) when the pool is short);
//   ... run the model ...
//   InsertResult r = cache.insert(promptAndOutput, m.pages + newPages);
//   free newPages[i] for the positions m.pages.size() <= i <
//       r.alreadyCachedPages (another request cached them meanwhile);
//   cache.unlock(m.node);
//
// Eviction is LRU over unlocked leaves with a logical clock (one tick per
// matchPrefix/insert), so behaviour is deterministic. It is page-precise: the
// tail pages of the least recently used leaf go first, and a leaf whose pages
// are all gone is removed, which may make its parent a leaf.
//
// Node pointers. A PrefixMatch::node or InsertResult::node stays valid, and
// keeps ending at the same token position, while it is locked (splits keep
// the node ending where it did). An unlocked node may be trimmed or freed by
// the next evict() or clear().
//
// Cost: matchPrefix and insert are O(length) plus one hash look-up per edge
// walked; evict is O(log leaves) per leaf touched; lock/unlock are O(depth).
//
//===----------------------------------------------------------------------===//
#ifndef SGL_RUNTIME_KVCACHE_RADIXCACHE_H
#define SGL_RUNTIME_KVCACHE_RADIXCACHE_H

#include "runtime/kvcache/PageAllocator.h"

#include <cstdint>
#include <memory>
#include <set>
#include <span>
#include <string>
#include <vector>

namespace sgl::runtime {

/// A node of the radix tree; opaque to users (a handle for lock/unlock).
struct RadixNode;

/// The longest cached prefix of a token sequence, in whole pages.
struct PrefixMatch {
  /// The cached pages, one per `pageSize` tokens of the prefix.
  std::vector<PageId> pages;
  /// Tokens covered: pages.size() * pageSize.
  int64_t tokens = 0;
  /// Deepest matched node, ending exactly at the match (the root when nothing
  /// matched); pass it to lock/unlock.
  RadixNode *node = nullptr;
};

/// What insert() did with the caller's pages.
struct InsertResult {
  /// Leading pages of the inserted key that were in the tree already. The
  /// tree kept its own pages there: the caller still owns whichever of its
  /// pages at those positions are not the tree's (those it got from an
  /// earlier matchPrefix are the tree's) and must free them.
  int64_t alreadyCachedPages = 0;
  /// Node ending at the inserted key (the root for an empty key).
  RadixNode *node = nullptr;
};

/// The prefix cache; see the file comment.
class RadixCache {
public:
  /// An empty cache of pages of `pageSize` (>= 1) tokens; evicted pages go
  /// back to `allocator`, which must outlive the cache.
  RadixCache(PageAllocator &allocator, int32_t pageSize);
  /// Gives every page still in the tree back to the allocator.
  ~RadixCache();
  RadixCache(const RadixCache &) = delete;
  RadixCache &operator=(const RadixCache &) = delete;

  int32_t pageSize() const { return pageSize_; }

  /// The longest cached prefix of `tokens` in whole pages (a trailing partial
  /// page never matches). Splits a node when the match ends inside its edge,
  /// so that the returned node ends exactly at the match; marks the matched
  /// path as used now.
  PrefixMatch matchPrefix(std::span<const int32_t> tokens);

  /// Caches `tokens` backed by `pages`: tokens.size() == pages.size() *
  /// pageSize (asserted). The tree takes ownership of the pages after the
  /// leading alreadyCachedPages ones; see InsertResult. Marks the path used.
  InsertResult insert(std::span<const int32_t> tokens,
                      std::span<const PageId> pages);

  /// Adds one reference to `node` and every ancestor: none of them can be
  /// evicted until the matching unlock. Locking the root is a no-op.
  void lock(RadixNode *node);
  /// Drops a reference taken by lock(); asserts there was one.
  void unlock(RadixNode *node);

  /// Frees up to `numPages` pages of the least recently used unlocked leaves
  /// (the tail pages of a leaf first) and returns how many it freed:
  /// min(numPages, evictablePages()).
  int32_t evict(int32_t numPages);

  /// Pages in the tree. O(1).
  int32_t cachedPages() const { return cachedPages_; }
  /// Pages in the tree on no locked path, i.e. what evict() could free. O(1).
  int32_t evictablePages() const { return evictablePages_; }

  /// Gives every page back to the allocator and empties the tree. No node
  /// may be locked (asserted): a locked prefix is in use by a request.
  void clear();

  /// Walks the whole tree and checks its invariants (page counts, lock
  /// counts, the evictable-leaf index, page ids allocated and distinct).
  /// Returns "" when all hold, else a description of the first broken one.
  /// O(nodes + capacity); for tests and debugging.
  std::string checkInvariants() const;

private:
  struct LeafKey {
    uint64_t lastUse;
    uint64_t id;
    RadixNode *node;
    bool operator<(const LeafKey &o) const {
      return lastUse != o.lastUse ? lastUse < o.lastUse : id < o.id;
    }
  };

  std::unique_ptr<RadixNode> newNode(RadixNode *parent);
  RadixNode *splitNode(RadixNode *node, size_t keepPages);
  void touch(RadixNode *node, uint64_t now);
  void updateLeafIndex(RadixNode *node);
  void removeFromLeafIndex(RadixNode *node);
  void destroyTree();

  PageAllocator &allocator_;
  int32_t pageSize_;
  std::unique_ptr<RadixNode> root_;
  /// Unlocked leaves ordered by last use: the front is evicted first.
  std::set<LeafKey> evictableLeaves_;
  uint64_t clock_ = 0;
  uint64_t nextNodeId_ = 0;
  int32_t cachedPages_ = 0;
  int32_t evictablePages_ = 0;
};

} // namespace sgl::runtime

#endif // SGL_RUNTIME_KVCACHE_RADIXCACHE_H
