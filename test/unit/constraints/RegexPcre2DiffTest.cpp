//===- RegexPcre2DiffTest.cpp - compileRegex against PCRE2, full match ----===//
//
// The reference is PCRE2 with PCRE2_UTF | PCRE2_ANCHORED | PCRE2_ENDANCHORED
// (newline LF, so `.` excludes only "\n"): for every pattern and text, our
// DFA accepts the text exactly when PCRE2 matches all of it. Texts that are
// not valid UTF-8 make PCRE2 fail its UTF check; they count as "no match",
// which the DFA must agree with.
//
// Patterns are hand-written or drawn from a small seeded grammar over the
// supported syntax. Texts are biased toward the language: walks through the
// DFA to acceptance, those walks mutated by a byte or a character (which
// often breaks UTF-8 or lands just outside the language), and short random
// strings. Every text the DFA accepts also checks shortestAccept: from each
// prefix's state, it is at most the number of bytes still to come.
//
// Randomness: std::mt19937_64 drawn with `%`, so runs are the same on every
// standard library. PCRE2 runs under a small match limit; the rare
// catastrophic backtrack is skipped and counted, not compared.
//
//===----------------------------------------------------------------------===//
#include "runtime/constraints/RegexCompiler.h"

#include "DfaInvariants.h"

#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>

#include <gtest/gtest.h>

#include <iostream>
#include <memory>
#include <optional>
#include <random>
#include <sstream>
#include <string>
#include <vector>

using namespace sgl::runtime::constraints;
using sgl::runtime::constraints::test::checkDfaInvariants;

namespace {

/// One pattern compiled by PCRE2 for whole-text matching.
class Pcre2FullMatch {
public:
  enum class Result { Match, NoMatch, InvalidUtf8, GaveUp };

  explicit Pcre2FullMatch(const std::string &pattern) {
    std::unique_ptr<pcre2_compile_context,
                    decltype(&pcre2_compile_context_free)>
        context(pcre2_compile_context_create(nullptr),
                &pcre2_compile_context_free);
    pcre2_set_newline(context.get(), PCRE2_NEWLINE_LF);
    int errorCode = 0;
    PCRE2_SIZE errorOffset = 0;
    code_.reset(pcre2_compile(reinterpret_cast<PCRE2_SPTR>(pattern.data()),
                              pattern.size(),
                              PCRE2_UTF | PCRE2_ANCHORED | PCRE2_ENDANCHORED,
                              &errorCode, &errorOffset, context.get()));
    if (!code_) {
      PCRE2_UCHAR buffer[256];
      pcre2_get_error_message(errorCode, buffer, sizeof(buffer));
      error_ = std::to_string(errorOffset) + ": " +
               reinterpret_cast<const char *>(buffer);
      return;
    }
    matchData_.reset(
        pcre2_match_data_create_from_pattern(code_.get(), nullptr));
    matchContext_.reset(pcre2_match_context_create(nullptr));
    pcre2_set_match_limit(matchContext_.get(), 200'000);
  }

  bool compiled() const { return code_ != nullptr; }
  const std::string &error() const { return error_; }

  Result match(std::string_view text) const {
    int rc =
        pcre2_match(code_.get(), reinterpret_cast<PCRE2_SPTR>(text.data()),
                    text.size(), 0, 0, matchData_.get(), matchContext_.get());
    if (rc >= 0)
      return Result::Match;
    if (rc == PCRE2_ERROR_NOMATCH)
      return Result::NoMatch;
    if (rc <= PCRE2_ERROR_UTF8_ERR1 && rc >= PCRE2_ERROR_UTF8_ERR21)
      return Result::InvalidUtf8;
    return Result::GaveUp; // match, depth or heap limit
  }

private:
  std::unique_ptr<pcre2_code, decltype(&pcre2_code_free)> code_{
      nullptr, &pcre2_code_free};
  std::unique_ptr<pcre2_match_data, decltype(&pcre2_match_data_free)>
      matchData_{nullptr, &pcre2_match_data_free};
  std::unique_ptr<pcre2_match_context, decltype(&pcre2_match_context_free)>
      matchContext_{nullptr, &pcre2_match_context_free};
  std::string error_;
};

/// `text` with non-printable bytes as \xHH, for failure messages.
std::string printable(std::string_view text) {
  std::ostringstream out;
  for (char c : text) {
    uint8_t byte = static_cast<uint8_t>(c);
    if (byte >= 0x20 && byte < 0x7F && c != '\\') {
      out << c;
    } else {
      static constexpr char kHex[] = "0123456789abcdef";
      out << "\\x" << kHex[byte >> 4] << kHex[byte & 15];
    }
  }
  return out.str();
}

/// Whether compileRegex failed on one of the AutomatonLimits (not syntax).
bool isSizeLimitError(const std::string &message) {
  for (const char *what : {"automaton exceeds", "automaton is too complex",
                           "NFA states", "repetition count"})
    if (message.find(what) != std::string::npos)
      return true;
  return false;
}

/// What texts are made of.
const char *const kTextAlphabet[] = {
    // ASCII
    "a", "b", "c", "x", "A", "0", "9", "_", "-", " ", ".", "*", "\\", "]", "\n",
    "\t", "\x7F",
    // 2-, 3- and 4-byte UTF-8
    "é", "ω", "λ", "☃", "😀", "😂",
    // not UTF-8: stray bytes, a truncated sequence, a surrogate, past U+10FFFF
    "\xFF", "\xC3", "\x80", "\xED\xA0\x80", "\xF4\x90\x80\x80"};
constexpr size_t kTextAlphabetSize = std::size(kTextAlphabet);

class Checker {
public:
  explicit Checker(uint64_t seed) : rng_(seed) {}

