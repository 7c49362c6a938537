//===- Utf8RangesTest.cpp - Code point ranges as UTF-8 byte sequences -----===//
#include "runtime/constraints/Utf8Ranges.h"

#include <gtest/gtest.h>

#include <random>
#include <sstream>
#include <string>

using namespace sgl::runtime::constraints;

namespace {

std::vector<Utf8Sequence> sequencesOf(char32_t lo, char32_t hi) {
  std::vector<Utf8Sequence> out;
  appendUtf8Sequences(lo, hi, out);
  return out;
}

/// "[E0][A0-BF][80-BF]" per sequence, one per line.
std::string render(const std::vector<Utf8Sequence> &sequences) {
  std::ostringstream out;
  out << std::hex << std::uppercase;
  for (const Utf8Sequence &sequence : sequences) {
    for (int i = 0; i < sequence.length; ++i) {
      auto [lo, hi] = sequence.bytes[i];
      out << "[" << (lo < 16 ? "0" : "") << int(lo);
      if (hi != lo)
        out << "-" << (hi < 16 ? "0" : "") << int(hi);
      out << "]";
    }
    out << "\n";
  }
  return out.str();
}

/// The UTF-8 encoding of a scalar value, written independently of the
/// library.
std::string encode(char32_t cp) {
  std::string out;
  if (cp < 0x80) {
    out += char(cp);
  } else if (cp < 0x800) {
    out += char(0xC0 | (cp >> 6));
    out += char(0x80 | (cp & 0x3F));
  } else if (cp < 0x10000) {
    out += char(0xE0 | (cp >> 12));
    out += char(0x80 | ((cp >> 6) & 0x3F));
    out += char(0x80 | (cp & 0x3F));
  } else {
    out += char(0xF0 | (cp >> 18));
    out += char(0x80 | ((cp >> 12) & 0x3F));
    out += char(0x80 | ((cp >> 6) & 0x3F));
    out += char(0x80 | (cp & 0x3F));
  }
  return out;
}

bool matches(const Utf8Sequence &sequence, const std::string &bytes) {
  if (bytes.size() != sequence.length)
    return false;
  for (int i = 0; i < sequence.length; ++i) {
    uint8_t byte = static_cast<uint8_t>(bytes[i]);
    if (byte < sequence.bytes[i].lo || byte > sequence.bytes[i].hi)
      return false;
  }
  return true;
}

int countMatching(const std::vector<Utf8Sequence> &sequences,
                  const std::string &bytes) {
  int count = 0;
  for (const Utf8Sequence &sequence : sequences)
    count += matches(sequence, bytes) ? 1 : 0;
  return count;
}

bool isSurrogate(char32_t cp) { return cp >= 0xD800 && cp <= 0xDFFF; }

TEST(Utf8Ranges, AllOfUnicodeIsTheKnownNineSequences) {
  EXPECT_EQ(render(sequencesOf(0, 0x10FFFF)), "[00-7F]\n"
                                              "[C2-DF][80-BF]\n"
                                              "[E0][A0-BF][80-BF]\n"
                                              "[E1-EC][80-BF][80-BF]\n"
                                              "[ED][80-9F][80-BF]\n"
                                              "[EE-EF][80-BF][80-BF]\n"
                                              "[F0][90-BF][80-BF][80-BF]\n"
                                              "[F1-F3][80-BF][80-BF][80-BF]\n"
                                              "[F4][80-8F][80-BF][80-BF]\n");
}

TEST(Utf8Ranges, AsciiRangesAreOneByteRange) {
  EXPECT_EQ(render(sequencesOf('a', 'z')), "[61-7A]\n");
  EXPECT_EQ(render(sequencesOf(0, 0)), "[00]\n");
}

TEST(Utf8Ranges, RangesSplitAtContinuationBoundaries) {
  // U+00E9..U+0101: é..ā crosses from C3 to C4.
  EXPECT_EQ(render(sequencesOf(0xE9, 0x101)), "[C3][A9-BF]\n"
                                              "[C4][80-81]\n");
  EXPECT_EQ(render(sequencesOf(0x1F600, 0x1F67F)), "[F0][9F][98-99][80-BF]\n");
}

TEST(Utf8Ranges, SurrogatesAreLeftOut) {
  EXPECT_TRUE(sequencesOf(0xD800, 0xDFFF).empty());
  EXPECT_EQ(render(sequencesOf(0xD7FF, 0xE000)), "[ED][9F][BF]\n"
                                                 "[EE][80][80]\n");
}

TEST(Utf8Ranges, EveryScalarMatchesExactlyOneSequenceOfTheFullRange) {
  std::vector<Utf8Sequence> all = sequencesOf(0, 0x10FFFF);
  for (char32_t cp = 0; cp <= 0x10FFFF; ++cp) {
    if (isSurrogate(cp))
      continue;
    ASSERT_EQ(countMatching(all, encode(cp)), 1)
        << std::hex << "U+" << uint32_t(cp);
  }
}

TEST(Utf8Ranges, RandomRangesMatchTheirScalarsAndNothingElse) {
  std::mt19937_64 rng(8);
  for (int round = 0; round < 300; ++round) {
    // Ends near the interesting boundaries as often as anywhere.
    static constexpr char32_t kEdges[] = {0,       0x7F,    0x80,    0x7FF,
                                          0x800,   0xD7FF,  0xE000,  0xFFFF,
                                          0x10000, 0x3FFFF, 0x40000, 0x10FFFF};
    auto pick = [&]() -> char32_t {
      char32_t cp = rng() % 2 ? kEdges[rng() % std::size(kEdges)]
                              : char32_t(rng() % 0x110000);
      int64_t nudged = int64_t(cp) + int64_t(rng() % 5) - 2;
      return char32_t(std::clamp<int64_t>(nudged, 0, 0x10FFFF));
    };
    char32_t lo = pick(), hi = pick();
    if (lo > hi)
      std::swap(lo, hi);
    std::vector<Utf8Sequence> sequences = sequencesOf(lo, hi);
    for (int probe = 0; probe < 200; ++probe) {
      char32_t cp = probe % 2 ? lo + char32_t(rng() % (hi - lo + 1)) : pick();
      if (isSurrogate(cp))
        continue;
      bool inside = cp >= lo && cp <= hi;
      ASSERT_EQ(countMatching(sequences, encode(cp)), inside ? 1 : 0)
          << std::hex << "U+" << uint32_t(cp) << " in [U+" << uint32_t(lo)
          << ", U+" << uint32_t(hi) << "]";
    }
  }
}

} // namespace
