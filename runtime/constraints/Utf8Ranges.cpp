//===- Utf8Ranges.cpp - Code point ranges as UTF-8 byte sequences ---------===//
//
// The splitting follows Rust's regex-syntax `Utf8Sequences`: a range is cut
// until both ends encode to the same length and, for each continuation byte,
// the range covers either one value of the leading bits or every value of
// the trailing ones; such a range is one sequence of byte ranges.
//
//===----------------------------------------------------------------------===//
#include "runtime/constraints/Utf8Ranges.h"

#include <cassert>

namespace sgl::runtime::constraints {

namespace {

constexpr char32_t kSurrogateLo = 0xD800;
constexpr char32_t kSurrogateHi = 0xDFFF;

/// Writes the UTF-8 encoding of scalar value `cp` and returns its length.
int encode(char32_t cp, uint8_t out[4]) {
  if (cp < 0x80) {
    out[0] = static_cast<uint8_t>(cp);
    return 1;
  }
  if (cp < 0x800) {
    out[0] = static_cast<uint8_t>(0xC0 | (cp >> 6));
    out[1] = static_cast<uint8_t>(0x80 | (cp & 0x3F));
    return 2;
  }
  if (cp < 0x10000) {
    out[0] = static_cast<uint8_t>(0xE0 | (cp >> 12));
    out[1] = static_cast<uint8_t>(0x80 | ((cp >> 6) & 0x3F));
    out[2] = static_cast<uint8_t>(0x80 | (cp & 0x3F));
    return 3;
  }
  out[0] = static_cast<uint8_t>(0xF0 | (cp >> 18));
  out[1] = static_cast<uint8_t>(0x80 | ((cp >> 12) & 0x3F));
  out[2] = static_cast<uint8_t>(0x80 | ((cp >> 6) & 0x3F));
  out[3] = static_cast<uint8_t>(0x80 | (cp & 0x3F));
  return 4;
}

/// The largest code point whose encoding has `length` bytes.
constexpr char32_t kMaxOfLength[] = {0, 0x7F, 0x7FF, 0xFFFF, 0x10FFFF};

int encodedLength(char32_t cp) {
  return cp < 0x80 ? 1 : cp < 0x800 ? 2 : cp < 0x10000 ? 3 : 4;
}

struct Range {
  char32_t lo;
  char32_t hi;
};

} // namespace

void appendUtf8Sequences(char32_t lo, char32_t hi,
                         std::vector<Utf8Sequence> &out) {
  assert(lo <= hi && hi <= 0x10FFFF && "not a code point range");
  // Pending pieces, the lowest on top, so sequences come out in order.
  std::vector<Range> stack = {{lo, hi}};
  while (!stack.empty()) {
    Range r = stack.back();
    stack.pop_back();
    // Leave the surrogates out.
    if (r.lo <= kSurrogateHi && r.hi >= kSurrogateLo) {
      if (r.hi > kSurrogateHi)
        stack.push_back({kSurrogateHi + 1, r.hi});
      if (r.lo < kSurrogateLo)
        stack.push_back({r.lo, kSurrogateLo - 1});
      continue;
    }
    // Both ends must encode to the same number of bytes.
    int loLength = encodedLength(r.lo);
    if (loLength != encodedLength(r.hi)) {
      char32_t cut = kMaxOfLength[loLength];
      stack.push_back({cut + 1, r.hi});
      stack.push_back({r.lo, cut});
      continue;
    }
    if (loLength == 1) {
      Utf8Sequence ascii;
      ascii.length = 1;
      ascii.bytes[0] =
          ByteRange{static_cast<uint8_t>(r.lo), static_cast<uint8_t>(r.hi)};
      out.push_back(ascii);
      continue;
    }
    // For each continuation byte from the last: the range must not start or
    // end in the middle of the values that byte takes.
    bool split = false;
    for (int i = 1; i < 4 && !split; ++i) {
      char32_t trailing = (char32_t(1) << (6 * i)) - 1;
      if ((r.lo & ~trailing) == (r.hi & ~trailing))
        continue;
      if ((r.lo & trailing) != 0) {
        stack.push_back({(r.lo | trailing) + 1, r.hi});
        stack.push_back({r.lo, r.lo | trailing});
        split = true;
      } else if ((r.hi & trailing) != trailing) {
        stack.push_back({r.hi & ~trailing, r.hi});
        stack.push_back({r.lo, (r.hi & ~trailing) - 1});
        split = true;
      }
    }
    if (split)
      continue;
    uint8_t loBytes[4], hiBytes[4];
    Utf8Sequence sequence;
    sequence.length = static_cast<uint8_t>(encode(r.lo, loBytes));
    encode(r.hi, hiBytes);
    for (int i = 0; i < sequence.length; ++i)
      sequence.bytes[i] = ByteRange{loBytes[i], hiBytes[i]};
    out.push_back(sequence);
  }
}

} // namespace sgl::runtime::constraints
