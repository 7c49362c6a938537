//===- RegexCompiler.cpp - Regular expressions to byte DFAs ---------------===//
#include "runtime/constraints/RegexCompiler.h"

#include "runtime/constraints/ByteNfa.h"
#include "runtime/constraints/Determinize.h"
#include "runtime/constraints/MinimizeDfa.h"
#include "runtime/constraints/RegexParser.h"

namespace sgl::runtime::constraints {

Expected<ByteDfa> compileRegexTree(const RegexNode &root,
                                   const AutomatonLimits &limits) {
  Expected<ByteNfa> nfa = buildNfa(root, limits);
  if (!nfa)
    return nfa.error();
  Expected<DfaTable> dfa = determinize(*nfa, limits);
  if (!dfa)
    return dfa.error();
  if (!dfa->callRules.empty())
    return makeError("a regular expression cannot call grammar rules");
  return ByteDfa(minimizeDfa(*dfa));
}

Expected<ByteDfa> compileRegex(std::string_view pattern,
                               const AutomatonLimits &limits) {
  Expected<ByteDfa> dfa = [&]() -> Expected<ByteDfa> {
    Expected<RegexNode> tree = parseRegex(pattern, limits);
    if (!tree)
      return tree.error();
    return compileRegexTree(*tree, limits);
  }();
  if (!dfa)
    return makeError("regex: " + dfa.error().message);
  return dfa;
}

} // namespace sgl::runtime::constraints
