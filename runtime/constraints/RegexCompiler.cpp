//===- RegexCompiler.cpp - Regular expressions to byte DFAs ---------------===//
#include "runtime/constraints/RegexCompiler.h"

#include "runtime/constraints/ByteNfa.h"
#include "runtime/constraints/Determinize.h"
#include "runtime/constraints/MinimizeDfa.h"
#include "runtime/constraints/RegexParser.h"

#include <algorithm>

namespace sgl::runtime::constraints {

Expected<ByteDfa> compileRegexTree(const RegexNode &root,
                                   const AutomatonLimits &limits) {
  Expected<ByteNfa> nfa = buildNfa(root, limits);
  if (!nfa)
    return nfa.error();
  if (hasCalls(*nfa))
    return makeError("a regular expression cannot call grammar rules");
  Expected<std::optional<DfaTable>> dfa = determinize(*nfa, limits);
  if (!dfa)
    return dfa.error();
  if (*dfa)
    return ByteDfa(minimizeDfa(**dfa));
  if (limits.maxLazyStates <= 0)
    return tooManyDfaStates(limits);
  return ByteDfa::buildLazily(std::move(*nfa), {},
                              std::make_shared<LazyBudget>(limits));
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
