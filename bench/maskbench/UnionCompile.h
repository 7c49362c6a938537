//===- UnionCompile.h - Many schemas compiled as one grammar ----*- C++ -*-===//
//
// A server for a tool-calling model constrains the arguments to any of its
// tools: one grammar, the union of the tools' parameter schemas
// (unionOf, Grammar.h). Its compile time is what XGrammar-2 and LLGuidance
// report for 400 tools; sgl-maskbench --union-of measures the same for the
// schemas of a folder whose file names start with given prefixes.
//
//===----------------------------------------------------------------------===//
#ifndef SGL_BENCH_MASKBENCH_UNIONCOMPILE_H
#define SGL_BENCH_MASKBENCH_UNIONCOMPILE_H

#include "bench/maskbench/BenchCorpus.h"

#include <cstdint>
#include <string>
#include <vector>

namespace sgl::bench {

struct UnionCompile {
  std::vector<std::string> prefixes;
  size_t schemas = 0; ///< in the union
  /// "name: error" of the schemas with a prefix that do not compile on
  /// their own: left out of the union, and not timed.
  std::vector<std::string> leftOut;
  int32_t rules = 0;
  int64_t states = 0;
  double grammarMillis = 0;  ///< the schemas to grammar rules, and unionOf
  double automataMillis = 0; ///< compileGrammar of the union
  std::string error;         ///< when the union itself does not compile
};

/// Compiles the union of the schemas whose file names start with one of
/// `prefixes`, timing it in CPU time of this thread.
UnionCompile compileUnion(const std::vector<BenchSchema> &schemas,
                          const std::vector<std::string> &prefixes);

/// A few lines of text for the terminal and docs/performance.md.
std::string unionReport(const UnionCompile &result);

} // namespace sgl::bench

#endif // SGL_BENCH_MASKBENCH_UNIONCOMPILE_H
