//===- Utf8.h - UTF-8 helpers for the tokenizer ----------------*- C++ -*-===//
//
// Small UTF-8 utilities: validation with U+FFFD replacement, code point
// iteration, ECMAScript white space (used for added-token lstrip/rstrip) and
// the GPT-2 byte <-> unicode alphabet of byte-level BPE.
//
//===----------------------------------------------------------------------===//
#ifndef SGL_RUNTIME_TOKENIZER_UTF8_H
#define SGL_RUNTIME_TOKENIZER_UTF8_H

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace sgl::runtime {

/// Decodes the code point at `pos` and advances `pos` past it. Returns
/// nullopt for an ill-formed sequence, advancing past its maximal valid
/// prefix (at least one byte).
std::optional<char32_t> nextCodePoint(std::string_view text, size_t &pos);

/// Appends the UTF-8 encoding of `cp` to `out`.
void appendUtf8(std::string &out, char32_t cp);

/// True when `text` is well-formed UTF-8 (no surrogates, no overlongs).
bool isValidUtf8(std::string_view text);

/// `text` with every ill-formed sequence (maximal valid prefix) replaced by
/// one U+FFFD, as WHATWG's TextDecoder does.
std::string sanitizeUtf8(std::string_view text);

/// ECMAScript WhiteSpace or LineTerminator (what String.trim removes).
bool isJsWhitespace(char32_t cp);

/// `text` without leading / trailing ECMAScript white space.
std::string_view trimJsWhitespaceStart(std::string_view text);
std::string_view trimJsWhitespaceEnd(std::string_view text);

/// The GPT-2 byte-level alphabet: byte b is spelt as code point
/// `byteToCodePoint()[b]` in vocabulary and merge strings.
const std::array<char32_t, 256> &byteToCodePoint();

/// The byte-level spelling of raw bytes (each byte -> one code point).
std::string bytesToByteLevel(std::string_view bytes);

/// Inverse of bytesToByteLevel. Code points outside the alphabet are kept as
/// their own UTF-8 encoding (tokens that are not byte-level spelt).
std::string byteLevelToBytes(std::string_view token);

} // namespace sgl::runtime

#endif // SGL_RUNTIME_TOKENIZER_UTF8_H
