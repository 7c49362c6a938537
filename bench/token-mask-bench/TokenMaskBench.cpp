//===- TokenMaskBench.cpp - Token mask costs over a real vocabulary -------===//
//
//   sgl-token-mask-bench --tokenizer DIR [--reps 5]
//
// Builds the constraint vocabulary of the tokenizer in DIR (a
// tokenizer.json, or a directory holding one: trie, token bytes and token
// slices) and, for a few regex constraints, leads a ConstraintMatcher to
// every live DFA state (untimed) and times:
//   - mask: the first allowedTokens there (a trie walk), mean per state and
//     the slowest state;
//   - cached: the same calls again (a lookup);
//   - no slice: the first masks again with the vocabulary's token slices
//     left out, to show what they save; "slice splits" counts the states
//     whose masks took tokens from one.
// Each is `mean ± std` over --reps fresh ConstraintMasks, in CPU time of
// the benchmark's thread, so that other load on the machine does not
// count; "steps" are the DFA steps one first-visit mask takes on average
// (trie nodes stepped). The table is Markdown, as llama-bench prints.
//
//===----------------------------------------------------------------------===//

#include "bench/ThreadClock.h"
#include "runtime/constraints/Constraint.h"
#include "runtime/constraints/TokenizerVocabulary.h"
#include "runtime/support/CommandLine.h"
#include "runtime/tokenizer/Tokenizer.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <string>
#include <vector>

using namespace sgl;
using namespace sgl::runtime;
using namespace sgl::runtime::constraints;
using sgl::bench::threadSeconds;

