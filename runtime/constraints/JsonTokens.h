//===- JsonTokens.h - Syntax trees of JSON tokens ---------------*- C++ -*-===//
//
// The pieces every JSON grammar is made of, as RegexNode trees over code
// points: literal text, the bounded whitespace gap between two tokens, and
// the spelling of any JSON value (for schemas that allow anything there).
//
//===----------------------------------------------------------------------===//
#ifndef SGL_RUNTIME_CONSTRAINTS_JSONTOKENS_H
#define SGL_RUNTIME_CONSTRAINTS_JSONTOKENS_H

#include "runtime/constraints/RegexAst.h"

#include <cstdint>
#include <string_view>

namespace sgl::runtime::constraints {

/// The text `utf8` exactly (valid UTF-8, as JSON text is).
RegexNode literalText(std::string_view utf8);

/// A node that matches nothing: what an unsatisfiable schema becomes.
RegexNode nothing();

/// Whether `node` is nothing() (an empty code point set).
bool isNothing(const RegexNode &node);

/// Where whitespace may go between tokens. A gap is a call of one rule of
/// the grammar, [ \t\n\r]{0,maxWhitespace}, rather than that repetition
/// spelt out: spelt out, each gap of a rule is maxWhitespace + 1 more DFA
/// states, most of an object rule's states; called, the run of states
/// exists once per grammar.
struct JsonLayout {
  bool compact = false;
  uint32_t maxWhitespace = 12;
  /// The rule whose body is whitespaceBody(), which every gap calls; set
  /// by whoever builds the grammar unless there is no whitespace at all.
  int32_t whitespaceRule = -1;

  /// Whether gaps hold anything: not compact and maxWhitespace > 0.
  bool hasWhitespace() const { return !compact && maxWhitespace > 0; }
  /// [ \t\n\r]{0,maxWhitespace}: the whitespace rule's body.
  RegexNode whitespaceBody() const;
  /// One gap between two tokens: a call of the whitespace rule, or nothing
  /// at all when there is no whitespace.
  RegexNode gap() const;
  /// gap(), `token`, gap(): a separator such as ',' or ':'.
  RegexNode separator(char token) const;
};

/// Any JSON number a double holds, in the plain spellings:
/// -?(0|[1-9][0-9]{0,18})(\.[0-9]+)? or one digit, a fraction and an
/// exponent up to 307 (-?[0-9](\.[0-9]+)?e...), as repr() writes them.
RegexNode anyJsonNumber();

/// Any JSON value; arrays and objects hold calls of rule `selfRule` (the
/// rule whose body this is) for their members.
RegexNode anyJsonValue(const JsonLayout &layout, int32_t selfRule);

} // namespace sgl::runtime::constraints

#endif // SGL_RUNTIME_CONSTRAINTS_JSONTOKENS_H
