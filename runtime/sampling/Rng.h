//===- Rng.h - Portable seeded random numbers for sampling ------*- C++ -*-===//
//
// xoshiro256** seeded through splitmix64. Its output is a pure function of
// the seed, so a seeded generation draws the same tokens on every machine and
// standard library (std::uniform_*_distribution gives no such promise).
//
//===----------------------------------------------------------------------===//
#ifndef SGL_RUNTIME_SAMPLING_RNG_H
#define SGL_RUNTIME_SAMPLING_RNG_H

#include <cstdint>

namespace sgl::runtime {

/// One step of splitmix64: advances `state` and returns the next output.
inline uint64_t splitMix64(uint64_t &state) {
  uint64_t z = (state += 0x9E3779B97F4A7C15ull);
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
  return z ^ (z >> 31);
}

/// Mixes two values into one seed (e.g. a run seed and a step index).
inline uint64_t mixSeed(uint64_t a, uint64_t b) {
  uint64_t state = a ^ (b * 0xD1B54A32D192ED03ull);
  splitMix64(state);
  return splitMix64(state);
}

/// xoshiro256** (Blackman & Vigna), state filled from splitmix64(seed).
class Rng {
public:
  explicit Rng(uint64_t seed) {
    uint64_t sm = seed;
    for (uint64_t &word : s_)
      word = splitMix64(sm);
  }

  uint64_t next() {
    const uint64_t result = rotl(s_[1] * 5, 7) * 9;
    const uint64_t t = s_[1] << 17;
    s_[2] ^= s_[0];
    s_[3] ^= s_[1];
    s_[1] ^= s_[2];
    s_[0] ^= s_[3];
    s_[2] ^= t;
    s_[3] = rotl(s_[3], 45);
    return result;
  }

  /// Uniform in [0, 1) on the 2^-53 grid.
  double uniform() { return static_cast<double>(next() >> 11) * 0x1.0p-53; }

private:
  static uint64_t rotl(uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }
  uint64_t s_[4];
};

} // namespace sgl::runtime

#endif // SGL_RUNTIME_SAMPLING_RNG_H
