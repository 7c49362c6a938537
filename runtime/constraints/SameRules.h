//===- SameRules.h - Rules of a grammar that are one rule -------*- C++ -*-===//
//
// Schemas repeat themselves: eight properties of one shape are eight rules
// with one body, and the union of many tools' schemas holds a whitespace
// rule and an any-value rule per tool. Rules whose trees are the same
// (calls of rules that are the same counting as the same, and a rule's
// calls of itself as the same) need compiling once; compileGrammar sends
// every call of a copy to its original.
//
//===----------------------------------------------------------------------===//
#ifndef SGL_RUNTIME_CONSTRAINTS_SAMERULES_H
#define SGL_RUNTIME_CONSTRAINTS_SAMERULES_H

#include "runtime/constraints/Grammar.h"

#include <cstdint>
#include <vector>

namespace sgl::runtime::constraints {

/// Per rule of `source`: the rule it is a copy of, or itself. The root is
/// always its own original, the others' original is the first of their
/// kind. Calls of rules that do not exist compare by their index.
std::vector<int32_t> originalRules(const GrammarSource &source);

} // namespace sgl::runtime::constraints

#endif // SGL_RUNTIME_CONSTRAINTS_SAMERULES_H
