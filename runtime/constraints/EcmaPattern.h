//===- EcmaPattern.h - JSON Schema patterns as syntax trees -----*- C++ -*-===//
//
// A JSON Schema `pattern` is an ECMA-262 regular expression that is
// searched for, not matched in full: "abc" accepts "xabcx", "^a|b$" accepts
// what starts with a or ends with b. This turns one into the tree of the
// whole strings it accepts, over decoded characters:
//
//   - the top-level alternatives are split; each one without its leading
//     '^' gets "any characters" in front, without its trailing '$' behind;
//   - what ECMA-262 means differently from the regex parser's dialect
//     (RegexParser.h) is rewritten first: '.' leaves out \r, U+2028 and
//     U+2029 as well as \n; \s and \S use the Unicode white space; [] and
//     [^] are the empty and the full class; \v, \0, \cX and \b in a class
//     stand for their characters;
//   - where ECMA-262 and Python's re disagree on \s, the tree takes the
//     characters both count as white space for \s and those neither does
//     for \S, so a string accepted here is accepted by both.
//
// Everything the parser refuses (lookaround, backreferences, a '^' inside)
// stays an error, with the offset into the original pattern.
//
//===----------------------------------------------------------------------===//
#ifndef SGL_RUNTIME_CONSTRAINTS_ECMAPATTERN_H
#define SGL_RUNTIME_CONSTRAINTS_ECMAPATTERN_H

#include "runtime/constraints/AutomatonLimits.h"
#include "runtime/constraints/RegexAst.h"
#include "runtime/support/Expected.h"

#include <string_view>

namespace sgl::runtime::constraints {

/// The strings in which `pattern` finds a match. Errors read
/// "<offset>: <what>" with the 0-based byte offset into `pattern`.
Expected<RegexNode> ecmaPatternLanguage(std::string_view pattern,
                                        const AutomatonLimits &limits);

} // namespace sgl::runtime::constraints

#endif // SGL_RUNTIME_CONSTRAINTS_ECMAPATTERN_H
