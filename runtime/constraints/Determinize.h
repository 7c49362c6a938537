//===- Determinize.h - Subset construction with a state limit ---*- C++ -*-===//
//
// Turns a byte NFA into a DFA eagerly, since token masks need every state
// anyway, unless it has more than AutomatonLimits::maxDfaStates states:
// patterns such as `(a|b)*a(a|b){20}` have exponentially many, and those
// are built lazily instead (LazyDfa.h). Each DFA state is the set of NFA
// states reachable after some input (StateSets.h); the construction also
// stops at maxSubsetVisits, because states of patterns such as
// `(.{0,200}){1,15}` are sets of thousands of NFA states each.
//
//===----------------------------------------------------------------------===//
#ifndef SGL_RUNTIME_CONSTRAINTS_DETERMINIZE_H
#define SGL_RUNTIME_CONSTRAINTS_DETERMINIZE_H

#include "runtime/constraints/AutomatonLimits.h"
#include "runtime/constraints/ByteNfa.h"
#include "runtime/constraints/DfaTable.h"
#include "runtime/support/Expected.h"

#include <optional>

namespace sgl::runtime::constraints {

/// The DFA of `nfa`, with state 0 the dead state (the empty set) and the
/// others numbered in breadth-first order from the start; nullopt when it
/// has more than limits.maxDfaStates states (the dead state counted). Fails
/// with "automaton is too complex to build (over N NFA states visited)"
/// past limits.maxSubsetVisits.
/// "automaton exceeds N states", for a DFA past limits.maxDfaStates when
/// none may be built lazily.
Error tooManyDfaStates(const AutomatonLimits &limits);

Expected<std::optional<DfaTable>> determinize(const ByteNfa &nfa,
                                              const AutomatonLimits &limits);

} // namespace sgl::runtime::constraints

#endif // SGL_RUNTIME_CONSTRAINTS_DETERMINIZE_H
