//===- GrammarReference.h - A backtracking grammar matcher ------*- C++ -*-===//
//
// The reference the grammar tests compare against: it reads the rule trees
// themselves, not their automata. Matching a node from a position yields
// every position a match can end at; a call is its rule's tree from there,
// memoized per (rule, position), which terminates because compileGrammar
// refuses left recursion. Reaching the end of the text inside a node means
// the text can still be completed (every node of the test grammars can be
// finished from anywhere inside it), which is what a mask asks.
//
// Texts are ASCII, so a CodePoints node reads one byte.
//
//===----------------------------------------------------------------------===//
#ifndef SGL_TEST_UNIT_CONSTRAINTS_GRAMMARREFERENCE_H
#define SGL_TEST_UNIT_CONSTRAINTS_GRAMMARREFERENCE_H

#include "runtime/constraints/Grammar.h"

#include <map>
#include <set>
#include <string_view>

namespace sgl::runtime::constraints::test {

class GrammarReference {
public:
  /// End positions of a match; kRanOut when the text ended inside one.
  static constexpr size_t kRanOut = static_cast<size_t>(-1);

  GrammarReference(const GrammarSource &source, std::string_view text)
      : source_(source), text_(text) {}

  /// Whether the whole text matches the root rule.
  bool matches() {
    std::set<size_t> ends = rule(source_.root, 0);
    return ends.count(text_.size()) != 0;
  }
  /// Whether some text that starts with this one matches.
  bool viable() {
    std::set<size_t> ends = rule(source_.root, 0);
    return ends.count(text_.size()) != 0 || ends.count(kRanOut) != 0;
  }

private:
  std::set<size_t> rule(int32_t index, size_t at) {
    auto key = std::make_pair(index, at);
    auto it = memo_.find(key);
    if (it != memo_.end())
      return it->second;
    std::set<size_t> ends = node(source_.rules[index].body, at);
    memo_[key] = ends;
    return ends;
  }

  std::set<size_t> node(const RegexNode &n, size_t at) {
    if (at == kRanOut)
      return {kRanOut};
    switch (n.kind) {
    case RegexNode::Kind::Empty:
      return {at};
    case RegexNode::Kind::CodePoints:
      if (at == text_.size())
        return n.codePoints.empty() ? std::set<size_t>{}
                                    : std::set<size_t>{kRanOut};
      if (n.codePoints.contains(static_cast<uint8_t>(text_[at])))
        return {at + 1};
      return {};
    case RegexNode::Kind::Call:
      return rule(n.rule, at);
    case RegexNode::Kind::Concat: {
      std::set<size_t> current{at};
      for (const RegexNode &child : n.children) {
        std::set<size_t> next;
        for (size_t from : current)
          for (size_t end : node(child, from))
            next.insert(end);
        current = std::move(next);
      }
      return current;
    }
    case RegexNode::Kind::Alternate: {
      std::set<size_t> ends;
      for (const RegexNode &child : n.children)
        for (size_t end : node(child, at))
          ends.insert(end);
      return ends;
    }
    case RegexNode::Kind::Intersect: {
      // Ends every child reaches (kRanOut: all may go on, an approximation
      // that viable() accepts).
      std::set<size_t> ends = node(n.children.front(), at);
      for (size_t i = 1; i < n.children.size(); ++i) {
        std::set<size_t> other = node(n.children[i], at), both;
        for (size_t end : ends)
          if (other.count(end))
            both.insert(end);
        ends = std::move(both);
      }
      return ends;
    }
    case RegexNode::Kind::Repeat: {
      // Rounds until the maximum, or until past the minimum a round finds
      // no position not seen before.
      std::set<size_t> ends, seen{at}, current{at};
      if (n.minCount == 0)
        ends.insert(at);
      for (uint32_t count = 1;; ++count) {
        std::set<size_t> next;
        for (size_t from : current)
          for (size_t end : node(n.children.front(), from))
            next.insert(end);
        if (count >= n.minCount)
          ends.insert(next.begin(), next.end());
        if (n.maxCount != RegexNode::kUnbounded && count >= n.maxCount)
          break;
        next.erase(kRanOut);
        bool fresh = false;
        for (size_t end : next)
          fresh |= seen.insert(end).second;
        if (count >= n.minCount && !fresh)
          break;
        current = std::move(next);
      }
      return ends;
    }
    }
    return {};
  }

  const GrammarSource &source_;
  std::string_view text_;
  std::map<std::pair<int32_t, size_t>, std::set<size_t>> memo_;
};

} // namespace sgl::runtime::constraints::test

#endif // SGL_TEST_UNIT_CONSTRAINTS_GRAMMARREFERENCE_H
