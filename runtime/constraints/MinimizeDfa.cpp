//===- MinimizeDfa.cpp - Hopcroft's DFA minimization ----------------------===//
//
// Partition refinement: start from {accepting, not accepting} and split
// blocks until no block holds two states that some byte class sends into
// different blocks. A block that has been used to split others ("splitter")
// is only revisited through the smaller half of a later split, which gives
// Hopcroft's n log n bound.
//
//===----------------------------------------------------------------------===//
#include "runtime/constraints/MinimizeDfa.h"

#include <cassert>
#include <map>
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

  /// Splits the marked front off every block that is only partly marked,
  /// calling onSplit(block, newBlock) for each; clears all marks.
  template <typename OnSplit> void splitMarked(OnSplit onSplit) {
    for (int32_t block : touched_) {
      int32_t marked = markedEnd_[block];
      markedEnd_[block] = begin_[block];
      if (marked == end_[block])
        continue; // all of it marked: nothing to split
      int32_t fresh = numBlocks();
      begin_.push_back(begin_[block]);
      end_.push_back(marked);
      markedEnd_.push_back(begin_[block]);
      begin_[block] = marked;
      markedEnd_[block] = marked;
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

/// Reverse transitions in CSR form: the states that class c sends to t are
/// sources[offsets[t * k + c] .. offsets[t * k + c + 1]).
struct ReverseEdges {
  std::vector<int32_t> offsets;
  std::vector<int32_t> sources;

  explicit ReverseEdges(const DfaTable &dfa) {
    int32_t n = dfa.numStates(), k = dfa.numColumns();
    offsets.assign(static_cast<size_t>(n) * k + 1, 0);
    for (int32_t s = 0; s < n; ++s)
      for (int32_t c = 0; c < k; ++c)
        ++offsets[static_cast<size_t>(dfa.target(s, c)) * k + c + 1];
    for (size_t i = 1; i < offsets.size(); ++i)
      offsets[i] += offsets[i - 1];
    sources.resize(offsets.back());
    std::vector<int32_t> fill(offsets.begin(), offsets.end() - 1);
    for (int32_t s = 0; s < n; ++s)
      for (int32_t c = 0; c < k; ++c)
        sources[fill[static_cast<size_t>(dfa.target(s, c)) * k + c]++] = s;
  }
};

/// Refines the partition of `dfa`'s states until it is the coarsest
/// partition into blocks of equivalent states.
Partition equivalenceClasses(const DfaTable &dfa) {
  int32_t k = dfa.numColumns();
  Partition partition(dfa.numStates());
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

  for (int32_t s = 0; s < dfa.numStates(); ++s)
    if (dfa.accepting[s])
      partition.mark(s);
  partition.splitMarked([&](int32_t, int32_t) {});
  for (int32_t block = 0; block < partition.numBlocks(); ++block)
    push(block);

  ReverseEdges reverse(dfa);
  std::vector<int32_t> splitter;
  while (!worklist.empty()) {
    int32_t block = worklist.back();
    worklist.pop_back();
    inWorklist[block] = 0;
    // A copy: the block itself may split while it is being used.
    splitter.assign(partition.begin(block), partition.end(block));
    for (int32_t c = 0; c < k; ++c) {
      for (int32_t target : splitter) {
        size_t edge = static_cast<size_t>(target) * k + c;
        for (int32_t i = reverse.offsets[edge]; i < reverse.offsets[edge + 1];
             ++i)
          partition.mark(reverse.sources[i]);
      }
      partition.splitMarked(onSplit);
    }
  }
  return partition;
}

/// Merges byte classes that every state of `dfa` sends to the same places:
/// after minimization, `[0-9]+` needs only digits and everything else. Call
/// columns stay as they are.
void mergeAlikeByteClasses(DfaTable &dfa) {
  int32_t n = dfa.numStates(), k = dfa.numClasses;
  int32_t calls = static_cast<int32_t>(dfa.callRules.size());
  std::map<std::vector<int32_t>, int32_t> classOfColumn;
  std::vector<int32_t> newClass(k);
  std::vector<int32_t> firstOldClass; // by new class
  for (int32_t c = 0; c < k; ++c) {
    std::vector<int32_t> column(n);
    for (int32_t s = 0; s < n; ++s)
      column[s] = dfa.target(s, c);
    auto [it, inserted] = classOfColumn.try_emplace(
        std::move(column), static_cast<int32_t>(firstOldClass.size()));
    if (inserted)
      firstOldClass.push_back(c);
    newClass[c] = it->second;
  }
  int32_t merged = static_cast<int32_t>(firstOldClass.size());
  if (merged == k)
    return;
  int32_t columns = merged + calls;
  std::vector<int32_t> next(static_cast<size_t>(n) * columns);
  for (int32_t s = 0; s < n; ++s) {
    for (int32_t c = 0; c < merged; ++c)
      next[static_cast<size_t>(s) * columns + c] =
          dfa.target(s, firstOldClass[c]);
    for (int32_t j = 0; j < calls; ++j)
      next[static_cast<size_t>(s) * columns + merged + j] =
          dfa.target(s, k + j);
  }
  for (uint8_t &byteClass : dfa.byteClass)
    byteClass = static_cast<uint8_t>(newClass[byteClass]);
  dfa.next = std::move(next);
  dfa.numClasses = merged;
}

} // namespace

DfaTable minimizeDfa(const DfaTable &dfa) {
  assert(dfa.numStates() > 0 && !dfa.accepting[0] && "no dead state 0");
  Partition partition = equivalenceClasses(dfa);
  int32_t k = dfa.numColumns();

  // Number the blocks: the dead state's first, then breadth-first.
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
  DfaTable minimal;
  minimal.byteClass = dfa.byteClass;
  minimal.numClasses = dfa.numClasses;
  minimal.callRules = dfa.callRules;
  minimal.start = number(partition.blockOf(dfa.start));
  for (size_t i = 0; i < order.size(); ++i) {
    int32_t representative = *partition.begin(order[i]);
    minimal.accepting.push_back(dfa.accepting[representative]);
    for (int32_t c = 0; c < k; ++c)
      minimal.next.push_back(
          number(partition.blockOf(dfa.target(representative, c))));
  }
  mergeAlikeByteClasses(minimal);
  return minimal;
}

} // namespace sgl::runtime::constraints
