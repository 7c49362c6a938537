//===- ByteDfa.h - A compiled constraint automaton over bytes ---*- C++ -*-===//
//
// The result of compiling a constraint: a minimal DFA that reads UTF-8
// bytes. A token mask builder walks it byte by byte along the vocabulary
// trie:
//
//   State s = dfa.start();
//   for (uint8_t byte : tokenBytes)
//     if (dfa.isDead(s = dfa.step(s, byte)))
//       break;                       // no continuation can ever match
//   dfa.accepting(s);                // the text so far is in the language
//   dfa.shortestAccept(s);           // bytes still needed, at the fewest
//
// Byte strings that are not valid UTF-8 always end in the dead state, so a
// mask never allows a token that would split a character wrongly.
//
// Every state other than the dead one can still reach acceptance, so
// shortestAccept is finite exactly for the live states; a budget-aware mask
// can refuse a token after which the text could no longer finish within the
// remaining byte budget. The object is immutable and safe to share between
// threads.
//
// The DFA of a grammar rule (Grammar.h) also has call columns: from a state,
// a whole match of rule callRule(j) leads to callTarget(state, j). Its
// shortestAccept counts such a call as the callee's shortest match.
//
// An automaton too large to build whole is built lazily (LazyDfa.h): the
// same interface, its states numbered as walks first reach them, so
// numStates() is the number built so far. Such a DFA is not minimal.
//
//===----------------------------------------------------------------------===//
#ifndef SGL_RUNTIME_CONSTRAINTS_BYTEDFA_H
#define SGL_RUNTIME_CONSTRAINTS_BYTEDFA_H

#include "runtime/constraints/DfaTable.h"
#include "runtime/constraints/LazyDfa.h"

#include <cstdint>
#include <limits>
#include <memory>
#include <span>
#include <string_view>
#include <vector>

namespace sgl::runtime::constraints {

/// A minimal, complete DFA over bytes; see the file comment.
class ByteDfa {
public:
  using State = int32_t;
  /// The state from which nothing is ever accepted; step() stays there.
  static constexpr State kDead = 0;
  /// shortestAccept() of the dead state.
  static constexpr uint32_t kNever = std::numeric_limits<uint32_t>::max();

  /// Wraps a minimal table, as minimizeDfa returns it: state 0 is the only
  /// state that cannot reach an accepting one. `callLengths[j]` is the
  /// shortest match of callRule(j), one per call column.
  explicit ByteDfa(DfaTable table, std::span<const uint32_t> callLengths = {});
  /// The DFA of `nfa` built lazily (LazyDfa.h), a call of rule r costing
  /// ruleLengths[r] bytes, its states drawn from `budget`.
  static ByteDfa buildLazily(ByteNfa nfa, std::span<const uint32_t> ruleLengths,
                             std::shared_ptr<LazyBudget> budget);

  State start() const { return table_.start; }
  State step(State state, uint8_t byte) const {
    return target(state, table_.byteClass[byte]);
  }
  bool accepting(State state) const {
    return lazy_ ? lazy_->accepting(state) : table_.accepting[state] != 0;
  }
  bool isDead(State state) const { return state == kDead; }
  /// The fewest bytes that lead from `state` to acceptance: 0 when it is
  /// accepting, kNever for the dead state.
  uint32_t shortestAccept(State state) const {
    return lazy_ ? lazy_->shortestAccept(state) : shortest_[state];
  }
  /// Whether a grammar stack with this state on top can change without a
  /// byte: it accepts (and may return), or has a call that can match.
  bool expands(State state) const {
    return lazy_ ? lazy_->expands(state) : expands_[state] != 0;
  }

  /// The state after reading `bytes` from `state`.
  State walk(State state, std::string_view bytes) const;
  /// Whether the whole of `text` is in the language.
  bool matches(std::string_view text) const {
    return accepting(walk(start(), text));
  }

  /// States, the dead state included; ids are 0 .. numStates()-1. For a
  /// lazy DFA: those built so far.
  int32_t numStates() const {
    return lazy_ ? lazy_->numStates() : table_.numStates();
  }
  /// The lazy part, or null when the DFA was built whole.
  const LazyDfa *lazy() const { return lazy_.get(); }
  /// Classes of bytes that every state treats alike (at most 256).
  int32_t numByteClasses() const { return table_.numClasses; }
  int32_t byteClass(uint8_t byte) const { return table_.byteClass[byte]; }

  /// Call columns; none for a regular expression.
  int32_t numCalls() const {
    return static_cast<int32_t>(table_.callRules.size());
  }
  int32_t callRule(int32_t call) const { return table_.callRules[call]; }
  /// The state after a whole match of callRule(call) from `state`.
  State callTarget(State state, int32_t call) const {
    return target(state, table_.numClasses + call);
  }

private:
  ByteDfa() = default;
  State target(State state, int32_t column) const {
    return lazy_ ? lazy_->target(state, column) : table_.target(state, column);
  }

  DfaTable table_;                 ///< without states when lazy
  std::vector<uint32_t> shortest_; ///< [numStates]
  std::vector<uint8_t> expands_;   ///< [numStates]
  std::shared_ptr<const LazyDfa> lazy_;
};

} // namespace sgl::runtime::constraints

#endif // SGL_RUNTIME_CONSTRAINTS_BYTEDFA_H
