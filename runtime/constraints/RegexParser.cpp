//===- RegexParser.cpp - Regular expression syntax to a tree --------------===//
//
// A recursive-descent parser over bytes:
//
//   alternation := sequence ('|' sequence)*
//   sequence    := (atom quantifier?)*
//   atom        := literal | '.' | escape | class | '(' group ')'
//   quantifier  := ('*' | '+' | '?' | '{m}' | '{m,}' | '{m,n}') '?'?
//
// Where PCRE2 and other dialects disagree, the parser follows PCRE2 or
// rejects the construct, so a pattern never means something else here than
// it does in PCRE2.
//
//===----------------------------------------------------------------------===//
#include "runtime/constraints/RegexParser.h"

#include "runtime/support/MessageText.h"

#include <algorithm>
#include <cstdint>
#include <optional>
#include <string>
#include <utility>

namespace sgl::runtime::constraints {

namespace {

constexpr char32_t kSurrogateLo = 0xD800;
constexpr char32_t kSurrogateHi = 0xDFFF;

bool isAsciiAlnum(char c) {
  return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') ||
         (c >= 'A' && c <= 'Z');
}

bool isDigit(char c) { return c >= '0' && c <= '9'; }

int hexValue(char c) {
  if (c >= '0' && c <= '9')
    return c - '0';
  if (c >= 'a' && c <= 'f')
    return c - 'a' + 10;
  if (c >= 'A' && c <= 'F')
    return c - 'A' + 10;
  return -1;
}

/// Decodes the scalar value whose UTF-8 encoding starts at text[pos];
/// returns its length, or 0 when the bytes there are not valid UTF-8
/// (overlong forms, surrogates and values past U+10FFFF included).
size_t decodeUtf8(std::string_view text, size_t pos, char32_t &cp) {
  auto byte = [&](size_t i) { return static_cast<uint8_t>(text[pos + i]); };
  uint8_t lead = byte(0);
  size_t length;
  char32_t min;
  if (lead < 0x80) {
    cp = lead;
    return 1;
  } else if (lead >= 0xC2 && lead <= 0xDF) {
    length = 2, cp = lead & 0x1F, min = 0x80;
  } else if (lead >= 0xE0 && lead <= 0xEF) {
    length = 3, cp = lead & 0x0F, min = 0x800;
  } else if (lead >= 0xF0 && lead <= 0xF4) {
    length = 4, cp = lead & 0x07, min = 0x10000;
  } else {
    return 0;
  }
  if (pos + length > text.size())
    return 0;
  for (size_t i = 1; i < length; ++i) {
    if ((byte(i) & 0xC0) != 0x80)
      return 0;
    cp = (cp << 6) | (byte(i) & 0x3F);
  }
  if (cp < min || cp > kMaxCodePoint ||
      (cp >= kSurrogateLo && cp <= kSurrogateHi))
    return 0;
  return length;
}

/// The ASCII sets PCRE2 gives \d, \w and \s without PCRE2_UCP.
CodePointSet digitSet() { return CodePointSet::range('0', '9'); }

CodePointSet wordSet() {
  CodePointSet set = CodePointSet::range('0', '9');
  set.add('A', 'Z');
  set.add('_', '_');
  set.add('a', 'z');
  return set;
}

CodePointSet spaceSet() {
  CodePointSet set = CodePointSet::range('\t', '\r'); // \t \n \v \f \r
  set.add(' ', ' ');
  return set;
}

/// What an escape or a class member stands for: one code point (which can
/// end a range) or a whole class such as \d.
struct ClassAtom {
  bool isClass = false;
  char32_t cp = 0;
  CodePointSet set; ///< when isClass
};

ClassAtom single(char32_t cp) { return ClassAtom{false, cp, {}}; }
ClassAtom classOf(CodePointSet set) {
  return ClassAtom{true, 0, std::move(set)};
}

class Parser {
public:
  Parser(std::string_view pattern, const AutomatonLimits &limits)
      : pattern_(pattern), limits_(limits) {}

