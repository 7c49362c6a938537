//===- StopMatcher.h - Stop strings over generated text ---------*- C++ -*-===//
//
// Finds the first stop string in text that grows at its end. A stop string
// may span tokens, so each search re-examines the last (longest stop - 1)
// bytes already seen together with the new ones; text before that was
// searched on an earlier call and held no stop.
//
//===----------------------------------------------------------------------===//
#ifndef SGL_RUNTIME_ENGINE_STOPMATCHER_H
#define SGL_RUNTIME_ENGINE_STOPMATCHER_H

#include <string>
#include <string_view>
#include <vector>

namespace sgl::runtime {

class StopMatcher {
public:
  /// Empty stop strings are ignored.
  explicit StopMatcher(std::vector<std::string> stops);

  /// Offset of the earliest stop string in `text`, given that
  /// text[0, oldSize) was already searched and held none; npos if none.
  size_t find(std::string_view text, size_t oldSize) const;

  bool empty() const { return stops_.empty(); }

private:
  std::vector<std::string> stops_;
  size_t longest_ = 0;
};

} // namespace sgl::runtime

#endif // SGL_RUNTIME_ENGINE_STOPMATCHER_H
