//===- Determinize.h - Subset construction with a state limit ---*- C++ -*-===//
//
// Turns a byte NFA into a DFA eagerly, since token masks need every state
// anyway. Each DFA state is the set of NFA states reachable after some
// input; the construction stops at AutomatonLimits::maxDfaStates, because
// patterns such as `(a|b)*a(a|b){20}` have exponentially many, and at
// maxSubsetVisits, because states of patterns such as `(.{0,200}){1,15}`
// are sets of thousands of NFA states each.
//
//===----------------------------------------------------------------------===//
#ifndef SGL_RUNTIME_CONSTRAINTS_DETERMINIZE_H
#define SGL_RUNTIME_CONSTRAINTS_DETERMINIZE_H

#include "runtime/constraints/AutomatonLimits.h"
#include "runtime/constraints/ByteNfa.h"
#include "runtime/constraints/DfaTable.h"
#include "runtime/support/Expected.h"

namespace sgl::runtime::constraints {

/// The DFA of `nfa`, with state 0 the dead state (the empty set) and the
/// others numbered in breadth-first order from the start. Fails with
/// "automaton exceeds N states" past limits.maxDfaStates states (the dead
/// state counted), or with "automaton is too complex to build (over N NFA
/// states visited)" past limits.maxSubsetVisits.
Expected<DfaTable> determinize(const ByteNfa &nfa,
                               const AutomatonLimits &limits);

} // namespace sgl::runtime::constraints

#endif // SGL_RUNTIME_CONSTRAINTS_DETERMINIZE_H
