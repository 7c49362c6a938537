//===- StateSets.cpp - Sets of NFA states as DFA states -------------------===//
#include "runtime/constraints/StateSets.h"

#include <algorithm>
#include <array>

namespace sgl::runtime::constraints {

void assignColumns(const ByteNfa &nfa, DfaTable &table) {
  std::array<bool, 257> startsClass{};
  for (const NfaState &state : nfa.states) {
    if (state.kind != NfaState::Kind::Byte)
      continue;
    startsClass[state.lo] = true;
    startsClass[state.hi + 1] = true;
  }
  int32_t current = 0;
  for (int byte = 0; byte < 256; ++byte) {
    if (startsClass[byte] && byte > 0)
      ++current;
    table.byteClass[byte] = static_cast<uint8_t>(current);
  }
  table.numClasses = current + 1;
  table.callRules.clear();
  for (const NfaState &state : nfa.states)
    if (state.kind == NfaState::Kind::Call)
      table.callRules.push_back(state.rule);
  std::sort(table.callRules.begin(), table.callRules.end());
  table.callRules.erase(
      std::unique(table.callRules.begin(), table.callRules.end()),
      table.callRules.end());
}

int32_t callColumn(const DfaTable &table, int32_t rule) {
  auto it =
      std::lower_bound(table.callRules.begin(), table.callRules.end(), rule);
  return table.numClasses + static_cast<int32_t>(it - table.callRules.begin());
}

uint64_t hashStates(std::span<const int32_t> set) {
  uint64_t hash = 0xcbf29ce484222325ull; // FNV-1a over the state ids
  for (int32_t state : set)
    hash = (hash ^ static_cast<uint32_t>(state)) * 0x100000001b3ull;
  return hash ^ (hash >> 29);
}

int32_t StateSetTable::find(std::span<const int32_t> set, uint64_t hash) const {
  for (size_t slot = hash & mask();; slot = (slot + 1) & mask()) {
    int32_t id = slots_[slot];
    if (id < 0)
      return -1;
    if (hashes_[id] == hash && std::ranges::equal(this->set(id), set))
      return id;
  }
}

void StateSetTable::add(std::span<const int32_t> set, uint64_t hash) {
  if (2 * (hashes_.size() + 1) > slots_.size())
    grow();
  pool_.insert(pool_.end(), set.begin(), set.end());
  begin_.push_back(static_cast<uint32_t>(pool_.size()));
  hashes_.push_back(hash);
  place(size() - 1);
}

void StateSetTable::place(int32_t id) {
  size_t slot = hashes_[id] & mask();
  while (slots_[slot] >= 0)
    slot = (slot + 1) & mask();
  slots_[slot] = id;
}

void StateSetTable::grow() {
  slots_.assign(slots_.size() * 2, -1);
  for (int32_t id = 0; id < size(); ++id)
    place(id);
}

} // namespace sgl::runtime::constraints
