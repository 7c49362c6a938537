//===- RegexCompiler.h - Regular expressions to byte DFAs -------*- C++ -*-===//
//
// The front door of the constraint engine for `gen(regex: ...)`:
//
//   pattern ─parseRegex─▶ RegexNode ─buildNfa─▶ ByteNfa
//           ─determinize─▶ DfaTable ─minimizeDfa─▶ ByteDfa
//
// The pattern always matches the whole text, as PCRE2 with
// PCRE2_ANCHORED | PCRE2_ENDANCHORED does; docs/constraints.md lists the
// syntax. Errors read "regex: <offset>: <what>" with the 0-based byte offset
// of the offending construct, e.g. "regex: 3: unsupported lookahead '(?='",
// or "regex: <what>" when the whole pattern is to blame
// ("regex: automaton exceeds 10000 states").
//
//===----------------------------------------------------------------------===//
#ifndef SGL_RUNTIME_CONSTRAINTS_REGEXCOMPILER_H
#define SGL_RUNTIME_CONSTRAINTS_REGEXCOMPILER_H

#include "runtime/constraints/AutomatonLimits.h"
#include "runtime/constraints/ByteDfa.h"
#include "runtime/constraints/RegexAst.h"
#include "runtime/support/Expected.h"

#include <string_view>

namespace sgl::runtime::constraints {

/// Compiles `pattern` (UTF-8) into the minimal DFA of the byte strings it
/// matches in full.
Expected<ByteDfa> compileRegex(std::string_view pattern,
                               const AutomatonLimits &limits = {});

/// Compiles a syntax tree built by another front end. Error messages carry
/// no "regex: " prefix; offsets are the tree's RegexNode::offset values.
Expected<ByteDfa> compileRegexTree(const RegexNode &root,
                                   const AutomatonLimits &limits = {});

} // namespace sgl::runtime::constraints

#endif // SGL_RUNTIME_CONSTRAINTS_REGEXCOMPILER_H
