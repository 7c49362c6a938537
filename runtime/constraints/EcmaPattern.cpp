//===- EcmaPattern.cpp - JSON Schema patterns as syntax trees -------------===//
#include "runtime/constraints/EcmaPattern.h"

#include "runtime/constraints/JsonStringRegex.h"
#include "runtime/constraints/RegexParser.h"

#include <cstdio>
#include <string>
#include <vector>

namespace sgl::runtime::constraints {

namespace {

/// White space for \s: what ECMA-262 and Python's re both count.
CodePointSet sharedSpace() {
  CodePointSet set = CodePointSet::range('\t', '\r');
  set.add(' ', ' ');
  set.add(0xA0, 0xA0);
  set.add(0x1680, 0x1680);
  set.add(0x2000, 0x200A);
  set.add(0x2028, 0x2029);
  set.add(0x202F, 0x202F);
  set.add(0x205F, 0x205F);
  set.add(0x3000, 0x3000);
  return set;
}

/// Not white space for \S: what neither counts (Python adds \x1c-\x1f and
/// U+0085, ECMA-262 U+FEFF).
CodePointSet sharedNonSpace() {
  CodePointSet space = sharedSpace();
  space.add(0x1C, 0x1F);
  space.add(0x85, 0x85);
  space.add(0xFEFF, 0xFEFF);
  return space.complement();
}

/// `set` as members of a parser class: \x{..} ranges.
std::string classMembers(const CodePointSet &set) {
  std::string out;
  char buffer[40];
  for (CodePointRange range : set.ranges()) {
    if (range.lo == range.hi)
      std::snprintf(buffer, sizeof buffer, "\\x{%X}",
                    static_cast<unsigned>(range.lo));
    else
      std::snprintf(buffer, sizeof buffer, "\\x{%X}-\\x{%X}",
                    static_cast<unsigned>(range.lo),
                    static_cast<unsigned>(range.hi));
    out += buffer;
  }
  return out;
}

std::string codePointEscape(char32_t cp) {
  char buffer[16];
  std::snprintf(buffer, sizeof buffer, "\\x{%X}", static_cast<unsigned>(cp));
  return buffer;
}

/// One top-level alternative rewritten into the parser's dialect.
struct Branch {
  bool anchoredStart = false;
  bool anchoredEnd = false;
  std::string text;
  std::vector<size_t> origin; ///< per byte of text: offset in the pattern
};

class Translator {
public:
  explicit Translator(std::string_view pattern) : pattern_(pattern) {}

  std::vector<Branch> run() {
    branches_.emplace_back();
    size_t depth = 0;
    bool inClass = false;
    for (pos_ = 0; pos_ < pattern_.size();) {
      size_t at = pos_;
      char c = pattern_[pos_];
      Branch &branch = branches_.back();
      if (c == '\\') {
        escape(inClass);
        continue;
      }
      if (inClass) {
        if (c == ']')
          inClass = false;
        copy(1);
        continue;
      }
      switch (c) {
      case '[':
        if (pattern_.substr(pos_, 2) == "[]") {
          emit("[^\\x{0}-\\x{10FFFF}]", at);
          pos_ += 2;
        } else if (pattern_.substr(pos_, 3) == "[^]") {
          emit("[\\x{0}-\\x{10FFFF}]", at);
          pos_ += 3;
        } else {
          inClass = true;
          copy(pattern_.substr(pos_, 2) == "[^" ? 2 : 1);
        }
        continue;
      case '.':
        emit("[^\\n\\r\\x{2028}\\x{2029}]", at);
        ++pos_;
        continue;
      case '(':
        ++depth;
        break;
      case ')':
        if (depth > 0)
          --depth;
        break;
      case '|':
        if (depth == 0) {
          branches_.emplace_back();
          ++pos_;
          continue;
        }
        break;
      case '^':
        if (depth == 0 && branch.text.empty() && !branch.anchoredStart) {
          branch.anchoredStart = true;
          ++pos_;
          continue;
        }
        break;
      case '$':
        if (depth == 0 && endsBranch(pos_ + 1)) {
          branch.anchoredEnd = true;
          ++pos_;
          continue;
        }
        break;
      default:
        break;
      }
      copy(1);
    }
    return std::move(branches_);
  }

private:
  /// Whether the top-level alternative ends at `at`.
  bool endsBranch(size_t at) const {
    return at >= pattern_.size() || pattern_[at] == '|';
  }

