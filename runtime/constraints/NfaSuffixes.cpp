//===- NfaSuffixes.cpp - Merging NFA states with equal futures ------------===//
//
// Epsilon states are skipped first. Then chains of Byte and Call states
// -- one successor each, never a cycle without a Split -- are settled from
// their ends backwards: a state is merged with the first one met with the
// same bytes or rule and the same successor's representative, through a
// hash table. Split states and the Match state stand for themselves.
//
//===----------------------------------------------------------------------===//
#include "runtime/constraints/NfaSuffixes.h"

#include <bit>

namespace sgl::runtime::constraints {

namespace {

/// What identifies a state on a chain, its successor as a representative.
struct StateKey {
  NfaState::Kind kind;
  uint8_t lo, hi;
  int32_t rule, out;
  bool operator==(const StateKey &) const = default;
};

uint64_t hashKey(const StateKey &k) {
  uint64_t h = static_cast<uint64_t>(k.kind) | uint64_t{k.lo} << 8 |
               uint64_t{k.hi} << 16 | uint64_t(uint32_t(k.rule)) << 32;
  h ^= uint64_t(uint32_t(k.out)) * 0x9E3779B97F4A7C15ull;
  // MurmurHash3's finalizer: the table takes the low bits, which the
  // multiplications alone leave to the low bits of the fields.
  h ^= h >> 33;
  h *= 0xff51afd7ed558ccdull;
  h ^= h >> 33;
  h *= 0xc4ceb9fe1a85ec53ull;
  return h ^ (h >> 33);
}

/// The first state settled with each key: open addressing over state ids,
/// sized once (each state is added at most once).
class KeyTable {
public:
  explicit KeyTable(int32_t states)
      : slots_(std::bit_ceil(2 * static_cast<size_t>(states) + 2), -1),
        keys_(static_cast<size_t>(states)) {}

  /// The state already known with `key`, else `id`, which is added.
  int32_t findOrAdd(const StateKey &key, int32_t id) {
    const size_t mask = slots_.size() - 1;
    for (size_t slot = hashKey(key) & mask;; slot = (slot + 1) & mask) {
      if (slots_[slot] < 0) {
        slots_[slot] = id;
        keys_[id] = key;
        return id;
      }
      if (keys_[slots_[slot]] == key)
        return slots_[slot];
    }
  }

private:
  std::vector<int32_t> slots_;
  std::vector<StateKey> keys_; ///< by state id, for those added
};

class SuffixSharing {
public:
  explicit SuffixSharing(const ByteNfa &nfa)
      : states_(nfa.states), n_(static_cast<int32_t>(nfa.states.size())),
        skip_(n_, -2), next_(n_, {-1, -1}), rep_(n_, -1), start_(nfa.start),
        known_(n_) {}

  ByteNfa run();

private:
  /// The first state from `id` on that is not an Epsilon; -1: none.
  int32_t skipEpsilons(int32_t id);
  /// Gives `id` and the chain of Byte and Call states from it their
  /// representatives.
  void settle(int32_t id);
  static bool onChain(const NfaState &state) {
    return state.kind == NfaState::Kind::Byte ||
           state.kind == NfaState::Kind::Call;
  }

  const std::vector<NfaState> &states_;
  const int32_t n_;
  std::vector<int32_t> skip_; ///< memo of skipEpsilons; -2: not yet
  /// By state: its successors with Epsilons skipped, -1 for none.
  std::vector<std::pair<int32_t, int32_t>> next_;
  std::vector<int32_t> rep_; ///< representative, once settled
  std::vector<int32_t> chain_;
  int32_t start_;
  KeyTable known_;
};

int32_t SuffixSharing::skipEpsilons(int32_t id) {
  if (id < 0 || skip_[id] != -2)
    return id < 0 ? -1 : skip_[id];
  // Chains of fragment exits are long: every Epsilon on the way gets the
  // answer (bounded: a cycle of Epsilons alone, which none builds, would
  // end as no state).
  chain_.clear();
  int32_t at = id;
  while (at >= 0 && skip_[at] == -2 &&
         states_[at].kind == NfaState::Kind::Epsilon &&
         chain_.size() <= static_cast<size_t>(n_)) {
    chain_.push_back(at);
    at = states_[at].out;
  }
  int32_t target = at < 0                                        ? -1
                   : skip_[at] != -2                             ? skip_[at]
                   : states_[at].kind == NfaState::Kind::Epsilon ? -1
                                                                 : at;
  if (at >= 0 && skip_[at] == -2 && target == at)
    skip_[at] = at;
  for (int32_t visited : chain_)
    skip_[visited] = target;
  return target;
}

void SuffixSharing::settle(int32_t id) {
  // A chain of Byte and Call states never loops by itself (a loop needs a
  // Split), so it is walked to its end and settled from there backwards.
  chain_.clear();
  int32_t at = id;
  while (at >= 0 && rep_[at] < 0 && onChain(states_[at])) {
    chain_.push_back(at);
    at = next_[at].first;
  }
  if (at >= 0 && rep_[at] < 0)
    rep_[at] = at; // a Split or the Match: itself
  for (size_t i = chain_.size(); i-- > 0;) {
    int32_t state = chain_[i];
    const NfaState &s = states_[state];
    int32_t out = next_[state].first;
    StateKey key{s.kind, s.lo, s.hi, s.rule, out < 0 ? -1 : rep_[out]};
    rep_[state] = known_.findOrAdd(key, state);
  }
}

ByteNfa SuffixSharing::run() {
  for (int32_t id = 0; id < n_; ++id) {
    const NfaState &s = states_[id];
    if (s.kind == NfaState::Kind::Epsilon || s.kind == NfaState::Kind::Match)
      continue;
    next_[id] = {skipEpsilons(s.out),
                 s.kind == NfaState::Kind::Split ? skipEpsilons(s.out1) : -1};
  }
  for (int32_t id = 0; id < n_; ++id)
    if (states_[id].kind != NfaState::Kind::Epsilon && rep_[id] < 0)
      settle(id);

  // Renumber the representatives reachable from the start's.
  std::vector<int32_t> newId(n_, -1);
  std::vector<int32_t> order;
  auto number = [&](int32_t id) {
    if (id < 0)
      return -1;
    int32_t r = rep_[id];
    if (newId[r] < 0) {
      newId[r] = static_cast<int32_t>(order.size());
      order.push_back(r);
    }
    return newId[r];
  };
  ByteNfa out;
  out.start = number(skipEpsilons(start_));
  if (out.start < 0) { // nothing matches: a start that leads nowhere
    out.start = 0;
    out.states.push_back(NfaState{});
    return out;
  }
  for (size_t i = 0; i < order.size(); ++i) {
    NfaState state = states_[order[i]];
    auto [a, b] = next_[order[i]];
    if (state.kind != NfaState::Kind::Match)
      state.out = number(a);
    if (state.kind == NfaState::Kind::Split)
      state.out1 = number(b);
    out.states.push_back(state);
  }
  return out;
}

} // namespace

ByteNfa shareNfaSuffixes(const ByteNfa &nfa) {
  return SuffixSharing(nfa).run();
}

} // namespace sgl::runtime::constraints
