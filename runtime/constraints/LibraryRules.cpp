//===- LibraryRules.cpp - Rules compiled once per process -----------------===//
//
// Entries are found by the rule's tree with calls read as their place
// among the callees (RuleTrees.h), and the limits it was compiled under.
// The cache holds a few entries (one per rule and layout the engine
// writes) behind a mutex: grammars may be compiled on many threads.
//
//===----------------------------------------------------------------------===//
#include "runtime/constraints/LibraryRules.h"

#include "runtime/constraints/RuleTrees.h"

#include <algorithm>
#include <mutex>

namespace sgl::runtime::constraints {

struct LibraryRule::Entry {
  RegexNode body;
  std::vector<int32_t> callees; ///< when it was kept, for body's calls
  AutomatonLimits limits;
  uint64_t hash = 0;
  // Calls as places among the callees. Set once, under the mutex.
  std::optional<ByteNfa> nfa;
  std::optional<DfaTable> dfa;
};

namespace {

constexpr size_t kMaxEntries = 64;

bool sameLimits(const AutomatonLimits &a, const AutomatonLimits &b) {
  return a.maxRepeatCount == b.maxRepeatCount &&
         a.maxGroupDepth == b.maxGroupDepth &&
         a.maxNfaStates == b.maxNfaStates && a.maxDfaStates == b.maxDfaStates &&
         a.maxSubsetVisits == b.maxSubsetVisits;
}

/// A call's place among `callees`.
struct PlaceOf {
  const std::vector<int32_t> &callees;
  int64_t operator()(int32_t rule) const {
    auto it = std::find(callees.begin(), callees.end(), rule);
    return it - callees.begin();
  }
};

/// Whether no rule is in `rules` twice.
bool allDistinct(std::vector<int32_t> rules) {
  std::sort(rules.begin(), rules.end());
  return std::adjacent_find(rules.begin(), rules.end()) == rules.end();
}

void listCallees(const RegexNode &node, std::vector<int32_t> &callees) {
  if (node.kind == RegexNode::Kind::Call &&
      std::find(callees.begin(), callees.end(), node.rule) == callees.end())
    callees.push_back(node.rule);
  for (const RegexNode &child : node.children)
    listCallees(child, callees);
}

std::mutex cacheMutex;
std::vector<std::shared_ptr<LibraryRule::Entry>> &cache() {
  static std::vector<std::shared_ptr<LibraryRule::Entry>> entries;
  return entries;
}

/// `dfa` with call column j for rule rules[j]: the columns sorted by rule,
/// as DfaTable wants them.
DfaTable withCallRules(const DfaTable &dfa, const std::vector<int32_t> &rules) {
  const int32_t calls = static_cast<int32_t>(rules.size());
  std::vector<int32_t> order(calls);
  for (int32_t j = 0; j < calls; ++j)
    order[j] = j;
  std::sort(order.begin(), order.end(),
            [&](int32_t a, int32_t b) { return rules[a] < rules[b]; });
  DfaTable out;
  out.byteClass = dfa.byteClass;
  out.numClasses = dfa.numClasses;
  out.accepting = dfa.accepting;
  out.start = dfa.start;
  for (int32_t j : order)
    out.callRules.push_back(rules[j]);
  const int32_t columns = dfa.numColumns();
  out.next.resize(dfa.next.size());
  for (int32_t s = 0; s < dfa.numStates(); ++s) {
    const int32_t *from = dfa.next.data() + static_cast<size_t>(s) * columns;
    int32_t *to = out.next.data() + static_cast<size_t>(s) * columns;
    std::copy(from, from + dfa.numClasses, to);
    for (int32_t j = 0; j < calls; ++j)
      to[dfa.numClasses + j] = from[dfa.numClasses + order[j]];
  }
  return out;
}

} // namespace

LibraryRule::LibraryRule(const RegexNode &body, int32_t self,
                         const AutomatonLimits &limits)
    : callees_{self} {
  listCallees(body, callees_);
  const uint64_t hash = treeHash(body, PlaceOf{callees_});
  std::lock_guard<std::mutex> lock(cacheMutex);
  for (const std::shared_ptr<Entry> &entry : cache())
    if (entry->hash == hash && sameLimits(entry->limits, limits) &&
        sameTree(body, PlaceOf{callees_}, entry->body,
                 PlaceOf{entry->callees})) {
      entry_ = entry;
      return;
    }
  if (cache().size() >= kMaxEntries)
    return; // compiled as any rule is
  entry_ = std::make_shared<Entry>();
  entry_->body = body;
  entry_->callees = callees_;
  entry_->limits = limits;
  entry_->hash = hash;
  cache().push_back(entry_);
}

std::optional<ByteNfa> LibraryRule::cachedNfa() {
  std::lock_guard<std::mutex> lock(cacheMutex);
  if (!entry_ || !entry_->nfa)
    return std::nullopt;
  ByteNfa nfa = *entry_->nfa;
  for (NfaState &state : nfa.states)
    if (state.kind == NfaState::Kind::Call)
      state.rule = callees_[state.rule];
  return nfa;
}

void LibraryRule::keepNfa(const ByteNfa &nfa) {
  std::lock_guard<std::mutex> lock(cacheMutex);
  if (!entry_ || entry_->nfa)
    return;
  ByteNfa kept = nfa;
  for (NfaState &state : kept.states)
    if (state.kind == NfaState::Kind::Call)
      state.rule = static_cast<int32_t>(PlaceOf{callees_}(state.rule));
  entry_->nfa = std::move(kept);
}

std::optional<DfaTable>
LibraryRule::cachedDfa(const std::vector<int32_t> &callees) {
  if (!allDistinct(callees))
    return std::nullopt; // two callees are one rule here: one column
  std::lock_guard<std::mutex> lock(cacheMutex);
  if (!entry_ || !entry_->dfa)
    return std::nullopt;
  std::vector<int32_t> rules;
  for (int32_t place : entry_->dfa->callRules)
    rules.push_back(callees[place]);
  return withCallRules(*entry_->dfa, rules);
}

void LibraryRule::keepDfa(const DfaTable &dfa,
                          const std::vector<int32_t> &callees) {
  if (!allDistinct(callees))
    return; // two callees are one rule here: not a general answer
  std::vector<int32_t> places;
  for (int32_t rule : dfa.callRules) {
    auto place = static_cast<size_t>(PlaceOf{callees}(rule));
    if (place == callees.size())
      return; // a call of none of them: not this rule's DFA
    places.push_back(static_cast<int32_t>(place));
  }
  DfaTable kept = withCallRules(dfa, places);
  std::lock_guard<std::mutex> lock(cacheMutex);
  if (entry_ && !entry_->dfa)
    entry_->dfa = std::move(kept);
}

} // namespace sgl::runtime::constraints
