//===- RegexParser.h - Regular expression syntax to a tree ------*- C++ -*-===//
//
// Parses the PCRE2-compatible subset described in docs/constraints.md
// ("Regular expressions") into a RegexNode tree of code point sets. Every
// construct outside that subset -- backreferences, lookaround, anchors other
// than a leading `^` and a trailing `$`, possessive quantifiers, inline
// flags, Unicode properties -- is an error naming the construct, never
// silently ignored.
//
// Error messages are "<offset>: <what>", where <offset> is the 0-based byte
// offset into the pattern of the construct's first byte, e.g.
// "3: unsupported lookahead '(?='" for "abc(?=d)".
//
//===----------------------------------------------------------------------===//
#ifndef SGL_RUNTIME_CONSTRAINTS_REGEXPARSER_H
#define SGL_RUNTIME_CONSTRAINTS_REGEXPARSER_H

#include "runtime/constraints/AutomatonLimits.h"
#include "runtime/constraints/RegexAst.h"
#include "runtime/support/Expected.h"

#include <string_view>

namespace sgl::runtime::constraints {

/// Parses `pattern` (UTF-8); uses limits.maxRepeatCount and
/// limits.maxGroupDepth.
Expected<RegexNode> parseRegex(std::string_view pattern,
                               const AutomatonLimits &limits = {});

} // namespace sgl::runtime::constraints

#endif // SGL_RUNTIME_CONSTRAINTS_REGEXPARSER_H
