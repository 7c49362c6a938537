//===- TokenMaskBench.cpp - Token mask costs over a real vocabulary -------===//
//
//   sgl-token-mask-bench --tokenizer DIR [--reps 5]
//
// Builds the vocabulary trie of the tokenizer in DIR (a tokenizer.json, or
// a directory holding one) and, for a few constraint patterns, times:
//   - mask: one TokenMaskCache::mask per live state on first visit (a trie
//     walk), mean per state and the slowest state;
//   - cached: the same calls again (a lookup);
//   - distances: the first minTokensToAccept(start), which explores every
//     state reachable from the start (one walk each).
// Each is `mean ± std` over --reps fresh caches, in CPU time of the
// benchmark's thread, so that other load on the machine does not count;
// "steps" are the DFA steps one first-visit mask takes on average (trie
// nodes stepped). The table is Markdown, as llama-bench prints.
//
//===----------------------------------------------------------------------===//

#include "runtime/constraints/RegexCompiler.h"
#include "runtime/constraints/TokenMaskCache.h"
#include "runtime/constraints/TokenizerVocabulary.h"
#include "runtime/support/CommandLine.h"
#include "runtime/tokenizer/Tokenizer.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <ctime>
#include <string>
#include <vector>

using namespace sgl;
using namespace sgl::runtime;
using namespace sgl::runtime::constraints;

namespace {

constexpr const char *kTool = "sgl-token-mask-bench";

/// The constraints timed: narrow to permissive.
const char *const kPatterns[] = {
    "(yes|no|maybe)",
    "[0-9]+",
    "-?(0|[1-9][0-9]*)(\\.[0-9]+)?([eE][+-]?[0-9]+)?",
    "[a-z0-9._]+@[a-z0-9]+\\.[a-z]{2,}",
    "\\{\"name\": \"[A-Za-z ]{1,20}\", \"age\": [0-9]{1,3}\\}",
    "\"([^\"\\\\]|\\\\.)*\"",
    "[^\"]{0,100}",
    ".*",
};

/// CPU seconds this thread has run.
double threadSeconds() {
  timespec now;
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &now);
  return static_cast<double>(now.tv_sec) + 1e-9 * now.tv_nsec;
}

/// "mean ± std" of `samples` times `scale`, with `digits` decimals.
std::string meanStd(const std::vector<double> &samples, double scale,
                    int digits) {
  double mean = 0, square = 0;
  for (double x : samples)
    mean += x * scale;
  mean /= samples.size();
  for (double x : samples)
    square += (x * scale - mean) * (x * scale - mean);
  double std =
      samples.size() > 1 ? std::sqrt(square / (samples.size() - 1)) : 0.0;
  char text[64];
  std::snprintf(text, sizeof text, "%.*f ± %.*f", digits, mean, digits, std);
  return text;
}

std::string markdownCell(std::string_view pattern) {
  std::string cell = "`";
  for (char c : pattern)
    cell += c == '|' ? std::string("\\|") : std::string(1, c);
  return cell + "`";
}

int run(const std::string &tokenizerPath, int reps) {
  Expected<Tokenizer> tokenizer = Tokenizer::fromFile(tokenizerPath);
  if (!tokenizer)
    return reportError(kTool, tokenizer.error().message);
  std::vector<int32_t> eos;
  if (tokenizer->eosId())
    eos.push_back(*tokenizer->eosId());

  std::vector<double> buildSeconds;
  std::optional<VocabularyTrie> trie;
  for (int rep = 0; rep < reps; ++rep) {
    double start = threadSeconds();
    trie.emplace(buildVocabularyTrie(*tokenizer));
    buildSeconds.push_back((threadSeconds() - start));
  }
  std::printf("trie: %d tokens of %zu ids, %d nodes, max depth %d, "
              "%.2f MiB, built in %s ms\n\n",
              trie->numTokens(), trie->vocabSize(), trie->numNodes(),
              trie->maxDepth(), trie->memoryBytes() / 1048576.0,
              meanStd(buildSeconds, 1e3, 1).c_str());

  std::printf("| pattern | states | mask µs/state | slowest state µs | "
              "steps/state | cached ns/state | distances ms | explored |\n");
  std::printf("|---|--:|--:|--:|--:|--:|--:|--:|\n");
  for (const char *pattern : kPatterns) {
    Expected<ByteDfa> dfa = compileRegex(pattern);
    if (!dfa)
      return reportError(kTool, dfa.error().message);
    int32_t live = dfa->numStates() - 1;
    std::vector<double> first, worst, cached, distances;
    int64_t steps = 0;
    int32_t explored = 0;
    for (int rep = 0; rep < reps; ++rep) {
      TokenMaskCache masks(*dfa, *trie, eos);
      double total = 0, slowest = 0;
      for (ByteDfa::State s = 1; s < dfa->numStates(); ++s) {
        double start = threadSeconds();
        masks.mask(s);
        double seconds = threadSeconds() - start;
        total += seconds;
        slowest = std::max(slowest, seconds);
      }
      first.push_back(total / live);
      worst.push_back(slowest);
      steps = masks.steps() / live;

      constexpr int kLookups = 1000;
      uint64_t sink = 0;
      double start = threadSeconds();
      for (int i = 0; i < kLookups; ++i)
        for (ByteDfa::State s = 1; s < dfa->numStates(); ++s)
          sink += masks.mask(s)[0];
      cached.push_back((threadSeconds() - start) / (double(kLookups) * live));
      if (sink == 1) // keeps the lookups from being optimized away
        std::printf(" ");

      TokenMaskCache fresh(*dfa, *trie, eos);
      start = threadSeconds();
      Expected<uint32_t> least = fresh.minTokensToAccept(dfa->start());
      if (!least)
        return reportError(kTool, least.error().message);
      distances.push_back((threadSeconds() - start));
      explored = fresh.distances().exploredStates();
    }
    std::printf("| %s | %d | %s | %s | %lld | %s | %s | %d |\n",
                markdownCell(pattern).c_str(), dfa->numStates(),
                meanStd(first, 1e6, 1).c_str(), meanStd(worst, 1e6, 0).c_str(),
                static_cast<long long>(steps), meanStd(cached, 1e9, 1).c_str(),
                meanStd(distances, 1e3, 2).c_str(), explored);
  }
  return kExitSuccess;
}

} // namespace

int main(int argc, char **argv) {
  CLI::App app{"sgl-token-mask-bench: token mask, cache and token-distance "
               "costs of a few constraints over a tokenizer's vocabulary"};
  std::string tokenizer;
  int reps = 5;
  app.add_option("--tokenizer", tokenizer,
                 "tokenizer.json, or a directory holding one")
      ->required();
  app.add_option("--reps", reps, "repetitions per measurement")
      ->check(CLI::Range(1, 1000));
  if (std::optional<int> exit = sgl::parseCommandLine(app, argc, argv, kTool))
    return *exit;
  return sgl::guardedMain(kTool, [&] { return run(tokenizer, reps); });
}
