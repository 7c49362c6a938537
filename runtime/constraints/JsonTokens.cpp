//===- JsonTokens.cpp - Syntax trees of JSON tokens -----------------------===//
#include "runtime/constraints/JsonTokens.h"

#include "runtime/constraints/JsonStringRegex.h"
#include "runtime/constraints/RegexParser.h"

#include <cassert>
#include <string_view>
#include <utility>
#include <vector>

namespace sgl::runtime::constraints {

namespace {
RegexNode optional(RegexNode node) {
  return RegexNode::repeat(std::move(node), 0, 1, 0);
}
} // namespace

RegexNode literalText(std::string_view utf8) {
  std::vector<RegexNode> parts;
  for (size_t pos = 0; pos < utf8.size();)
    parts.push_back(
        RegexNode::set(CodePointSet::single(nextCodePoint(utf8, pos)), 0));
  return RegexNode::concat(std::move(parts), 0);
}

RegexNode nothing() { return RegexNode::set(CodePointSet(), 0); }

bool isNothing(const RegexNode &node) {
  return node.kind == RegexNode::Kind::CodePoints && node.codePoints.empty();
}

RegexNode JsonLayout::gap() const {
  if (!hasWhitespace())
    return RegexNode::empty(0);
  assert(whitespaceRule >= 0 && "gaps call the whitespace rule");
  return RegexNode::call(whitespaceRule, 0);
}

RegexNode JsonLayout::whitespaceBody() const {
  CodePointSet space = CodePointSet::single(' ');
  space.add('\t', '\n');
  space.add('\r', '\r');
  return RegexNode::repeat(RegexNode::set(std::move(space), 0), 0,
                           maxWhitespace, 0);
}

RegexNode JsonLayout::separator(char token) const {
  std::vector<RegexNode> parts;
  parts.push_back(gap());
  parts.push_back(RegexNode::set(CodePointSet::single(char32_t(token)), 0));
  parts.push_back(gap());
  return RegexNode::concat(std::move(parts), 0);
}

RegexNode anyJsonNumber() {
  // Numbers a double holds, so every accepted one parses everywhere: up to
  // 19 integer digits (int64 and more) with any fraction, or one digit
  // with an exponent up to 307 (as repr() writes large floats).
  static constexpr std::string_view kFiniteNumber =
      R"(-?(0|[1-9][0-9]{0,18})(\.[0-9]+)?)"
      R"(|-?[0-9](\.[0-9]+)?[eE](-[0-9]{1,3}|\+?([0-9]{1,2}|[0-2][0-9]{2}|30[0-7])))";
  Expected<RegexNode> tree = parseRegex(kFiniteNumber, AutomatonLimits{});
  assert(tree && "the number pattern parses");
  return std::move(*tree);
}

RegexNode anyJsonValue(const JsonLayout &layout, int32_t selfRule) {
  auto member = [&] { return RegexNode::call(selfRule, 0); };
  auto list = [&](RegexNode item, char open, char close) {
    // open gap (item (sep item)* gap)? close
    RegexNode more =
        RegexNode::repeat(RegexNode::concat({layout.separator(','), item}, 0),
                          0, RegexNode::kUnbounded, 0);
    RegexNode items =
        RegexNode::concat({item, std::move(more), layout.gap()}, 0);
    return RegexNode::concat({literalText(std::string_view(&open, 1)),
                              layout.gap(), optional(std::move(items)),
                              literalText(std::string_view(&close, 1))},
                             0);
  };
  RegexNode keyValue =
      RegexNode::concat({jsonString(anyChars(0, RegexNode::kUnbounded)),
                         layout.separator(':'), member()},
                        0);
  std::vector<RegexNode> kinds;
  kinds.push_back(literalText("null"));
  kinds.push_back(literalText("true"));
  kinds.push_back(literalText("false"));
  kinds.push_back(anyJsonNumber());
  kinds.push_back(jsonString(anyChars(0, RegexNode::kUnbounded)));
  kinds.push_back(list(member(), '[', ']'));
  kinds.push_back(list(std::move(keyValue), '{', '}'));
  return RegexNode::alternate(std::move(kinds), 0);
}

} // namespace sgl::runtime::constraints
