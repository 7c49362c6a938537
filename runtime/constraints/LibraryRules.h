//===- LibraryRules.h - Rules compiled once per process ---------*- C++ -*-===//
//
// Some rules are the engine's, not the user's: the whitespace between JSON
// tokens and any JSON value are the same in every grammar of one layout,
// only the rules they call are numbered differently. A rule whose source
// says so (GrammarRuleSource::library) is compiled once per process and
// copied into later grammars with its calls renumbered, as the vocabulary
// trie is built once per tokenizer. Nothing the user wrote is kept.
//
//===----------------------------------------------------------------------===//
#ifndef SGL_RUNTIME_CONSTRAINTS_LIBRARYRULES_H
#define SGL_RUNTIME_CONSTRAINTS_LIBRARYRULES_H

#include "runtime/constraints/AutomatonLimits.h"
#include "runtime/constraints/ByteNfa.h"
#include "runtime/constraints/DfaTable.h"
#include "runtime/constraints/RegexAst.h"

#include <cstdint>
#include <memory>
#include <optional>
#include <vector>

namespace sgl::runtime::constraints {

/// One rule of one grammar, as the cache sees it: its tree, its index,
/// and the rules it calls, itself first (the order the cache numbers them
/// in); `callees` maps those to this grammar's rules.
class LibraryRule {
public:
  LibraryRule(const RegexNode &body, int32_t self,
              const AutomatonLimits &limits);

  /// Its NFA from an earlier grammar, its calls this grammar's; nothing
  /// the first time.
  std::optional<ByteNfa> cachedNfa();
  /// Keeps `nfa`, this rule's NFA as built (calls as in its tree).
  void keepNfa(const ByteNfa &nfa);
  /// Its minimal DFA from an earlier grammar, with call columns for
  /// `callees[k]` in place of the k-th callee (calls after SameRules'
  /// renumbering, say); nothing the first time, or when two callees are
  /// now one rule.
  std::optional<DfaTable> cachedDfa(const std::vector<int32_t> &callees);
  /// Keeps `dfa`, whose call columns are for `callees` as above.
  void keepDfa(const DfaTable &dfa, const std::vector<int32_t> &callees);

  /// The rules it calls, itself first, by first call in the tree.
  const std::vector<int32_t> &callees() const { return callees_; }

  struct Entry;

private:
  std::vector<int32_t> callees_;
  std::shared_ptr<Entry> entry_;
};

} // namespace sgl::runtime::constraints

#endif // SGL_RUNTIME_CONSTRAINTS_LIBRARYRULES_H
