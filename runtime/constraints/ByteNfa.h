//===- ByteNfa.h - Thompson NFA over bytes ----------------------*- C++ -*-===//
//
// A regex tree becomes a Thompson NFA whose only consuming edges are byte
// ranges: each code point set is expanded into its UTF-8 byte sequences
// (Utf8Ranges.h) and each repetition into copies of its body, so the
// automaton runs over the same bytes the tokenizer's vocabulary is made of.
//
// Repetitions are what can make an NFA large -- `(x{1000}){1000}` would need
// a million states -- so building stops at AutomatonLimits::maxNfaStates.
//
//===----------------------------------------------------------------------===//
#ifndef SGL_RUNTIME_CONSTRAINTS_BYTENFA_H
#define SGL_RUNTIME_CONSTRAINTS_BYTENFA_H

#include "runtime/constraints/AutomatonLimits.h"
#include "runtime/constraints/RegexAst.h"
#include "runtime/support/Expected.h"

#include <cstdint>
#include <vector>

namespace sgl::runtime::constraints {

/// One NFA state. Byte states consume one byte in [lo, hi] and go to `out`;
/// Call states consume a whole match of grammar rule `rule` (Grammar.h);
/// Split and Epsilon states move to `out` (and `out1`) without consuming;
/// Match accepts. An `out` of -1 leads nowhere.
struct NfaState {
  enum class Kind : uint8_t { Byte, Call, Split, Epsilon, Match };

  Kind kind = Kind::Epsilon;
  uint8_t lo = 0;
  uint8_t hi = 0;
  int32_t out = -1;
  int32_t out1 = -1; ///< Split only
  int32_t rule = -1; ///< Call only
};

/// A Thompson NFA with one start and one Match state.
struct ByteNfa {
  std::vector<NfaState> states;
  int32_t start = 0;
};

/// Whether `nfa` has a Call state: a regular expression or an
/// intersection's part may not.
bool hasCalls(const ByteNfa &nfa);

/// Builds the NFA of `root`. Fails when it would need more than
/// limits.maxNfaStates states: "<offset>: repetition needs more than N NFA
/// states", with the offset of the outermost repetition being expanded, or
/// "pattern needs more than N NFA states" when no repetition is to blame.
/// States with equal futures are merged (NfaSuffixes.h), so the result has
/// no Epsilon states and may have fewer states than the limit counted.
Expected<ByteNfa> buildNfa(const RegexNode &root,
                           const AutomatonLimits &limits);

} // namespace sgl::runtime::constraints

#endif // SGL_RUNTIME_CONSTRAINTS_BYTENFA_H
