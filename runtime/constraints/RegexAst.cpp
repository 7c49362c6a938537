//===- RegexAst.cpp - Syntax tree of a regular expression -----------------===//
#include "runtime/constraints/RegexAst.h"

#include <cassert>
#include <utility>

namespace sgl::runtime::constraints {

RegexChildren::RegexChildren(std::vector<RegexNode> nodes) {
  if (!nodes.empty())
    nodes_ = std::make_shared<std::vector<RegexNode>>(std::move(nodes));
}

std::vector<RegexNode> &RegexChildren::own() {
  if (!nodes_)
    nodes_ = std::make_shared<std::vector<RegexNode>>();
  else if (nodes_.use_count() > 1)
    nodes_ = std::make_shared<std::vector<RegexNode>>(*nodes_);
  return *nodes_;
}

void RegexChildren::push_back(RegexNode node) {
  own().push_back(std::move(node));
}

void RegexChildren::reserve(size_t capacity) { own().reserve(capacity); }

namespace {
RegexNode combine(RegexNode::Kind kind, std::vector<RegexNode> parts,
                  uint32_t offset) {
  if (parts.empty())
    return RegexNode::empty(offset);
  if (parts.size() == 1)
    return std::move(parts.front());
  RegexNode node;
  node.kind = kind;
  node.offset = offset;
  node.children = std::move(parts);
  return node;
}
} // namespace

RegexNode RegexNode::empty(uint32_t offset) {
  RegexNode node;
  node.offset = offset;
  return node;
}

RegexNode RegexNode::set(CodePointSet codePoints, uint32_t offset) {
  RegexNode node;
  node.kind = Kind::CodePoints;
  node.offset = offset;
  node.codePoints = std::move(codePoints);
  return node;
}

RegexNode RegexNode::concat(std::vector<RegexNode> parts, uint32_t offset) {
  return combine(Kind::Concat, std::move(parts), offset);
}

RegexNode RegexNode::alternate(std::vector<RegexNode> parts, uint32_t offset) {
  return combine(Kind::Alternate, std::move(parts), offset);
}

RegexNode RegexNode::intersect(std::vector<RegexNode> parts, uint32_t offset) {
  return combine(Kind::Intersect, std::move(parts), offset);
}

RegexNode RegexNode::repeat(RegexNode child, uint32_t minCount,
                            uint32_t maxCount, uint32_t offset) {
  assert(minCount <= maxCount && "a repetition's minimum is above its maximum");
  RegexNode node;
  node.kind = Kind::Repeat;
  node.offset = offset;
  node.minCount = minCount;
  node.maxCount = maxCount;
  node.children.push_back(std::move(child));
  return node;
}

RegexNode RegexNode::call(int32_t rule, uint32_t offset) {
  assert(rule >= 0 && "a call to no rule");
  RegexNode node;
  node.kind = Kind::Call;
  node.offset = offset;
  node.rule = rule;
  return node;
}

} // namespace sgl::runtime::constraints
