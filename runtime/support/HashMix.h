//===- HashMix.h - Folding a value into a running hash ----------*- C++ -*-===//
//
// Boost's hash_combine step, for hashes built over a walk of a structure
// (a rule's tree, a JSON value) and then compared for equality as well.
//
//===----------------------------------------------------------------------===//
#ifndef SGL_RUNTIME_SUPPORT_HASHMIX_H
#define SGL_RUNTIME_SUPPORT_HASHMIX_H

#include <cstdint>

namespace sgl {

/// `h` with `value` folded in.
inline uint64_t hashMix(uint64_t h, uint64_t value) {
  return h ^ (value + 0x9e3779b97f4a7c15ull + (h << 6) + (h >> 2));
}

} // namespace sgl

#endif // SGL_RUNTIME_SUPPORT_HASHMIX_H
