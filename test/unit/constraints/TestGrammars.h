//===- TestGrammars.h - Grammars the grammar tests run on -------*- C++ -*-===//
//
// A few recursive grammars written as rule trees, and random texts drawn
// from them: nested arrays, JSON-like objects, and an ambiguous grammar
// with rules that match the empty string.
//
//===----------------------------------------------------------------------===//
#ifndef SGL_TEST_UNIT_CONSTRAINTS_TESTGRAMMARS_H
#define SGL_TEST_UNIT_CONSTRAINTS_TESTGRAMMARS_H

#include "runtime/constraints/Grammar.h"
#include "runtime/constraints/RegexParser.h"

#include <cassert>
#include <random>
#include <string>
#include <vector>

namespace sgl::runtime::constraints::test {

inline RegexNode re(const char *pattern) {
  Expected<RegexNode> tree = parseRegex(pattern, AutomatonLimits{});
  assert(tree && "a test pattern does not parse");
  return std::move(*tree);
}
inline RegexNode call(int32_t rule) { return RegexNode::call(rule, 0); }
inline RegexNode seq(std::vector<RegexNode> parts) {
  return RegexNode::concat(std::move(parts), 0);
}
inline RegexNode alt(std::vector<RegexNode> parts) {
  return RegexNode::alternate(std::move(parts), 0);
}
inline RegexNode star(RegexNode body) {
  return RegexNode::repeat(std::move(body), 0, RegexNode::kUnbounded, 0);
}
inline RegexNode opt(RegexNode body) {
  return RegexNode::repeat(std::move(body), 0, 1, 0);
}

struct NamedGrammar {
  const char *name;
  GrammarSource source;
};

/// The first alternative of every recursive choice is the one that does
/// not recurse, so that randomText can stop.
inline std::vector<NamedGrammar> testGrammars() {
  std::vector<NamedGrammar> grammars;
  {
    GrammarSource arrays;
    arrays.rules.push_back({"value", alt({re("[0-9]{1,3}"), call(1)})});
    arrays.rules.push_back(
        {"array",
         seq({re("\\["), opt(seq({call(0), star(seq({re(", ?"), call(0)}))})),
              re("\\]")})});
    grammars.push_back({"arrays", std::move(arrays)});
  }
  {
    GrammarSource objects;
    RegexNode member = seq({re("\"[a-z]{1,3}\": ?"), call(1)});
    objects.rules.push_back(
        {"object",
         seq({re("\\{"), opt(seq({member, star(seq({re(", "), member}))})),
              re("\\}")})});
    objects.rules.push_back(
        {"value", alt({re("[0-9]+"), re("\"[a-z ]*\""), call(0)})});
    grammars.push_back({"objects", std::move(objects)});
  }
  {
    // "a" may start rule 1 or rule 2; both may be empty.
    GrammarSource ambiguous;
    ambiguous.rules.push_back({"root", seq({call(1), call(2), re("c")})});
    ambiguous.rules.push_back({"as", re("a*")});
    ambiguous.rules.push_back(
        {"abs", seq({re("(ab)*"), opt(seq({re("\\("), call(0), re("\\)")}))})});
    grammars.push_back({"ambiguous", std::move(ambiguous)});
  }
  return grammars;
}

/// A random text of `node`, recursing at most `depth` calls deep.
inline void randomText(const GrammarSource &source, const RegexNode &node,
                       std::mt19937_64 &rng, int depth, std::string &out) {
  switch (node.kind) {
  case RegexNode::Kind::Empty:
    return;
  case RegexNode::Kind::CodePoints: {
    std::vector<char> members;
    for (int c = 0x20; c < 0x7f; ++c)
      if (node.codePoints.contains(static_cast<char32_t>(c)))
        members.push_back(static_cast<char>(c));
    out.push_back(members[rng() % members.size()]);
    return;
  }
  case RegexNode::Kind::Concat:
    for (const RegexNode &child : node.children)
      randomText(source, child, rng, depth, out);
    return;
  case RegexNode::Kind::Alternate:
    randomText(source,
               node.children[depth <= 0 ? 0 : rng() % node.children.size()],
               rng, depth, out);
    return;
  case RegexNode::Kind::Repeat: {
    uint32_t extra = node.maxCount - node.minCount;
    uint32_t count =
        node.minCount + (depth <= 0 ? 0 : rng() % (std::min(extra, 3u) + 1));
    for (uint32_t i = 0; i < count; ++i)
      randomText(source, node.children.front(), rng, depth, out);
    return;
  }
  case RegexNode::Kind::Call:
    randomText(source, source.rules[node.rule].body, rng, depth - 1, out);
    return;
  case RegexNode::Kind::Intersect: // a text of the first part, maybe not all
    randomText(source, node.children.front(), rng, depth, out);
    return;
  }
}

inline std::string randomText(const GrammarSource &source, std::mt19937_64 &rng,
                              int depth = 4) {
  std::string text;
  randomText(source, source.rules[source.root].body, rng, depth, text);
  return text;
}

} // namespace sgl::runtime::constraints::test

#endif // SGL_TEST_UNIT_CONSTRAINTS_TESTGRAMMARS_H
