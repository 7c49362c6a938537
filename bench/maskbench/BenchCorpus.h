//===- BenchCorpus.h - The schemas a benchmark runs -------------*- C++ -*-===//
//
// Two layouts of the same content, a schema with valid and invalid
// instances:
//   - MaskBench (jsonschemabench): one schema per file,
//     `{"schema": ..., "tests": [{"data": ..., "valid": true}, ...]}`;
//   - the JSON-Schema-Test-Suite: a list of such groups per file (one file
//     per keyword, `[{"description", "schema", "tests"}, ...]`), each group
//     a schema of its own. format.json and the optional/ folder are left
//     out, as they test assertions a validator may skip.
// Files are taken in name order; instances are written as Python's
// json.dumps(data, ensure_ascii=False) writes them (PythonJson.h), which is
// how the public MaskBench feeds them to the tokenizer.
//
//===----------------------------------------------------------------------===//
#ifndef SGL_BENCH_MASKBENCH_BENCHCORPUS_H
#define SGL_BENCH_MASKBENCH_BENCHCORPUS_H

#include "runtime/support/Expected.h"

#include <string>
#include <vector>

namespace sgl::bench {

struct BenchInstance {
  std::string text; ///< the data as json.dumps writes it
  bool valid = false;
};

struct BenchSchema {
  /// The file name; "<file> #<n>" for the n-th group (from 0) of a test
  /// suite file.
  std::string name;
  std::string file;       ///< the file it came from, without folders
  std::string schemaText; ///< the schema as compact JSON
  std::vector<BenchInstance> instances;
};

/// The schemas of the *.json files of `dir` whose names contain `filter`.
Expected<std::vector<BenchSchema>> loadMaskBench(const std::string &dir,
                                                 const std::string &filter);

/// The groups of a JSON-Schema-Test-Suite draft folder: `dir` itself or
/// its tests/draft2020-12/ when it has one.
Expected<std::vector<BenchSchema>> loadTestSuite(const std::string &dir,
                                                 const std::string &filter);

} // namespace sgl::bench

#endif // SGL_BENCH_MASKBENCH_BENCHCORPUS_H
