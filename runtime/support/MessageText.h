//===- MessageText.h - Quoting outside text inside messages -----*- C++ -*-===//
//
// Error messages quote what the user gave (a name, a token, a line of a
// file). Raw control bytes would break the one-line rule or garble the
// terminal, and a multi-megabyte value would bury the message, so outside
// text goes through these before it is printed.
//
//===----------------------------------------------------------------------===//
#ifndef SGL_RUNTIME_SUPPORT_MESSAGETEXT_H
#define SGL_RUNTIME_SUPPORT_MESSAGETEXT_H

#include <cstddef>
#include <string>
#include <string_view>

namespace sgl {

/// `text` with control characters escaped: "\n", "\r", "\t", "\x00"...
/// Bytes from 0x80 up (UTF-8) are kept as they are.
std::string escapeControlChars(std::string_view text);

/// Like escapeControlChars, cut to about `maxBytes` of input with
/// "... (N more bytes)" appended when it was longer. A cut never splits a
/// UTF-8 sequence.
std::string abbreviate(std::string_view text, size_t maxBytes = 200);

/// abbreviate(text, maxBytes) in single quotes: how a message quotes a
/// name, a token or a piece of source text.
std::string quoted(std::string_view text, size_t maxBytes = 64);

} // namespace sgl

#endif // SGL_RUNTIME_SUPPORT_MESSAGETEXT_H
