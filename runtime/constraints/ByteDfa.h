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
//===----------------------------------------------------------------------===//
#ifndef SGL_RUNTIME_CONSTRAINTS_BYTEDFA_H
#define SGL_RUNTIME_CONSTRAINTS_BYTEDFA_H

#include "runtime/constraints/DfaTable.h"

#include <cstdint>
#include <limits>
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

  State start() const { return table_.start; }
  State step(State state, uint8_t byte) const {
    return table_.target(state, table_.byteClass[byte]);
  }
  bool accepting(State state) const { return table_.accepting[state] != 0; }
  bool isDead(State state) const { return state == kDead; }
  /// The fewest bytes that lead from `state` to acceptance: 0 when it is
  /// accepting, kNever for the dead state.
  uint32_t shortestAccept(State state) const { return shortest_[state]; }

  /// The state after reading `bytes` from `state`.
  State walk(State state, std::string_view bytes) const;
  /// Whether the whole of `text` is in the language.
  bool matches(std::string_view text) const {
    return accepting(walk(start(), text));
  }

  /// States, the dead state included; ids are 0 .. numStates()-1.
  int32_t numStates() const { return table_.numStates(); }
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
    return table_.target(state, table_.numClasses + call);
  }

private:
  DfaTable table_;
  std::vector<uint32_t> shortest_; ///< [numStates]
};

} // namespace sgl::runtime::constraints

#endif // SGL_RUNTIME_CONSTRAINTS_BYTEDFA_H
