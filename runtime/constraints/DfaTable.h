//===- DfaTable.h - Transition table of a byte DFA --------------*- C++ -*-===//
//
// The form in which determinization hands a DFA to minimization, and
// minimization to ByteDfa. Bytes that every state treats alike share a byte
// class (as in RE2), so a row holds one entry per class rather than 256:
// `[0-9]+` needs 2 classes, `.` about a dozen. A grammar rule's DFA also
// has a column per rule it calls, after the byte classes: a call is one
// symbol to the DFA, whatever the callee matches.
//
//===----------------------------------------------------------------------===//
#ifndef SGL_RUNTIME_CONSTRAINTS_DFATABLE_H
#define SGL_RUNTIME_CONSTRAINTS_DFATABLE_H

#include <array>
#include <cstddef>
#include <cstdint>
#include <vector>

namespace sgl::runtime::constraints {

/// A complete DFA over byte classes. State 0 is a dead state: not
/// accepting, every transition back to itself.
struct DfaTable {
  std::array<uint8_t, 256> byteClass{}; ///< byte -> class, 0 .. numClasses-1
  int32_t numClasses = 1;
  /// The rule called by column numClasses + j, increasing.
  std::vector<int32_t> callRules;
  /// [numStates * numColumns()]: target state
  std::vector<int32_t> next;
  std::vector<uint8_t> accepting; ///< [numStates]: 1 when accepting
  int32_t start = 0;

  int32_t numStates() const { return static_cast<int32_t>(accepting.size()); }
  int32_t numColumns() const {
    return numClasses + static_cast<int32_t>(callRules.size());
  }
  /// The target of `state` on byte class or call column `column`.
  int32_t target(int32_t state, int32_t column) const {
    return next[static_cast<size_t>(state) * numColumns() + column];
  }
};

} // namespace sgl::runtime::constraints

#endif // SGL_RUNTIME_CONSTRAINTS_DFATABLE_H
