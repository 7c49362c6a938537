//===- BenchReport.cpp - MaskBench tables ---------------------------------===//
#include "bench/maskbench/BenchReport.h"

#include "runtime/support/MessageText.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <map>

namespace sgl::bench {

namespace {

std::string format(const char *pattern, double value) {
  char text[64];
  std::snprintf(text, sizeof text, pattern, value);
  return text;
}

std::string countAndShare(int64_t count, int64_t total) {
  return std::to_string(count) + " (" +
         format("%.1f%%", total ? 100.0 * count / total : 0.0) + ")";
}

/// "| label | p25 | ... | p100 |" of `samples`, each printed by `pattern`.
std::string percentileRow(const std::string &label, std::vector<double> samples,
                          const char *pattern) {
  std::string row = "| ";
  row += label;
  for (double p : {25.0, 50.0, 75.0, 90.0, 99.0, 100.0}) {
    row += " | ";
    row += format(pattern, percentile(samples, p));
  }
  row += " |\n";
  return row;
}

bool compiled(const SchemaResult &r) {
  return r.status != SchemaStatus::CompileError &&
         r.status != SchemaStatus::Crash && r.status != SchemaStatus::Timeout;
}

/// A count that must be zero, in bold when it is not.
std::string mustBeZero(int64_t count) {
  std::string text = count ? "**" : "";
  text += std::to_string(count);
  text += count ? "**" : "";
  return text;
}

} // namespace

double percentile(std::vector<double> &samples, double p) {
  if (samples.empty())
    return 0;
  std::sort(samples.begin(), samples.end());
  auto rank = static_cast<size_t>(
      std::ceil(p / 100.0 * static_cast<double>(samples.size())));
  return samples[std::clamp<size_t>(rank, 1, samples.size()) - 1];
}

std::string maskBenchTable(const std::vector<SchemaResult> &results,
                           const TokenizerSetup &setup, int32_t verifyMasks) {
  std::map<SchemaStatus, int64_t> byStatus;
  std::vector<double> ttfm, tbm;
  int64_t instances = 0, tokens = 0, built = 0, cached = 0, disagreements = 0;
  MaskComparison verified;
  for (const SchemaResult &r : results) {
    ++byStatus[r.status];
    if (compiled(r))
      ttfm.push_back(r.ttfmMicros / 1e3);
    tbm.insert(tbm.end(), r.maskMicros.begin(), r.maskMicros.end());
    instances += r.instances;
    tokens += r.tokens;
    built += r.masksBuilt;
    cached += r.masksCached;
    disagreements += r.acceptDisagreements;
    verified.add(r.verified);
  }
  auto total = static_cast<int64_t>(results.size());
  std::string out = "| schemas | passing | compile error | crash | timeout | "
                    "validation error | invalidation error |\n"
                    "|--:|--:|--:|--:|--:|--:|--:|\n";
  out += "| " + std::to_string(total);
  for (SchemaStatus s :
       {SchemaStatus::Passing, SchemaStatus::CompileError, SchemaStatus::Crash,
        SchemaStatus::Timeout, SchemaStatus::ValidationError,
        SchemaStatus::InvalidationError})
    out += " | " + countAndShare(byStatus[s], total);
  out += " |\n\n";

  out += "| time | p25 | p50 | p75 | p90 | p99 | p100 |\n"
         "|---|--:|--:|--:|--:|--:|--:|\n";
  out += percentileRow("TTFM ms (" + std::to_string(ttfm.size()) +
                           " schemas compiled)",
                       ttfm, "%.3f");
  out += percentileRow("TBM µs (" + std::to_string(tbm.size()) + " masks)", tbm,
                       "%.1f");
  out += "\n";

  out += std::to_string(instances) + " instances, " + std::to_string(tokens) +
         " tokens committed (EOS included); masks built " +
         std::to_string(built) + ", answered from the cache " +
         std::to_string(cached) + "\n";
  out += "per-tokenizer setup, not counted: tokenizer " +
         format("%.0f", setup.loadMillis) + " ms, vocabulary of " +
         std::to_string(setup.vocabSize) + " ids " +
         format("%.0f", setup.vocabularyMillis) + " ms\n";
  out += "tokens allowed by a mask but refused by accept(): " +
         std::to_string(disagreements) + "\n";
  if (verifyMasks > 0) {
    out += "masks checked by brute force (--verify-masks " +
           std::to_string(verifyMasks) +
           "): " + std::to_string(verified.masks) + "; over-constrained " +
           std::to_string(verified.overConstrainedTokens) + " tokens in " +
           std::to_string(verified.overConstrainedMasks) +
           " masks, under-constrained " +
           std::to_string(verified.underConstrainedTokens) + " tokens in " +
           std::to_string(verified.underConstrainedMasks) + " masks\n";
    if (!verified.firstDifference.empty())
      out += "first difference: " + verified.firstDifference + "\n";
  }
  return out;
}

std::string supportTable(const std::vector<SchemaResult> &results) {
  struct Row {
    int64_t groups = 0, compiled = 0, cases = 0, correct = 0;
    int64_t compileErrors = 0, crashes = 0, invalidations = 0;
  };
  std::map<std::string, Row> rows;
  Row total;
  for (const SchemaResult &r : results) {
    for (Row *row : {&rows[r.file], &total}) {
      ++row->groups;
      row->compiled += compiled(r);
      row->cases += r.instances;
      row->correct += r.instancesCorrect;
      row->compileErrors += r.status == SchemaStatus::CompileError;
      row->crashes +=
          r.status == SchemaStatus::Crash || r.status == SchemaStatus::Timeout;
      row->invalidations += r.invalidationErrors;
    }
  }
  auto line = [](const std::string &name, const Row &row) {
    return "| " + name + " | " + std::to_string(row.groups) + " | " +
           std::to_string(row.compiled) + " | " + std::to_string(row.cases) +
           " | " + std::to_string(row.correct) + " | " +
           std::to_string(row.compileErrors) + " | " + mustBeZero(row.crashes) +
           " | " + mustBeZero(row.invalidations) + " |\n";
  };
  std::string out = "| file | groups | groups compiled | cases | cases "
                    "correct | compile errors | crashes | invalidation "
                    "errors |\n"
                    "|---|--:|--:|--:|--:|--:|--:|--:|\n";
  for (const auto &[file, row] : rows)
    out += line("`" + file + "`", row);
  out += line("**total**", total);
  return out;
}

std::string failureList(const std::vector<SchemaResult> &results) {
  std::string out;
  for (const SchemaResult &r : results)
    if (r.status != SchemaStatus::Passing)
      out += r.name + ": " + statusName(r.status) +
             (r.detail.empty() ? "" : ": " + abbreviate(r.detail, 300)) + "\n";
  return out;
}

} // namespace sgl::bench
