//===- MaskTestPatterns.h - Patterns for the mask tests ---------*- C++ -*-===//
//
// Hand-written patterns with the shapes constraints take (numbers, strings
// with escapes, JSON-like literals, multi-byte characters, counted and
// exponential repetition), and seeded random ones built from atoms the
// generated vocabulary spells.
//
//===----------------------------------------------------------------------===//
#ifndef SGL_TEST_UNIT_CONSTRAINTS_MASKTESTPATTERNS_H
#define SGL_TEST_UNIT_CONSTRAINTS_MASKTESTPATTERNS_H

#include <cstdint>
#include <random>
#include <string>
#include <vector>

namespace sgl::runtime::constraints::test {

inline std::vector<std::string> handWrittenPatterns() {
  return {"[0-9]+",
          "-?(0|[1-9][0-9]*)(\\.[0-9]+)?",
          "[a-z]{2,5}@[a-z]+\\.(com|org)",
          "\"([^\"\\\\]|\\\\.)*\"",
          "(abc|xyz)*0",
          "[α-ω]{1,3}é?😀|中+",
          "\\{\"name\": \"[a-z ]{0,10}\", \"age\": [0-9]{1,3}\\}",
          ".{0,6}",
          "(a|b)*a(a|b){3}",
          "ab|abc|abcd",
          "",
          "[^\\s\\S]"};
}

/// Random patterns from one seed. Each draw is its own statement, so the
/// patterns do not depend on a compiler's order of evaluation.
class RandomPatterns {
public:
  explicit RandomPatterns(uint64_t seed) : rng_(seed) {}

  std::string next() {
    std::string pattern;
    expression(4, pattern);
    return pattern;
  }

private:
  void expression(int depth, std::string &out) {
    static const char *const atoms[] = {
        "a",     "b",    "c",  "x",   "0",   "9",    " ", "é",
        "α",     "中",   "😀", "\"",  "\\{", "\\}",  ":", "[a-c]",
        "[0-9]", "[^a]", ".",  "\\w", "\\d", "[α-ω]"};
    static const char *const quantifiers[] = {"*", "+", "?", "{1,3}", "{2}"};
    if (depth == 0 || chance(30)) {
      out += atoms[rng_() % std::size(atoms)];
      return;
    }
    switch (rng_() % 4) {
    case 0: // concatenation of two or three
      expression(depth - 1, out);
      expression(depth - 1, out);
      if (chance(50))
        expression(depth - 1, out);
      return;
    case 1:
      out += '(';
      expression(depth - 1, out);
      out += '|';
      expression(depth - 1, out);
      out += ')';
      return;
    case 2:
      out += '(';
      expression(depth - 1, out);
      out += ')';
      out += quantifiers[rng_() % std::size(quantifiers)];
      return;
    default: // an optional tail
      expression(depth - 1, out);
      out += '(';
      expression(depth - 1, out);
      out += ")?";
      return;
    }
  }
  bool chance(int percent) { return static_cast<int>(rng_() % 100) < percent; }

  std::mt19937_64 rng_; // drawn with `%`: the same on every library
};

/// `count` patterns of RandomPatterns(seed).
inline std::vector<std::string> randomPatterns(uint64_t seed, int count) {
  RandomPatterns generator(seed);
  std::vector<std::string> patterns;
  for (int i = 0; i < count; ++i)
    patterns.push_back(generator.next());
  return patterns;
}

} // namespace sgl::runtime::constraints::test

#endif // SGL_TEST_UNIT_CONSTRAINTS_MASKTESTPATTERNS_H
