//===- RegexMaskReference.h - Regex token masks the slow way ----*- C++ -*-===//
//
// References for the regex mask tests, straight from the definitions:
// every token's bytes run through the regex's DFA on their own, with the
// budget rule of GrammarMasks.h (the bytes still needed after a token fit
// in the tokens left after it). Tests reach a DFA state by feeding a
// ConstraintMatcher the shortest text that leads there, one single-byte
// token at a time, so every mask goes through the front door.
//
//===----------------------------------------------------------------------===//
#ifndef SGL_TEST_UNIT_CONSTRAINTS_REGEXMASKREFERENCE_H
#define SGL_TEST_UNIT_CONSTRAINTS_REGEXMASKREFERENCE_H

#include "runtime/constraints/ByteDfa.h"
#include "runtime/constraints/Constraint.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace sgl::runtime::constraints::test {

/// So many tokens left that no budget narrows a mask.
inline constexpr uint32_t kNoBudget = 1u << 30;

/// A state of a DFA and the shortest text that reaches it.
struct ReachedState {
  ByteDfa::State state;
  std::string text;
};

/// The start and every live state of `dfa`, by a breadth-first search over
/// bytes (a minimal DFA reaches them all); for the empty language, just its
/// start, which is the dead state.
inline std::vector<ReachedState> reachStates(const ByteDfa &dfa) {
  std::vector<ReachedState> reached = {{dfa.start(), ""}};
  std::vector<uint8_t> seen(dfa.numStates(), 0);
  seen[dfa.start()] = 1;
  for (size_t head = 0; head < reached.size(); ++head) {
    for (int byte = 0; byte < 256; ++byte) {
      ByteDfa::State next =
          dfa.step(reached[head].state, static_cast<uint8_t>(byte));
      if (dfa.isDead(next) || seen[next])
        continue;
      seen[next] = 1;
      reached.push_back({next, reached[head].text + static_cast<char>(byte)});
    }
  }
  return reached;
}

/// For every byte, the first id whose bytes are that byte alone, -1 if none
/// (in the generated vocabulary, byte b is id b).
inline std::vector<int32_t>
singleByteTokens(const std::vector<std::string> &bytes) {
  std::vector<int32_t> ids(256, -1);
  for (size_t id = bytes.size(); id-- > 0;)
    if (bytes[id].size() == 1)
      ids[static_cast<uint8_t>(bytes[id][0])] = static_cast<int32_t>(id);
  return ids;
}

/// Feeds `text` to `matcher` one single-byte token at a time; false at the
/// first byte it refuses (or that no token spells).
inline bool acceptText(ConstraintMatcher &matcher, std::string_view text,
                       std::span<const int32_t> byteTokens) {
  for (char byte : text) {
    int32_t id = byteTokens[static_cast<uint8_t>(byte)];
    if (id < 0 || !matcher.accept(id))
      return false;
  }
  return true;
}

/// Per id, whether the definition allows it after `state` with
/// `tokensLeft` tokens to go: nothing with none left; an EOS id exactly
/// when `state` accepts; a text token when its bytes keep the DFA live and
/// leave at most tokensLeft - 1 bytes to acceptance. Ids without bytes
/// (special tokens) never.
inline std::vector<uint8_t> referenceMask(const ByteDfa &dfa,
                                          const std::vector<std::string> &bytes,
                                          std::span<const int32_t> eosIds,
                                          ByteDfa::State state,
                                          uint32_t tokensLeft) {
  std::vector<uint8_t> allowed(bytes.size(), 0);
  if (tokensLeft == 0)
    return allowed;
  for (size_t id = 0; id < bytes.size(); ++id) {
    if (std::find(eosIds.begin(), eosIds.end(), id) != eosIds.end()) {
      allowed[id] = dfa.accepting(state);
    } else if (!bytes[id].empty()) {
      ByteDfa::State next = dfa.walk(state, bytes[id]);
      allowed[id] =
          !dfa.isDead(next) && dfa.shortestAccept(next) <= tokensLeft - 1;
    }
  }
  return allowed;
}

/// Compares mask words with a reference; the first difference, if any. Bits
/// past the vocabulary must be clear.
inline ::testing::AssertionResult
equalsReference(std::span<const uint64_t> words,
                const std::vector<uint8_t> &expected) {
  if (words.size() != (expected.size() + 63) / 64)
    return ::testing::AssertionFailure()
           << "mask of " << words.size() << " words for " << expected.size()
           << " ids";
  for (size_t id = 0; id < words.size() * 64; ++id) {
    bool allowed = (words[id / 64] >> (id % 64)) & 1;
    bool want = id < expected.size() && expected[id];
    if (allowed != want)
      return ::testing::AssertionFailure() << "token " << id << " should be "
                                           << (want ? "allowed" : "refused");
  }
  return ::testing::AssertionSuccess();
}

} // namespace sgl::runtime::constraints::test

#endif // SGL_TEST_UNIT_CONSTRAINTS_REGEXMASKREFERENCE_H
