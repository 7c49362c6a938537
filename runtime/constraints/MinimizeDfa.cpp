//===- MinimizeDfa.cpp - Hopcroft's DFA minimization ----------------------===//
//
// Partition refinement: start from {cannot accept, accepting, the other
// states} and split blocks until no block holds two states that some byte
// class sends into different blocks. A block that has been used to split
// others ("splitter") is only revisited through the smaller half of a later
// split, which gives Hopcroft's n log n bound.
//
// Most transitions of a subset-construction DFA go to the dead state, so
// the table is read once into lists of the others, and the block of states
// that cannot accept is never a splitter (Hopcroft needs all initial blocks
// but one): the work is proportional to the live transitions only, as in
// Valmari and Lehtinen's minimization of partial DFAs. The minimal table,
// and the byte classes it no longer tells apart, are built from the same
// lists.
//
//===----------------------------------------------------------------------===//
#include "runtime/constraints/MinimizeDfa.h"

#include <algorithm>
#include <cassert>
#include <optional>
#include <utility>
#include <vector>

namespace sgl::runtime::constraints {

namespace {

/// A partition of 0..n-1 into blocks, each a contiguous slice of `elems_`,
/// with O(1) marking and a split of every block into its marked and
/// unmarked states.
class Partition {
public:
  explicit Partition(int32_t n)
      : elems_(n), position_(n), blockOf_(n, 0), begin_{0}, end_{n},
        markedEnd_{0} {
    for (int32_t s = 0; s < n; ++s)
      elems_[s] = position_[s] = s;
  }

  int32_t numBlocks() const { return static_cast<int32_t>(begin_.size()); }
  int32_t blockOf(int32_t state) const { return blockOf_[state]; }
  int32_t size(int32_t block) const { return end_[block] - begin_[block]; }
  const int32_t *begin(int32_t block) const {
    return elems_.data() + begin_[block];
  }
  const int32_t *end(int32_t block) const {
    return elems_.data() + end_[block];
  }

  /// Moves `state` into the marked front part of its block (once).
  void mark(int32_t state) {
    int32_t block = blockOf_[state];
    int32_t at = position_[state];
    if (at < markedEnd_[block])
      return;
    if (markedEnd_[block] == begin_[block])
      touched_.push_back(block);
    int32_t swapAt = markedEnd_[block]++;
    int32_t other = elems_[swapAt];
    std::swap(elems_[at], elems_[swapAt]);
    position_[other] = at;
    position_[state] = swapAt;
  }

  /// Splits every block that is only partly marked into its marked and
  /// unmarked states, the smaller part getting a new block, and calls
  /// onSplit(block, newBlock) for each; clears all marks.
  template <typename OnSplit> void splitMarked(OnSplit onSplit) {
    for (int32_t block : touched_) {
      int32_t marked = markedEnd_[block];
      markedEnd_[block] = begin_[block];
      if (marked == end_[block])
        continue; // all of it marked: nothing to split
      // The smaller part becomes the new block, so that relabelling its
      // states costs O(n log n) over all splits, not O(n^2).
      int32_t fresh = numBlocks();
      if (marked - begin_[block] <= end_[block] - marked) {
        begin_.push_back(begin_[block]);
        end_.push_back(marked);
        begin_[block] = marked;
      } else {
        begin_.push_back(marked);
        end_.push_back(end_[block]);
        end_[block] = marked;
      }
      markedEnd_.push_back(begin_[fresh]);
      markedEnd_[block] = begin_[block];
      for (int32_t at = begin_[fresh]; at < end_[fresh]; ++at)
        blockOf_[elems_[at]] = fresh;
      onSplit(block, fresh);
    }
    touched_.clear();
  }

private:
  std::vector<int32_t> elems_;    ///< states, grouped by block
  std::vector<int32_t> position_; ///< state -> index in elems_
  std::vector<int32_t> blockOf_;
  std::vector<int32_t> begin_, end_; ///< per block: its slice of elems_
  std::vector<int32_t> markedEnd_;   ///< per block: end of the marked front
  std::vector<int32_t> touched_;     ///< blocks with marked states
};

/// The transitions that do not lead to the dead state, read in one pass
/// over the table (most of which leads there): from s, out[outBegin[s] ..
/// outBegin[s + 1]) in column order; into t, in[inBegin[t] ..
/// inBegin[t + 1]).
struct LiveEdges {
  struct Edge {
    int32_t state; ///< the other end
    int32_t column;
  };
  std::vector<int32_t> outBegin, inBegin;
  std::vector<Edge> out, in;

