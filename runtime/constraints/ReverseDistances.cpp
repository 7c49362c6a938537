//===- ReverseDistances.cpp - Fewest edges to a target state -------------===//
#include "runtime/constraints/ReverseDistances.h"

#include <algorithm>
#include <functional>
#include <queue>
#include <utility>

namespace sgl::runtime::constraints {

std::vector<uint32_t> distancesToTargets(const ReverseGraph &graph,
                                         std::span<const uint8_t> isTarget) {
  std::vector<uint32_t> distance(isTarget.size(), kNoPath);
  std::vector<int32_t> queue;
  for (size_t s = 0; s < isTarget.size(); ++s) {
    if (isTarget[s]) {
      distance[s] = 0;
      queue.push_back(static_cast<int32_t>(s));
    }
  }
  for (size_t head = 0; head < queue.size(); ++head) {
    const int32_t s = queue[head];
    for (int32_t i = graph.offsets[s]; i < graph.offsets[s + 1]; ++i) {
      const int32_t from = graph.predecessors[i];
      if (distance[from] == kNoPath) {
        distance[from] = distance[s] + 1;
        queue.push_back(from);
      }
    }
  }
  return distance;
}

std::vector<uint32_t>
weightedDistancesToTargets(int32_t numStates, std::span<const WeightedArc> arcs,
                           std::span<const uint8_t> isTarget) {
  // Predecessors in CSR form: the arcs into t, (from, weight), are
  // into[offsets[t] .. offsets[t + 1]).
  std::vector<int32_t> offsets(static_cast<size_t>(numStates) + 1, 0);
  for (const WeightedArc &arc : arcs)
    ++offsets[arc.to + 1];
  for (int32_t t = 0; t < numStates; ++t)
    offsets[t + 1] += offsets[t];
  std::vector<std::pair<int32_t, uint32_t>> into(arcs.size());
  std::vector<int32_t> fill(offsets.begin(), offsets.end() - 1);
  for (const WeightedArc &arc : arcs)
    into[fill[arc.to]++] = {arc.from, arc.weight};
  std::vector<uint64_t> best(numStates, kNoPath);
  using Entry = std::pair<uint64_t, int32_t>;
  std::priority_queue<Entry, std::vector<Entry>, std::greater<>> queue;
  for (int32_t s = 0; s < numStates; ++s)
    if (isTarget[s])
      queue.emplace(best[s] = 0, s);
  while (!queue.empty()) {
    auto [distance, state] = queue.top();
    queue.pop();
    if (distance != best[state])
      continue;
    for (int32_t i = offsets[state]; i < offsets[state + 1]; ++i) {
      auto [from, weight] = into[i];
      uint64_t through = distance + weight;
      if (through < best[from])
        queue.emplace(best[from] = through, from);
    }
  }
  std::vector<uint32_t> distances(best.size());
  for (size_t s = 0; s < best.size(); ++s)
    distances[s] = static_cast<uint32_t>(std::min<uint64_t>(best[s], kNoPath));
  return distances;
}

} // namespace sgl::runtime::constraints