  Expected<RegexNode> parse() {
    Expected<RegexNode> root = parseAlternation(0);
    if (!root)
      return root;
    if (pos_ < pattern_.size()) // parseAlternation stops only at ')' here
      return errorAt(pos_, "unmatched ')'");
    return root;
  }

private:
  bool atEnd() const { return pos_ >= pattern_.size(); }
  char peek(size_t ahead = 0) const {
    return pos_ + ahead < pattern_.size() ? pattern_[pos_ + ahead] : '\0';
  }
  bool has(size_t ahead) const { return pos_ + ahead < pattern_.size(); }

  Error errorAt(size_t offset, std::string_view what) const {
    return makeError(std::to_string(offset) + ": " + std::string(what));
  }
  /// The pattern text [begin, end) quoted for a message.
  std::string source(size_t begin, size_t end) const {
    return quoted(pattern_.substr(begin, end - begin));
  }

  Expected<RegexNode> parseAlternation(uint32_t depth);
  Expected<RegexNode> parseSequence(uint32_t depth);
  Expected<RegexNode> parseGroup(uint32_t depth);
  Expected<RegexNode> parseClass();
  Expected<ClassAtom> parseClassMember();
  Expected<ClassAtom> parseEscape(bool inClass);
  Expected<char32_t> parseCodePointEscape();
  Expected<char32_t> parseHexDigits(size_t start, size_t minDigits,
                                    size_t maxDigits, bool braced);
  Expected<char32_t> parseLiteral();
  Status parseQuantifier(std::vector<RegexNode> &items, bool lastRepeatable);

