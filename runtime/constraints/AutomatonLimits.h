//===- AutomatonLimits.h - Size limits of constraint automata ---*- C++ -*-===//
//
// Patterns come from programs and API requests, so every stage that can grow
// with the input has a hard limit and fails with a clear error instead of
// running out of memory or time: `(a|b)*a(a|b){20}` needs 2^21 DFA states,
// `(x{1000}){1000}` a million NFA states.
//
//===----------------------------------------------------------------------===//
#ifndef SGL_RUNTIME_CONSTRAINTS_AUTOMATONLIMITS_H
#define SGL_RUNTIME_CONSTRAINTS_AUTOMATONLIMITS_H

#include <cstdint>

namespace sgl::runtime::constraints {

/// Limits on the work one pattern may cause; the defaults suit constraints
/// written by hand or derived from a JSON Schema.
struct AutomatonLimits {
  /// Largest m or n in `{m}`, `{m,}`, `{m,n}` (as RE2).
  uint32_t maxRepeatCount = 1000;
  /// Deepest nesting of groups; bounds the parser's recursion.
  uint32_t maxGroupDepth = 200;
  /// States of the byte NFA, repetitions expanded.
  int32_t maxNfaStates = 100'000;
  /// States of a DFA built whole and then minimized, the dead state
  /// included; one with more is built lazily instead (LazyDfa.h).
  int32_t maxDfaStates = 10'000;
  /// States that lazily built DFAs may build as masks reach them, all the
  /// rules of one grammar together, and their memory in entries of 4 bytes:
  /// the NFA states in each state's set and its row of transitions. 0
  /// states: no DFA is built lazily, and one past maxDfaStates is an error.
  int32_t maxLazyStates = 1'000'000;
  int64_t maxLazyEntries = 50'000'000;
  /// NFA states visited by subset construction, all DFA states together:
  /// its running time, whatever the number of states.
  int64_t maxSubsetVisits = 50'000'000;
  /// Rules of one grammar, and DFA states of all its rules together.
  int32_t maxGrammarRules = 10'000;
  int64_t maxGrammarStates = 200'000;
};

} // namespace sgl::runtime::constraints

#endif // SGL_RUNTIME_CONSTRAINTS_AUTOMATONLIMITS_H
