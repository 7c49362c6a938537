//===- RuleTrees.h - Comparing rule trees up to their calls -----*- C++ -*-===//
//
// Two rules' trees say the same when they are the same but for the rules
// they call, and those correspond: `callId(rule)` gives each call the id
// it is compared by (its original rule, say, or its place among the
// callees). Used to find copies of a rule in a grammar (SameRules.h) and
// rules compiled before in the process (LibraryRules.h).
//
//===----------------------------------------------------------------------===//
#ifndef SGL_RUNTIME_CONSTRAINTS_RULETREES_H
#define SGL_RUNTIME_CONSTRAINTS_RULETREES_H

#include "runtime/constraints/RegexAst.h"
#include "runtime/support/HashMix.h"

#include <cstdint>

namespace sgl::runtime::constraints {

template <typename CallId>
uint64_t treeHash(const RegexNode &node, const CallId &callId) {
  uint64_t h = hashMix(static_cast<uint64_t>(node.kind), node.offset);
  switch (node.kind) {
  case RegexNode::Kind::CodePoints:
    for (CodePointRange range : node.codePoints.ranges())
      h = hashMix(hashMix(h, range.lo), range.hi);
    break;
  case RegexNode::Kind::Call:
    h = hashMix(h, static_cast<uint64_t>(callId(node.rule)));
    break;
  case RegexNode::Kind::Repeat:
    h = hashMix(hashMix(h, node.minCount), node.maxCount);
    break;
  default:
    break;
  }
  for (const RegexNode &child : node.children)
    h = hashMix(h, treeHash(child, callId));
  return h;
}

template <typename CallIdA, typename CallIdB>
bool sameTree(const RegexNode &a, const CallIdA &callIdA, const RegexNode &b,
              const CallIdB &callIdB) {
  if (a.kind != b.kind || a.offset != b.offset ||
      a.children.size() != b.children.size())
    return false;
  switch (a.kind) {
  case RegexNode::Kind::CodePoints:
    if (!(a.codePoints == b.codePoints))
      return false;
    break;
  case RegexNode::Kind::Call:
    if (callIdA(a.rule) != callIdB(b.rule))
      return false;
    break;
  case RegexNode::Kind::Repeat:
    if (a.minCount != b.minCount || a.maxCount != b.maxCount)
      return false;
    break;
  default:
    break;
  }
  for (size_t i = 0; i < a.children.size(); ++i)
    if (!sameTree(a.children[i], callIdA, b.children[i], callIdB))
      return false;
  return true;
}

} // namespace sgl::runtime::constraints

#endif // SGL_RUNTIME_CONSTRAINTS_RULETREES_H
