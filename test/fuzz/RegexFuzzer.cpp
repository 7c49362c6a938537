//===- RegexFuzzer.cpp - Fuzz compiling regular expressions ---------------===//
//
// `gen(regex: ...)` patterns come from users' programs: any bytes must
// compile into a ByteDfa or give a one-line Error "regex: ...", never a
// crash, a hang or an automaton that breaks ByteDfa's promises. The input is
// the pattern, compiled under small limits so that one input takes
// milliseconds. A failure must read "regex: <offset>: <what>" with an offset
// inside the pattern, or be one of the whole-pattern errors. A DFA must
// satisfy, over every state and byte:
//
//   dead state   state 0 rejects and every byte keeps it there
//   distances    shortestAccept is finite on every other state, 0 exactly
//                when it accepts, else 1 + the least over its successors;
//                following it from the start spells an accepted text of
//                exactly that length
//   minimality   every state is reachable from the start, no two states
//                are equivalent (Moore refinement, small automata only),
//                and no two byte classes act alike
//   UTF-8        the DFA run alongside a UTF-8 decoder never accepts inside
//                a character and never leaves the dead state on a byte the
//                decoder refuses: every accepted text is valid UTF-8
//   texts        walks through the DFA, mutations of them and every byte
//                put in or swapped in at one place of one, chosen by a
//                generator seeded with the input's hash: matches() agrees
//                with walk(), shortestAccept never exceeds the bytes still
//                to come, an accepted text is valid UTF-8, and PCRE2
//                (UTF | ANCHORED | ENDANCHORED, newline LF) matches exactly
//                the accepted ones -- when it compiles the pattern too and
//                stays within its match limit
//   variants     (?:P){1,2} equals (?:P)(?:P)?, or (?:P)+ equals (?:P)(?:P)*
//                (the same automaton up to state numbering), for small
//                automata and when both fit the limits
//
// A DFA past the limit of 2000 states is built lazily (LazyDfa.h) and is
// not minimal: it is built whole first, when that takes at most
// kMaxLazyStatesChecked states, and then checked like the others but for
// minimality; past that, only the texts are checked.
//
//===----------------------------------------------------------------------===//

#include "runtime/constraints/RegexCompiler.h"

#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>

#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <iterator>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

using namespace sgl::runtime::constraints;
using State = ByteDfa::State;

