//===- Roofline.h - What this machine can do at best -------------*- C++ -*-===//
//
// The two ceilings CPU inference runs into: how fast memory can be read
// (decode streams every weight once per token) and how fast sgemm multiplies
// (prefill is matmul-bound). Both are measured here, with the same thread
// count as the model, so a benchmark can report "x% of what this machine
// can do" rather than a bare tokens/s.
//
//===----------------------------------------------------------------------===//
#ifndef SGL_BENCH_MODELBENCH_ROOFLINE_H
#define SGL_BENCH_MODELBENCH_ROOFLINE_H

#include <cstdint>

namespace sgl::bench {

struct Roofline {
  double bytesPerSecond = 0; // best multi-threaded streaming read
  double flopsPerSecond = 0; // best sgemm over the prefill shapes
};

/// Measures both ceilings with `threads` threads. The sgemm shape is a
/// `tokens` × `hidden` activation times `intermediate` × `hidden` weights,
/// the largest matmul of a prefill.
Roofline measureRoofline(unsigned threads, int64_t tokens, int64_t hidden,
                         int64_t intermediate);

} // namespace sgl::bench

#endif // SGL_BENCH_MODELBENCH_ROOFLINE_H
