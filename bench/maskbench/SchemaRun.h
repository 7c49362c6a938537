//===- SchemaRun.h - One schema through the MaskBench method ----*- C++ -*-===//
//
// The method of the public MaskBench (guidance-ai/jsonschemabench), for one
// schema:
//   1. compile it (compileJsonSchema) and make its ConstraintMasks: the
//      time to first mask, TTFM;
//   2. for each instance, tokenize its text (not timed) and, token by
//      token, compute the mask (one TBM sample), check that the token is
//      in it and commit it; after the last token one more mask, which must
//      allow EOS, and the matcher must be accepting;
//   3. a valid instance passes when every token and the EOS were allowed;
//      an invalid one when some token or the EOS was refused.
// All instances share the schema's ConstraintMasks, as a server's requests
// for one schema do. Times are CPU time of the benchmark's one thread, so
// other load on the machine does not count.
//
// With masks off (the JSON-Schema-Test-Suite table), step 2 is
// Constraint::check of the text: the same verdicts without a tokenizer.
//
//===----------------------------------------------------------------------===//
#ifndef SGL_BENCH_MASKBENCH_SCHEMARUN_H
#define SGL_BENCH_MASKBENCH_SCHEMARUN_H

#include "bench/maskbench/BenchCorpus.h"
#include "bench/maskbench/MaskReference.h"
#include "runtime/constraints/Constraint.h"
#include "runtime/tokenizer/Tokenizer.h"

#include <nlohmann/json_fwd.hpp>

#include <cstdint>
#include <string>
#include <vector>

namespace sgl::bench {

/// How a schema fared; a schema passes when all its instances do.
enum class SchemaStatus {
  Passing,
  CompileError,
  Crash,
  Timeout,
  ValidationError,   ///< a valid instance was refused
  InvalidationError, ///< an invalid instance was accepted (the worse one)
};
const char *statusName(SchemaStatus status);

struct SchemaResult {
  std::string name;
  std::string file;
  SchemaStatus status = SchemaStatus::Passing;
  /// The compile error, the crash, or the first failing instance.
  std::string detail;
  int32_t instances = 0;
  int32_t instancesCorrect = 0;
  int32_t validationErrors = 0;
  int32_t invalidationErrors = 0;
  double ttfmMicros = 0; ///< when compiled
  /// One per mask computed, in µs; empty with masks off.
  std::vector<float> maskMicros;
  int64_t tokens = 0; ///< tokens committed (EOS included)
  /// Tokens a mask allowed but accept() refused: the engine disagreeing
  /// with itself (the instance counts as refused).
  int64_t acceptDisagreements = 0;
  int64_t masksBuilt = 0, masksCached = 0;
  MaskComparison verified;
};

struct SchemaRunOptions {
  /// Null: check texts with Constraint::check, no masks.
  const runtime::Tokenizer *tokenizer = nullptr;
  const runtime::constraints::ConstraintVocabulary *vocabulary = nullptr;
  /// Mask computations per schema compared with the brute-force
  /// reference, sampled with `seed`.
  int32_t verifyMasks = 0;
  uint64_t seed = 0;
};

/// Runs `schema` by the method above. Exceptions escape (the caller runs
/// it isolated and calls them crashes).
SchemaResult runSchema(const BenchSchema &schema,
                       const SchemaRunOptions &options);

/// The results as they cross the pipe from the child and go to --json.
nlohmann::ordered_json resultToJson(const SchemaResult &result,
                                    bool withSamples);
SchemaResult resultFromJson(const nlohmann::ordered_json &json);

} // namespace sgl::bench

#endif // SGL_BENCH_MASKBENCH_SCHEMARUN_H