  uint64_t below(uint64_t n) { return rng_() % n; }

  /// Compares the DFA of `pattern` with PCRE2 on `numTexts` texts. Either
  /// side failing to compile it is a test failure, except for our size
  /// limits, which are counted in tooLarge.
  void checkPattern(const std::string &pattern, int numTexts) {
    SCOPED_TRACE("pattern: " + printable(pattern));
    sgl::Expected<ByteDfa> dfa = compileRegex(pattern);
    Pcre2FullMatch pcre2(pattern);
    if (!dfa && isSizeLimitError(dfa.error().message)) {
      ++tooLarge; // a size limit, not a disagreement
      return;
    }
    ASSERT_TRUE(dfa) << dfa.error().message;
    ASSERT_TRUE(pcre2.compiled()) << "PCRE2: " << pcre2.error();
    ++patterns;
    EXPECT_TRUE(checkDfaInvariants(*dfa));
    std::vector<std::string> samples;
    for (int i = 0; i < 8; ++i)
      if (std::optional<std::string> sample = walkToAcceptance(*dfa))
        samples.push_back(*sample);
    for (int i = 0; i < numTexts; ++i) {
      uint64_t kind = below(6);
      std::string text;
      if (kind < 2 && !samples.empty())
        text = samples[below(samples.size())];
      else if (kind < 5 && !samples.empty())
        text = mutate(samples[below(samples.size())], samples);
      else
        text = randomText();
      compare(*dfa, pcre2, text);
    }
  }

  /// One line of counts, so a run shows how much it compared.
  void report(std::string_view what) const {
    std::cout << "[ PCRE2    ] " << what << ": " << patterns << " patterns, "
              << checks << " texts compared (" << accepted << " accepted), "
              << gaveUp << " skipped (PCRE2 match limit), " << tooLarge
              << " patterns over a size limit\n";
  }

  int64_t checks = 0;
  int64_t accepted = 0;
  int64_t gaveUp = 0;
  int patterns = 0;
  int tooLarge = 0;
  int mismatches = 0;

private:
  void compare(const ByteDfa &dfa, const Pcre2FullMatch &pcre2,
               const std::string &text) {
    Pcre2FullMatch::Result theirs = pcre2.match(text);
    if (theirs == Pcre2FullMatch::Result::GaveUp) {
      ++gaveUp;
      return;
    }
    ++checks;
    bool ours = dfa.matches(text);
    if (ours != (theirs == Pcre2FullMatch::Result::Match)) {
      // Report the first few in full; the count tells the rest.
      if (++mismatches <= 10)
        ADD_FAILURE() << "text '" << printable(text) << "': DFA "
                      << (ours ? "accepts" : "rejects") << ", PCRE2 "
                      << (theirs == Pcre2FullMatch::Result::Match ? "matches"
                          : theirs == Pcre2FullMatch::Result::InvalidUtf8
                              ? "rejects it as invalid UTF-8"
                              : "does not match");
      return;
    }
    if (!ours)
      return;
    ++accepted;
    ByteDfa::State state = dfa.start();
    for (size_t i = 0; i <= text.size(); ++i) {
      if (dfa.shortestAccept(state) > text.size() - i) {
        ADD_FAILURE() << "text '" << printable(text) << "': shortestAccept "
                      << dfa.shortestAccept(state) << " after " << i
                      << " bytes, but " << text.size() - i << " remain";
        return;
      }
      if (i < text.size())
        state = dfa.step(state, static_cast<uint8_t>(text[i]));
    }
  }

