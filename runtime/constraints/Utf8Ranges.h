//===- Utf8Ranges.h - Code point ranges as UTF-8 byte sequences -*- C++ -*-===//
//
// The automata run over bytes, but classes are sets of code points. A range
// of code points becomes a few sequences of byte ranges that together match
// exactly the UTF-8 encodings of its scalar values, as RE2 and Rust's
// utf8-ranges do. All of U+0000..U+10FFFF, for example, is
//
//   [00-7F]
//   [C2-DF][80-BF]
//   [E0][A0-BF][80-BF]
//   [E1-EC][80-BF][80-BF]
//   [ED][80-9F][80-BF]          (U+D000..U+D7FF; the surrogates are left out)
//   [EE-EF][80-BF][80-BF]
//   [F0][90-BF][80-BF][80-BF]
//   [F1-F3][80-BF][80-BF][80-BF]
//   [F4][80-8F][80-BF][80-BF]
//
// Overlong forms, surrogates and bytes past U+10FFFF are never matched, so
// an automaton built from these sequences accepts only valid UTF-8.
//
//===----------------------------------------------------------------------===//
#ifndef SGL_RUNTIME_CONSTRAINTS_UTF8RANGES_H
#define SGL_RUNTIME_CONSTRAINTS_UTF8RANGES_H

#include <cstdint>
#include <vector>

namespace sgl::runtime::constraints {

/// An inclusive range of byte values.
struct ByteRange {
  uint8_t lo;
  uint8_t hi;

  bool operator==(const ByteRange &) const = default;
};

/// 1 to 4 byte ranges; a byte string matches when its i-th byte is in
/// bytes[i] for every i < length.
struct Utf8Sequence {
  uint8_t length = 0;
  ByteRange bytes[4] = {};
};

/// Appends to `out` the sequences that match the UTF-8 encodings of the
/// scalar values in [lo, hi] (lo <= hi <= U+10FFFF), in increasing order of
/// code point; nothing when the range holds only surrogates.
void appendUtf8Sequences(char32_t lo, char32_t hi,
                         std::vector<Utf8Sequence> &out);

} // namespace sgl::runtime::constraints

#endif // SGL_RUNTIME_CONSTRAINTS_UTF8RANGES_H
