//===- NfaIntersection.cpp - The strings several patterns all match -------===//
#include "runtime/constraints/NfaIntersection.h"

#include "runtime/constraints/ByteNfa.h"
#include "runtime/constraints/Determinize.h"
#include "runtime/constraints/MinimizeDfa.h"
#include "runtime/constraints/StateSets.h"

#include <algorithm>
#include <map>
#include <string>
#include <vector>

namespace sgl::runtime::constraints {

namespace {

Expected<DfaTable> partDfa(const RegexNode &part,
                           const AutomatonLimits &limits) {
  Expected<ByteNfa> nfa = buildNfa(part, limits);
  if (!nfa)
    return nfa.error();
  if (hasCalls(*nfa))
    return makeError("an intersection cannot call grammar rules");
  Expected<std::optional<DfaTable>> table = determinize(*nfa, limits);
  if (!table)
    return table.error();
  if (!*table)
    return makeError("a part of an intersection exceeds " +
                     std::to_string(limits.maxDfaStates) + " states");
  return minimizeDfa(**table);
}

} // namespace

Expected<DfaTable> intersectionDfa(std::span<const RegexNode> parts,
                                   const AutomatonLimits &limits) {
  std::vector<DfaTable> dfas;
  for (const RegexNode &part : parts) {
    Expected<DfaTable> dfa = partDfa(part, limits);
    if (!dfa)
      return dfa.error();
    dfas.push_back(dfa.take());
  }
  // A byte class of the product per distinct row of the parts' classes.
  DfaTable product;
  std::map<std::vector<int32_t>, int32_t> classOf;
  std::vector<std::vector<int32_t>> classKeys;
  for (int byte = 0; byte < 256; ++byte) {
    std::vector<int32_t> key;
    for (const DfaTable &dfa : dfas)
      key.push_back(dfa.byteClass[byte]);
    auto [it, added] =
        classOf.try_emplace(key, static_cast<int32_t>(classKeys.size()));
    if (added)
      classKeys.push_back(key);
    product.byteClass[byte] = static_cast<uint8_t>(it->second);
  }
  product.numClasses = static_cast<int32_t>(classKeys.size());

  std::map<std::vector<int32_t>, int32_t> ids;
  std::vector<std::vector<int32_t>> tuples;
  auto intern = [&](const std::vector<int32_t> &tuple) -> int32_t {
    if (std::find(tuple.begin(), tuple.end(), 0) != tuple.end())
      return 0; // a part is dead: so is the product
    auto [it, added] =
        ids.try_emplace(tuple, static_cast<int32_t>(tuples.size()));
    if (!added)
      return it->second;
    if (product.numStates() >= limits.maxDfaStates)
      return -1;
    tuples.push_back(tuple);
    bool accepting = true;
    for (size_t i = 0; i < dfas.size(); ++i)
      accepting = accepting && dfas[i].accepting[tuple[i]] != 0;
    product.accepting.push_back(accepting ? 1 : 0);
    product.next.resize(product.next.size() + product.numClasses, 0);
    return it->second;
  };
  tuples.emplace_back(dfas.size(), 0); // the dead state
  product.accepting.push_back(0);
  product.next.assign(product.numClasses, 0);
  std::vector<int32_t> start;
  for (const DfaTable &dfa : dfas)
    start.push_back(dfa.start);
  product.start = intern(start);
  std::vector<int32_t> to(dfas.size());
  for (int32_t from = 1; from < product.numStates() && product.start > 0;
       ++from)
    for (int32_t c = 0; c < product.numClasses; ++c) {
      for (size_t i = 0; i < dfas.size(); ++i)
        to[i] = dfas[i].target(tuples[from][i], classKeys[c][i]);
      int32_t target = intern(to);
      if (target < 0)
        return makeError("intersection exceeds " +
                         std::to_string(limits.maxDfaStates) + " states");
      product.next[static_cast<size_t>(from) * product.numClasses + c] = target;
    }
  return minimizeDfa(product);
}

} // namespace sgl::runtime::constraints
