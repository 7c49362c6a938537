//===- SameRules.cpp - Rules of a grammar that are one rule ---------------===//
//
// Rounds of hashing: in each, a rule's tree is hashed with its calls read
// through the originals found so far, and rules of equal hash and equal
// tree join the first of them. A round can only join more (the rules one
// calls may have joined in the last), so a few rounds reach what matters:
// the whitespace rules of a union join in the first, the any-value rules
// that call them in the second.
//
//===----------------------------------------------------------------------===//
#include "runtime/constraints/SameRules.h"

#include "runtime/constraints/RuleTrees.h"

#include <unordered_map>

namespace sgl::runtime::constraints {

namespace {

constexpr int kMaxRounds = 4;
constexpr int64_t kSelf = -2; ///< a call of the rule's own kind

/// Calls as their originals: kSelf for the rule's own kind.
class CallView {
public:
  CallView(const std::vector<int32_t> &original, int32_t self)
      : original_(original), self_(self) {}

  int64_t operator()(int32_t rule) const {
    if (rule < 0 || rule >= static_cast<int32_t>(original_.size()))
      return rule;
    return original_[rule] == original_[self_] ? kSelf : original_[rule];
  }

private:
  const std::vector<int32_t> &original_;
  int32_t self_;
};

} // namespace

std::vector<int32_t> originalRules(const GrammarSource &source) {
  const auto n = static_cast<int32_t>(source.rules.size());
  std::vector<int32_t> original(n);
  for (int32_t r = 0; r < n; ++r)
    original[r] = r;
  // The root first, so that it is the original of its kind.
  std::vector<int32_t> order;
  order.reserve(n);
  if (source.root >= 0 && source.root < n)
    order.push_back(source.root);
  for (int32_t r = 0; r < n; ++r)
    if (r != source.root)
      order.push_back(r);
  for (int round = 0; round < kMaxRounds; ++round) {
    // Read this round's calls through the last round's originals.
    const std::vector<int32_t> before = original;
    std::unordered_multimap<uint64_t, int32_t> seen;
    bool joined = false;
    for (int32_t r : order) {
      if (before[r] != r)
        continue; // a copy already
      CallView view(before, r);
      uint64_t h = treeHash(source.rules[r].body, view);
      auto [from, to] = seen.equal_range(h);
      bool found = false;
      for (auto it = from; it != to && !found; ++it)
        if (sameTree(source.rules[r].body, view, source.rules[it->second].body,
                     CallView(before, it->second))) {
          original[r] = it->second; // an original of this round: final
          found = joined = true;
        }
      if (!found)
        seen.emplace(h, r);
    }
    if (!joined)
      break;
    // Copies of r from earlier rounds follow r to its original: one step,
    // as r's original is its own.
    for (int32_t &o : original)
      o = original[o];
  }
  return original;
}

} // namespace sgl::runtime::constraints
