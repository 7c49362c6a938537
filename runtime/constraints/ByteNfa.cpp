//===- ByteNfa.cpp - Thompson NFA over bytes ------------------------------===//
//
// Every fragment has one entry and one exit, a state whose `out` is patched
// when the fragment is joined to what follows: an Epsilon, or the one Byte
// or Call state of a fragment that is nothing else (a literal character).
// Code point sets share common suffixes of their byte sequences (as RE2 does):
// `.` needs 17 Byte states instead of 28.
//
// A fragment refers only to its own states, so the copies of a repeated
// body are made by copying the first one's states, renumbered, instead of
// walking the body's tree again: the states come out the same.
//
//===----------------------------------------------------------------------===//
#include "runtime/constraints/ByteNfa.h"

#include "runtime/constraints/NfaIntersection.h"
#include "runtime/constraints/NfaSuffixes.h"
#include "runtime/constraints/Utf8Ranges.h"

#include <algorithm>
#include <array>
#include <optional>
#include <string>

namespace sgl::runtime::constraints {

namespace {

struct Fragment {
  int32_t entry;
  int32_t exit; ///< out == -1 until joined
};

class NfaBuilder {
public:
  explicit NfaBuilder(const AutomatonLimits &limits)
      : limits_(limits), maxStates_(limits.maxNfaStates) {}

  Expected<ByteNfa> run(const RegexNode &root) {
    Fragment body = build(root);
    NfaState match;
    match.kind = NfaState::Kind::Match;
    join(body.exit, add(match));
    if (error_)
      return makeError(*error_);
    if (overflowed_) {
      std::string limit = std::to_string(maxStates_);
      if (blamedRepeat_)
        return makeError(std::to_string(*blamedRepeat_) +
                         ": repetition needs more than " + limit +
                         " NFA states");
      return makeError("pattern needs more than " + limit + " NFA states");
    }
    return ByteNfa{std::move(states_), body.entry};
  }

private:
  Fragment build(const RegexNode &node);
  Fragment buildSet(const CodePointSet &set);
  /// The UTF-8 sequences of a set with code points past ASCII, kept for a
  /// few recent sets: the same classes recur in every string.
  const std::vector<Utf8Sequence> &utf8SequencesOf(const CodePointSet &set);
  /// A copy of `fragment`, whose states are [begin, end), at the end.
  Fragment copyFragment(Fragment fragment, int32_t begin, int32_t end);
  Fragment buildAlternate(const RegexChildren &children);
  Fragment buildRepeat(const RegexNode &node);
  /// The DFA of the intersection (NfaIntersection.h), spelled as Byte
  /// states: one hub per DFA state, splitting over its byte ranges.
  Fragment buildIntersect(const RegexNode &node);

  int32_t add(NfaState state) {
    noteGrowth(1);
    states_.push_back(state);
    return static_cast<int32_t>(states_.size() - 1);
  }
  /// Records an overflow when `count` more states pass the limit.
  void noteGrowth(int64_t count) {
    if (static_cast<int64_t>(states_.size()) + count > maxStates_ &&
        !overflowed_) {
      overflowed_ = true;
      blamedRepeat_ = outerRepeat_;
    }
  }
  int32_t addEpsilon() { return add(NfaState{}); }
  int32_t addSplit(int32_t out, int32_t out1) {
    NfaState split;
    split.kind = NfaState::Kind::Split;
    split.out = out;
    split.out1 = out1;
    return add(split);
  }
  void join(int32_t exit, int32_t target) { states_[exit].out = target; }
  Fragment emptyFragment() {
    int32_t state = addEpsilon();
    return {state, state};
  }
  /// A Split chain that can move to any of `targets` (at least one).
  int32_t splitOver(const std::vector<int32_t> &targets) {
    int32_t entry = targets.back();
    for (size_t i = targets.size() - 1; i-- > 0;)
      entry = addSplit(targets[i], entry);
    return entry;
  }

  const AutomatonLimits &limits_;
  int32_t maxStates_;
  std::vector<NfaState> states_;
  std::optional<std::string> error_; ///< the first intersection's error
  bool overflowed_ = false;
  /// The offset of the outermost repetition being expanded, if any.
  std::optional<uint32_t> outerRepeat_;
  std::optional<uint32_t> blamedRepeat_;

