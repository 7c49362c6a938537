//===- NfaIntersection.h - The strings several patterns all match -*- C++ -*-=//
//
// A Thompson NFA cannot say "matches both", so an Intersect node of a regex
// tree (a JSON Schema string with a pattern and a length bound, or a
// pattern and a format) is built as a DFA first: each part determinized
// whole and minimized, then their product, breadth first from the pair of
// starts over the classes of bytes that every part treats alike. The NFA
// builder spells that DFA back as a fragment of Byte states.
//
//===----------------------------------------------------------------------===//
#ifndef SGL_RUNTIME_CONSTRAINTS_NFAINTERSECTION_H
#define SGL_RUNTIME_CONSTRAINTS_NFAINTERSECTION_H

#include "runtime/constraints/AutomatonLimits.h"
#include "runtime/constraints/DfaTable.h"
#include "runtime/constraints/RegexAst.h"
#include "runtime/support/Expected.h"

#include <span>

namespace sgl::runtime::constraints {

/// The minimal DFA of the strings that every one of `parts` matches. Fails
/// when a part calls a grammar rule, or when a part or the product needs
/// more than limits.maxDfaStates states.
Expected<DfaTable> intersectionDfa(std::span<const RegexNode> parts,
                                   const AutomatonLimits &limits);

} // namespace sgl::runtime::constraints

#endif // SGL_RUNTIME_CONSTRAINTS_NFAINTERSECTION_H
