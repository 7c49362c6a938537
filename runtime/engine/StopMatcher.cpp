//===- StopMatcher.cpp - Stop strings over generated text -----------------===//
#include "runtime/engine/StopMatcher.h"

#include <algorithm>

namespace sgl::runtime {

StopMatcher::StopMatcher(std::vector<std::string> stops) {
  for (std::string &s : stops)
    if (!s.empty()) {
      longest_ = std::max(longest_, s.size());
      stops_.push_back(std::move(s));
    }
}

size_t StopMatcher::find(std::string_view text, size_t oldSize) const {
  if (stops_.empty())
    return std::string_view::npos;
  // A match must end past oldSize, so it starts after oldSize - longest.
  const size_t from = oldSize + 1 > longest_ ? oldSize + 1 - longest_ : 0;
  size_t best = std::string_view::npos;
  for (const std::string &stop : stops_) {
    size_t at = text.find(stop, from);
    if (at < best)
      best = at;
  }
  return best;
}

} // namespace sgl::runtime
