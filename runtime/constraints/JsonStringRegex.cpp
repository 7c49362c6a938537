//===- JsonStringRegex.cpp - The characters of JSON strings ---------------===//
#include "runtime/constraints/JsonStringRegex.h"

#include "runtime/constraints/JsonTokens.h"

#include <algorithm>
#include <map>
#include <utility>
#include <vector>

namespace sgl::runtime::constraints {

namespace {

constexpr uint32_t kUnbounded = RegexNode::kUnbounded;

/// The letter after '\' of a two-character escape, or 0.
char shortEscape(char32_t cp) {
  switch (cp) {
  case '"':
    return '"';
  case '\\':
    return '\\';
  case '\b':
    return 'b';
  case '\f':
    return 'f';
  case '\n':
    return 'n';
  case '\r':
    return 'r';
  case '\t':
    return 't';
  default:
    return 0;
  }
}

char hexDigit(uint32_t value) {
  return static_cast<char>(value < 10 ? '0' + value : 'a' + value - 10);
}

uint32_t saturatingAdd(uint32_t a, uint32_t b) {
  return a == kUnbounded || b == kUnbounded || a > kUnbounded - 1 - b
             ? kUnbounded
             : a + b;
}

uint32_t saturatingMul(uint32_t a, uint32_t b) {
  if (a == 0 || b == 0)
    return 0;
  if (a == kUnbounded || b == kUnbounded || a > (kUnbounded - 1) / b)
    return kUnbounded;
  return a * b;
}

/// What json.dumps writes raw inside a string: every scalar value but the
/// controls below U+0020, '"' and '\\'; and those it escapes.
constexpr CodePointRange kRawRanges[] = {
    {0x20, 0x21}, {0x23, 0x5B}, {0x5D, 0xD7FF}, {0xE000, kMaxCodePoint}};
constexpr CodePointRange kEscapedRanges[] = {
    {0, 0x1F}, {'"', '"'}, {'\\', '\\'}};

/// One node of the trie of excluded strings.
struct TrieNode {
  bool terminal = false;
  std::map<char32_t, size_t> children;
};

/// The trie's paths from `at` that are no excluded string: the excluded
/// strings' proper prefixes (and longer paths) that are none of them.
RegexNode unexcludedPaths(const std::vector<TrieNode> &trie, size_t at) {
  const TrieNode &node = trie[at];
  std::vector<RegexNode> ways;
  if (!node.terminal)
    ways.push_back(RegexNode::empty(0));
  for (const auto &[cp, child] : node.children)
    if (RegexNode rest = unexcludedPaths(trie, child); !isNothing(rest))
      ways.push_back(RegexNode::concat(
          {RegexNode::set(CodePointSet::single(cp), 0), std::move(rest)}, 0));
  if (ways.empty())
    return nothing();
  return RegexNode::alternate(std::move(ways), 0);
}

/// Every path of the trie from `at`, the empty one included.
RegexNode anyPath(const std::vector<TrieNode> &trie, size_t at) {
  std::vector<RegexNode> ways = {RegexNode::empty(0)};
  for (const auto &[cp, child] : trie[at].children)
    ways.push_back(RegexNode::concat(
        {RegexNode::set(CodePointSet::single(cp), 0), anyPath(trie, child)},
        0));
  return RegexNode::alternate(std::move(ways), 0);
}

/// `set` without the characters of `children`'s edges.
CodePointSet withoutEdges(const CodePointSet &set,
                          const std::map<char32_t, size_t> &children) {
  CodePointSet out;
  for (CodePointRange range : set.ranges()) {
    char32_t from = range.lo;
    for (auto it = children.lower_bound(range.lo);
         it != children.end() && it->first <= range.hi; ++it) {
      if (from < it->first)
        out.add(from, it->first - 1);
      from = it->first + 1;
    }
    if (from <= range.hi)
      out.add(from, range.hi);
  }
  return out;
}

/// A path of the trie from `at`, then a character of `leaving` that is no
/// edge from where the path ended.
RegexNode leavingBy(const std::vector<TrieNode> &trie, size_t at,
                    const CodePointSet &leaving) {
  const TrieNode &node = trie[at];
  std::vector<RegexNode> ways;
  if (CodePointSet others = withoutEdges(leaving, node.children);
      !others.empty())
    ways.push_back(RegexNode::set(std::move(others), 0));
  for (const auto &[cp, child] : node.children)
    if (RegexNode rest = leavingBy(trie, child, leaving); !isNothing(rest))
      ways.push_back(RegexNode::concat(
          {RegexNode::set(CodePointSet::single(cp), 0), std::move(rest)}, 0));
  if (ways.empty())
    return nothing();
  return RegexNode::alternate(std::move(ways), 0);
}

/// The spellings of one character of `set`: raw, or escaped.
RegexNode spellJsonCharSet(const CodePointSet &set) {
  // Most sets are one character or range spelled raw: the set itself.
  if (set.ranges().size() == 1)
    for (CodePointRange plain : kRawRanges)
      if (plain.lo <= set.ranges()[0].lo && set.ranges()[0].hi <= plain.hi)
        return RegexNode::set(set, 0);
  CodePointSet raw;
  std::vector<char32_t> escaped;
  for (CodePointRange range : set.ranges()) {
    // The part of the range that needs no escape is spelled raw.
    for (CodePointRange plain : kRawRanges) {
      char32_t lo = std::max(range.lo, plain.lo);
      char32_t hi = std::min(range.hi, plain.hi);
      if (lo <= hi)
        raw.add(lo, hi);
    }
    for (CodePointRange s : kEscapedRanges)
      for (char32_t cp = std::max(range.lo, s.lo);
           cp <= std::min(range.hi, s.hi); ++cp)
        escaped.push_back(cp);
  }
  std::vector<RegexNode> ways;
  if (!raw.empty())
    ways.push_back(RegexNode::set(std::move(raw), 0));
  CodePointSet letters;
  CodePointSet lowNibble[2];
  for (char32_t cp : escaped) {
    if (char letter = shortEscape(cp))
      letters.add(char32_t(letter), char32_t(letter));
    else
      lowNibble[cp >> 4].add(char32_t(hexDigit(cp & 0xF)),
                             char32_t(hexDigit(cp & 0xF)));
  }
  if (!letters.empty())
    ways.push_back(RegexNode::concat(
        {literalText("\\"), RegexNode::set(std::move(letters), 0)}, 0));
  std::vector<RegexNode> unicode;
  for (int high = 0; high < 2; ++high)
    if (!lowNibble[high].empty())
      unicode.push_back(
          RegexNode::concat({literalText(high ? "1" : "0"),
                             RegexNode::set(std::move(lowNibble[high]), 0)},
                            0));
  if (!unicode.empty())
    ways.push_back(RegexNode::concat(
        {literalText("\\u00"), RegexNode::alternate(std::move(unicode), 0)},
        0));
  if (ways.empty())
    return nothing();
  return RegexNode::alternate(std::move(ways), 0);
}

} // namespace

char32_t nextCodePoint(std::string_view utf8, size_t &pos) {
  auto byte = [&](size_t k) {
    return pos + k < utf8.size() ? static_cast<uint8_t>(utf8[pos + k]) : 0x80;
  };
  uint8_t lead = byte(0);
  char32_t cp;
  size_t length;
  if (lead < 0x80) {
    cp = lead, length = 1;
  } else if (lead >= 0xF0) {
    cp = lead & 0x07, length = 4;
  } else if (lead >= 0xE0) {
    cp = lead & 0x0F, length = 3;
  } else {
    cp = lead & 0x1F, length = 2;
  }
  for (size_t k = 1; k < length; ++k)
    cp = (cp << 6) | (byte(k) & 0x3F);
  pos = std::min(utf8.size(), pos + length);
  return cp;
}

size_t codePointCount(std::string_view utf8) {
  size_t count = 0;
  for (char c : utf8)
    count += (static_cast<uint8_t>(c) & 0xC0) != 0x80;
  return count;
}

RegexNode jsonCharOf(const CodePointSet &set) {
  // Any character, in every free string of every schema: spelled once per
  // process (the tree is immutable; copies share it).
  static const CodePointSet kAll = CodePointSet::allScalars();
  if (set == kAll) {
    static const RegexNode kAnyChar = spellJsonCharSet(kAll);
    return kAnyChar;
  }
  return spellJsonCharSet(set);
}

RegexNode spellJsonChars(const RegexNode &decoded) {
  switch (decoded.kind) {
  case RegexNode::Kind::CodePoints:
    return jsonCharOf(decoded.codePoints);
  case RegexNode::Kind::Empty:
  case RegexNode::Kind::Call:
    return decoded;
  case RegexNode::Kind::Concat:
  case RegexNode::Kind::Alternate:
  case RegexNode::Kind::Intersect: // JSON spelling decodes one way only
  case RegexNode::Kind::Repeat: {
    RegexNode spelled;
    spelled.kind = decoded.kind;
    spelled.offset = decoded.offset;
    spelled.minCount = decoded.minCount;
    spelled.maxCount = decoded.maxCount;
    spelled.children.reserve(decoded.children.size());
    for (const RegexNode &child : decoded.children)
      spelled.children.push_back(spellJsonChars(child));
    return spelled;
  }
  }
  return decoded;
}

RegexNode jsonString(const RegexNode &decoded) {
  return RegexNode::concat(
      {literalText("\""), spellJsonChars(decoded), literalText("\"")}, 0);
}

RegexNode jsonStringLiteral(std::string_view utf8) {
  return jsonString(literalText(utf8));
}

RegexNode anyChars(uint32_t min, uint32_t max) {
  return RegexNode::repeat(RegexNode::set(CodePointSet::allScalars(), 0), min,
                           max, 0);
}

RegexNode charsOtherThan(std::span<const std::string> excluded,
                         const RegexNode &rest) {
  std::vector<TrieNode> trie(1);
  for (const std::string &text : excluded) {
    size_t at = 0;
    for (size_t pos = 0; pos < text.size();) {
      char32_t cp = nextCodePoint(text, pos);
      auto it = trie[at].children.find(cp);
      if (it == trie[at].children.end()) {
        trie[at].children.emplace(cp, trie.size());
        at = trie.size();
        trie.emplace_back();
      } else {
        at = it->second;
      }
    }
    trie[at].terminal = true;
  }
  // A string that is none of them is a path of the trie that ends before
  // an excluded string does, or leaves the trie by a character that is no
  // edge where it is, then goes on as it likes. The characters outside
  // the span of all edge characters -- most of Unicode, the escapes --
  // leave it from every node: those are spelled once, after any path,
  // not at each node, which took the extra-member rule of a five-property
  // object from 4,300 NFA states to a few hundred. At a node, the span
  // less the node's edges is enough (the shared part covers the rest):
  // as many ranges as the node has edges, plus one, where the edge
  // characters of all nodes would be dozens at every node.
  CodePointSet onEdges;
  for (const TrieNode &node : trie)
    for (const auto &[cp, child] : node.children)
      onEdges.add(cp, cp);
  std::vector<RegexNode> leaving;
  CodePointSet span;
  if (!onEdges.empty())
    span.add(onEdges.ranges().front().lo, onEdges.ranges().back().hi);
  if (CodePointSet elsewhere = span.complement(); !elsewhere.empty())
    leaving.push_back(RegexNode::concat(
        {anyPath(trie, 0), RegexNode::set(std::move(elsewhere), 0)}, 0));
  if (RegexNode atNodes = leavingBy(trie, 0, span); !isNothing(atNodes))
    leaving.push_back(std::move(atNodes));
  std::vector<RegexNode> ways;
  if (RegexNode inside = unexcludedPaths(trie, 0); !isNothing(inside))
    ways.push_back(std::move(inside));
  if (!leaving.empty())
    ways.push_back(RegexNode::concat(
        {RegexNode::alternate(std::move(leaving), 0), rest}, 0));
  if (ways.empty())
    return nothing();
  return RegexNode::alternate(std::move(ways), 0);
}

LengthRange lengthRange(const RegexNode &decoded) {
  switch (decoded.kind) {
  case RegexNode::Kind::Empty:
    return {0, 0};
  case RegexNode::Kind::CodePoints:
    return {1, 1};
  case RegexNode::Kind::Call:
    return {0, kUnbounded};
  case RegexNode::Kind::Concat: {
    LengthRange total{0, 0};
    for (const RegexNode &child : decoded.children) {
      LengthRange part = lengthRange(child);
      total.min = saturatingAdd(total.min, part.min);
      total.max = saturatingAdd(total.max, part.max);
    }
    return total;
  }
  case RegexNode::Kind::Alternate: {
    LengthRange total{kUnbounded, 0};
    for (const RegexNode &child : decoded.children) {
      LengthRange part = lengthRange(child);
      total.min = std::min(total.min, part.min);
      total.max = std::max(total.max, part.max);
    }
    return total;
  }
  case RegexNode::Kind::Intersect: {
    LengthRange total{0, kUnbounded};
    for (const RegexNode &child : decoded.children) {
      LengthRange part = lengthRange(child);
      total.min = std::max(total.min, part.min);
      total.max = std::min(total.max, part.max);
    }
    return total;
  }
  case RegexNode::Kind::Repeat: {
    LengthRange part = lengthRange(decoded.children[0]);
    return {saturatingMul(part.min, decoded.minCount),
            decoded.maxCount == kUnbounded && part.max > 0
                ? kUnbounded
                : saturatingMul(part.max, decoded.maxCount)};
  }
  }
  return {0, kUnbounded};
}

std::optional<RegexNode> limitLength(const RegexNode &decoded, uint32_t min,
                                     uint32_t max) {
  LengthRange range = lengthRange(decoded);
  if (range.min >= min && range.max <= max)
    return decoded;
  if (range.max < min || range.min > max)
    return nothing();
  switch (decoded.kind) {
  case RegexNode::Kind::Alternate: {
    std::vector<RegexNode> branches;
    for (const RegexNode &child : decoded.children) {
      std::optional<RegexNode> limited = limitLength(child, min, max);
      if (!limited)
        return std::nullopt;
      if (!isNothing(*limited))
        branches.push_back(std::move(*limited));
    }
    return branches.empty() ? nothing()
                            : RegexNode::alternate(std::move(branches), 0);
  }
  case RegexNode::Kind::Concat: {
    // The fixed parts take their length; the one variable part the rest.
    size_t variable = decoded.children.size();
    uint32_t fixed = 0;
    for (size_t i = 0; i < decoded.children.size(); ++i) {
      LengthRange part = lengthRange(decoded.children[i]);
      if (part.min == part.max) {
        fixed = saturatingAdd(fixed, part.min);
        continue;
      }
      if (variable != decoded.children.size())
        return std::nullopt;
      variable = i;
    }
    if (fixed == kUnbounded || fixed > max)
      return nothing();
    uint32_t restMin = min > fixed ? min - fixed : 0;
    uint32_t restMax = max == kUnbounded ? kUnbounded : max - fixed;
    std::optional<RegexNode> limited =
        limitLength(decoded.children[variable], restMin, restMax);
    if (!limited)
      return std::nullopt;
    if (isNothing(*limited))
      return nothing();
    RegexNode copy = decoded;
    copy.children[variable] = std::move(*limited);
    return copy;
  }
  case RegexNode::Kind::Repeat: {
    LengthRange part = lengthRange(decoded.children[0]);
    if (part.min != part.max || part.min == 0 || part.min == kUnbounded)
      return std::nullopt;
    uint32_t k = part.min;
    uint32_t lo = std::max(decoded.minCount, (min + k - 1) / k);
    uint32_t hi = max == kUnbounded ? decoded.maxCount
                                    : std::min(decoded.maxCount, max / k);
    if (lo > hi)
      return nothing();
    return RegexNode::repeat(decoded.children[0], lo, hi, decoded.offset);
  }
  default:
    return std::nullopt;
  }
}

} // namespace sgl::runtime::constraints