  /// A text the DFA accepts: random characters that keep it alive, ending
  /// at an accepting state by chance or along a shortest path once long.
  std::optional<std::string> walkToAcceptance(const ByteDfa &dfa) {
    ByteDfa::State state = dfa.start();
    if (dfa.isDead(state))
      return std::nullopt;
    std::string text;
    while (true) {
      if (dfa.accepting(state) && (below(4) == 0 || text.size() >= 24))
        return text;
      if (text.size() >= 24) {
        // Shortest way home: a byte one step closer to acceptance.
        for (int byte = 0; byte < 256; ++byte) {
          ByteDfa::State next = dfa.step(state, uint8_t(byte));
          if (dfa.shortestAccept(next) + 1 == dfa.shortestAccept(state)) {
            text += char(byte);
            state = next;
            break;
          }
        }
        continue;
      }
      bool moved = false;
      for (int attempt = 0; attempt < 8 && !moved; ++attempt) {
        std::string_view piece = kTextAlphabet[below(kTextAlphabetSize)];
        ByteDfa::State next = dfa.walk(state, piece);
        if (!dfa.isDead(next)) {
          text += piece;
          state = next;
          moved = true;
        }
      }
      if (moved)
        continue;
      std::vector<uint8_t> live;
      for (int byte = 0; byte < 256; ++byte)
        if (!dfa.isDead(dfa.step(state, uint8_t(byte))))
          live.push_back(uint8_t(byte));
      if (live.empty())
        return text; // accepting, with nothing after it
      uint8_t byte = live[below(live.size())];
      text += char(byte);
      state = dfa.step(state, byte);
    }
  }

  std::string mutate(std::string text,
                     const std::vector<std::string> &samples) {
    auto at = [&] { return below(text.size() + 1); };
    std::string_view piece = kTextAlphabet[below(kTextAlphabetSize)];
    switch (below(8)) {
    case 0: // insert a character, perhaps inside another one
      text.insert(at(), piece);
      break;
    case 1: // drop a byte
      if (!text.empty())
        text.erase(below(text.size()), 1);
      break;
    case 2: // drop a range
      if (!text.empty()) {
        size_t begin = below(text.size());
        text.erase(begin, 1 + below(text.size() - begin));
      }
      break;
    case 3: // overwrite a byte
      if (!text.empty())
        text[below(text.size())] = char(below(256));
      break;
    case 4: { // repeat a slice
      size_t begin = at();
      size_t length = below(text.size() - begin + 1);
      text.insert(begin, text.substr(begin, length));
      break;
    }
    case 5:
      text += piece;
      break;
    case 6:
      text.resize(below(text.size() + 1));
      break;
    default:
      text += samples[below(samples.size())];
    }
    return text;
  }

  std::string randomText() {
    std::string text;
    for (uint64_t n = below(7); n > 0; --n)
      text += kTextAlphabet[below(kTextAlphabetSize)];
    return text;
  }

  std::mt19937_64 rng_;
};

/// Draws patterns from a small grammar of the supported syntax.
class PatternGenerator {
public:
  explicit PatternGenerator(std::mt19937_64 &rng) : rng_(rng) {}

  std::string pattern() {
    std::string out;
    if (below(10) == 0)
      out += "^";
    out += alternation(0);
    if (below(10) == 0)
      out += "$";
    return out;
  }

private:
  uint64_t below(uint64_t n) { return rng_() % n; }
  template <size_t N> const char *pick(const char *const (&options)[N]) {
    return options[below(N)];
  }

  std::string alternation(int depth) {
    std::string out = sequence(depth);
    while (depth < 3 && below(4) == 0)
      out.append("|").append(sequence(depth));
    return out;
  }

  std::string sequence(int depth) {
    std::string out;
    for (uint64_t n = 1 + below(4); n > 0; --n)
      out += item(depth);
    return out;
  }

  std::string item(int depth) {
    std::string out = atom(depth);
    if (below(3) != 0)
      return out;
    static const char *const kSimple[] = {"*", "+", "?"};
    if (below(2) == 0) {
      out += pick(kSimple);
    } else {
      // Appended piece by piece: GCC 12 warns falsely (-Wrestrict) on
      // "{" + std::string.
      uint64_t min = below(4), max = min + below(4);
      out.append("{").append(std::to_string(min));
      switch (below(3)) {
      case 0:
        break;
      case 1:
        out.append(",");
        break;
      default:
        out.append(",").append(std::to_string(max));
      }
      out.append("}");
    }
    if (below(5) == 0)
      out += "?"; // lazy
    return out;
  }

