//===- Regex.h - PCRE2 regexes with JavaScript-compatible classes -*- C++
//-*-===//
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
class Regex {
public:
  /// Compiles `pattern` (HF/Rust syntax) after `translateHfPattern`.
  static Expected<Regex> compile(std::string_view pattern);

  /// All non-empty, non-overlapping matches in `text`, left to right, with
  /// JavaScript `matchAll` semantics (an empty match advances one code
  /// point). `text` must be valid UTF-8.
  std::vector<MatchRange> findAll(std::string_view text) const;

  /// The pattern as given to PCRE2, after translation.
  const std::string &pattern() const { return translated_; }

private:
  Regex(std::string translated, std::shared_ptr<void> code)
      : translated_(std::move(translated)), code_(std::move(code)) {}

  std::string translated_;
  std::shared_ptr<void> code_; // pcre2_code_8, JIT-compiled when possible
};

/// Rewrites an HF pattern so PCRE2 matches what the JavaScript reference
/// matches: `\s`/`\S` become the explicit ECMAScript white-space set (PCRE2
/// adds U+0085 and U+180E and lacks U+FEFF), and the case-insensitive
/// contraction group used by Llama 3 / Qwen becomes an ASCII-only group.
std::string translateHfPattern(std::string_view pattern);

} // namespace sgl::runtime

#endif // SGL_RUNTIME_TOKENIZER_REGEX_H