  void emit(std::string_view text, size_t origin) {
    Branch &branch = branches_.back();
    branch.text += text;
    branch.origin.insert(branch.origin.end(), text.size(), origin);
  }
  void copy(size_t length) {
    Branch &branch = branches_.back();
    for (size_t i = 0; i < length && pos_ < pattern_.size(); ++i, ++pos_) {
      branch.text += pattern_[pos_];
      branch.origin.push_back(pos_);
    }
  }

  void escape(bool inClass) {
    size_t at = pos_;
    char next = at + 1 < pattern_.size() ? pattern_[at + 1] : '\0';
    auto replace = [&](std::string_view text, size_t length) {
      emit(text, at);
      pos_ += length;
    };
    switch (next) {
    case 's':
      return replace(inClass
                         ? classMembers(sharedSpace())
                         : std::string("[") + classMembers(sharedSpace()) + "]",
                     2);
    case 'S':
      return replace(inClass ? classMembers(sharedNonSpace())
                             : std::string("[") +
                                   classMembers(sharedNonSpace()) + "]",
                     2);
    case 'v':
      return replace(codePointEscape(0x0B), 2);
    case '0':
      if (at + 2 >= pattern_.size() || pattern_[at + 2] < '0' ||
          pattern_[at + 2] > '9')
        return replace(codePointEscape(0), 2);
      break;
    case 'c':
      if (at + 2 < pattern_.size() &&
          ((pattern_[at + 2] >= 'a' && pattern_[at + 2] <= 'z') ||
           (pattern_[at + 2] >= 'A' && pattern_[at + 2] <= 'Z')))
        return replace(codePointEscape(char32_t(pattern_[at + 2] % 32)), 3);
      break;
    case 'b':
      if (inClass)
        return replace(codePointEscape(0x08), 2);
      break;
    default:
      break;
    }
    // Everything else means the same to the parser (or is refused by it).
    copy(next == '\0' ? 1 : 2);
    // A multi-byte character after '\' stays whole.
    while (pos_ < pattern_.size() &&
           (static_cast<uint8_t>(pattern_[pos_]) & 0xC0) == 0x80)
      copy(1);
  }

  std::string_view pattern_;
  size_t pos_ = 0;
  std::vector<Branch> branches_;
};

/// The parser's "<offset>: <what>" with the offset mapped back.
Error mapError(const Error &error, const Branch &branch) {
  const std::string &message = error.message;
  size_t colon = message.find(": ");
  size_t offset = 0;
  bool numeric = colon != std::string::npos && colon > 0;
  for (size_t i = 0; numeric && i < colon; ++i) {
    if (message[i] < '0' || message[i] > '9')
      numeric = false;
    else
      offset = offset * 10 + size_t(message[i] - '0');
  }
  if (!numeric)
    return error;
  size_t origin = offset < branch.origin.size()
                      ? branch.origin[offset]
                      : (branch.origin.empty() ? 0 : branch.origin.back() + 1);
  return makeError(std::to_string(origin) + message.substr(colon));
}

} // namespace

Expected<RegexNode> ecmaPatternLanguage(std::string_view pattern,
                                        const AutomatonLimits &limits) {
  std::vector<Branch> branches = Translator(pattern).run();
  std::vector<RegexNode> alternatives;
  for (const Branch &branch : branches) {
    Expected<RegexNode> tree = parseRegex(branch.text, limits);
    if (!tree)
      return mapError(tree.error(), branch);
    std::vector<RegexNode> parts;
    if (!branch.anchoredStart)
      parts.push_back(anyChars(0, RegexNode::kUnbounded));
    parts.push_back(tree.take());
    if (!branch.anchoredEnd)
      parts.push_back(anyChars(0, RegexNode::kUnbounded));
    alternatives.push_back(RegexNode::concat(std::move(parts), 0));
  }
  return RegexNode::alternate(std::move(alternatives), 0);
}

} // namespace sgl::runtime::constraints
