//===- ReverseDistances.h - Fewest edges to a target state ------*- C++ -*-===//
//
// A breadth-first search backwards from a set of target states: the byte
// distances of a ByteDfa without calls (edges: byte classes). With calls,
// which cost their callee's shortest match, edges have weights and the
// search is Dijkstra's (a rule's DFA, the NFA of a lazy one).
//
//===----------------------------------------------------------------------===//
#ifndef SGL_RUNTIME_CONSTRAINTS_REVERSEDISTANCES_H
#define SGL_RUNTIME_CONSTRAINTS_REVERSEDISTANCES_H

#include <cstdint>
#include <limits>
#include <span>
#include <vector>

namespace sgl::runtime::constraints {

/// What distancesToTargets gives a state that reaches no target.
inline constexpr uint32_t kNoPath = std::numeric_limits<uint32_t>::max();

/// Predecessor lists in CSR form: those of state s are
/// predecessors[offsets[s] .. offsets[s + 1]).
struct ReverseGraph {
  std::vector<int32_t> offsets;
  std::vector<int32_t> predecessors;
};

/// The reverse of the graph over states 0 .. numStates-1 whose edges
/// `forEachEdge(s, visit)` lists by calling visit(next) for each s → next
/// (duplicates allowed).
template <typename ForEachEdge>
ReverseGraph reverseGraph(int32_t numStates, ForEachEdge forEachEdge) {
  ReverseGraph g;
  g.offsets.assign(static_cast<size_t>(numStates) + 1, 0);
  for (int32_t s = 0; s < numStates; ++s)
    forEachEdge(s, [&](int32_t next) { ++g.offsets[next + 1]; });
  for (int32_t s = 0; s < numStates; ++s)
    g.offsets[s + 1] += g.offsets[s];
  g.predecessors.resize(g.offsets.back());
  std::vector<int32_t> fill(g.offsets.begin(), g.offsets.end() - 1);
  for (int32_t s = 0; s < numStates; ++s)
    forEachEdge(s, [&](int32_t next) { g.predecessors[fill[next]++] = s; });
  return g;
}

/// The fewest edges from every state to one whose `isTarget` is non-zero;
/// kNoPath where there is none.
std::vector<uint32_t> distancesToTargets(const ReverseGraph &graph,
                                         std::span<const uint8_t> isTarget);

/// An edge from -> to that costs `weight` bytes.
struct WeightedArc {
  int32_t from, to;
  uint32_t weight;
};

/// The least total weight from every state of 0 .. numStates-1 to one
/// whose `isTarget` is non-zero, over `arcs`; kNoPath where there is none.
std::vector<uint32_t>
weightedDistancesToTargets(int32_t numStates, std::span<const WeightedArc> arcs,
                           std::span<const uint8_t> isTarget);

} // namespace sgl::runtime::constraints

#endif // SGL_RUNTIME_CONSTRAINTS_REVERSEDISTANCES_H