namespace {

constexpr const char *kTool = "sgl-token-mask-bench";

/// So many tokens left that no budget narrows a mask.
constexpr uint32_t kNoBudget = 1u << 30;

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

/// The shortest text to every live state of `dfa`, start first (a
/// breadth-first search over bytes).
std::vector<std::string> textsToLiveStates(const ByteDfa &dfa) {
  std::vector<std::string> texts;
  if (dfa.isDead(dfa.start()))
    return texts;
  std::vector<ByteDfa::State> states = {dfa.start()};
  std::vector<uint8_t> seen(dfa.numStates(), 0);
  seen[dfa.start()] = 1;
  texts.push_back("");
  for (size_t head = 0; head < states.size(); ++head) {
    for (int byte = 0; byte < 256; ++byte) {
      ByteDfa::State next = dfa.step(states[head], static_cast<uint8_t>(byte));
      if (dfa.isDead(next) || seen[next])
        continue;
      seen[next] = 1;
      states.push_back(next);
      texts.push_back(texts[head] + static_cast<char>(byte));
    }
  }
  return texts;
}

/// Matchers led along `texts` by single-byte tokens (`byteTokens`, one
/// per byte), which asks for no mask; nothing when a byte has no token.
std::optional<std::vector<ConstraintMatcher>>
matchersAt(ConstraintMasks &masks, const std::vector<std::string> &texts,
           const std::vector<int32_t> &byteTokens) {
  std::vector<ConstraintMatcher> matchers;
  for (const std::string &text : texts) {
    ConstraintMatcher &matcher = matchers.emplace_back(masks);
    for (char byte : text) {
      int32_t id = byteTokens[static_cast<uint8_t>(byte)];
      if (id < 0 || !matcher.accept(id))
        return std::nullopt;
    }
  }
  return matchers;
}

/// One rep's first visits: mean and slowest seconds per state.
struct FirstMasks {
  double mean = 0;
  double slowest = 0;
};

FirstMasks timeFirstMasks(std::vector<ConstraintMatcher> &matchers) {
  FirstMasks times;
  for (ConstraintMatcher &matcher : matchers) {
    double start = threadSeconds();
    matcher.allowedTokens(kNoBudget);
    double seconds = threadSeconds() - start;
    times.mean += seconds;
    times.slowest = std::max(times.slowest, seconds);
  }
  times.mean /= matchers.size();
  return times;
}

/// Seconds per cached allowedTokens, over many rounds of `matchers`.
double timeCachedMasks(std::vector<ConstraintMatcher> &matchers) {
  constexpr int kLookups = 1000;
  uint64_t sink = 0;
  double start = threadSeconds();
  for (int i = 0; i < kLookups; ++i)
    for (ConstraintMatcher &matcher : matchers)
      sink += matcher.allowedTokens(kNoBudget)[0];
  double seconds = threadSeconds() - start;
  if (sink == 1) // keeps the lookups from being optimized away
    std::printf(" ");
  return seconds / (double(kLookups) * matchers.size());
}

int run(const std::string &tokenizerPath, int reps) {
  Expected<Tokenizer> tokenizer = Tokenizer::fromFile(tokenizerPath);
  if (!tokenizer)
    return reportError(kTool, tokenizer.error().message);
  std::vector<int32_t> eos;
  if (tokenizer->eosId())
    eos.push_back(*tokenizer->eosId());

  std::vector<double> buildSeconds;
  std::optional<ConstraintVocabulary> vocabulary;
  for (int rep = 0; rep < reps; ++rep) {
    double start = threadSeconds();
    vocabulary.emplace(buildConstraintVocabulary(*tokenizer, eos));
    buildSeconds.push_back((threadSeconds() - start));
  }
  const VocabularyTrie &trie = vocabulary->trie;
  std::printf("trie: %d tokens of %zu ids, %d nodes, max depth %d, "
              "%.2f MiB; vocabulary (trie, bytes, token slices) built in "
              "%s ms\n\n",
              trie.numTokens(), trie.vocabSize(), trie.numNodes(),
              trie.maxDepth(), trie.memoryBytes() / 1048576.0,
              meanStd(buildSeconds, 1e3, 1).c_str());
  ConstraintVocabulary withoutSlice = *vocabulary;
  withoutSlice.slices = nullptr;
  std::vector<int32_t> byteTokens(256, -1);
  for (size_t id = vocabulary->tokenBytes.size(); id-- > 0;)
    if (vocabulary->tokenBytes[id].size() == 1)
      byteTokens[static_cast<uint8_t>(vocabulary->tokenBytes[id][0])] =
          static_cast<int32_t>(id);

  std::printf("| pattern | states | slice splits | mask µs/state | "
              "slowest state µs | steps/state | cached ns/state | "
              "no slice: mask µs/state | no slice: slowest µs |\n");
  std::printf("|---|--:|--:|--:|--:|--:|--:|--:|--:|\n");
  for (const char *pattern : kPatterns) {
    Expected<std::shared_ptr<Constraint>> constraint =
        Constraint::fromRegex(pattern);
    if (!constraint)
      return reportError(kTool, constraint.error().message);
    const ByteDfa &dfa = (*constraint)->grammar().rule(0).dfa;
    std::vector<std::string> texts = textsToLiveStates(dfa);
    std::vector<double> first, worst, cached, plainFirst, plainWorst;
    int64_t steps = 0, sliceSplits = 0;
    for (int rep = 0; rep < reps; ++rep) {
      ConstraintMasks masks(*constraint, *vocabulary);
      auto matchers = matchersAt(masks, texts, byteTokens);
      if (!matchers)
        return reportError(kTool, "the tokenizer lacks single-byte tokens");
      FirstMasks times = timeFirstMasks(*matchers);
      first.push_back(times.mean);
      worst.push_back(times.slowest);
      ConstraintMasks::Stats stats = masks.stats();
      steps = stats.automatonSteps / static_cast<int64_t>(texts.size());
      sliceSplits = stats.sliceSplits;
      cached.push_back(timeCachedMasks(*matchers));

      ConstraintMasks plain(*constraint, withoutSlice);
      auto plainMatchers = matchersAt(plain, texts, byteTokens);
      FirstMasks plainTimes = timeFirstMasks(*plainMatchers);
      plainFirst.push_back(plainTimes.mean);
      plainWorst.push_back(plainTimes.slowest);
    }
    std::printf("| %s | %d | %lld | %s | %s | %lld | %s | %s | %s |\n",
                markdownCell(pattern).c_str(), dfa.numStates(),
                static_cast<long long>(sliceSplits),
                meanStd(first, 1e6, 1).c_str(), meanStd(worst, 1e6, 0).c_str(),
                static_cast<long long>(steps), meanStd(cached, 1e9, 1).c_str(),
                meanStd(plainFirst, 1e6, 1).c_str(),
                meanStd(plainWorst, 1e6, 0).c_str());
  }
  return kExitSuccess;
}

} // namespace

int main(int argc, char **argv) {
  CLI::App app{"sgl-token-mask-bench: first and cached token mask costs of "
               "a few regex constraints over a tokenizer's vocabulary, with "
               "and without its string slice"};
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
