//===- RadixCache.cpp - Page-granular radix tree of cached prefixes -------===//
#include "runtime/kvcache/RadixCache.h"

#include <algorithm>
#include <cassert>
#include <unordered_map>

namespace sgl::runtime {

namespace {

/// A child's key in its parent's map: the token ids of the child's first
/// page. The span points into the child's own `key`.
using PageTokens = std::span<const int32_t>;

struct PageTokensHash {
  size_t operator()(PageTokens tokens) const {
    uint64_t h = 0xCBF29CE484222325ull;
    for (int32_t t : tokens) {
      h ^= static_cast<uint32_t>(t);
      h *= 0x100000001B3ull;
      h ^= h >> 29;
    }
    return static_cast<size_t>(h);
  }
};

struct PageTokensEq {
  bool operator()(PageTokens a, PageTokens b) const {
    return std::equal(a.begin(), a.end(), b.begin(), b.end());
  }
};

} // namespace

struct RadixNode {
  RadixNode *parent = nullptr;
  /// Token ids of the edge from the parent: pages.size() * pageSize of them.
  std::vector<int32_t> key;
  /// The pages backing `key`; at least one except in the root.
  std::vector<PageId> pages;
  std::unordered_map<PageTokens, std::unique_ptr<RadixNode>, PageTokensHash,
                     PageTokensEq>
      children;
  /// Locks on this node or any descendant.
  int32_t lockRef = 0;
  /// Logical time of the last matchPrefix/insert whose path went through.
  uint64_t lastUse = 0;
  /// Creation order: breaks LRU ties deterministically.
  uint64_t id = 0;
  /// Whether evictableLeaves_ holds this node, and under which lastUse.
  bool inLeafIndex = false;
  uint64_t indexedLastUse = 0;