  struct CachedSequences {
    CodePointSet set;
    std::vector<Utf8Sequence> sequences;
  };
  std::array<CachedSequences, 4> sequenceCache_;
  size_t nextCacheSlot_ = 0;
  std::vector<int32_t> firsts_;
  /// Byte states of the set being built: (lo, hi, out) -> state.
  struct SharedState {
    uint8_t lo, hi;
    int32_t out, state;
  };
  std::vector<SharedState> shared_;
};

NfaState byteState(ByteRange range, int32_t out) {
  NfaState state;
  state.kind = NfaState::Kind::Byte;
  state.lo = range.lo;
  state.hi = range.hi;
  state.out = out;
  return state;
}

Fragment NfaBuilder::build(const RegexNode &node) {
  switch (node.kind) {
  case RegexNode::Kind::Empty:
    return emptyFragment();
  case RegexNode::Kind::CodePoints:
    return buildSet(node.codePoints);
  case RegexNode::Kind::Concat: {
    Fragment whole = build(node.children.front());
    for (size_t i = 1; i < node.children.size(); ++i) {
      Fragment next = build(node.children[i]);
      join(whole.exit, next.entry);
      whole.exit = next.exit;
    }
    return whole;
  }
  case RegexNode::Kind::Alternate:
    return buildAlternate(node.children);
  case RegexNode::Kind::Call: {
    // The Call state is its own exit: joining sets its `out`.
    NfaState call;
    call.kind = NfaState::Kind::Call;
    call.rule = node.rule;
    int32_t state = add(call);
    return {state, state};
  }
  case RegexNode::Kind::Intersect:
    return buildIntersect(node);
  case RegexNode::Kind::Repeat: {
    bool outermost = !outerRepeat_;
    if (outermost)
      outerRepeat_ = node.offset;
    Fragment repeat = buildRepeat(node);
    if (outermost)
      outerRepeat_.reset();
    return repeat;
  }
  }
  return emptyFragment();
}

const std::vector<Utf8Sequence> &
NfaBuilder::utf8SequencesOf(const CodePointSet &set) {
  for (const CachedSequences &cached : sequenceCache_)
    if (!cached.sequences.empty() && cached.set == set)
      return cached.sequences;
  CachedSequences &slot = sequenceCache_[nextCacheSlot_];
  nextCacheSlot_ = (nextCacheSlot_ + 1) % sequenceCache_.size();
  slot.set = set;
  slot.sequences.clear();
  for (const CodePointRange &range : set.ranges())
    appendUtf8Sequences(range.lo, range.hi, slot.sequences);
  return slot.sequences;
}

Fragment NfaBuilder::buildSet(const CodePointSet &set) {
  if (set.ranges().size() == 1 && set.ranges().front().hi < 0x80) {
    // One ASCII range, as every character of literal text: one Byte state,
    // its own exit.
    int32_t state =
        add(byteState({static_cast<uint8_t>(set.ranges().front().lo),
                       static_cast<uint8_t>(set.ranges().front().hi)},
                      -1));
    return {state, state};
  }
  int32_t exit = addEpsilon();
  firsts_.clear();
  if (!set.empty() && set.ranges().back().hi < 0x80) {
    // ASCII: one Byte state per range, nothing to share.
    for (const CodePointRange &range : set.ranges())
      firsts_.push_back(add(byteState(
          {static_cast<uint8_t>(range.lo), static_cast<uint8_t>(range.hi)},
          exit)));
    return {splitOver(firsts_), exit};
  }
  const std::vector<Utf8Sequence> &sequences = utf8SequencesOf(set);
  if (sequences.empty()) // an empty class: an entry that leads nowhere
    return {addEpsilon(), exit};
  // Sequences that end alike share their Byte states. There are few of
  // them (17 for `.`), so a linear search finds them.
  shared_.clear();
  auto sharedState = [&](ByteRange range, int32_t out) {
    for (const SharedState &known : shared_)
      if (known.lo == range.lo && known.hi == range.hi && known.out == out)
        return known.state;
    int32_t state = add(byteState(range, out));
    shared_.push_back({range.lo, range.hi, out, state});
    return state;
  };
  for (const Utf8Sequence &sequence : sequences) {
    int32_t next = exit;
    for (int i = sequence.length; i-- > 0;)
      next = sharedState(sequence.bytes[i], next);
    firsts_.push_back(next);
  }
  return {splitOver(firsts_), exit};
}

Fragment NfaBuilder::copyFragment(Fragment fragment, int32_t begin,
                                  int32_t end) {
  noteGrowth(end - begin);
  const int32_t shift = static_cast<int32_t>(states_.size()) - begin;
  states_.reserve(states_.size() + (end - begin));
  for (int32_t id = begin; id < end; ++id) {
    NfaState state = states_[id];
    if (state.out >= 0)
      state.out += shift;
    if (state.out1 >= 0)
      state.out1 += shift;
    states_.push_back(state);
  }
  return {fragment.entry + shift, fragment.exit + shift};
}

Fragment NfaBuilder::buildAlternate(const RegexChildren &children) {
  int32_t exit = addEpsilon();
  std::vector<int32_t> entries;
  for (const RegexNode &child : children) {
    Fragment branch = build(child);
    join(branch.exit, exit);
    entries.push_back(branch.entry);
  }
  return {splitOver(entries), exit};
}

Fragment NfaBuilder::buildRepeat(const RegexNode &node) {
  const RegexNode &body = node.children.front();
  Fragment whole = emptyFragment();
  // The first copy of the body is built, the others copied from it.
  std::optional<Fragment> first;
  int32_t firstBegin = 0, firstEnd = 0;
  auto copyOfBody = [&] {
    if (first)
      return copyFragment(*first, firstBegin, firstEnd);
    firstBegin = static_cast<int32_t>(states_.size());
    first = build(body);
    firstEnd = static_cast<int32_t>(states_.size());
    return *first;
  };
  auto append = [&](Fragment next) {
    join(whole.exit, next.entry);
    whole.exit = next.exit;
  };
  bool unbounded = node.maxCount == RegexNode::kUnbounded;
  // x{m,}: m - 1 copies and x+; x{m,n}: m copies and n - m optional ones.
  uint32_t mandatory =
      unbounded && node.minCount > 0 ? node.minCount - 1 : node.minCount;
  for (uint32_t i = 0; i < mandatory && !overflowed_; ++i)
    append(copyOfBody());
  if (unbounded) {
    Fragment loop = copyOfBody();
    int32_t exit = addEpsilon();
    int32_t split = addSplit(loop.entry, exit);
    join(loop.exit, split);
    // x*: the loop may be skipped; x+: it runs at least once.
    append({node.minCount == 0 ? split : loop.entry, exit});
    return whole;
  }
  int32_t exit = addEpsilon();
  for (uint32_t i = node.minCount; i < node.maxCount && !overflowed_; ++i) {
    Fragment optional = copyOfBody();
    append({addSplit(optional.entry, exit), optional.exit});
  }
  append({exit, exit});
  return whole;
}

} // namespace

Fragment NfaBuilder::buildIntersect(const RegexNode &node) {
  Fragment fragment = emptyFragment(); // its entry is the start's hub
  Expected<DfaTable> dfa = intersectionDfa(
      std::span(node.children.begin(), node.children.end()), limits_);
  if (!dfa) {
    if (!error_)
      error_ = std::to_string(node.offset) + ": " + dfa.error().message;
    return fragment;
  }
  if (dfa->start == 0)
    return {addEpsilon(), fragment.exit}; // nothing matches
  std::vector<int32_t> hubs(dfa->numStates(), -1);
  for (int32_t s = 1; s < dfa->numStates(); ++s)
    hubs[s] = addEpsilon();
  std::vector<int32_t> ways;
  for (int32_t s = 1; s < dfa->numStates() && !overflowed_; ++s) {
    ways.clear();
    // Runs of bytes that lead to one state: one Byte state each.
    for (int lo = 0; lo < 256;) {
      int32_t to = dfa->target(s, dfa->byteClass[lo]);
      int hi = lo;
      while (hi < 255 && dfa->target(s, dfa->byteClass[hi + 1]) == to)
        ++hi;
      if (to != 0)
        ways.push_back(add(byteState(
            {static_cast<uint8_t>(lo), static_cast<uint8_t>(hi)}, hubs[to])));
      lo = hi + 1;
    }
    if (dfa->accepting[s])
      ways.push_back(fragment.exit);
    if (!ways.empty())
      join(hubs[s], splitOver(ways));
  }
  return {hubs[dfa->start], fragment.exit};
}

bool hasCalls(const ByteNfa &nfa) {
  return std::any_of(
      nfa.states.begin(), nfa.states.end(),
      [](const NfaState &s) { return s.kind == NfaState::Kind::Call; });
}

Expected<ByteNfa> buildNfa(const RegexNode &root,
                           const AutomatonLimits &limits) {
  Expected<ByteNfa> built = NfaBuilder(limits).run(root);
  if (!built)
    return built;
  return shareNfaSuffixes(*built);
}

} // namespace sgl::runtime::constraints