  explicit LiveEdges(const DfaTable &dfa) {
    const int32_t n = dfa.numStates(), k = dfa.numColumns();
    outBegin.assign(static_cast<size_t>(n) + 1, 0);
    inBegin.assign(static_cast<size_t>(n) + 1, 0);
    for (int32_t s = 1; s < n; ++s) {
      const int32_t *row = dfa.next.data() + static_cast<size_t>(s) * k;
      for (int32_t c = 0; c < k; ++c)
        if (row[c] != 0) {
          out.push_back({row[c], c});
          ++inBegin[row[c] + 1];
        }
      outBegin[s + 1] = static_cast<int32_t>(out.size());
    }
    for (int32_t t = 0; t < n; ++t)
      inBegin[t + 1] += inBegin[t];
    in.resize(out.size());
    std::vector<int32_t> fill(inBegin.begin(), inBegin.end() - 1);
    for (int32_t s = 1; s < n; ++s)
      for (int32_t i = outBegin[s]; i < outBegin[s + 1]; ++i)
        in[fill[out[i].state]++] = {s, out[i].column};
  }
};

/// Per state: 1 when some path from it reaches an accepting state.
std::vector<uint8_t> canAccept(const DfaTable &dfa, const LiveEdges &edges) {
  std::vector<uint8_t> live(dfa.numStates(), 0);
  std::vector<int32_t> queue;
  for (int32_t s = 0; s < dfa.numStates(); ++s)
    if (dfa.accepting[s]) {
      live[s] = 1;
      queue.push_back(s);
    }
  for (size_t head = 0; head < queue.size(); ++head) {
    int32_t t = queue[head];
    for (int32_t i = edges.inBegin[t]; i < edges.inBegin[t + 1]; ++i)
      if (int32_t from = edges.in[i].state; !live[from]) {
        live[from] = 1;
        queue.push_back(from);
      }
  }
  return live;
}

/// Sorts edges by column: with std::sort when they are few, as most
/// splitters' are, otherwise by counting, in time linear in the columns.
class SortByColumn {
public:
  explicit SortByColumn(int32_t columns) : count_(columns + 1) {}