  /// The map key of this node in its parent's children.
  PageTokens firstPage(int32_t pageSize) const {
    return PageTokens(key.data(), static_cast<size_t>(pageSize));
  }
};

RadixCache::RadixCache(PageAllocator &allocator, int32_t pageSize)
    : allocator_(allocator), pageSize_(pageSize),
      root_(std::make_unique<RadixNode>()) {
  assert(pageSize >= 1 && "a page holds at least one token");
  root_->id = nextNodeId_++;
}

RadixCache::~RadixCache() { destroyTree(); }

std::unique_ptr<RadixNode> RadixCache::newNode(RadixNode *parent) {
  auto node = std::make_unique<RadixNode>();
  node->parent = parent;
  node->id = nextNodeId_++;
  return node;
}

void RadixCache::removeFromLeafIndex(RadixNode *node) {
  if (!node->inLeafIndex)
    return;
  size_t erased =
      evictableLeaves_.erase(LeafKey{node->indexedLastUse, node->id, node});
  assert(erased == 1 && "leaf index lost a node");
  (void)erased;
  node->inLeafIndex = false;
}

void RadixCache::updateLeafIndex(RadixNode *node) {
  bool eligible =
      node != root_.get() && node->children.empty() && node->lockRef == 0;
  if (node->inLeafIndex && (!eligible || node->indexedLastUse != node->lastUse))
    removeFromLeafIndex(node);
  if (eligible && !node->inLeafIndex) {
    evictableLeaves_.insert(LeafKey{node->lastUse, node->id, node});
    node->inLeafIndex = true;
    node->indexedLastUse = node->lastUse;
  }
}

void RadixCache::touch(RadixNode *node, uint64_t now) {
  node->lastUse = now;
  if (node->inLeafIndex)
    updateLeafIndex(node);
}

/// Splits `node` after its first `keepPages` pages: a new node takes that
/// head and becomes `node`'s parent; `node` keeps the tail, its children, its
/// identity and thus its end position. Returns the new head node.
RadixNode *RadixCache::splitNode(RadixNode *node, size_t keepPages) {
  assert(keepPages >= 1 && keepPages < node->pages.size() &&
         "a split leaves pages on both sides");
  RadixNode *parent = node->parent;
  auto it = parent->children.find(node->firstPage(pageSize_));
  assert(it != parent->children.end() && it->second.get() == node &&
         "node missing from its parent");
  std::unique_ptr<RadixNode> owned = std::move(it->second);
  parent->children.erase(it);

  std::unique_ptr<RadixNode> head = newNode(parent);
  size_t keepTokens = keepPages * static_cast<size_t>(pageSize_);
  head->key.assign(node->key.begin(), node->key.begin() + keepTokens);
  head->pages.assign(node->pages.begin(), node->pages.begin() + keepPages);
  // Every lock counted in `node` covers the head too; it was used with it.
  head->lockRef = node->lockRef;
  head->lastUse = node->lastUse;

  node->key.erase(node->key.begin(), node->key.begin() + keepTokens);
  node->pages.erase(node->pages.begin(), node->pages.begin() + keepPages);
  node->parent = head.get();
  PageTokens nodeKey = node->firstPage(pageSize_);
  head->children.emplace(nodeKey, std::move(owned));

  RadixNode *raw = head.get();
  PageTokens headKey = raw->firstPage(pageSize_);
  parent->children.emplace(headKey, std::move(head));
  return raw;
}

PrefixMatch RadixCache::matchPrefix(std::span<const int32_t> tokens) {
  PrefixMatch match;
  uint64_t now = ++clock_;
  size_t ps = static_cast<size_t>(pageSize_);
  size_t numPages = tokens.size() / ps;
  RadixNode *node = root_.get();
  node->lastUse = now;
  size_t pos = 0; // in pages
  while (pos < numPages) {
    auto it = node->children.find(tokens.subspan(pos * ps, ps));
    if (it == node->children.end())
      break;
    RadixNode *child = it->second.get();
    size_t edgePages = child->pages.size();
    size_t same = 1; // the look-up compared the first page
    while (same < edgePages && pos + same < numPages &&
           std::equal(child->key.begin() + same * ps,
                      child->key.begin() + (same + 1) * ps,
                      tokens.begin() + (pos + same) * ps))
      ++same;
    if (same < edgePages)
      child = splitNode(child, same);
    match.pages.insert(match.pages.end(), child->pages.begin(),
                       child->pages.end());
    pos += same;
    touch(child, now);
    node = child;
    if (same < edgePages)
      break; // the split head's only child diverges from `tokens`
  }
  match.tokens = static_cast<int64_t>(pos * ps);
  match.node = node;
  return match;
}

InsertResult RadixCache::insert(std::span<const int32_t> tokens,
                                std::span<const PageId> pages) {
  size_t ps = static_cast<size_t>(pageSize_);
  assert(tokens.size() == pages.size() * ps &&
         "insert takes whole pages: one page id per pageSize tokens");
  InsertResult result;
  uint64_t now = ++clock_;
  size_t numPages = pages.size();
  RadixNode *node = root_.get();
  node->lastUse = now;
  size_t pos = 0; // in pages
  while (pos < numPages) {
    auto it = node->children.find(tokens.subspan(pos * ps, ps));
    if (it == node->children.end()) {
      // The rest is new: one leaf takes ownership of its pages.
      std::unique_ptr<RadixNode> leaf = newNode(node);
      leaf->key.assign(tokens.begin() + pos * ps, tokens.end());
      leaf->pages.assign(pages.begin() + pos, pages.end());
      for (PageId page : leaf->pages) {
        assert(allocator_.isAllocated(page) &&
               "insert of a page the allocator does not count as allocated");
        (void)page;
      }
      leaf->lastUse = now;
      int32_t added = static_cast<int32_t>(leaf->pages.size());
      cachedPages_ += added;
      evictablePages_ += added;
      RadixNode *raw = leaf.get();
      node->children.emplace(raw->firstPage(pageSize_), std::move(leaf));
      updateLeafIndex(node); // no longer a leaf
      updateLeafIndex(raw);
      node = raw;
      break;
    }
    RadixNode *child = it->second.get();
    size_t edgePages = child->pages.size();
    size_t same = 1;
    while (same < edgePages && pos + same < numPages &&
           std::equal(child->key.begin() + same * ps,
                      child->key.begin() + (same + 1) * ps,
                      tokens.begin() + (pos + same) * ps))
      ++same;
    if (same < edgePages)
      child = splitNode(child, same);
    pos += same;
    result.alreadyCachedPages = static_cast<int64_t>(pos);
    touch(child, now);
    node = child;
  }
  result.node = node;
  return result;
}

void RadixCache::lock(RadixNode *node) {
  assert(node && "lock of a null node");
  for (RadixNode *n = node; n != root_.get(); n = n->parent) {
    assert(n && "node is not in this cache");
    if (n->lockRef++ == 0) {
      evictablePages_ -= static_cast<int32_t>(n->pages.size());
      removeFromLeafIndex(n);
    }
  }
}

void RadixCache::unlock(RadixNode *node) {
  assert(node && "unlock of a null node");
  for (RadixNode *n = node; n != root_.get(); n = n->parent) {
    assert(n && "node is not in this cache");
    assert(n->lockRef > 0 && "unlock without a matching lock");
    if (--n->lockRef == 0) {
      evictablePages_ += static_cast<int32_t>(n->pages.size());
      updateLeafIndex(n);
    }
  }
}

int32_t RadixCache::evict(int32_t numPages) {
  assert(numPages >= 0 && "cannot evict a negative number of pages");
  [[maybe_unused]] int32_t expected = std::min(numPages, evictablePages_);
  int32_t freed = 0;
  while (freed < numPages && !evictableLeaves_.empty()) {
    RadixNode *leaf = evictableLeaves_.begin()->node;
    size_t take =
        std::min(static_cast<size_t>(numPages - freed), leaf->pages.size());
    size_t keep = leaf->pages.size() - take;
    allocator_.free(std::span<const PageId>(leaf->pages).subspan(keep));
    freed += static_cast<int32_t>(take);
    cachedPages_ -= static_cast<int32_t>(take);
    evictablePages_ -= static_cast<int32_t>(take);
    if (keep > 0) {
      // Trimmed at a page boundary: still a leaf, same last use.
      leaf->pages.resize(keep);
      leaf->key.resize(keep * static_cast<size_t>(pageSize_));
      continue;
    }
    removeFromLeafIndex(leaf);
    RadixNode *parent = leaf->parent;
    auto it = parent->children.find(leaf->firstPage(pageSize_));
    assert(it != parent->children.end() && it->second.get() == leaf &&
           "leaf missing from its parent");
    parent->children.erase(it);
    updateLeafIndex(parent);
  }
  assert(freed == expected && "evictable pages miscounted");
  return freed;
}

void RadixCache::destroyTree() {
  std::vector<std::unique_ptr<RadixNode>> stack;
  for (auto &[key, child] : root_->children)
    stack.push_back(std::move(child));
  root_->children.clear();
  // Iterative, so that a deep chain cannot overflow the stack.
  while (!stack.empty()) {
    std::unique_ptr<RadixNode> node = std::move(stack.back());
    stack.pop_back();
    allocator_.free(node->pages);
    for (auto &[key, child] : node->children)
      stack.push_back(std::move(child));
    node->children.clear();
  }
  evictableLeaves_.clear();
  cachedPages_ = 0;
  evictablePages_ = 0;
}

void RadixCache::clear() {
  assert(evictablePages_ == cachedPages_ && "clear() while a node is locked");
  destroyTree();
}

std::string RadixCache::checkInvariants() const {
  std::vector<uint8_t> seen(static_cast<size_t>(allocator_.capacity()), 0);
  int64_t pages = 0, evictable = 0;
  size_t eligibleLeaves = 0;
  std::vector<const RadixNode *> stack = {root_.get()};
  if (!root_->pages.empty() || root_->lockRef != 0 || root_->inLeafIndex)
    return "the root holds pages, locks or a leaf-index entry";
  while (!stack.empty()) {
    const RadixNode *node = stack.back();
    stack.pop_back();
    int32_t childLocks = 0;
    for (const auto &[key, child] : node->children) {
      if (child->parent != node)
        return "a child's parent pointer is wrong";
      if (key.data() != child->key.data() ||
          key.size() != static_cast<size_t>(pageSize_))
        return "a child's map key is not its first page";
      if (child->lastUse > node->lastUse)
        return "a child was used after its parent";
      childLocks += child->lockRef;
      stack.push_back(child.get());
    }
    if (node == root_.get())
      continue;
    if (node->pages.empty())
      return "a node without pages";
    if (node->key.size() != node->pages.size() * pageSize_)
      return "a node's key is not a whole number of pages";
    if (node->lockRef < childLocks || node->lockRef < 0)
      return "a node has fewer locks than its children together";
    for (PageId page : node->pages) {
      if (!allocator_.isAllocated(page))
        return "a cached page is free in the allocator";
      if (seen[static_cast<size_t>(page)]++)
        return "a page is cached twice";
    }
    pages += static_cast<int64_t>(node->pages.size());
    if (node->lockRef == 0)
      evictable += static_cast<int64_t>(node->pages.size());
    bool eligible = node->children.empty() && node->lockRef == 0;
    if (eligible != node->inLeafIndex)
      return "leaf index membership is wrong";
    if (eligible) {
      ++eligibleLeaves;
      if (node->indexedLastUse != node->lastUse ||
          !evictableLeaves_.count(LeafKey{node->lastUse, node->id, nullptr}))
        return "a leaf is indexed under a stale time";
    }
  }
  if (pages != cachedPages_)
    return "cachedPages() is not the pages in the tree";
  if (evictable != evictablePages_)
    return "evictablePages() is not the unlocked pages in the tree";
  if (eligibleLeaves != evictableLeaves_.size())
    return "the leaf index holds nodes that are not unlocked leaves";
  return "";
}

} // namespace sgl::runtime