namespace {

/// Longer patterns are skipped: the limits bound a compile, not PCRE2's
/// work or the texts made from the pattern.
constexpr size_t kMaxInputBytes = 4096;
/// Minimality is checked by a quadratic refinement, so only this small.
constexpr int32_t kMaxStatesForMoore = 300;
/// Larger automata skip the variants, which get a smaller visit budget.
constexpr int32_t kMaxStatesForVariants = 200;
constexpr int64_t kVariantSubsetVisits = 50'000;
/// Longer accepted texts get no sweep of all bytes at one place.
constexpr size_t kMaxSweepBytes = 64;
/// Texts compared per pattern, besides the sweep.
constexpr int kNumTexts = 24;
/// Lazy DFAs with more states keep only the checks of texts.
constexpr int32_t kMaxLazyStatesChecked = 6000;

AutomatonLimits fuzzLimits() {
  AutomatonLimits limits;
  limits.maxRepeatCount = 100;
  limits.maxNfaStates = 20'000;
  limits.maxDfaStates = 2000;
  limits.maxSubsetVisits = 200'000;
  limits.maxLazyStates = 20'000;
  limits.maxLazyEntries = 2'000'000;
  return limits;
}

std::string_view currentPattern;

/// `text` with non-printable bytes as \xHH.
std::string printable(std::string_view text) {
  std::string out;
  for (char c : text) {
    uint8_t byte = static_cast<uint8_t>(c);
    if (byte >= 0x20 && byte < 0x7F && c != '\\') {
      out += c;
    } else {
      static constexpr char kHex[] = "0123456789abcdef";
      out += "\\x";
      out += kHex[byte >> 4];
      out += kHex[byte & 15];
    }
  }
  return out;
}

[[noreturn]] void bug(const char *what, std::string_view detail = {}) {
  std::fprintf(stderr, "RegexFuzzer: %s %s\n  pattern: '%s'\n", what,
               printable(detail).c_str(), printable(currentPattern).c_str());
  std::abort();
}

void check(bool ok, const char *what, std::string_view detail = {}) {
  if (!ok)
    bug(what, detail);
}

/// splitmix64: the texts depend on the input alone.
class Random {
public:
  explicit Random(std::string_view seed) {
    state_ = 0xcbf29ce484222325ull; // FNV-1a of the input
    for (char c : seed)
      state_ = (state_ ^ static_cast<uint8_t>(c)) * 0x100000001b3ull;
  }
  uint64_t next() {
    uint64_t z = (state_ += 0x9e3779b97f4a7c15ull);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
  }
  uint64_t below(uint64_t n) { return n == 0 ? 0 : next() % n; }

private:
  uint64_t state_;
};

/// The states of a UTF-8 decoder: what the next byte may be.
enum Utf8Need : uint8_t {
  kGround,     // a new character
  kCont1,      // 1 continuation byte to go
  kCont2,      // 2 to go, the first 80..BF
  kCont2E0,    // 2 to go, the first A0..BF (no overlong forms)
  kCont2ED,    // 2 to go, the first 80..9F (no surrogates)
  kCont3,      // 3 to go, the first 80..BF
  kCont3F0,    // 3 to go, the first 90..BF (no overlong forms)
  kCont3F4,    // 3 to go, the first 80..8F (nothing past U+10FFFF)
  kInvalid,    // not UTF-8, whatever follows
  kNumUtf8Need // (count)
};

Utf8Need utf8Step(Utf8Need need, uint8_t byte) {
  auto cont = [&](uint8_t lo, uint8_t hi, Utf8Need then) {
    return byte >= lo && byte <= hi ? then : kInvalid;
  };
  switch (need) {
  case kGround:
    if (byte < 0x80)
      return kGround;
    if (byte >= 0xC2 && byte <= 0xDF)
      return kCont1;
    if (byte == 0xE0)
      return kCont2E0;
    if (byte == 0xED)
      return kCont2ED;
    if (byte >= 0xE1 && byte <= 0xEF)
      return kCont2;
    if (byte == 0xF0)
      return kCont3F0;
    if (byte >= 0xF1 && byte <= 0xF3)
      return kCont3;
    if (byte == 0xF4)
      return kCont3F4;
    return kInvalid;
  case kCont1:
    return cont(0x80, 0xBF, kGround);
  case kCont2:
    return cont(0x80, 0xBF, kCont1);
  case kCont2E0:
    return cont(0xA0, 0xBF, kCont1);
  case kCont2ED:
    return cont(0x80, 0x9F, kCont1);
  case kCont3:
    return cont(0x80, 0xBF, kCont2);
  case kCont3F0:
    return cont(0x90, 0xBF, kCont2);
  case kCont3F4:
    return cont(0x80, 0x8F, kCont2);
  default:
    return kInvalid;
  }
}

bool isValidUtf8(std::string_view text) {
  Utf8Need need = kGround;
  for (char c : text)
    need = utf8Step(need, static_cast<uint8_t>(c));
  return need == kGround;
}

/// The whole pattern as PCRE2 compiles it for whole-text matching.
class Pcre2FullMatch {
public:
  enum class Result { Match, NoMatch, GaveUp };

