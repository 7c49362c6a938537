//===- MaskReference.h - Masks checked against brute force ------*- C++ -*-===//
//
// The slow, obviously right mask of a position: a token is allowed when
// the text so far followed by its bytes can still become an accepted text
// (Constraint::check accepts it, or it is a proper prefix of accepted
// texts), an EOS id when the text so far is accepted, a special token
// never. With a budget that never binds that is what ConstraintMatcher's
// mask must be: every byte has a token of its own, so any live prefix can
// be finished.
//
// It runs the whole text through the constraint for every token of the
// vocabulary, 128k checks for Llama 3: seconds per mask, so the benchmark
// samples a few positions per schema (--verify-masks K).
//
//===----------------------------------------------------------------------===//
#ifndef SGL_BENCH_MASKBENCH_MASKREFERENCE_H
#define SGL_BENCH_MASKBENCH_MASKREFERENCE_H

#include "runtime/constraints/Constraint.h"

#include <cstdint>
#include <span>
#include <string>
#include <string_view>

namespace sgl::bench {

/// Differences between masks and the reference, summed over the masks
/// compared.
struct MaskComparison {
  int64_t masks = 0; ///< masks compared
  /// Tokens the reference allows and the mask refuses, and the masks with
  /// any such token.
  int64_t overConstrainedTokens = 0, overConstrainedMasks = 0;
  /// Tokens the mask allows and the reference refuses.
  int64_t underConstrainedTokens = 0, underConstrainedMasks = 0;
  /// The first difference seen, for a report: "token 1234 ..." or empty.
  std::string firstDifference;

  void add(const MaskComparison &other);
};

/// Compares `mask` (the matcher's after the bytes `prefix`) with the
/// reference.
MaskComparison
compareWithReference(const runtime::constraints::Constraint &constraint,
                     const runtime::constraints::ConstraintVocabulary &vocab,
                     std::string_view prefix, std::span<const uint64_t> mask);

} // namespace sgl::bench

#endif // SGL_BENCH_MASKBENCH_MASKREFERENCE_H