  void operator()(std::vector<LiveEdges::Edge> &edges) {
    if (edges.size() < count_.size()) {
      std::sort(edges.begin(), edges.end(),
                [](const LiveEdges::Edge &a, const LiveEdges::Edge &b) {
                  return a.column < b.column;
                });
      return;
    }
    std::fill(count_.begin(), count_.end(), 0);
    for (const LiveEdges::Edge &edge : edges)
      ++count_[edge.column + 1];
    for (size_t c = 1; c < count_.size(); ++c)
      count_[c] += count_[c - 1];
    sorted_.resize(edges.size());
    for (const LiveEdges::Edge &edge : edges)
      sorted_[count_[edge.column]++] = edge;
    edges.swap(sorted_);
  }

private:
  std::vector<int32_t> count_;
  std::vector<LiveEdges::Edge> sorted_;
};

/// The initial partition: the states that cannot accept (the dead state's
/// block, the first), the accepting ones, and the other live ones.
Partition initialPartition(const DfaTable &dfa,
                           const std::vector<uint8_t> &live) {
  const int32_t n = dfa.numStates();
  Partition partition(n);
  auto noSplitter = [](int32_t, int32_t) {};
  for (int32_t s = 0; s < n; ++s)
    if (live[s])
      partition.mark(s);
  partition.splitMarked(noSplitter);
  for (int32_t s = 0; s < n; ++s)
    if (dfa.accepting[s])
      partition.mark(s);
  partition.splitMarked(noSplitter);
  return partition;
}

/// Refines the partition of `dfa`'s states until it is the coarsest
/// partition into blocks of equivalent states.
Partition equivalenceClasses(const DfaTable &dfa, const LiveEdges &edges) {
  const int32_t k = dfa.numColumns();
  const std::vector<uint8_t> live = canAccept(dfa, edges);
  Partition partition = initialPartition(dfa, live);
  const int32_t deadBlock = partition.blockOf(0);

  std::vector<int32_t> worklist;
  std::vector<uint8_t> inWorklist;
  auto push = [&](int32_t block) {
    inWorklist.resize(partition.numBlocks(), 0);
    if (!inWorklist[block])
      worklist.push_back(block);
    inWorklist[block] = 1;
  };
  auto onSplit = [&](int32_t block, int32_t fresh) {
    inWorklist.resize(partition.numBlocks(), 0);
    // A pending splitter is replaced by its two halves; otherwise the
    // smaller half is enough, the larger one being implied.
    if (inWorklist[block] || partition.size(fresh) <= partition.size(block))
      push(fresh);
    else
      push(block);
  };
  for (int32_t block = 0; block < partition.numBlocks(); ++block)
    if (block != deadBlock)
      push(block);

  // Edges into states that cannot accept are never followed: those states
  // are in no splitter.
  std::vector<LiveEdges::Edge> incoming;
  SortByColumn sortByColumn(k);
  while (!worklist.empty()) {
    int32_t block = worklist.back();
    worklist.pop_back();
    inWorklist[block] = 0;
    // Gathered first: the block itself may split while it is being used.
    incoming.clear();
    for (const int32_t *t = partition.begin(block); t != partition.end(block);
         ++t)
      incoming.insert(incoming.end(), edges.in.begin() + edges.inBegin[*t],
                      edges.in.begin() + edges.inBegin[*t + 1]);
    sortByColumn(incoming);
    for (size_t i = 0; i < incoming.size();) {
      int32_t column = incoming[i].column;
      for (; i < incoming.size() && incoming[i].column == column; ++i)
        partition.mark(incoming[i].state);
      partition.splitMarked(onSplit);
    }
  }
  return partition;
}

/// Per byte class of `dfa`: the new class it merges into, the first class
/// whose column `sameColumn` says equals its own.
template <typename SameColumn>
std::vector<int32_t> groupClasses(int32_t numClasses, SameColumn sameColumn) {
  std::vector<int32_t> newClass(numClasses);
  std::vector<int32_t> firstOldClass; // by new class
  for (int32_t c = 0; c < numClasses; ++c) {
    int32_t merged = static_cast<int32_t>(firstOldClass.size());
    newClass[c] = merged;
    for (int32_t j = 0; j < merged; ++j)
      if (sameColumn(firstOldClass[j], c)) {
        newClass[c] = j;
        break;
      }
    if (newClass[c] == merged)
      firstOldClass.push_back(c);
  }
  return newClass;
}

/// The minimal table, block order[i] as state i, with byte class c of
/// `dfa` in column newClass[c] (classes merged into one column share it)
/// and the call columns after them; nothing when two merged classes lead
/// one state to different places.
std::optional<std::vector<int32_t>>
tableWithClasses(const LiveEdges &edges, const Partition &partition,
                 const std::vector<int32_t> &order,
                 const std::vector<int32_t> &newId, const DfaTable &dfa,
                 const std::vector<int32_t> &newClass) {
  const int32_t classes = dfa.numClasses;
  const int32_t merged =
      *std::max_element(newClass.begin(), newClass.end()) + 1;
  const int32_t columns = merged + static_cast<int32_t>(dfa.callRules.size());
  std::vector<int32_t> groupSize(merged, 0);
  for (int32_t c = 0; c < classes; ++c)
    ++groupSize[newClass[c]];
  // Per column of the row being written: how many of its classes lead out
  // of the dead state. All of them or none, if they agree.
  std::vector<int32_t> writes(merged, 0);
  std::vector<int32_t> touched;
  std::vector<int32_t> next(order.size() * columns, 0);
  for (size_t i = 0; i < order.size(); ++i) {
    int32_t representative = *partition.begin(order[i]);
    int32_t *row = next.data() + i * columns;
    for (int32_t e = edges.outBegin[representative];
         e < edges.outBegin[representative + 1]; ++e) {
      auto [target, column] = edges.out[e];
      int32_t to = newId[partition.blockOf(target)];
      if (column >= classes) {
        row[merged + column - classes] = to;
        continue;
      }
      if (to == 0)
        continue;
      int32_t at = newClass[column];
      if (writes[at]++ == 0)
        touched.push_back(at);
      else if (row[at] != to)
        return std::nullopt;
      row[at] = to;
    }
    for (int32_t at : touched) {
      if (writes[at] != groupSize[at])
        return std::nullopt;
      writes[at] = 0;
    }
    touched.clear();
  }
  return next;
}

/// A well-mixed hash of one table entry (splitmix64's finalizer).
uint64_t entryHash(int32_t state, int32_t target) {
  uint64_t x =
      (static_cast<uint64_t>(state) << 32) | static_cast<uint32_t>(target);
  x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ull;
  x = (x ^ (x >> 27)) * 0x94d049bb133111ebull;
  return x ^ (x >> 31);
}

} // namespace

DfaTable minimizeDfa(const DfaTable &dfa) {
  assert(dfa.numStates() > 0 && !dfa.accepting[0] && "no dead state 0");
  const LiveEdges edges(dfa);
  Partition partition = equivalenceClasses(dfa, edges);
  const int32_t k = dfa.numColumns();

  // Number the blocks: the dead state's first, then breadth-first (blocks
  // unreachable from the start are cut off). The blocks of states that
  // cannot accept are all the dead state's.
  std::vector<int32_t> newId(partition.numBlocks(), -1);
  std::vector<int32_t> order; // blocks by new id
  auto number = [&](int32_t block) {
    if (newId[block] < 0) {
      newId[block] = static_cast<int32_t>(order.size());
      order.push_back(block);
    }
    return newId[block];
  };
  number(partition.blockOf(0));
  const int32_t start = number(partition.blockOf(dfa.start));
  std::vector<uint64_t> hashes(k, 0); // of each column, as sums of entries
  for (size_t i = 0; i < order.size(); ++i) {
    int32_t representative = *partition.begin(order[i]);
    for (int32_t e = edges.outBegin[representative];
         e < edges.outBegin[representative + 1]; ++e) {
      auto [target, column] = edges.out[e];
      if (int32_t to = number(partition.blockOf(target)); to != 0)
        hashes[column] += entryHash(static_cast<int32_t>(i), to);
    }
  }

  DfaTable minimal;
  minimal.callRules = dfa.callRules;
  minimal.start = start;
  for (int32_t block : order)
    minimal.accepting.push_back(dfa.accepting[*partition.begin(block)]);
  // Byte classes whose columns hash alike are merged as the table is
  // written; a hash collision shows as a merged entry that its classes
  // disagree on, and then the classes are compared one by one.
  std::vector<int32_t> newClass =
      groupClasses(dfa.numClasses, [&](int32_t a, int32_t b) {
        return hashes[a] == hashes[b];
      });
  if (std::optional<std::vector<int32_t>> next =
          tableWithClasses(edges, partition, order, newId, dfa, newClass)) {
    minimal.next = std::move(*next);
  } else {
    newClass.assign(dfa.numClasses, 0);
    for (int32_t c = 0; c < dfa.numClasses; ++c)
      newClass[c] = c;
    std::vector<int32_t> unmerged =
        *tableWithClasses(edges, partition, order, newId, dfa, newClass);
    newClass = groupClasses(dfa.numClasses, [&](int32_t a, int32_t b) {
      for (size_t s = 0; s < order.size(); ++s)
        if (unmerged[s * k + a] != unmerged[s * k + b])
          return false;
      return true;
    });
    minimal.next =
        *tableWithClasses(edges, partition, order, newId, dfa, newClass);
  }
  minimal.numClasses = *std::max_element(newClass.begin(), newClass.end()) + 1;
  for (int b = 0; b < 256; ++b)
    minimal.byteClass[b] = static_cast<uint8_t>(newClass[dfa.byteClass[b]]);
  return minimal;
}

} // namespace sgl::runtime::constraints
