//===- BenchReport.h - MaskBench tables -------------------------*- C++ -*-===//
//
// What sgl-maskbench prints, in Markdown as the other benchmarks do:
//   - the MaskBench table: schemas by outcome (counts and shares), then
//     TTFM and TBM percentiles, as the public MaskBench reports them;
//   - the support table of the JSON-Schema-Test-Suite: one row per file
//     (a keyword), without times, so that docs/constraints.md can hold it
//     verbatim and a test can tell when it is stale.
//
//===----------------------------------------------------------------------===//
#ifndef SGL_BENCH_MASKBENCH_BENCHREPORT_H
#define SGL_BENCH_MASKBENCH_BENCHREPORT_H

#include "bench/maskbench/SchemaRun.h"

#include <string>
#include <vector>

namespace sgl::bench {

/// Work done once per tokenizer, not counted in TTFM (thread CPU ms).
struct TokenizerSetup {
  double loadMillis = 0;
  double vocabularyMillis = 0;
  size_t vocabSize = 0;
};

std::string maskBenchTable(const std::vector<SchemaResult> &results,
                           const TokenizerSetup &setup, int32_t verifyMasks);

std::string supportTable(const std::vector<SchemaResult> &results);

/// One line per schema that did not pass: "NAME: STATUS: detail".
std::string failureList(const std::vector<SchemaResult> &results);

/// The nearest-rank percentile `p` (0 < p <= 100) of `samples`, which it
/// sorts; 0 when empty.
double percentile(std::vector<double> &samples, double p);

} // namespace sgl::bench

#endif // SGL_BENCH_MASKBENCH_BENCHREPORT_H
