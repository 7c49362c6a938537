//===- MinimizeDfa.h - Hopcroft's DFA minimization --------------*- C++ -*-===//
//
// Subset construction leaves equivalent states apart: `[a-z]+` and
// `[a-z][a-z]*` determinize differently but mean the same. Minimizing merges
// every pair of states that accept the same suffixes, so the state count --
// which is what token masks are cached by -- depends only on the language.
// In particular all states that can never accept merge into the dead state.
//
//===----------------------------------------------------------------------===//
#ifndef SGL_RUNTIME_CONSTRAINTS_MINIMIZEDFA_H
#define SGL_RUNTIME_CONSTRAINTS_MINIMIZEDFA_H

#include "runtime/constraints/DfaTable.h"

namespace sgl::runtime::constraints {

/// The minimal DFA of the language of `dfa`, with byte classes merged
/// where the minimal DFA no longer tells them apart. State 0 is the dead state,
/// which then is the only state that cannot reach acceptance; the others are
/// numbered breadth-first from the start, and states unreachable from the start
/// are dropped. O(n k log n) for n states and k byte classes.
DfaTable minimizeDfa(const DfaTable &dfa);

} // namespace sgl::runtime::constraints

#endif // SGL_RUNTIME_CONSTRAINTS_MINIMIZEDFA_H