  explicit Pcre2FullMatch(std::string_view pattern) {
    pcre2_compile_context *context = pcre2_compile_context_create(nullptr);
    pcre2_set_newline(context, PCRE2_NEWLINE_LF);
    int errorCode = 0;
    PCRE2_SIZE errorOffset = 0;
    code_ = pcre2_compile(reinterpret_cast<PCRE2_SPTR>(pattern.data()),
                          pattern.size(),
                          PCRE2_UTF | PCRE2_ANCHORED | PCRE2_ENDANCHORED,
                          &errorCode, &errorOffset, context);
    pcre2_compile_context_free(context);
    if (!code_)
      return;
    matchData_ = pcre2_match_data_create_from_pattern(code_, nullptr);
    matchContext_ = pcre2_match_context_create(nullptr);
    pcre2_set_match_limit(matchContext_, 20'000);
    pcre2_set_depth_limit(matchContext_, 5'000);
  }
  ~Pcre2FullMatch() {
    pcre2_match_context_free(matchContext_);
    pcre2_match_data_free(matchData_);
    pcre2_code_free(code_);
  }
  Pcre2FullMatch(const Pcre2FullMatch &) = delete;
  Pcre2FullMatch &operator=(const Pcre2FullMatch &) = delete;

  bool compiled() const { return code_ != nullptr; }

  /// Texts that are not UTF-8 fail PCRE2's UTF check: no match.
  Result match(std::string_view text) const {
    int rc = pcre2_match(code_, reinterpret_cast<PCRE2_SPTR>(text.data()),
                         text.size(), 0, 0, matchData_, matchContext_);
    if (rc >= 0)
      return Result::Match;
    if (rc == PCRE2_ERROR_NOMATCH ||
        (rc <= PCRE2_ERROR_UTF8_ERR1 && rc >= PCRE2_ERROR_UTF8_ERR21))
      return Result::NoMatch;
    return Result::GaveUp; // match, depth or heap limit
  }

private:
  pcre2_code *code_ = nullptr;
  pcre2_match_data *matchData_ = nullptr;
  pcre2_match_context *matchContext_ = nullptr;
};

/// A failure reads "regex: <offset>: <what>" or is about the whole pattern.
void checkError(std::string_view pattern, const std::string &message) {
  constexpr std::string_view kPrefix = "regex: ";
  check(message.size() > kPrefix.size() && message.starts_with(kPrefix),
        "an error without the 'regex: ' prefix:", message);
  check(message.find('\n') == std::string::npos &&
            message.find('\r') == std::string::npos,
        "an error of more than one line:", message);
  std::string_view what = std::string_view(message).substr(kPrefix.size());
  if (what.starts_with("automaton exceeds ") ||
      what.starts_with("automaton is too complex to build ") ||
      what.starts_with("pattern needs more than "))
    return;
  size_t digits = 0;
  uint64_t offset = 0;
  while (digits < what.size() && digits < 12 && what[digits] >= '0' &&
         what[digits] <= '9')
    offset = offset * 10 + uint64_t(what[digits++] - '0');
  check(digits > 0 && what.substr(digits).starts_with(": ") &&
            what.size() > digits + 2,
        "an error without an offset:", message);
  check(offset < pattern.size(), "an error offset past the pattern:", message);
}

/// Which of the ranges that a UTF-8 decoder tells apart `byte` is in:
/// 00-7F, 80-8F, 90-9F, A0-BF, C0-C1, C2-DF, E0, E1-EC, ED, EE-EF, F0, F1-F3,
/// F4, F5-FF.
int utf8Role(uint8_t byte) {
  static constexpr uint8_t kStarts[] = {0x00, 0x80, 0x90, 0xA0, 0xC0,
                                        0xC2, 0xE0, 0xE1, 0xED, 0xEE,
                                        0xF0, 0xF1, 0xF4, 0xF5};
  return static_cast<int>(
             std::upper_bound(std::begin(kStarts), std::end(kStarts), byte) -
             std::begin(kStarts)) -
         1;
}

/// Bytes that every state sends to the same states ("columns"), found by
/// stepping every state on every byte. Trying one byte per column is
/// trying all 256, and one per (column, UTF-8 role) is trying all 256
/// alongside a UTF-8 decoder.
struct ByteColumns {
  std::vector<uint8_t> perColumn;
  std::vector<uint8_t> perColumnAndRole;
};

ByteColumns findColumns(const ByteDfa &dfa) {
  int32_t n = dfa.numStates();
  check(n >= 1, "no states");
  // Hashed first, compared in full only when the hashes agree.
  std::vector<uint64_t> hashes(256, 0xcbf29ce484222325ull);
  bool inRange = true;
  for (State s = 0; s < n; ++s)
    for (int byte = 0; byte < 256; ++byte) {
      State to = dfa.step(s, static_cast<uint8_t>(byte));
      inRange = inRange && to >= 0 && to < n;
      hashes[byte] =
          (hashes[byte] ^ static_cast<uint32_t>(to)) * 0x100000001b3ull;
    }
  check(inRange, "a transition out of range");
  auto sameColumn = [&](uint8_t a, uint8_t b) {
    if (hashes[a] != hashes[b])
      return false;
    for (State s = 0; s < n; ++s)
      if (dfa.step(s, a) != dfa.step(s, b))
        return false;
    return true;
  };
  ByteColumns columns;
  std::vector<int> columnOf(256);
  for (int byte = 0; byte < 256; ++byte) {
    size_t column = 0;
    while (column < columns.perColumn.size() &&
           !sameColumn(columns.perColumn[column], static_cast<uint8_t>(byte)))
      ++column;
    if (column == columns.perColumn.size())
      columns.perColumn.push_back(static_cast<uint8_t>(byte));
    columnOf[byte] = static_cast<int>(column);
  }
  std::vector<std::pair<int, int>> seen; // (column, role)
  for (int byte = 0; byte < 256; ++byte) {
    std::pair<int, int> key = {columnOf[byte],
                               utf8Role(static_cast<uint8_t>(byte))};
    if (std::find(seen.begin(), seen.end(), key) == seen.end()) {
      seen.push_back(key);
      columns.perColumnAndRole.push_back(static_cast<uint8_t>(byte));
    }
  }
  return columns;
}

/// Dead state, distances and reachability, over every state and byte.
void checkStates(const ByteDfa &dfa, const ByteColumns &columns) {
  int32_t n = dfa.numStates();
  check(dfa.numByteClasses() >= 1 && dfa.numByteClasses() <= 256,
        "a byte class count outside 1..256");
  check(dfa.start() >= 0 && dfa.start() < n, "the start state is out of range");
  check(!dfa.accepting(ByteDfa::kDead) &&
            dfa.shortestAccept(ByteDfa::kDead) == ByteDfa::kNever,
        "state 0 is not dead");
  for (uint8_t byte : columns.perColumn)
    check(dfa.step(ByteDfa::kDead, byte) == ByteDfa::kDead,
          "the dead state steps out");
  for (State s = 1; s < n; ++s) {
    uint32_t distance = dfa.shortestAccept(s);
    check(distance != ByteDfa::kNever,
          "a live state that cannot accept (a second dead state)");
    check(dfa.accepting(s) == (distance == 0),
          "accepting disagrees with shortestAccept 0");
    uint32_t nearest = ByteDfa::kNever;
    for (uint8_t byte : columns.perColumn)
      nearest = std::min(nearest, dfa.shortestAccept(dfa.step(s, byte)));
    if (distance != 0)
      check(nearest != ByteDfa::kNever && distance == nearest + 1,
            "shortestAccept is not 1 + the least over the successors");
  }

  std::vector<bool> reached(n, false);
  std::vector<State> queue = {dfa.start()};
  reached[dfa.start()] = true;
  for (size_t head = 0; head < queue.size(); ++head)
    for (uint8_t byte : columns.perColumn) {
      State to = dfa.step(queue[head], byte);
      if (!reached[to]) {
        reached[to] = true;
        queue.push_back(to);
      }
    }
  // State 0 too: it is the start, or 0xFF leads there from any live state.
  for (State s = 0; s < n; ++s)
    check(reached[s], "a state unreachable from the start");
}

/// No two byte classes act alike, and small automata have no two
/// equivalent states.
void checkMinimal(const ByteDfa &dfa, const ByteColumns &columns) {
  int32_t n = dfa.numStates();
  check(static_cast<int32_t>(columns.perColumn.size()) == dfa.numByteClasses(),
        "numByteClasses() is not the number of distinct byte columns");
  if (n > kMaxStatesForMoore)
    return;
  // Moore: refine by the successors' blocks to a fixed point; a minimal DFA
  // ends with one block per state. Equivalent states have the same
  // distance to acceptance, so the first blocks are the distances rather
  // than {accepting, rejecting}: far fewer rounds. A state's signature is a
  // row of `width` block ids, sorted by hash, then in full.
  size_t width = columns.perColumn.size() + 1;
  std::vector<int32_t> block(n), signature(n * width);
  std::vector<uint64_t> hash(n);
  std::vector<State> order(n);
  for (State s = 0; s < n; ++s)
    block[s] = static_cast<int32_t>(
        std::min<uint32_t>(dfa.shortestAccept(s), static_cast<uint32_t>(n)));
  auto row = [&](State s) { return signature.begin() + s * width; };
  auto sameRow = [&](State a, State b) {
    return hash[a] == hash[b] && std::equal(row(a), row(a) + width, row(b));
  };
  int32_t blocks = -1;
  while (true) {
    for (State s = 0; s < n; ++s) {
      auto out = row(s);
      out[0] = block[s];
      for (size_t i = 1; i < width; ++i)
        out[i] = block[dfa.step(s, columns.perColumn[i - 1])];
      hash[s] = 0xcbf29ce484222325ull;
      for (size_t i = 0; i < width; ++i)
        hash[s] = (hash[s] ^ static_cast<uint32_t>(out[i])) * 0x100000001b3ull;
      order[s] = s;
    }
    std::sort(order.begin(), order.end(), [&](State a, State b) {
      if (hash[a] != hash[b])
        return hash[a] < hash[b];
      return std::lexicographical_compare(row(a), row(a) + width, row(b),
                                          row(b) + width);
    });
    int32_t next = 0;
    for (State i = 0; i < n; ++i) {
      if (i > 0 && !sameRow(order[i - 1], order[i]))
        ++next;
      block[order[i]] = next;
    }
    if (next + 1 == blocks || next + 1 == n) {
      blocks = next + 1;
      break;
    }
    blocks = next + 1;
  }
  check(blocks == n, "two states are equivalent: the DFA is not minimal");
}

/// The DFA run with a UTF-8 decoder over every reachable pair.
void checkUtf8(const ByteDfa &dfa, const ByteColumns &columns) {
  int32_t n = dfa.numStates();
  std::vector<uint8_t> seen(static_cast<size_t>(n) * kNumUtf8Need, 0);
  std::vector<std::pair<State, Utf8Need>> queue = {{dfa.start(), kGround}};
  seen[static_cast<size_t>(dfa.start()) * kNumUtf8Need + kGround] = 1;
  for (size_t head = 0; head < queue.size(); ++head) {
    auto [s, need] = queue[head];
    check(!dfa.accepting(s) || need == kGround,
          "a text that ends inside a UTF-8 character is accepted");
    check(need != kInvalid || dfa.isDead(s),
          "a text that is not UTF-8 leaves the DFA alive");
    if (dfa.isDead(s))
      continue;
    for (uint8_t byte : columns.perColumnAndRole) {
      State to = dfa.step(s, byte);
      Utf8Need then = utf8Step(need, byte);
      uint8_t &mark = seen[static_cast<size_t>(to) * kNumUtf8Need + then];
      if (!mark) {
        mark = 1;
        queue.push_back({to, then});
      }
    }
  }
}

/// Whether a lazy DFA's budget ran out: then new transitions lead to the
/// dead state, and nothing it says any more is checked.
bool outOfBudget(const ByteDfa &dfa) {
  return dfa.lazy() && dfa.lazy()->budget().exhausted();
}

/// Builds every state of a lazy DFA by stepping each on every byte: false
/// when that would pass `maxStates` or the budget.
bool buildEveryState(const ByteDfa &dfa, int32_t maxStates) {
  for (State s = 0; s < dfa.numStates(); ++s) {
    if (dfa.numStates() > maxStates)
      return false;
    for (int byte = 0; byte < 256; ++byte)
      dfa.step(s, static_cast<uint8_t>(byte));
  }
  return dfa.numStates() <= maxStates && !outOfBudget(dfa);
}

/// The smallest byte that brings live, rejecting `s` one step nearer to
/// acceptance; none once a lazy DFA is out of budget.
std::optional<uint8_t> nearerByte(const ByteDfa &dfa, State s) {
  for (int byte = 0; byte < 256; ++byte) {
    uint32_t next = dfa.shortestAccept(dfa.step(s, static_cast<uint8_t>(byte)));
    if (next != ByteDfa::kNever && next + 1 == dfa.shortestAccept(s))
      return static_cast<uint8_t>(byte);
  }
  if (outOfBudget(dfa))
    return std::nullopt;
  bug("no byte leads nearer to acceptance");
}

/// Follows shortestAccept from the start: an accepted text of that length.
std::optional<std::string> shortestText(const ByteDfa &dfa) {
  if (dfa.isDead(dfa.start()))
    return std::nullopt;
  std::string text;
  State s = dfa.start();
  uint32_t length = dfa.shortestAccept(s);
  while (!dfa.accepting(s)) {
    check(text.size() < length, "the shortest walk is longer than promised");
    std::optional<uint8_t> byte = nearerByte(dfa, s);
    if (!byte)
      return std::nullopt;
    text += static_cast<char>(*byte);
    s = dfa.step(s, *byte);
  }
  check(text.size() == length, "the shortest walk is shorter than promised");
  check(dfa.matches(text), "the shortest text is not matched");
  return text;
}

/// A random walk that stays alive and stops at an accepting state.
std::string walkText(const ByteDfa &dfa, Random &random) {
  std::string text;
  State s = dfa.start();
  std::vector<uint8_t> live;
  while (true) {
    bool stop = random.below(4) == 0 || text.size() >= 32;
    if (dfa.accepting(s) && stop)
      return text;
    uint8_t byte;
    if (text.size() >= 32) {
      std::optional<uint8_t> nearer = nearerByte(dfa, s);
      if (!nearer)
        return text;
      byte = *nearer;
    } else {
      live.clear();
      for (int b = 0; b < 256; ++b)
        if (!dfa.isDead(dfa.step(s, static_cast<uint8_t>(b))))
          live.push_back(static_cast<uint8_t>(b));
      if (live.empty()) {
        check(dfa.accepting(s) || outOfBudget(dfa),
              "a live state without a live successor");
        return text;
      }
      byte = live[random.below(live.size())];
    }
    text += static_cast<char>(byte);
    s = dfa.step(s, byte);
  }
}

/// `text` changed a little: often just outside the language or UTF-8.
std::string mutate(std::string text, std::string_view pattern, Random &random) {
  // Where classes have their edges: control and space bytes, the end of
  // ASCII, the bounds of UTF-8 lead and continuation bytes.
  static constexpr uint8_t kEdges[] = {
      0x00, 0x09, 0x0A, 0x0B, 0x0C, 0x0D, 0x20, 0x7F, 0x80, 0x8F, 0x90,
      0x9F, 0xA0, 0xBF, 0xC2, 0xDF, 0xE0, 0xED, 0xEF, 0xF0, 0xF4, 0xFF};
  auto at = [&] { return random.below(text.size() + 1); };
  auto some = [&] { return random.below(text.size()); };
  switch (random.below(8)) {
  case 0: // insert a byte of the pattern (or any byte)
    text.insert(at(), 1,
                pattern.empty() || random.below(4) == 0
                    ? static_cast<char>(random.below(256))
                    : pattern[random.below(pattern.size())]);
    break;
  case 1: // drop a byte
    if (!text.empty())
      text.erase(some(), 1);
    break;
  case 2: // overwrite a byte
    if (!text.empty())
      text[some()] = static_cast<char>(random.below(256));
    break;
  case 3: // one more or less: just past a range's end
    if (!text.empty())
      text[some()] += random.below(2) ? 1 : -1;
    break;
  case 4: // a byte at an edge
    if (!text.empty())
      text[some()] = static_cast<char>(kEdges[random.below(std::size(kEdges))]);
    break;
  case 5: { // repeat a slice
    size_t begin = at();
    text.insert(begin,
                text.substr(begin, random.below(text.size() - begin + 1)));
    break;
  }
  case 6: // cut
    text.resize(random.below(text.size() + 1));
    break;
  default: // a slice of the pattern itself
    if (!pattern.empty()) {
      size_t begin = random.below(pattern.size());
      text.insert(at(), pattern.substr(begin, 1 + random.below(8)));
    }
  }
  return text;
}

/// One text: matches() against walk(), distances, UTF-8 and PCRE2. Returns
/// false when PCRE2 gave up on it.
bool checkText(const ByteDfa &dfa, const Pcre2FullMatch *pcre2,
               std::string_view text) {
  State s = dfa.start();
  for (char c : text)
    s = dfa.step(s, static_cast<uint8_t>(c));
  bool accepted = dfa.accepting(s);
  if (outOfBudget(dfa))
    return true; // its walks lead to the dead state: no verdict to check
  check(accepted == dfa.matches(text),
        "matches() disagrees with step():", text);
  if (accepted) {
    check(isValidUtf8(text), "an accepted text is not UTF-8:", text);
    // Along an accepted text, the remaining bytes bound the distance.
    State at = dfa.start();
    for (size_t i = 0; i <= text.size(); ++i) {
      check(dfa.shortestAccept(at) <= text.size() - i,
            "shortestAccept exceeds the rest of an accepted text:", text);
      if (i < text.size())
        at = dfa.step(at, static_cast<uint8_t>(text[i]));
    }
  }
  if (!pcre2)
    return true;
  Pcre2FullMatch::Result theirs = pcre2->match(text);
  if (theirs == Pcre2FullMatch::Result::GaveUp)
    return false;
  if (accepted)
    check(theirs == Pcre2FullMatch::Result::Match,
          "the DFA accepts a text PCRE2 does not match:", text);
  else
    check(theirs == Pcre2FullMatch::Result::NoMatch,
          "PCRE2 matches a text the DFA rejects:", text);
  return true;
}

/// Whether the two DFAs are the same up to state numbering.
bool isomorphic(const ByteDfa &a, const ByteDfa &b) {
  if (a.numStates() != b.numStates())
    return false;
  std::vector<State> toB(a.numStates(), -1);
  std::vector<State> queue = {a.start()};
  toB[a.start()] = b.start();
  for (size_t head = 0; head < queue.size(); ++head) {
    State s = queue[head];
    if (a.accepting(s) != b.accepting(toB[s]))
      return false;
    for (int byte = 0; byte < 256; ++byte) {
      State ta = a.step(s, static_cast<uint8_t>(byte));
      State tb = b.step(toB[s], static_cast<uint8_t>(byte));
      if (toB[ta] < 0) {
        toB[ta] = tb;
        queue.push_back(ta);
      } else if (toB[ta] != tb) {
        return false;
      }
    }
  }
  return true;
}

/// Two spellings of one language compile alike, when both fit the limits.
void checkSameLanguage(const std::string &left, const std::string &right,
                       const AutomatonLimits &limits) {
  sgl::Expected<ByteDfa> a = compileRegex(left, limits);
  if (!a)
    return;
  sgl::Expected<ByteDfa> b = compileRegex(right, limits);
  if (!b || a->lazy() || b->lazy())
    return;
  check(isomorphic(*a, *b),
        "two spellings of one language differ:", left + "  vs  " + right);
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  if (size > kMaxInputBytes)
    return 0;
  std::string_view pattern(reinterpret_cast<const char *>(data), size);
  currentPattern = pattern;
  AutomatonLimits limits = fuzzLimits();
  sgl::Expected<ByteDfa> dfa = compileRegex(pattern, limits);
  if (!dfa) {
    checkError(pattern, dfa.error().message);
    return 0;
  }
  if (!dfa->lazy() || buildEveryState(*dfa, kMaxLazyStatesChecked)) {
    ByteColumns columns = findColumns(*dfa);
    checkStates(*dfa, columns);
    if (!dfa->lazy())
      checkMinimal(*dfa, columns);
    checkUtf8(*dfa, columns);
  }

  Pcre2FullMatch pcre2(pattern);
  const Pcre2FullMatch *reference = pcre2.compiled() ? &pcre2 : nullptr;
  Random random(pattern);
  std::vector<std::string> texts;
  if (std::optional<std::string> shortest = shortestText(*dfa)) {
    texts.push_back(*shortest);
    for (int i = 0; i < 4; ++i)
      texts.push_back(walkText(*dfa, random));
  }
  // Every byte put in and swapped in at one place of an accepted text: a
  // class one byte too wide or too narrow shows here. PCRE2 is not
  // instrumented, so these 512 matches cost little on short texts, unless
  // it backtracks to its limit, and then once is enough.
  std::string sweep =
      texts.empty() ? std::string() : texts[random.below(texts.size())];
  size_t place = random.below(sweep.size() + 1);
  const Pcre2FullMatch *sweepReference = reference;
  for (int byte = 0; byte < 256 && sweep.size() <= kMaxSweepBytes; ++byte) {
    std::string text = sweep;
    text.insert(place, 1, static_cast<char>(byte));
    if (!checkText(*dfa, sweepReference, text))
      sweepReference = nullptr;
    if (place < sweep.size()) {
      text = sweep;
      text[place] = static_cast<char>(byte);
      if (!checkText(*dfa, sweepReference, text))
        sweepReference = nullptr;
    }
  }
  for (int i = static_cast<int>(texts.size()); i < kNumTexts; ++i) {
    std::string base =
        texts.empty() ? std::string() : texts[random.below(texts.size())];
    texts.push_back(mutate(std::move(base), pattern, random));
  }
  texts.emplace_back(pattern); // often near the language, e.g. "abc"
  for (const std::string &text : texts)
    checkText(*dfa, reference, text);

  // One pair, only for small automata and under tighter limits: a variant
  // that would be much larger than P itself is skipped, not waited for.
  if (!dfa->lazy() && dfa->numStates() <= kMaxStatesForVariants) {
    AutomatonLimits variantLimits = limits;
    variantLimits.maxDfaStates = 4 * dfa->numStates() + 16;
    variantLimits.maxSubsetVisits = kVariantSubsetVisits;
    std::string group = "(?:" + std::string(pattern) + ")";
    if (random.below(2) == 0)
      checkSameLanguage(group + "{1,2}", group + group + "?", variantLimits);
    else
      checkSameLanguage(group + "+", group + group + "*", variantLimits);
  }
  return 0;
}
