//===- Regex.h - PCRE2 regexes, JavaScript-style classes --------*- C++ -*-===//
//
// Pre-tokenizer patterns in tokenizer.json are written for the Rust `regex`
// crate and run by @lenml/tokenizers as JavaScript `u` regexes. `Regex`
// compiles them with PCRE2 (UTF-8, Unicode properties, JIT when available)
// after a small translation that gives `\s` the JavaScript meaning and
// spells the `(?i:'s|'t|...)` contraction group out the way the reference
// does, so matches agree with the reference implementation.
//
//===----------------------------------------------------------------------===//
#ifndef SGL_RUNTIME_TOKENIZER_REGEX_H
#define SGL_RUNTIME_TOKENIZER_REGEX_H

#include "runtime/support/Expected.h"

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace sgl::runtime {

/// A half-open byte range [begin, end) of a match inside the searched text.
struct MatchRange {
  size_t begin = 0;
  size_t end = 0;
};

/// A compiled, immutable PCRE2 pattern; safe to share between threads.
///
/// Patterns come from tokenizer.json, so matching runs under explicit PCRE2
/// limits (backtracking steps, nesting depth, heap): a pattern that
/// backtracks catastrophically fails with an Error instead of running for
/// hours or silently ending the match list early.
class Regex {
public:
  /// Backtracking steps one match attempt may take (PCRE2's default).
  static constexpr uint32_t kMatchLimit = 10'000'000;
  /// Nesting of backtracking points one match attempt may reach (the
  /// interpreter only; the heap limit is what bounds its memory).
  static constexpr uint32_t kDepthLimit = 10'000'000;
  /// Heap the interpreter may use for backtracking, in KiB (64 MiB).
  static constexpr uint32_t kHeapLimitKiB = 64 * 1024;

  /// Compiles `pattern` (HF/Rust syntax) after `translateHfPattern`.
  static Expected<Regex> compile(std::string_view pattern);

  /// All non-empty, non-overlapping matches in `text`, left to right, with
  /// JavaScript `matchAll` semantics (an empty match advances one code
  /// point). `text` must be valid UTF-8. Fails when PCRE2 gives up (a limit
  /// above, or the JIT stack): never a partial list.
  Expected<std::vector<MatchRange>> findAll(std::string_view text) const;

  /// The pattern as given to PCRE2, after translation.
  const std::string &pattern() const { return translated_; }

private:
  Regex(std::string source, std::string translated, std::shared_ptr<void> code,
        std::shared_ptr<void> limits)
      : source_(std::move(source)), translated_(std::move(translated)),
        code_(std::move(code)), limits_(std::move(limits)) {}

  std::string source_; // as written in tokenizer.json, for messages
  std::string translated_;
  std::shared_ptr<void> code_; // pcre2_code_8, JIT-compiled when possible
  // pcre2_match_context_8 holding the limits; never changed after compile,
  // so threads may share it.
  std::shared_ptr<void> limits_;
};

/// Rewrites an HF pattern so PCRE2 matches what the JavaScript reference
/// matches: `\s`/`\S` become the explicit ECMAScript white-space set (PCRE2
/// adds U+0085 and U+180E and lacks U+FEFF), and the case-insensitive
/// contraction group used by Llama 3 / Qwen becomes an ASCII-only group.
std::string translateHfPattern(std::string_view pattern);

} // namespace sgl::runtime

#endif // SGL_RUNTIME_TOKENIZER_REGEX_H