  std::string atom(int depth) {
    static const char *const kLiterals[] = {
        "a",   "b",     "c",       "0",          "-",   " ",   "é",    "ω",
        "☃",   "😀",    "\\.",     "\\*",        "\\(", "\\$", "\\\\", "\\n",
        "\\t", "\\x61", "\\x{e9}", "\\x{1F600}", "]",   "}"};
    static const char *const kShorthands[] = {"\\d", "\\w", "\\s",
                                              "\\D", "\\W", "\\S"};
    uint64_t kind = below(depth < 3 ? 10 : 8);
    if (kind < 4)
      return pick(kLiterals);
    if (kind == 4)
      return ".";
    if (kind == 5)
      return pick(kShorthands);
    if (kind < 8)
      return characterClass();
    std::string group = below(2) ? "(" : "(?:";
    return group.append(alternation(depth + 1)).append(")");
  }

  std::string characterClass() {
    static const char *const kMembers[] = {
        // single code points
        "a", "b", "0", "é", "☃", "😀", "\\-", "\\]", "\\\\", ".", "*",
        // ranges, some across UTF-8 lengths
        "a-c", "0-9", "a-z", "α-ω", "é-ö", "☃-😀", "\\x00-\\x1f",
        "\\x{80}-\\x{7FF}", "\\x{800}-\\x{FFFF}", "\\x{10000}-\\x{10FFFF}",
        "\\x{100}-\\x{10FFFF}",
        // shorthands
        "\\d", "\\w", "\\s", "\\S", "\\W"};
    std::string out = below(3) == 0 ? "[^" : "[";
    for (uint64_t n = 1 + below(3); n > 0; --n)
      out += pick(kMembers);
    return out + "]";
  }

  std::mt19937_64 &rng_;
};

/// Patterns that exercise each construct and the usual constraint shapes.
const char *const kHandWritten[] = {
    "abc",
    "a|b|cd",
    "(ab|cd)*",
    "a*b+c?",
    "[a-c]{2,4}",
    "[^a-c]+",
    ".*",
    ".+x",
    ".{2,3}",
    "\\d{3}-\\d{4}",
    "\\w+@\\w+\\.com",
    "\\s*x\\s*",
    "[\\s\\S]",
    "\\D\\W\\S",
    "(?:a|bc)+d",
    "(a|ab)(c|bcd)(d*)",
    "[α-ω]+",
    "[^α-ω]",
    "😀+",
    "[😀-😂]*",
    "\\x{e9}|\\x41",
    "é?ω*☃+",
    "(a*)*",
    "(a|a?)+b",
    "(a|b)*a(a|b){3}",
    "x{0}y",
    "(?:x{2}){1,3}",
    "a{2,}?b",
    "[-a]+",
    "[a-]+",
    "[]a]+",
    "[^]a]+",
    "\\.\\*\\+\\?\\\\",
    "[.*+?\\\\]+",
    "(|a)b",
    "a||b",
    "^ab$",
    "^(a|b)*$",
    "[\\x00-\\x{7f}]*",
    "[^\\n]*",
    "[\\x{D000}-\\x{E000}]+",
    "\\x{10FFFF}|\\x{FFFF}|\\x{800}|\\x{7FF}|\\x{80}",
    "[^\\x{80}-\\x{10FFFF}]+",
    "\\{\"a\":\\s*\\d+\\}",
    "-?(0|[1-9]\\d*)(\\.\\d+)?([eE][+-]?\\d+)?",
    "\"([^\"\\\\]|\\\\.)*\"",
    "[0-9+\\-*/(). ]+",
    "(?<y>\\d{4})-(?P<m>\\d\\d)",
    "(true|false|null)",
    "[a-z]+(?:_[a-z0-9]+)*",
};

TEST(RegexPcre2Diff, HandWrittenPatterns) {
  Checker checker(20240517);
  for (const char *pattern : kHandWritten)
    checker.checkPattern(pattern, 2000);
  checker.report("hand-written");
  EXPECT_EQ(checker.mismatches, 0);
  EXPECT_EQ(checker.tooLarge, 0);
  EXPECT_EQ(checker.patterns, int(std::size(kHandWritten)));
  EXPECT_GE(checker.checks, 95'000);
  // Biased toward the language: a good share of the texts are in it.
  EXPECT_GE(checker.accepted, checker.checks / 5);
  EXPECT_LE(checker.gaveUp, checker.checks / 100);
}

TEST(RegexPcre2Diff, RandomPatterns) {
  std::mt19937_64 patternRng(8);
  PatternGenerator generator(patternRng);
  Checker checker(88);
  for (int i = 0; i < 600; ++i)
    checker.checkPattern(generator.pattern(), 250);
  checker.report("random");
  EXPECT_EQ(checker.mismatches, 0);
  EXPECT_LE(checker.tooLarge, 6); // the odd nesting of counted repeats
  EXPECT_GE(checker.checks, 140'000);
  EXPECT_GE(checker.accepted, checker.checks / 5);
  EXPECT_LE(checker.gaveUp, checker.checks / 100);
}

} // namespace
