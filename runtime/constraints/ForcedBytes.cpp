//===- ForcedBytes.cpp - Bytes a constraint forces ------------------------===//
#include "runtime/constraints/ForcedBytes.h"

#include <cassert>
#include <optional>

namespace sgl::runtime::constraints {

namespace {

/// The one byte that keeps `state` live, if there is exactly one.
std::optional<uint8_t> onlyLiveByte(const ByteDfa &dfa, ByteDfa::State state) {
  std::optional<uint8_t> only;
  for (int byte = 0; byte < 256; ++byte) {
    if (dfa.isDead(dfa.step(state, static_cast<uint8_t>(byte))))
      continue;
    if (only)
      return std::nullopt;
    only = static_cast<uint8_t>(byte);
  }
  return only;
}

} // namespace

std::string forcedBytes(const ByteDfa &dfa, ByteDfa::State state) {
  std::string forced;
  while (!dfa.isDead(state) && !dfa.accepting(state)) {
    std::optional<uint8_t> byte = onlyLiveByte(dfa, state);
    if (!byte)
      break;
    forced.push_back(static_cast<char>(*byte));
    state = dfa.step(state, *byte);
    // Each forced step brings acceptance one byte closer, so the chain
    // cannot revisit a state.
    assert(static_cast<int32_t>(forced.size()) < dfa.numStates() &&
           "a forced cycle: a live state that never accepts");
  }
  return forced;
}

} // namespace sgl::runtime::constraints
