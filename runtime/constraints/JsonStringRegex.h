//===- JsonStringRegex.h - The characters of JSON strings -------*- C++ -*-===//
//
// Schemas constrain strings by their decoded characters (length, pattern,
// format), while the grammar reads their spelling. So string contents are
// first built as trees over decoded characters, then every character set is
// replaced by its JSON spellings, as json.dumps(ensure_ascii=False) writes
// them: raw UTF-8, except '"' -> \", '\' -> \\, the controls \b \f \n \r \t
// and \u00XX (lower-case hex) for the other characters below U+0020. One
// spelling per character keeps the language exact: an escape is one
// character for minLength and pattern alike.
//
//===----------------------------------------------------------------------===//
#ifndef SGL_RUNTIME_CONSTRAINTS_JSONSTRINGREGEX_H
#define SGL_RUNTIME_CONSTRAINTS_JSONSTRINGREGEX_H

#include "runtime/constraints/RegexAst.h"

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>

namespace sgl::runtime::constraints {

/// The code point starting at utf8[pos] (valid UTF-8), advancing pos.
char32_t nextCodePoint(std::string_view utf8, size_t &pos);

/// The number of code points of valid UTF-8 `utf8`.
size_t codePointCount(std::string_view utf8);

/// The spellings of one character of `set` inside a JSON string.
RegexNode jsonCharOf(const CodePointSet &set);

/// `decoded`, a tree over decoded characters, with each character set
/// replaced by jsonCharOf it.
RegexNode spellJsonChars(const RegexNode &decoded);

/// A whole JSON string (quotes included) whose decoded content matches
/// `decoded`.
RegexNode jsonString(const RegexNode &decoded);

/// The one spelling of the string `utf8`, quotes included.
RegexNode jsonStringLiteral(std::string_view utf8);

/// Decoded: any characters, from min to max of them (max may be
/// RegexNode::kUnbounded).
RegexNode anyChars(uint32_t min, uint32_t max);

/// Decoded: every string except those in `excluded` (UTF-8). `rest`
/// stands for "any characters" after the string left the excluded ones'
/// prefixes (anyChars(0, unbounded), or a call of a rule that is it).
RegexNode charsOtherThan(std::span<const std::string> excluded,
                         const RegexNode &rest);

/// The fewest and most characters of a decoded tree's strings (max:
/// RegexNode::kUnbounded when unbounded).
struct LengthRange {
  uint32_t min = 0;
  uint32_t max = 0;
};
LengthRange lengthRange(const RegexNode &decoded);

/// The strings of `decoded` with min..max characters, when that can be
/// said by adjusting repetition counts (every concatenation has at most one
/// part of variable length); nothing otherwise.
std::optional<RegexNode> limitLength(const RegexNode &decoded, uint32_t min,
                                     uint32_t max);

} // namespace sgl::runtime::constraints

#endif // SGL_RUNTIME_CONSTRAINTS_JSONSTRINGREGEX_H
