//===- ReverseDistances.cpp - Fewest edges to a target state -------------===//
#include "runtime/constraints/ReverseDistances.h"

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

} // namespace sgl::runtime::constraints
