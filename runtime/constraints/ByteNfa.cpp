//===- ByteNfa.cpp - Thompson NFA over bytes ------------------------------===//
//
// Every fragment has one entry and one exit, an Epsilon state whose `out` is
// patched when the fragment is joined to what follows. Code point sets share
// common suffixes of their byte sequences (as RE2 does): `.` needs 17 Byte
// states instead of 28.
//
//===----------------------------------------------------------------------===//
#include "runtime/constraints/ByteNfa.h"

#include "runtime/constraints/Utf8Ranges.h"

#include <map>
#include <optional>
#include <string>
#include <tuple>

namespace sgl::runtime::constraints {

namespace {

struct Fragment {
  int32_t entry;
  int32_t exit; ///< an Epsilon state, out == -1 until joined
};

class NfaBuilder {
public:
  explicit NfaBuilder(int32_t maxStates) : maxStates_(maxStates) {}

  Expected<ByteNfa> run(const RegexNode &root) {
    Fragment body = build(root);
    NfaState match;
    match.kind = NfaState::Kind::Match;
    join(body.exit, add(match));
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
  Fragment buildAlternate(const std::vector<RegexNode> &children);
  Fragment buildRepeat(const RegexNode &node);

  int32_t add(NfaState state) {
    if (static_cast<int64_t>(states_.size()) >= maxStates_ && !overflowed_) {
      overflowed_ = true;
      blamedRepeat_ = outerRepeat_;
    }
    states_.push_back(state);
    return static_cast<int32_t>(states_.size() - 1);
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

  int32_t maxStates_;
  std::vector<NfaState> states_;
  bool overflowed_ = false;
  /// The offset of the outermost repetition being expanded, if any.
  std::optional<uint32_t> outerRepeat_;
  std::optional<uint32_t> blamedRepeat_;
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
    int32_t exit = addEpsilon();
    NfaState call;
    call.kind = NfaState::Kind::Call;
    call.out = exit;
    call.rule = node.rule;
    return {add(call), exit};
  }
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

Fragment NfaBuilder::buildSet(const CodePointSet &set) {
  std::vector<Utf8Sequence> sequences;
  for (const CodePointRange &range : set.ranges())
    appendUtf8Sequences(range.lo, range.hi, sequences);
  int32_t exit = addEpsilon();
  if (sequences.empty()) // an empty class: an entry that leads nowhere
    return {addEpsilon(), exit};
  // Byte states by (lo, hi, out): sequences that end alike share states.
  std::map<std::tuple<uint8_t, uint8_t, int32_t>, int32_t> shared;
  std::vector<int32_t> firsts;
  for (const Utf8Sequence &sequence : sequences) {
    int32_t next = exit;
    for (int i = sequence.length; i-- > 0;) {
      ByteRange range = sequence.bytes[i];
      auto [it, inserted] =
          shared.try_emplace(std::make_tuple(range.lo, range.hi, next), 0);
      if (inserted)
        it->second = add(byteState(range, next));
      next = it->second;
    }
    firsts.push_back(next);
  }
  return {splitOver(firsts), exit};
}

Fragment NfaBuilder::buildAlternate(const std::vector<RegexNode> &children) {
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
  auto append = [&](Fragment next) {
    join(whole.exit, next.entry);
    whole.exit = next.exit;
  };
  bool unbounded = node.maxCount == RegexNode::kUnbounded;
  // x{m,}: m - 1 copies and x+; x{m,n}: m copies and n - m optional ones.
  uint32_t mandatory =
      unbounded && node.minCount > 0 ? node.minCount - 1 : node.minCount;
  for (uint32_t i = 0; i < mandatory && !overflowed_; ++i)
    append(build(body));
  if (unbounded) {
    Fragment loop = build(body);
    int32_t exit = addEpsilon();
    int32_t split = addSplit(loop.entry, exit);
    join(loop.exit, split);
    // x*: the loop may be skipped; x+: it runs at least once.
    append({node.minCount == 0 ? split : loop.entry, exit});
    return whole;
  }
  int32_t exit = addEpsilon();
  for (uint32_t i = node.minCount; i < node.maxCount && !overflowed_; ++i) {
    Fragment optional = build(body);
    append({addSplit(optional.entry, exit), optional.exit});
  }
  append({exit, exit});
  return whole;
}

} // namespace

Expected<ByteNfa> buildNfa(const RegexNode &root,
                           const AutomatonLimits &limits) {
  return NfaBuilder(limits.maxNfaStates).run(root);
}

} // namespace sgl::runtime::constraints