  std::string_view pattern_;
  const AutomatonLimits &limits_;
  size_t pos_ = 0;
};

Expected<RegexNode> Parser::parseAlternation(uint32_t depth) {
  size_t start = pos_;
  std::vector<RegexNode> branches;
  while (true) {
    Expected<RegexNode> branch = parseSequence(depth);
    if (!branch)
      return branch;
    branches.push_back(branch.take());
    if (peek() != '|')
      break;
    ++pos_;
  }
  return RegexNode::alternate(std::move(branches), start);
}

Expected<RegexNode> Parser::parseSequence(uint32_t depth) {
  size_t start = pos_;
  std::vector<RegexNode> items;
  bool lastRepeatable = false; // an atom without a quantifier yet
  while (!atEnd()) {
    size_t at = pos_;
    char c = peek();
    if (c == '|' || c == ')')
      break;
    if (c == '*' || c == '+' || c == '?' || c == '{') {
      if (Status status = parseQuantifier(items, lastRepeatable); !status)
        return status.error();
      lastRepeatable = false;
      continue;
    }
    if (c == '^') {
      if (at != 0)
        return errorAt(at, "unsupported anchor '^' (patterns always match the "
                           "whole text; '^' may only come first)");
      ++pos_;
      continue;
    }
    if (c == '$') {
      if (at + 1 != pattern_.size() || depth != 0)
        return errorAt(at, "unsupported anchor '$' (patterns always match the "
                           "whole text; '$' may only come last)");
      ++pos_;
      continue;
    }
    Expected<RegexNode> atom = RegexNode::empty(at);
    if (c == '(') {
      atom = parseGroup(depth);
    } else if (c == '[') {
      atom = parseClass();
    } else if (c == '.') {
      ++pos_;
      atom = RegexNode::set(CodePointSet::single('\n').complement(), at);
    } else if (c == '\\') {
      Expected<ClassAtom> escape = parseEscape(/*inClass=*/false);
      if (!escape)
        return escape.error();
      atom = RegexNode::set(escape->isClass ? std::move(escape->set)
                                            : CodePointSet::single(escape->cp),
                            at);
    } else {
      Expected<char32_t> cp = parseLiteral();
      if (!cp)
        return cp.error();
      atom = RegexNode::set(CodePointSet::single(*cp), at);
    }
    if (!atom)
      return atom;
    items.push_back(atom.take());
    lastRepeatable = true;
  }
  return RegexNode::concat(std::move(items), start);
}

/// Parses `{m}`, `{m,}` or `{m,n}` at pos_ into [min, max]; returns false
/// (and leaves pos_) when the braces do not hold one.
bool parseBraces(std::string_view pattern, size_t &pos, uint64_t &min,
                 uint64_t &max) {
  // Counts are capped well above any limit so they cannot overflow.
  constexpr uint64_t kCap = uint64_t(1) << 40;
  auto number = [&](size_t &at, uint64_t &value) {
    size_t begin = at;
    value = 0;
    while (at < pattern.size() && isDigit(pattern[at])) {
      value = std::min(kCap, value * 10 + uint64_t(pattern[at] - '0'));
      ++at;
    }
    return at > begin;
  };
  size_t at = pos + 1;
  if (!number(at, min))
    return false;
  max = min;
  if (at < pattern.size() && pattern[at] == ',') {
    ++at;
    if (!number(at, max))
      max = RegexNode::kUnbounded;
  }
  if (at >= pattern.size() || pattern[at] != '}')
    return false;
  pos = at + 1;
  return true;
}

Status Parser::parseQuantifier(std::vector<RegexNode> &items,
                               bool lastRepeatable) {
  size_t at = pos_;
  uint64_t min = 0, max = RegexNode::kUnbounded;
  switch (peek()) {
  case '*':
    ++pos_;
    break;
  case '+':
    min = 1;
    ++pos_;
    break;
  case '?':
    max = 1;
    ++pos_;
    break;
  default: // '{'
    if (!parseBraces(pattern_, pos_, min, max))
      return errorAt(at, "'{' does not start a repetition {m}, {m,} or "
                         "{m,n}; write '\\{' for a literal brace");
  }
  std::string quantifier = source(at, pos_);
  if (items.empty())
    return errorAt(at, quantifier + " has nothing to repeat");
  if (!lastRepeatable)
    return errorAt(at, quantifier + " follows another quantifier");
  uint64_t limit = limits_.maxRepeatCount;
  if (min > limit || (max != RegexNode::kUnbounded && max > limit))
    return errorAt(at, "repetition count in " + quantifier + " exceeds " +
                           std::to_string(limit));
  if (min > max)
    return errorAt(at, "repetition " + quantifier +
                           " has its minimum above its maximum");
  // Laziness does not change the language; possessiveness would.
  if (peek() == '?')
    ++pos_;
  else if (peek() == '+')
    return errorAt(at,
                   "unsupported possessive quantifier " + source(at, pos_ + 1));
  RegexNode child = std::move(items.back());
  items.back() = RegexNode::repeat(std::move(child), uint32_t(min),
                                   uint32_t(max), uint32_t(at));
  return Status::ok();
}

Expected<RegexNode> Parser::parseGroup(uint32_t depth) {
  size_t open = pos_;
  if (depth + 1 > limits_.maxGroupDepth)
    return errorAt(open, "groups nested deeper than " +
                             std::to_string(limits_.maxGroupDepth));
  ++pos_; // '('
  if (peek() == '*')
    return errorAt(open, "unsupported verb " + source(open, open + 2));
  if (peek() == '?') {
    char kind = peek(1);
    char next = peek(2);
    auto unsupported = [&](std::string_view what, size_t length) {
      return errorAt(
          open, "unsupported " + std::string(what) + " " +
                    source(open, std::min(open + length, pattern_.size())));
    };
    if (kind == ':') {
      pos_ += 2;
    } else if (kind == '=' || kind == '!') {
      return unsupported("lookahead", 3);
    } else if (kind == '<' && (next == '=' || next == '!')) {
      return unsupported("lookbehind", 4);
    } else if (kind == '<' || kind == '\'' || (kind == 'P' && next == '<')) {
      // A named group: the name does not change the language.
      size_t name = pos_ + (kind == 'P' ? 3 : 2);
      char close = kind == '\'' ? '\'' : '>';
      size_t end = name;
      while (end < pattern_.size() &&
             (isAsciiAlnum(pattern_[end]) || pattern_[end] == '_'))
        ++end;
      if (end == name || isDigit(pattern_[name]) || end >= pattern_.size() ||
          pattern_[end] != close)
        return errorAt(open,
                       "malformed group name after " + source(open, name));
      pos_ = end + 1;
    } else if (kind == 'P' && (next == '=' || next == '>')) {
      return unsupported(next == '=' ? "backreference" : "subroutine call", 4);
    } else if (kind == '>') {
      return unsupported("atomic group", 3);
    } else if (kind == '|') {
      return unsupported("branch reset group", 3);
    } else if (kind == '#') {
      return unsupported("comment", 3);
    } else if (kind == '(') {
      return unsupported("conditional group", 3);
    } else if (kind == 'R' || kind == '&' || isDigit(kind) ||
               ((kind == '+' || kind == '-') && isDigit(next))) {
      return unsupported("recursion", 3);
    } else if ((kind >= 'a' && kind <= 'z') || (kind >= 'A' && kind <= 'Z') ||
               kind == '-' || kind == '^') {
      return unsupported("inline flags", 3);
    } else {
      return unsupported("group syntax", 3);
    }
  }
  Expected<RegexNode> body = parseAlternation(depth + 1);
  if (!body)
    return body;
  if (atEnd())
    return errorAt(open, "missing ')' for this '('");
  ++pos_; // ')'
  return body;
}

Expected<RegexNode> Parser::parseClass() {
  size_t open = pos_;
  ++pos_; // '['
  bool negated = peek() == '^';
  if (negated)
    ++pos_;
  CodePointSet set;
  bool first = true; // PCRE2: a ']' right after '[' or '[^' is a member
  while (true) {
    if (atEnd())
      return errorAt(open, "missing ']' for this '['");
    if (peek() == ']' && !first) {
      ++pos_;
      break;
    }
    first = false;
    size_t memberStart = pos_;
    Expected<ClassAtom> lo = parseClassMember();
    if (!lo)
      return lo.error();
    bool isRange = peek() == '-' && has(1) && peek(1) != ']';
    if (lo->isClass) {
      if (isRange)
        return errorAt(memberStart, "class escape " +
                                        source(memberStart, pos_) +
                                        " cannot start a range");
      set.add(lo->set);
      continue;
    }
    if (!isRange) {
      set.add(lo->cp, lo->cp);
      continue;
    }
    ++pos_; // '-'
    size_t hiStart = pos_;
    Expected<ClassAtom> hi = parseClassMember();
    if (!hi)
      return hi.error();
    if (hi->isClass)
      return errorAt(hiStart, "class escape " + source(hiStart, pos_) +
                                  " cannot end a range");
    if (hi->cp < lo->cp)
      return errorAt(memberStart,
                     "range " + source(memberStart, pos_) + " is out of order");
    set.add(lo->cp, hi->cp);
  }
  return RegexNode::set(negated ? set.complement() : std::move(set),
                        uint32_t(open));
}

Expected<ClassAtom> Parser::parseClassMember() {
  char c = peek();
  if (c == '\\')
    return parseEscape(/*inClass=*/true);
  if (c == '[' && (peek(1) == ':' || peek(1) == '.' || peek(1) == '='))
    return errorAt(pos_, "unsupported POSIX class " + source(pos_, pos_ + 2));
  Expected<char32_t> cp = parseLiteral();
  if (!cp)
    return cp.error();
  return single(*cp);
}

/// The escapes \d \D \w \W \s \S \n \t \r \f, by the letter after '\'.
std::optional<ClassAtom> letterEscape(char c) {
  switch (c) {
  case 'd':
    return classOf(digitSet());
  case 'D':
    return classOf(digitSet().complement());
  case 'w':
    return classOf(wordSet());
  case 'W':
    return classOf(wordSet().complement());
  case 's':
    return classOf(spaceSet());
  case 'S':
    return classOf(spaceSet().complement());
  case 'n':
    return single('\n');
  case 't':
    return single('\t');
  case 'r':
    return single('\r');
  case 'f':
    return single('\f');
  default:
    return std::nullopt;
  }
}

/// How a message names the unsupported escape `\c`. Inside a class only
/// \p and \P get a name: PCRE2 reads \b there as a backspace, not a
/// boundary.
std::string unsupportedEscape(char c, bool inClass) {
  const char *kind = "escape";
  switch (c) {
  case 'p':
  case 'P':
    return "Unicode property class";
  case 'k':
  case 'g':
  case '1':
  case '2':
  case '3':
  case '4':
  case '5':
  case '6':
  case '7':
  case '8':
  case '9':
    kind = "backreference";
    break;
  case 'b':
  case 'B':
    kind = "word boundary";
    break;
  case 'A':
  case 'z':
  case 'Z':
  case 'G':
    kind = "anchor";
    break;
  default:
    break;
  }
  return inClass ? "escape" : kind;
}

Expected<ClassAtom> Parser::parseEscape(bool inClass) {
  size_t start = pos_;
  ++pos_; // '\'
  if (atEnd())
    return errorAt(start, "pattern ends inside an escape '\\'");
  char c = peek();
  if (std::optional<ClassAtom> atom = letterEscape(c)) {
    ++pos_;
    return std::move(*atom);
  }
  if (c == 'x' || c == 'u') {
    pos_ = start;
    Expected<char32_t> cp = parseCodePointEscape();
    if (!cp)
      return cp.error();
    return single(*cp);
  }
  if (isAsciiAlnum(c)) {
    std::string kind = unsupportedEscape(c, inClass);
    std::string where = inClass && kind == "escape" ? " in a class" : "";
    return errorAt(start, "unsupported " + kind + " " +
                              source(start, start + 2) + where);
  }
  // Any other escaped character stands for itself: \. \* \\ \- \é ...
  Expected<char32_t> cp = parseLiteral();
  if (!cp)
    return cp.error();
  return single(*cp);
}

Expected<char32_t> Parser::parseCodePointEscape() {
  size_t start = pos_;
  char kind = peek(1); // 'x' or 'u'
  pos_ += 2;
  Expected<char32_t> cp =
      peek() == '{'
          ? parseHexDigits(start, 1, 8, /*braced=*/true)
          : parseHexDigits(start, kind == 'x' ? 2 : 4, kind == 'x' ? 2 : 4,
                           /*braced=*/false);
  if (!cp)
    return cp;
  bool highSurrogate = *cp >= kSurrogateLo && *cp <= 0xDBFF;
  // ECMAScript writes astral characters as a UTF-16 pair: \uD83D\uDE00.
  if (kind == 'u' && highSurrogate && peek() == '\\' && peek(1) == 'u' &&
      peek(2) != '{') {
    size_t lowStart = pos_;
    pos_ += 2;
    Expected<char32_t> low = parseHexDigits(lowStart, 4, 4, false);
    if (!low)
      return low;
    if (*low >= 0xDC00 && *low <= kSurrogateHi)
      return 0x10000 + ((*cp - kSurrogateLo) << 10) + (*low - 0xDC00);
    pos_ = lowStart;
  }
  if (*cp > kMaxCodePoint)
    return errorAt(start,
                   "code point " + source(start, pos_) + " is above U+10FFFF");
  if (*cp >= kSurrogateLo && *cp <= kSurrogateHi)
    return errorAt(start, "code point " + source(start, pos_) +
                              " is a surrogate, not a Unicode scalar value");
  return cp;
}

Expected<char32_t> Parser::parseHexDigits(size_t start, size_t minDigits,
                                          size_t maxDigits, bool braced) {
  char kind = pattern_[start + 1];
  std::string expected = std::string("expected \\") + kind +
                         (kind == 'x' ? "HH" : "HHHH") + " or \\" + kind +
                         "{HHHH}";
  auto malformed = [&]() {
    return errorAt(start, "malformed escape " + source(start, start + 2) +
                              ": " + expected);
  };
  if (braced)
    ++pos_; // '{'
  uint64_t value = 0;
  size_t digits = 0;
  while (digits < maxDigits && !atEnd() && hexValue(peek()) >= 0) {
    value = value * 16 + uint64_t(hexValue(peek()));
    ++pos_, ++digits;
  }
  if (digits < minDigits)
    return malformed();
  if (braced) {
    if (peek() != '}')
      return malformed();
    ++pos_;
  }
  // At most eight digits, so the value fits; the caller reports values past
  // U+10FFFF.
  return static_cast<char32_t>(value);
}

Expected<char32_t> Parser::parseLiteral() {
  char32_t cp;
  size_t length = decodeUtf8(pattern_, pos_, cp);
  if (length == 0)
    return errorAt(pos_, "invalid UTF-8 in the pattern");
  pos_ += length;
  return cp;
}

} // namespace

Expected<RegexNode> parseRegex(std::string_view pattern,
                               const AutomatonLimits &limits) {
  return Parser(pattern, limits).parse();
}

} // namespace sgl::runtime::constraints
