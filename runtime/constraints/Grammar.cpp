//===- Grammar.cpp - Regular rules joined by call edges -------------------===//
//
// Compiling a grammar takes three passes over the rules' NFAs before any
// DFA is built: the shortest match of every rule (a fixed point, since
// rules call each other), which also finds the rules that match nothing;
// the calls a rule can make before consuming a byte, whose cycles are left
// recursion; and then one DFA per rule, calls to rules that match nothing
// dropped so that every live DFA state can still reach acceptance.
//
//===----------------------------------------------------------------------===//
#include "runtime/constraints/Grammar.h"

#include "runtime/constraints/ByteNfa.h"
#include "runtime/constraints/Determinize.h"
#include "runtime/constraints/GrammarFrames.h"
#include "runtime/constraints/LibraryRules.h"
#include "runtime/constraints/MinimizeDfa.h"
#include "runtime/constraints/ReverseDistances.h"
#include "runtime/constraints/SameRules.h"

#include <algorithm>
#include <deque>
#include <optional>
#include <string>

namespace sgl::runtime::constraints {

namespace {

/// The shortest match of `nfa` from its start, bytes counting 1 and calls
/// their callee's `lengths` entry (kNoPath: not callable). A 0-1 BFS would
/// not do: calls weigh more than 1.
uint32_t shortestMatch(const ByteNfa &nfa,
                       const std::vector<uint32_t> &lengths) {
  std::vector<uint64_t> best(nfa.states.size(), kNoPath);
  // A deque ordered by distance, as Dijkstra's queue for small graphs:
  // weights vary, so entries are re-queued when improved.
  std::deque<int32_t> queue;
  best[nfa.start] = 0;
  queue.push_back(nfa.start);
  uint64_t bestMatch = kNoPath;
  while (!queue.empty()) {
    int32_t id = queue.front();
    queue.pop_front();
    const NfaState &state = nfa.states[id];
    uint64_t here = best[id];
    auto relax = [&](int32_t to, uint64_t cost) {
      if (to < 0 || here + cost >= best[to])
        return;
      best[to] = here + cost;
      if (cost == 0)
        queue.push_front(to);
      else
        queue.push_back(to);
    };
    switch (state.kind) {
    case NfaState::Kind::Byte:
      relax(state.out, 1);
      break;
    case NfaState::Kind::Call:
      if (lengths[state.rule] != kNoPath)
        relax(state.out, lengths[state.rule]);
      break;
    case NfaState::Kind::Split:
      relax(state.out, 0);
      relax(state.out1, 0);
      break;
    case NfaState::Kind::Epsilon:
      relax(state.out, 0);
      break;
    case NfaState::Kind::Match:
      bestMatch = std::min(bestMatch, here);
      break;
    }
  }
  if (bestMatch == kNoPath)
    return kNoPath;
  return static_cast<uint32_t>(std::min<uint64_t>(bestMatch, kNoPath - 1));
}

/// The rules `nfa` can call before consuming a byte: Call states reached
/// from the start through epsilons and through calls of rules that can
/// match the empty string.
std::vector<int32_t> leftCalls(const ByteNfa &nfa,
                               const std::vector<uint32_t> &lengths) {
  std::vector<uint8_t> seen(nfa.states.size(), 0);
  std::vector<int32_t> stack{nfa.start}, calls;
  while (!stack.empty()) {
    int32_t id = stack.back();
    stack.pop_back();
    if (id < 0 || seen[id])
      continue;
    seen[id] = 1;
    const NfaState &state = nfa.states[id];
    switch (state.kind) {
    case NfaState::Kind::Call:
      if (lengths[state.rule] == kNoPath)
        break;
      calls.push_back(state.rule);
      if (lengths[state.rule] == 0)
        stack.push_back(state.out);
      break;
    case NfaState::Kind::Split:
      stack.push_back(state.out1);
      [[fallthrough]];
    case NfaState::Kind::Epsilon:
      stack.push_back(state.out);
      break;
    case NfaState::Kind::Byte:
    case NfaState::Kind::Match:
      break;
    }
  }
  std::sort(calls.begin(), calls.end());
  calls.erase(std::unique(calls.begin(), calls.end()), calls.end());
  return calls;
}

/// A cycle in the graph of left calls, as rule indices, or nothing.
std::optional<std::vector<int32_t>>
findCycle(const std::vector<std::vector<int32_t>> &edges) {
  enum : uint8_t { kNew, kOnPath, kDone };
  std::vector<uint8_t> color(edges.size(), kNew);
  std::vector<int32_t> path;
  std::vector<std::pair<int32_t, size_t>> stack;
  for (int32_t root = 0; root < static_cast<int32_t>(edges.size()); ++root) {
    if (color[root] != kNew)
      continue;
    stack.emplace_back(root, 0);
    color[root] = kOnPath;
    path.push_back(root);
    while (!stack.empty()) {
      auto &[node, next] = stack.back();
      if (next == edges[node].size()) {
        color[node] = kDone;
        path.pop_back();
        stack.pop_back();
        continue;
      }
      int32_t to = edges[node][next++];
      if (color[to] == kOnPath) {
        auto from = std::find(path.begin(), path.end(), to);
        return std::vector<int32_t>(from, path.end());
      }
      if (color[to] == kNew) {
        color[to] = kOnPath;
        path.push_back(to);
        stack.emplace_back(to, 0);
      }
    }
  }
  return std::nullopt;
}

/// Fixed point of the rules' shortest matches: a rule is recomputed when
/// a rule it calls got shorter.
std::vector<uint32_t> ruleLengths(const std::vector<ByteNfa> &nfas) {
  const size_t n = nfas.size();
  std::vector<std::vector<int32_t>> callers(n);
  for (size_t r = 0; r < n; ++r)
    for (const NfaState &state : nfas[r].states)
      if (state.kind == NfaState::Kind::Call)
        callers[state.rule].push_back(static_cast<int32_t>(r));
  for (std::vector<int32_t> &list : callers) {
    std::sort(list.begin(), list.end());
    list.erase(std::unique(list.begin(), list.end()), list.end());
  }
  std::vector<uint32_t> lengths(n, kNoPath);
  std::vector<uint8_t> queued(n, 1);
  std::deque<int32_t> work;
  for (size_t r = 0; r < n; ++r)
    work.push_back(static_cast<int32_t>(r));
  while (!work.empty()) {
    int32_t r = work.front();
    work.pop_front();
    queued[r] = 0;
    uint32_t length = shortestMatch(nfas[r], lengths);
    if (length >= lengths[r])
      continue;
    lengths[r] = length;
    for (int32_t caller : callers[r])
      if (!queued[caller]) {
        queued[caller] = 1;
        work.push_back(caller);
      }
  }
  return lengths;
}

/// Per rule: 1 when a stack can hold it, from `root` down through calls.
std::vector<uint8_t> rulesReachedFrom(int32_t root,
                                      const std::vector<ByteNfa> &nfas) {
  std::vector<uint8_t> reached(nfas.size(), 0);
  std::vector<int32_t> queue{root};
  reached[root] = 1;
  for (size_t head = 0; head < queue.size(); ++head)
    for (const NfaState &state : nfas[queue[head]].states)
      if (state.kind == NfaState::Kind::Call && !reached[state.rule]) {
        reached[state.rule] = 1;
        queue.push_back(state.rule);
      }
  return reached;
}

} // namespace

Grammar Grammar::regular(std::string name, ByteDfa dfa) {
  Grammar grammar;
  if (dfa.lazy())
    grammar.firstLazyRule_ = 0;
  grammar.shortest_.push_back(dfa.shortestAccept(dfa.start()));
  grammar.rules_.emplace_back(std::move(name), std::move(dfa));
  return grammar;
}

std::optional<std::string> Grammar::lazyFailure() const {
  if (firstLazyRule_ < 0)
    return std::nullopt;
  return rules_[firstLazyRule_].dfa.lazy()->budget().error();
}

int64_t Grammar::numStates() const {
  int64_t total = 0;
  for (const Rule &rule : rules_)
    total += rule.dfa.numStates();
  return total;
}

bool Grammar::isRegular() const {
  return rules_.size() == 1 && rules_.front().dfa.numCalls() == 0;
}

bool Grammar::matches(std::string_view text) const {
  FrameArena arena;
  FrameStepper stepper(*this, arena);
  std::vector<Frame> frames = stepper.initial();
  for (char byte : text) {
    stepper.step(frames, static_cast<uint8_t>(byte));
    if (frames.empty())
      return false;
  }
  return stepper.accepting(frames);
}

namespace {

/// `node` with every call's rule moved up by `offset`.
void shiftCalls(RegexNode &node, int32_t offset) {
  if (node.kind == RegexNode::Kind::Call)
    node.rule += offset;
  for (RegexNode &child : node.children)
    shiftCalls(child, offset);
}

} // namespace

GrammarSource unionOf(std::vector<GrammarSource> sources, std::string name) {
  GrammarSource merged;
  merged.rules.push_back({std::move(name), RegexNode::empty(0)});
  std::vector<RegexNode> roots;
  for (GrammarSource &source : sources) {
    auto offset = static_cast<int32_t>(merged.rules.size());
    roots.push_back(RegexNode::call(source.root + offset, 0));
    for (GrammarRuleSource &rule : source.rules) {
      shiftCalls(rule.body, offset);
      merged.rules.push_back(std::move(rule));
    }
  }
  merged.rules.front().body = RegexNode::alternate(std::move(roots), 0);
  return merged;
}

Expected<Grammar> compileGrammar(const GrammarSource &source,
                                 const AutomatonLimits &limits) {
  const auto numRules = static_cast<int32_t>(source.rules.size());
  if (numRules == 0)
    return makeError("a grammar needs at least one rule");
  if (numRules > limits.maxGrammarRules)
    return makeError("grammar has " + std::to_string(numRules) +
                     " rules, more than the limit of " +
                     std::to_string(limits.maxGrammarRules));
  if (source.root < 0 || source.root >= numRules)
    return makeError("the root rule " + std::to_string(source.root) +
                     " does not exist");
  auto ruleName = [&](int32_t r) { return "'" + source.rules[r].name + "'"; };

  std::vector<ByteNfa> nfas;
  nfas.reserve(numRules);
  std::vector<std::optional<LibraryRule>> library(numRules);
  auto nfaOf = [&](int32_t r) -> Expected<ByteNfa> {
    const GrammarRuleSource &rule = source.rules[r];
    if (rule.library) {
      library[r].emplace(rule.body, r, limits);
      if (std::optional<ByteNfa> kept = library[r]->cachedNfa())
        return std::move(*kept);
    }
    Expected<ByteNfa> built = buildNfa(rule.body, limits);
    if (built && library[r])
      library[r]->keepNfa(*built);
    return built;
  };
  for (int32_t r = 0; r < numRules; ++r) {
    Expected<ByteNfa> nfa = nfaOf(r);
    if (!nfa)
      return makeError("rule " + ruleName(r) + ": " + nfa.error().message);
    for (const NfaState &state : nfa->states)
      if (state.kind == NfaState::Kind::Call &&
          (state.rule < 0 || state.rule >= numRules))
        return makeError("rule " + ruleName(r) + " calls rule " +
                         std::to_string(state.rule) + ", which does not exist");
    nfas.push_back(std::move(*nfa));
  }
  // A copy of another rule is never called: its callers call the original,
  // and it is compiled no more than a rule nothing reaches.
  const std::vector<int32_t> original = originalRules(source);
  for (ByteNfa &nfa : nfas)
    for (NfaState &state : nfa.states)
      if (state.kind == NfaState::Kind::Call)
        state.rule = original[state.rule];

  std::vector<uint32_t> lengths = ruleLengths(nfas);
  if (lengths[source.root] == kNoPath)
    return makeError("rule " + ruleName(source.root) + " matches no text");

  std::vector<std::vector<int32_t>> left(numRules);
  for (int32_t r = 0; r < numRules; ++r)
    if (lengths[r] != kNoPath)
      left[r] = leftCalls(nfas[r], lengths);
  if (std::optional<std::vector<int32_t>> cycle = findCycle(left)) {
    const std::vector<int32_t> &rules = *cycle;
    std::string message = "rule " + ruleName(rules.front()) + " calls ";
    message += rules.size() == 1 ? "itself" : ruleName(rules[1]);
    return makeError(message +
                     " before consuming any input, which recurses without end");
  }

  Grammar grammar;
  grammar.root_ = source.root;
  grammar.shortest_ = lengths;
  const std::vector<uint8_t> reachable = rulesReachedFrom(source.root, nfas);
  int64_t totalStates = 0;
  std::shared_ptr<LazyBudget> lazyBudget; // one for all lazy rules
  for (int32_t r = 0; r < numRules; ++r) {
    if (!reachable[r]) { // a copy, or never called: only its dead state
      DfaTable none;
      none.next.assign(1, 0);
      none.accepting.assign(1, 0);
      grammar.rules_.emplace_back(source.rules[r].name, ByteDfa(none));
      continue;
    }
    // A library rule's DFA is kept for later grammars if all it calls can
    // be called, so that no call column was dropped.
    std::vector<int32_t> callees;
    bool keepable = false;
    std::optional<DfaTable> kept;
    if (library[r]) {
      for (int32_t callee : library[r]->callees())
        callees.push_back(original[callee]);
      keepable = std::none_of(callees.begin(), callees.end(),
                              [&](int32_t c) { return lengths[c] == kNoPath; });
      if (keepable)
        kept = library[r]->cachedDfa(callees);
    }
    if (!kept) {
      ByteNfa &nfa = nfas[r];
      // A call of a rule that matches nothing leads nowhere.
      for (NfaState &state : nfa.states)
        if (state.kind == NfaState::Kind::Call &&
            lengths[state.rule] == kNoPath)
          state = NfaState{};
      Expected<std::optional<DfaTable>> table = determinize(nfa, limits);
      if (table && !*table && limits.maxLazyStates <= 0)
        table = tooManyDfaStates(limits);
      if (!table)
        return makeError("rule " + ruleName(r) + ": " + table.error().message);
      if (!*table) { // too large to build whole: built as masks need it
        if (!lazyBudget)
          lazyBudget = std::make_shared<LazyBudget>(limits);
        if (grammar.firstLazyRule_ < 0)
          grammar.firstLazyRule_ = r;
        grammar.rules_.emplace_back(
            source.rules[r].name,
            ByteDfa::buildLazily(std::move(nfa), lengths, lazyBudget));
        continue;
      }
      kept = minimizeDfa(**table);
      if (keepable)
        library[r]->keepDfa(*kept, callees);
    }
    DfaTable minimal = std::move(*kept);
    std::vector<uint32_t> callLengths;
    for (int32_t callee : minimal.callRules)
      callLengths.push_back(lengths[callee]);
    totalStates += minimal.numStates();
    if (totalStates > limits.maxGrammarStates)
      return makeError("grammar needs more than " +
                       std::to_string(limits.maxGrammarStates) +
                       " automaton states");
    grammar.rules_.emplace_back(source.rules[r].name,
                                ByteDfa(std::move(minimal), callLengths));
  }
  return grammar;
}

} // namespace sgl::runtime::constraints
