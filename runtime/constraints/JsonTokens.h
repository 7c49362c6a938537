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

/// Where whitespace may go between tokens.
struct JsonLayout {
  bool compact = false;
  uint32_t maxWhitespace = 12;

  /// One gap between two tokens: [ \t\n\r]{0,maxWhitespace}, or nothing at
  /// all when compact.
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
