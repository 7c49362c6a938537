//===- Grammar.h - Regular rules joined by call edges -----------*- C++ -*-===//
//
// A constraint that regular expressions cannot say, such as a JSON Schema
// with recursive `$ref`s, is a grammar: a list of rules, each a regular
// expression over bytes whose Call nodes stand for the whole of another
// rule (or itself). Each rule is compiled to a minimal DFA over its bytes
// and its call symbols; matching keeps a stack of return states, so the
// grammar is a pushdown automaton over those DFAs (as in XGrammar).
//
//   GrammarSource source;
//   source.rules.push_back({"value", valueTree});   // may call rule 1
//   source.rules.push_back({"array", arrayTree});   // may call rule 0
//   Expected<Grammar> grammar = compileGrammar(source);
//
// A rule that calls another before consuming any byte (left recursion, as
// `{"$ref": "#"}`) would push without end and is an error; so is a root
// rule that matches nothing.
//
//===----------------------------------------------------------------------===//
#ifndef SGL_RUNTIME_CONSTRAINTS_GRAMMAR_H
#define SGL_RUNTIME_CONSTRAINTS_GRAMMAR_H

#include "runtime/constraints/AutomatonLimits.h"
#include "runtime/constraints/ByteDfa.h"
#include "runtime/constraints/RegexAst.h"
#include "runtime/support/Expected.h"

#include <optional>
#include <string>
#include <vector>

namespace sgl::runtime::constraints {

/// One rule as written: a name for messages and statistics, and a tree
/// whose Call nodes name other rules by index.
struct GrammarRuleSource {
  std::string name;
  RegexNode body;
  /// The engine's own rule, the same in every grammar but for the rules it
  /// calls (JSON whitespace, any JSON value): compiled once per process
  /// (LibraryRules.h).
  bool library = false;
};

struct GrammarSource {
  std::vector<GrammarRuleSource> rules;
  int32_t root = 0; ///< the rule a whole output must match
};

/// A compiled grammar: immutable, shared by every matcher of it.
class Grammar {
public:
  struct Rule {
    std::string name;
    /// Over bytes and call columns: ByteDfa::numCalls() of them, column j
    /// calling rule dfa.callRule(j). shortestAccept() counts a call as the
    /// callee's shortest length.
    ByteDfa dfa;

    Rule(std::string name, ByteDfa dfa)
        : name(std::move(name)), dfa(std::move(dfa)) {}
  };

  /// The grammar of one regular language: a single rule, no calls.
  static Grammar regular(std::string name, ByteDfa dfa);

  int32_t root() const { return root_; }
  int32_t numRules() const { return static_cast<int32_t>(rules_.size()); }
  const Rule &rule(int32_t index) const { return rules_[index]; }
  /// The fewest bytes of a whole match of rule `index`.
  uint32_t shortestLength(int32_t index) const { return shortest_[index]; }
  /// DFA states of all rules together (of lazy rules, those built so far).
  int64_t numStates() const;

  /// Whether a rule's DFA is built lazily (LazyDfa.h), as masks reach its
  /// states; then its budget may run out while masks are made, and this
  /// says why.
  bool hasLazyRules() const { return firstLazyRule_ >= 0; }
  std::optional<std::string> lazyFailure() const;

  /// Whether the grammar has one rule and no calls: a plain regular
  /// language, whose masks need no stacks.
  bool isRegular() const;

  /// Whether `text` is a whole match of the root rule.
  bool matches(std::string_view text) const;

private:
  friend Expected<Grammar> compileGrammar(const GrammarSource &,
                                          const AutomatonLimits &);
  Grammar() = default;

  std::vector<Rule> rules_;
  std::vector<uint32_t> shortest_; ///< per rule
  int32_t root_ = 0;
  int32_t firstLazyRule_ = -1; ///< all lazy rules share one LazyBudget
};

/// One grammar whose outputs are those of any of `sources` (e.g. the
/// parameter schemas of every tool a model may call): their rules side by
/// side, renumbered, under a new root rule `name` that calls each root.
GrammarSource unionOf(std::vector<GrammarSource> sources, std::string name);

/// Compiles every rule that the root reaches through calls, once for rules
/// that are copies of each other (SameRules.h): the calls of a copy go to
/// its original, and copies and rules the root never reaches keep only a
/// dead state, as no stack ever holds them. Fails with the first rule's error
/// prefixed by "rule '<name>': ", on left recursion ("rule 'a' calls 'b' before
/// consuming any input, which recurses without end") or when the root
/// matches nothing. `limits` apply to each rule; the sum of DFA states is
/// bounded by limits.maxGrammarStates.
Expected<Grammar> compileGrammar(const GrammarSource &source,
                                 const AutomatonLimits &limits = {});

} // namespace sgl::runtime::constraints

#endif // SGL_RUNTIME_CONSTRAINTS_GRAMMAR_H
