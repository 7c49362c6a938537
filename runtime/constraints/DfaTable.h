//===- DfaTable.h - Transition table of a byte DFA --------------*- C++ -*-===//
//
// The form in which determinization hands a DFA to minimization, and
// minimization to ByteDfa. Bytes that every state treats alike share a byte
// class (as in RE2), so a row holds one entry per class rather than 256:
// `[0-9]+` needs 2 classes, `.` about a dozen.
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
  std::vector<int32_t> next;      ///< [numStates * numClasses]: target state
  std::vector<uint8_t> accepting; ///< [numStates]: 1 when accepting
  int32_t start = 0;

  int32_t numStates() const { return static_cast<int32_t>(accepting.size()); }
  int32_t target(int32_t state, int32_t byteClassId) const {
    return next[static_cast<size_t>(state) * numClasses + byteClassId];
  }
};

} // namespace sgl::runtime::constraints

#endif // SGL_RUNTIME_CONSTRAINTS_DFATABLE_H
