//===- MaskTrace.h - A text through the token masks -------------*- C++ -*-===//
//
// sgl-constraint --mask-trace: tokenizes a text as a model would write it
// and follows it token by token through ConstraintMatcher, as a
// constrained gen does, printing for each token the mask it was sampled
// from:
//
//       #      id  token                     allowed  verdict       µs
//       0    5018  "{\""                       10311  accepted   812.4
//       1     609  "age"                      125833  accepted  1423.0
//
// then whether the end is accepting (an EOS would be allowed). It shows
// where a mask refuses a token that --check accepts, and what each mask
// costs.
//
//===----------------------------------------------------------------------===//
#ifndef SGL_RUNTIME_TOOLS_SGL_CONSTRAINT_MASKTRACE_H
#define SGL_RUNTIME_TOOLS_SGL_CONSTRAINT_MASKTRACE_H

#include "runtime/constraints/Constraint.h"
#include "runtime/tokenizer/Tokenizer.h"

#include <cstdint>
#include <cstdio>
#include <span>
#include <vector>

namespace sgl::tools {

/// The ids that end a gen with `tokenizer`: its EOS and Llama 3's
/// end-of-turn and end-of-text tokens where it has them.
std::vector<int32_t> endOfGenIds(const runtime::Tokenizer &tokenizer);

/// Prints the trace of `tokens` to `out`; true when every token was
/// allowed and the end is accepting with an EOS allowed, or with the budget
/// spent (the gen then stops for its length). `maxTokens` is the gen's
/// budget, EOS included, counted down as tokens are taken.
bool traceMasks(runtime::constraints::ConstraintMasks &masks,
                std::span<const int32_t> tokens, uint32_t maxTokens,
                std::FILE *out);

} // namespace sgl::tools

#endif // SGL_RUNTIME_TOOLS_SGL_CONSTRAINT_MASKTRACE_H
