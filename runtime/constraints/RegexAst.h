//===- RegexAst.h - Syntax tree of a regular expression ---------*- C++ -*-===//
//
// What the parser produces and the NFA builder consumes. Only the language
// matters, so the tree has five kinds: captures, laziness and named groups
// are gone, a literal is a one-element code point set, and `*`, `+`, `?`,
// `{m,n}` are all one Repeat. Later front ends (JSON Schema, choice lists)
// can build trees directly instead of printing patterns.
//
//===----------------------------------------------------------------------===//
#ifndef SGL_RUNTIME_CONSTRAINTS_REGEXAST_H
#define SGL_RUNTIME_CONSTRAINTS_REGEXAST_H

#include "runtime/constraints/CodePointSet.h"

#include <cstdint>
#include <limits>
#include <vector>

namespace sgl::runtime::constraints {

/// One node of a regex syntax tree.
struct RegexNode {
  enum class Kind : uint8_t {
    Empty,      ///< matches only the empty string
    CodePoints, ///< one code point of `codePoints` (none when it is empty)
    Concat,     ///< the children one after another
    Alternate,  ///< any one child
    Repeat,     ///< children[0], between minCount and maxCount times
    Call,       ///< the whole of grammar rule `rule` (Grammar.h)
  };
  static constexpr uint32_t kUnbounded = std::numeric_limits<uint32_t>::max();

  Kind kind = Kind::Empty;
  /// Byte offset in the pattern (for a Repeat: of its quantifier), so that
  /// later errors, e.g. a repetition that is too large, can point there.
  uint32_t offset = 0;
  CodePointSet codePoints;         ///< CodePoints
  std::vector<RegexNode> children; ///< Concat, Alternate: >= 2; Repeat: 1
  uint32_t minCount = 0;           ///< Repeat
  uint32_t maxCount = 0;           ///< Repeat: >= minCount, or kUnbounded
  int32_t rule = -1;               ///< Call: index into the grammar's rules

  static RegexNode empty(uint32_t offset);
  static RegexNode set(CodePointSet codePoints, uint32_t offset);
  /// Concat or Alternate of `parts`; Empty for none, the part itself for one.
  static RegexNode concat(std::vector<RegexNode> parts, uint32_t offset);
  static RegexNode alternate(std::vector<RegexNode> parts, uint32_t offset);
  static RegexNode repeat(RegexNode child, uint32_t minCount, uint32_t maxCount,
                          uint32_t offset);
  /// A call edge to grammar rule `rule`: only compileGrammar accepts these.
  static RegexNode call(int32_t rule, uint32_t offset);
};

} // namespace sgl::runtime::constraints

#endif // SGL_RUNTIME_CONSTRAINTS_REGEXAST_H
