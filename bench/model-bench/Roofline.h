//===- Roofline.h - What this machine can do at best -------------*- C++
//-*-===//
//
// The two ceilings CPU inference runs into: how fast memory can be read
// (decode streams every weight once per token) and how fast sgemm multiplies
// (prefill is matmul-bound). Both are measured with the same thread count as
// the model, right next to each measurement of the model, so a benchmark
// reports "x% of what this machine could do just then" — on a shared
// machine the ceilings drift from second to second.
//
//===----------------------------------------------------------------------===//
#ifndef SGL_BENCH_MODELBENCH_ROOFLINE_H
#define SGL_BENCH_MODELBENCH_ROOFLINE_H

#include "kernels/cpu/ThreadPool.h"

#include <cstdint>
#include <vector>

namespace sgl::bench {

class RooflineMeter {
public:
  /// The sgemm shape is a `tokens` × `hidden` activation times
  /// `intermediate` × `hidden` weights, the largest matmul of a prefill.
  RooflineMeter(unsigned threads, int64_t tokens, int64_t hidden,
                int64_t intermediate);

  /// Best multi-threaded streaming read over a buffer far larger than the
  /// caches, in bytes/s.
  double readBandwidth();
  /// Best sgemm rate over the prefill shape, in FLOP/s.
  double sgemmFlops();

private:
  /// Anonymous memory asking for transparent huge pages, so the read
  /// bandwidth is the best the machine offers (page-cache mappings of model
  /// files may use large folios too; TLB misses must not lower the ceiling).
  struct HugeBuffer {
    explicit HugeBuffer(size_t bytes);
    ~HugeBuffer();
    HugeBuffer(const HugeBuffer &) = delete;
    HugeBuffer &operator=(const HugeBuffer &) = delete;
    float *data = nullptr;
    size_t bytes = 0;
  };

  unsigned threads_;
  kernels::ThreadPool pool_;
  HugeBuffer stream_; // read by readBandwidth()
  int64_t tokens_, hidden_, intermediate_;
  std::vector<float> x_, w_, y_; // sgemm operands
};

} // namespace sgl::bench

#endif // SGL_BENCH_MODELBENCH_ROOFLINE_H
