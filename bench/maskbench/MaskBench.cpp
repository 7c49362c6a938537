//===- MaskBench.cpp - The MaskBench method over a folder of schemas ------===//
//
//   sgl-maskbench DIR [--tokenizer DIR] [--filter SUBSTR] [--verify-masks K]
//                 [--json OUT] [--list-failures]
//   sgl-maskbench --test-suite DIR --support-table
//   sgl-maskbench DIR --union-of BFCL,Glaiveai,MCPspec
//
// Runs every schema of DIR (MaskBench files, or the groups of the
// JSON-Schema-Test-Suite with --test-suite) by the method of SchemaRun.h,
// one after the other on one thread in a child process, each with a
// timeout (IsolatedRun.h), and prints the MaskBench table (BenchReport.h).
// --support-table prints the test suite's per-keyword table instead, from
// Constraint::check alone: no tokenizer, no masks, no times. --union-of
// compiles the schemas of files with the given name prefixes as one
// grammar and prints its compile time instead (UnionCompile.h).
//
//===----------------------------------------------------------------------===//
#include "bench/ThreadClock.h"
#include "bench/maskbench/BenchCorpus.h"
#include "bench/maskbench/BenchReport.h"
#include "bench/maskbench/IsolatedRun.h"
#include "bench/maskbench/SchemaRun.h"
#include "bench/maskbench/UnionCompile.h"
#include "runtime/constraints/TokenizerVocabulary.h"
#include "runtime/support/CommandLine.h"
#include "runtime/support/OutputFile.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <optional>

using namespace sgl;
using namespace sgl::bench;
using namespace sgl::runtime;
using namespace sgl::runtime::constraints;

namespace {

constexpr const char *kTool = "sgl-maskbench";

struct Options {
  std::string dir;
  std::string testSuiteDir;
  bool supportTable = false;
  std::string tokenizerPath;
  std::string filter;
  int32_t verifyMasks = 0;
  uint64_t seed = 0;
  std::string jsonPath;
  bool listFailures = false;
  bool progress = false;
  std::vector<std::string> unionPrefixes;
  IsolationLimits limits{60, 16384, false};
};

/// The Llama 3.1 tokenizer the build writes: <exe dir>/../tokenizers/.
std::string defaultTokenizerDir() {
  std::error_code ec;
  std::filesystem::path exe =
      std::filesystem::read_symlink("/proc/self/exe", ec);
  if (ec)
    return "build/tokenizers/llama3_1";
  return (exe.parent_path().parent_path() / "tokenizers" / "llama3_1").string();
}

/// The ids that end a gen: the tokenizer's EOS and Llama 3's end-of-turn
/// and end-of-text tokens where it has them.
std::vector<int32_t> endOfGenIds(const Tokenizer &tokenizer) {
  std::vector<int32_t> ids;
  if (std::optional<int32_t> eos = tokenizer.eosId())
    ids.push_back(*eos);
  for (const char *name : {"<|eot_id|>", "<|end_of_text|>"})
    if (std::optional<int32_t> id = tokenizer.tokenToId(name);
        id && tokenizer.isSpecial(*id))
      ids.push_back(*id);
  std::sort(ids.begin(), ids.end());
  ids.erase(std::unique(ids.begin(), ids.end()), ids.end());
  return ids;
}

/// Schema `item` in `worker`: crashes and timeouts become its result.
SchemaResult runOne(IsolatedWorker &worker, size_t item,
                    const BenchSchema &schema, const IsolationLimits &limits) {
  IsolatedRun isolated = worker.run(item);
  if (isolated.outcome == IsolatedRun::Outcome::Finished)
    return resultFromJson(nlohmann::ordered_json::parse(isolated.output));
  SchemaResult result;
  result.name = schema.name;
  result.file = schema.file;
  result.instances = static_cast<int32_t>(schema.instances.size());
  if (isolated.outcome == IsolatedRun::Outcome::TimedOut) {
    result.status = SchemaStatus::Timeout;
    result.detail = "over " + std::to_string(limits.timeoutSeconds) + " s";
  } else {
    result.status = SchemaStatus::Crash;
    result.detail = isolated.why;
  }
  return result;
}

int run(const Options &o) {
  bool suite = !o.testSuiteDir.empty();
  Expected<std::vector<BenchSchema>> schemas =
      suite ? loadTestSuite(o.testSuiteDir, o.filter)
            : loadMaskBench(o.dir, o.filter);
  if (!schemas)
    return reportError(kTool, schemas.error().message);
  if (schemas->empty())
    return reportError(
        kTool, "no schemas in '" + (suite ? o.testSuiteDir : o.dir) + "'" +
                   (o.filter.empty() ? "" : " matching --filter"));

  if (!o.unionPrefixes.empty()) {
    UnionCompile compiled = compileUnion(*schemas, o.unionPrefixes);
    if (compiled.schemas == 0)
      return reportError(kTool, "no schema of '" + o.dir +
                                    "' has a file name with those prefixes");
    if (Status written = writeOutput("-", unionReport(compiled)); !written)
      return reportError(kTool, written.error().message);
    return compiled.error.empty() ? kExitSuccess : kExitError;
  }

  SchemaRunOptions runOptions;
  runOptions.verifyMasks = o.verifyMasks;
  runOptions.seed = o.seed;
  TokenizerSetup setup;
  std::optional<Tokenizer> tokenizer;
  std::optional<ConstraintVocabulary> vocabulary;
  if (!o.supportTable) {
    double start = 1e3 * threadSeconds();
    Expected<Tokenizer> loaded = Tokenizer::fromFile(o.tokenizerPath);
    if (!loaded)
      return reportError(kTool, loaded.error().message);
    tokenizer.emplace(loaded.take());
    setup.loadMillis = 1e3 * threadSeconds() - start;
    std::vector<int32_t> eos = endOfGenIds(*tokenizer);
    if (eos.empty())
      return reportError(kTool,
                         o.tokenizerPath + ": the tokenizer has no EOS token");
    start = 1e3 * threadSeconds();
    vocabulary.emplace(buildConstraintVocabulary(*tokenizer, eos));
    setup.vocabularyMillis = 1e3 * threadSeconds() - start;
    setup.vocabSize = vocabulary->tokenBytes.size();
    runOptions.tokenizer = &*tokenizer;
    runOptions.vocabulary = &*vocabulary;
  }

  // Everything the schemas need is loaded: the worker's child has it.
  IsolatedWorker worker(
      [&](size_t i) {
        return resultToJson(runSchema((*schemas)[i], runOptions), true).dump();
      },
      o.limits);
  std::vector<SchemaResult> results;
  for (size_t i = 0; i < schemas->size(); ++i) {
    results.push_back(runOne(worker, i, (*schemas)[i], o.limits));
    if (o.progress)
      std::fprintf(stderr, "[%zu/%zu] %s: %s\n", i + 1, schemas->size(),
                   results.back().name.c_str(),
                   statusName(results.back().status));
  }

  std::string report = o.supportTable
                           ? supportTable(results)
                           : maskBenchTable(results, setup, o.verifyMasks);
  if (o.listFailures)
    report += "\n" + failureList(results);
  if (Status written = writeOutput("-", report); !written)
    return reportError(kTool, written.error().message);

  if (!o.jsonPath.empty()) {
    nlohmann::ordered_json json = nlohmann::ordered_json::array();
    for (const SchemaResult &r : results)
      json.push_back(resultToJson(r, false));
    if (Status written = writeOutput(o.jsonPath, json.dump(1) + "\n"); !written)
      return reportError(kTool, written.error().message);
  }
  return kExitSuccess;
}

} // namespace

