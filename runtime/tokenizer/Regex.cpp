//===- Regex.cpp - PCRE2 regexes with JavaScript-compatible classes -------===//
//
// Compiles pre-tokenizer patterns with PCRE2 and enumerates their matches.
//
//===----------------------------------------------------------------------===//
#include "runtime/tokenizer/Regex.h"

#include "runtime/tokenizer/JsonInput.h"

#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>

namespace sgl::runtime {

namespace {

/// ECMAScript WhiteSpace + LineTerminator, as a character-class body.
constexpr std::string_view kJsWhitespace =
    "\\t\\n\\x{0B}\\f\\r \\x{A0}\\x{1680}\\x{2000}-\\x{200A}\\x{2028}"
    "\\x{2029}\\x{202F}\\x{205F}\\x{3000}\\x{FEFF}";

/// The contraction group of the Llama 3 / Qwen patterns and the ASCII-only
/// spelling @lenml/tokenizers substitutes for it (PCRE2's `(?i)` would also
/// fold e.g. U+017F LATIN SMALL LETTER LONG S onto `s`).
constexpr std::string_view kCaseInsensitiveContractions =
    "(?i:'s|'t|'re|'ve|'m|'ll|'d)";
constexpr std::string_view kAsciiContractions =
    "(?:'(?:[sS]|[tT]|[rR][eE]|[vV][eE]|[mM]|[lL][lL]|[dD]))";

std::string replaceAll(std::string_view text, std::string_view from,
                       std::string_view to) {
  std::string out;
  size_t pos = 0;
  while (true) {
    size_t hit = text.find(from, pos);
    if (hit == std::string_view::npos)
      break;
    out.append(text.substr(pos, hit - pos));
    out.append(to);
    pos = hit + from.size();
  }
  out.append(text.substr(pos));
  return out;
}

/// Length in bytes of the UTF-8 sequence starting with `lead`.
size_t utf8Length(unsigned char lead) {
  if (lead < 0x80)
    return 1;
  if ((lead >> 5) == 0x6)
    return 2;
  if ((lead >> 4) == 0xE)
    return 3;
  return 4;
}

} // namespace

std::string translateHfPattern(std::string_view pattern) {
  std::string source =
      replaceAll(pattern, kCaseInsensitiveContractions, kAsciiContractions);
  std::string out;
  out.reserve(source.size() + 64);
  bool inClass = false;
  for (size_t i = 0; i < source.size(); ++i) {
    char c = source[i];
    if (c == '\\' && i + 1 < source.size()) {
      char next = source[++i];
      if (next == 's') {
        if (inClass)
          out.append(kJsWhitespace);
        else
          out.append("[").append(kJsWhitespace).append("]");
      } else if (next == 'S' && !inClass) {
        out.append("[^").append(kJsWhitespace).append("]");
      } else {
        out.push_back('\\');
        out.push_back(next);
      }
      continue;
    }
    out.push_back(c);
    if (!inClass && c == '[') {
      inClass = true;
      // A `^` and then a `]` right after the opening bracket are literal.
      if (i + 1 < source.size() && source[i + 1] == '^')
        out.push_back(source[++i]);
      if (i + 1 < source.size() && source[i + 1] == ']')
        out.push_back(source[++i]);
    } else if (inClass && c == ']') {
      inClass = false;
    }
  }
  return out;
}

Expected<Regex> Regex::compile(std::string_view pattern) {
  std::string translated = translateHfPattern(pattern);
  int errorCode = 0;
  PCRE2_SIZE errorOffset = 0;
  pcre2_code *code = pcre2_compile(
      reinterpret_cast<PCRE2_SPTR>(translated.data()), translated.size(),
      PCRE2_UTF | PCRE2_UCP, &errorCode, &errorOffset, nullptr);
  if (!code) {
    PCRE2_UCHAR message[256];
    pcre2_get_error_message(errorCode, message, sizeof(message));
    return makeError("invalid pre-tokenizer regex " + singleQuoted(pattern) +
                     " at offset " + std::to_string(errorOffset) + ": " +
                     reinterpret_cast<const char *>(message));
  }
  std::shared_ptr<void> owned(
      code, [](void *p) { pcre2_code_free(static_cast<pcre2_code *>(p)); });
  // JIT is an optimisation only; interpretation is used when it fails.
  (void)pcre2_jit_compile(code, PCRE2_JIT_COMPLETE);

  pcre2_match_context *context = pcre2_match_context_create(nullptr);
  if (!context)
    return makeError("out of memory compiling pre-tokenizer regex");
  std::shared_ptr<void> limits(context, [](void *p) {
    pcre2_match_context_free(static_cast<pcre2_match_context *>(p));
  });
  pcre2_set_match_limit(context, kMatchLimit);
  pcre2_set_depth_limit(context, kDepthLimit);
  pcre2_set_heap_limit(context, kHeapLimitKiB);
  return Regex(std::string(pattern), std::move(translated), std::move(owned),
               std::move(limits));
}

Expected<std::vector<MatchRange>> Regex::findAll(std::string_view text) const {
  std::vector<MatchRange> matches;
  auto *code = static_cast<pcre2_code *>(code_.get());
  auto *context = static_cast<pcre2_match_context *>(limits_.get());
  std::unique_ptr<pcre2_match_data, void (*)(pcre2_match_data *)> data(
      pcre2_match_data_create_from_pattern(code, nullptr),
      pcre2_match_data_free);
  if (!data)
    return makeError("out of memory matching pre-tokenizer regex");
  const auto *subject = reinterpret_cast<PCRE2_SPTR>(text.data());
  size_t offset = 0;
  while (offset <= text.size()) {
    int rc = pcre2_match(code, subject, text.size(), offset, PCRE2_NO_UTF_CHECK,
                         data.get(), context);
    if (rc == PCRE2_ERROR_NOMATCH)
      break;
    if (rc < 0) {
      // A resource limit (or the JIT stack): stopping here would drop the
      // rest of the text, so report it.
      PCRE2_UCHAR message[256];
      pcre2_get_error_message(rc, message, sizeof(message));
      return makeError(
          "pre-tokenizer regex " + singleQuoted(source_) + " gave up at byte " +
          std::to_string(offset) + " of a " + std::to_string(text.size()) +
          "-byte piece: " + reinterpret_cast<const char *>(message));
    }
    PCRE2_SIZE *ovector = pcre2_get_ovector_pointer(data.get());
    size_t begin = ovector[0], end = ovector[1];
    if (end > begin) {
      matches.push_back({begin, end});
      offset = end;
    } else {
      // Empty match: step over one code point, as JavaScript's `u` mode does.
      if (begin >= text.size())
        break;
      offset = begin + utf8Length(static_cast<unsigned char>(text[begin]));
    }
  }
  return matches;
}

} // namespace sgl::runtime