int main(int argc, char **argv) {
  CLI::App app{"The MaskBench method (guidance-ai/jsonschemabench) over a "
               "folder of schemas with valid and invalid instances: compile, "
               "then mask, check and commit every token of every instance",
               kTool};
  Options o;
  o.tokenizerPath = defaultTokenizerDir();
  CLI::Option *dir =
      app.add_option("dir", o.dir,
                     "folder of MaskBench files ({schema, tests}), e.g. "
                     "../shared/testdata/jsonschemabench-dev");
  CLI::Option *suite = app.add_option(
      "--test-suite", o.testSuiteDir,
      "run the JSON-Schema-Test-Suite's draft 2020-12 groups instead "
      "(format.json and optional/ left out)");
  app.add_flag("--support-table", o.supportTable,
               "print the per-file support table from Constraint::check "
               "(no tokenizer, no masks, no times)");
  app.add_option("--tokenizer", o.tokenizerPath,
                 "tokenizer.json, or a directory holding one")
      ->capture_default_str();
  app.add_option("--filter", o.filter,
                 "only the schemas whose names contain this");
  app.add_option("--verify-masks", o.verifyMasks,
                 "compare this many sampled masks per schema with a "
                 "brute-force reference (slow; not timed)")
      ->check(UnsignedIn(0, 1'000'000));
  app.add_option("--seed", o.seed, "seed of the --verify-masks sample")
      ->check(UnsignedIn(0, UINT64_MAX));
  app.add_option("--json", o.jsonPath, "write per-schema results here");
  app.add_flag("--list-failures", o.listFailures,
               "list the schemas that did not pass, with the reason");
  app.add_flag("--progress", o.progress,
               "print each schema's outcome to stderr as it finishes");
  app.add_option("--timeout", o.limits.timeoutSeconds,
                 "seconds a schema may take in all before it counts as a "
                 "timeout")
      ->check(UnsignedIn(1, 86'400))
      ->capture_default_str();
  app.add_option("--memory-limit", o.limits.memoryMiB,
                 "address space per schema in MiB (0: none; none in "
                 "sanitized builds); over it is a crash")
      ->check(UnsignedIn(0, 1u << 24))
      ->capture_default_str();
  CLI::Option *unionOf =
      app.add_option("--union-of", o.unionPrefixes,
                     "compile the schemas of the files whose names start "
                     "with these prefixes as one grammar (their union) and "
                     "print its compile time")
          ->delimiter(',');
  app.add_flag("--in-process", o.limits.inProcess,
               "run schemas in this process (for a debugger or profiler): "
               "no timeout, a crash ends the run");
  if (std::optional<int> exit = parseCommandLine(app, argc, argv, kTool))
    return *exit;
  if ((dir->count() > 0) == (suite->count() > 0))
    return reportUsageError(kTool, "give either a folder of MaskBench files "
                                   "or --test-suite DIR");
  if (unionOf->count() > 0 && (suite->count() > 0 || o.supportTable))
    return reportUsageError(kTool, "--union-of takes a folder of MaskBench "
                                   "files, without --test-suite");
  return guardedMain(kTool, [&] { return run(o); });
}
