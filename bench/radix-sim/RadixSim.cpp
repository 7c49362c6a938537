//===- RadixSim.cpp - Prefix-cache hit rates on synthetic traces ----------===//
//
//   sgl-radix-sim [--page-size 16] [--order session|round-robin]
//                 [--seed 42] [--format md|csv|json] [--plot-data FILE]
//
// Replays two synthetic request traces (random token ids 0..127999, lengths
// jittered by +-20%, all from one fixed seed) through the real PageAllocator
// and RadixCache -- page ids only, no KV memory -- and reports how many prompt
// tokens the cache serves:
//   - few-shot: one ~600-token 5-shot prompt shared by 256 questions of ~30
//     tokens, 16 output tokens each;
//   - multi-turn: 64 chat sessions x 4 turns sent as separate requests, a
//     ~300-token system prompt shared by all, ~40-token user turns,
//     32-token answers; each turn's prompt is the whole history so far.
//     --order session sends session by session (as the benchmark's JSONL
//     lists them), --order round-robin turn 1 of every session, then turn 2...
//
// Per request the sim does what the runtime will: matchPrefix(prompt), lock
// the match, allocate pages for the rest of prompt+output (evicting LRU pages
// when the pool is short), insert the whole pages of prompt+output, unlock,
// free the trailing partial page.
//
// "optimal" is what an unbounded cache serves: the prompt tokens, in whole
// pages, whose prefix was part of an earlier request's prompt+output. It is
// computed apart from RadixCache (hashes of page prefixes), so the unbounded
// row checks the cache too. The pool is sized from the unbounded run's peak
// of pages in use: 1/4, 1/2 and unbounded.
//
//===----------------------------------------------------------------------===//

#include "runtime/kvcache/RadixCache.h"
#include "runtime/support/CommandLine.h"
#include "runtime/support/OutputFile.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <iostream>
#include <random>
#include <sstream>
#include <unordered_set>

using namespace sgl;
using namespace sgl::runtime;

namespace {

constexpr const char *kTool = "sgl-radix-sim";
constexpr int32_t kVocab = 128000;

using Tokens = std::vector<int32_t>;

struct Request {
  Tokens prompt;
  Tokens output;
};

struct Workload {
  std::string name;
  std::vector<Request> requests;
};

/// Random tokens and jittered lengths from one seeded generator (`%` rather
/// than std::uniform_*_distribution, so every standard library agrees).
class TraceRng {
public:
  explicit TraceRng(uint64_t seed) : rng_(seed) {}
  Tokens tokens(int64_t n) {
    Tokens t(static_cast<size_t>(n));
    for (int32_t &x : t)
      x = static_cast<int32_t>(rng_() % kVocab);
    return t;
  }
  /// `n` +-20%, at least 1.
  int64_t jitter(int64_t n) {
    int64_t spread = n / 5;
    int64_t d =
        static_cast<int64_t>(rng_() % static_cast<uint64_t>(2 * spread + 1)) -
        spread;
    return std::max<int64_t>(1, n + d);
  }

private:
  std::mt19937_64 rng_;
};

Tokens concat(const Tokens &a, const Tokens &b) {
  Tokens t = a;
  t.insert(t.end(), b.begin(), b.end());
  return t;
}

Workload fewShot(TraceRng &rng) {
  Workload w{"few-shot", {}};
  Tokens shots = rng.tokens(rng.jitter(600));
  for (int q = 0; q < 256; ++q)
    w.requests.push_back(
        {concat(shots, rng.tokens(rng.jitter(30))), rng.tokens(16)});
  return w;
}

Workload multiTurn(TraceRng &rng, bool roundRobin) {
  constexpr int kSessions = 64, kTurns = 4;
  Tokens system = rng.tokens(rng.jitter(300));
  // requests[s][t], generated session by session whatever the order, so
  // both orders replay the same requests.
  std::vector<std::vector<Request>> sessions(kSessions);
  for (auto &session : sessions) {
    Tokens history = system;
    for (int t = 0; t < kTurns; ++t) {
      Tokens prompt = concat(history, rng.tokens(rng.jitter(40)));
      Tokens answer = rng.tokens(32);
      history = concat(prompt, answer);
      session.push_back({std::move(prompt), std::move(answer)});
    }
  }
  Workload w{roundRobin ? "multi-turn (round-robin)" : "multi-turn (session)",
             {}};
  if (roundRobin) {
    for (int t = 0; t < kTurns; ++t)
      for (auto &session : sessions)
        w.requests.push_back(session[t]);
  } else {
    for (auto &session : sessions)
      for (Request &r : session)
        w.requests.push_back(r);
  }
  return w;
}

/// Prompt tokens an unbounded cache serves, request by request: the longest
/// whole-page prefix of the prompt that an earlier request's prompt+output
/// had. Page prefixes are identified by a chained 64-bit hash.
std::vector<int64_t> optimalHits(const Workload &w, int32_t pageSize) {
  auto pageHashes = [&](const Tokens &t) {
    std::vector<uint64_t> hashes;
    uint64_t h = 0x9E3779B97F4A7C15ull;
    for (size_t end = pageSize; end <= t.size(); end += pageSize) {
      for (size_t i = end - pageSize; i < end; ++i) {
        h ^= static_cast<uint64_t>(t[i]) + 0x9E3779B97F4A7C15ull + (h << 6) +
             (h >> 2);
        h *= 0xBF58476D1CE4E5B9ull;
      }
      hashes.push_back(h);
    }
    return hashes;
  };
  std::unordered_set<uint64_t> seen;
  std::vector<int64_t> hits;
  for (const Request &r : w.requests) {
    std::vector<uint64_t> prompt = pageHashes(r.prompt);
    size_t k = 0;
    while (k < prompt.size() && seen.count(prompt[k]))
      ++k;
    hits.push_back(static_cast<int64_t>(k) * pageSize);
    for (uint64_t h : pageHashes(concat(r.prompt, r.output)))
      seen.insert(h);
  }
  return hits;
}

struct Replay {
  std::vector<int64_t> hits; // per request
  int32_t peakPages = 0;     // most pages in use at once
  int32_t evictedPages = 0;
};

int64_t ceilDiv(int64_t a, int64_t b) { return (a + b - 1) / b; }

/// Replays `w` through a pool of `poolPages` pages; nullopt when one request
/// alone needs more than the pool.
std::optional<Replay> replay(const Workload &w, int32_t pageSize,
                             int32_t poolPages) {
  PageAllocator pool(poolPages);
  RadixCache cache(pool, pageSize);
  Replay result;
  for (const Request &r : w.requests) {
    Tokens all = concat(r.prompt, r.output);
    PrefixMatch m = cache.matchPrefix(r.prompt);
    result.hits.push_back(m.tokens);
    cache.lock(m.node);
    int64_t matched = static_cast<int64_t>(m.pages.size());
    int32_t need = static_cast<int32_t>(
        ceilDiv(static_cast<int64_t>(all.size()), pageSize) - matched);
    if (pool.available() < need)
      result.evictedPages += cache.evict(need - pool.available());
    std::vector<PageId> fresh;
    if (!pool.alloc(need, fresh))
      return std::nullopt;
    result.peakPages =
        std::max(result.peakPages, pool.capacity() - pool.available());

    size_t whole = all.size() / static_cast<size_t>(pageSize);
    std::vector<PageId> pages = m.pages;
    pages.insert(pages.end(), fresh.begin(),
                 fresh.begin() + static_cast<long>(whole - m.pages.size()));
    InsertResult inserted = cache.insert(
        std::span<const int32_t>(all).first(whole * pageSize), pages);
    // Pages past the match that turned out cached already stay ours.
    if (inserted.alreadyCachedPages > matched)
      pool.free(std::span<const PageId>(pages).subspan(
          static_cast<size_t>(matched),
          static_cast<size_t>(inserted.alreadyCachedPages - matched)));
    cache.unlock(m.node);
    // The trailing partial page is the request's alone.
    pool.free(std::span<const PageId>(fresh).subspan(whole - m.pages.size()));
  }
  return result;
}

struct Row {
  std::string workload;
  std::string pool; // "1/4", "1/2", "unbounded"
  int32_t poolPages = 0;
  int64_t requests = 0, promptTokens = 0, optimalTokens = 0, hitTokens = 0;
  int32_t peakPages = 0, evictedPages = 0;
  double hitRate() const {
    return promptTokens ? static_cast<double>(hitTokens) /
                              static_cast<double>(promptTokens)
                        : 0;
  }
  double ofOptimal() const {
    return optimalTokens ? static_cast<double>(hitTokens) /
                               static_cast<double>(optimalTokens)
                         : 1;
  }
};

void printMarkdown(const std::vector<Row> &rows, int32_t pageSize) {
  std::printf("| %-24s | %4s | %8s | %12s | %12s | %10s | %-9s | %10s | %10s "
              "| %8s | %8s | %12s |\n",
              "workload", "page", "requests", "prompt tok", "optimal tok",
              "peak pages", "pool", "pool pages", "hit tok", "hit rate",
              "optimal", "% of optimal");
  std::printf("| %-24s | %4s | %8s | %12s | %12s | %10s | %-9s | %10s | %10s "
              "| %8s | %8s | %12s |\n",
              "---", "---:", "---:", "---:", "---:", "---:", "---",
              "---:", "---:", "---:", "---:", "---:");
  for (const Row &r : rows) {
    double optimalRate = static_cast<double>(r.optimalTokens) /
                         static_cast<double>(r.promptTokens);
    std::printf(
        "| %-24s | %4d | %8lld | %12lld | %12lld | %10d | %-9s | %10d "
        "| %10lld | %7.1f%% | %7.1f%% | %11.1f%% |\n",
        r.workload.c_str(), pageSize, static_cast<long long>(r.requests),
        static_cast<long long>(r.promptTokens),
        static_cast<long long>(r.optimalTokens), r.peakPages, r.pool.c_str(),
        r.poolPages, static_cast<long long>(r.hitTokens), 100 * r.hitRate(),
        100 * optimalRate, 100 * r.ofOptimal());
  }
}

void printStructured(const std::vector<Row> &rows, int32_t pageSize, bool csv) {
  if (csv)
    std::printf("workload,page_size,requests,prompt_tokens,optimal_tokens,"
                "peak_pages,pool,pool_pages,hit_tokens,evicted_pages,hit_"
                "rate,of_optimal\n");
  nlohmann::ordered_json out = nlohmann::ordered_json::array();
  for (const Row &r : rows) {
    if (csv) {
      std::printf(
          "%s,%d,%lld,%lld,%lld,%d,%s,%d,%lld,%d,%.4f,%.4f\n",
          r.workload.c_str(), pageSize, static_cast<long long>(r.requests),
          static_cast<long long>(r.promptTokens),
          static_cast<long long>(r.optimalTokens), r.peakPages, r.pool.c_str(),
          r.poolPages, static_cast<long long>(r.hitTokens), r.evictedPages,
          r.hitRate(), r.ofOptimal());
      continue;
    }
    out.push_back({{"workload", r.workload},
                   {"page_size", pageSize},
                   {"requests", r.requests},
                   {"prompt_tokens", r.promptTokens},
                   {"optimal_tokens", r.optimalTokens},
                   {"peak_pages", r.peakPages},
                   {"pool", r.pool},
                   {"pool_pages", r.poolPages},
                   {"hit_tokens", r.hitTokens},
                   {"evicted_pages", r.evictedPages},
                   {"hit_rate", r.hitRate()},
                   {"of_optimal", r.ofOptimal()}});
  }
  if (!csv)
    std::cout << out.dump(2) << "\n";
}

int run(int32_t pageSize, const std::string &order, uint64_t seed,
        const std::string &format, const std::string &plotData) {
  TraceRng rng(seed);
  std::vector<Workload> workloads;
  workloads.push_back(fewShot(rng));
  workloads.push_back(multiTurn(rng, order == "round-robin"));

  std::vector<Row> rows;
  std::ostringstream plot;
  plot << "workload,pool,request,prompt_tokens,hit_tokens,optimal_tokens,"
          "hit_rate,optimal_rate\n";
  for (const Workload &w : workloads) {
    std::vector<int64_t> optimal = optimalHits(w, pageSize);
    int64_t promptTokens = 0, optimalTokens = 0, maxRequestPages = 0;
    for (size_t i = 0; i < w.requests.size(); ++i) {
      const Request &r = w.requests[i];
      promptTokens += static_cast<int64_t>(r.prompt.size());
      optimalTokens += optimal[i];
      maxRequestPages = std::max(
          maxRequestPages,
          ceilDiv(static_cast<int64_t>(r.prompt.size() + r.output.size()),
                  pageSize));
    }
    // Unbounded: a pool no trace can fill.
    int64_t allPages = 0;
    for (const Request &r : w.requests)
      allPages += ceilDiv(
          static_cast<int64_t>(r.prompt.size() + r.output.size()), pageSize);
    if (allPages > INT32_MAX)
      return reportError(kTool, "the trace needs more than 2^31 pages");
    std::optional<Replay> unbounded =
        replay(w, pageSize, static_cast<int32_t>(allPages));
    int32_t peak = unbounded->peakPages;

    struct Pool {
      std::string name;
      int32_t pages;
    };
    std::vector<Pool> pools = {
        {"1/4",
         std::max<int32_t>(peak / 4, static_cast<int32_t>(maxRequestPages))},
        {"1/2",
         std::max<int32_t>(peak / 2, static_cast<int32_t>(maxRequestPages))},
        {"unbounded", static_cast<int32_t>(allPages)}};
    for (const Pool &p : pools) {
      std::optional<Replay> result =
          p.name == "unbounded" ? unbounded : replay(w, pageSize, p.pages);
      if (!result)
        return reportError(kTool,
                           "a request does not fit the " + p.name + " pool");
      Row row;
      row.workload = w.name;
      row.pool = p.name;
      row.poolPages = p.pages;
      row.requests = static_cast<int64_t>(w.requests.size());
      row.promptTokens = promptTokens;
      row.optimalTokens = optimalTokens;
      row.peakPages = peak;
      row.evictedPages = result->evictedPages;
      int64_t cumPrompt = 0, cumHit = 0, cumOptimal = 0;
      for (size_t i = 0; i < w.requests.size(); ++i) {
        row.hitTokens += result->hits[i];
        cumPrompt += static_cast<int64_t>(w.requests[i].prompt.size());
        cumHit += result->hits[i];
        cumOptimal += optimal[i];
        char line[160];
        std::snprintf(
            line, sizeof(line), "%s,%s,%zu,%lld,%lld,%lld,%.5f,%.5f\n",
            w.name.c_str(), p.name.c_str(), i,
            static_cast<long long>(cumPrompt), static_cast<long long>(cumHit),
            static_cast<long long>(cumOptimal),
            static_cast<double>(cumHit) / static_cast<double>(cumPrompt),
            static_cast<double>(cumOptimal) / static_cast<double>(cumPrompt));
        plot << line;
      }
      if (p.name == "unbounded" && row.hitTokens != optimalTokens)
        reportWarning(kTool, w.name + ": the unbounded cache served " +
                                 std::to_string(row.hitTokens) +
                                 " tokens, the optimum is " +
                                 std::to_string(optimalTokens));
      rows.push_back(row);
    }
  }

  if (format == "md")
    printMarkdown(rows, pageSize);
  else
    printStructured(rows, pageSize, format == "csv");
  if (!plotData.empty()) {
    if (Status s = writeOutput(plotData, plot.str()); !s)
      return reportError(kTool, s.error().message);
  }
  return kExitSuccess;
}

} // namespace

int main(int argc, char **argv) {
  CLI::App app{"sgl-radix-sim: prefix-cache hit rates of the radix cache on "
               "synthetic few-shot and multi-turn traces"};
  int32_t pageSize = 16;
  uint64_t seed = 42;
  std::string order = "session", format = "md", plotData;
  app.add_option("--page-size", pageSize, "tokens per KV page")
      ->check(CLI::Range(1, 4096));
  app.add_option("--order", order,
                 "multi-turn request order: session or round-robin")
      ->check(CLI::IsMember({"session", "round-robin"}));
  app.add_option("--seed", seed, "seed of the synthetic traces")
      ->check(UnsignedIn(0, UINT64_MAX));
  app.add_option("--format", format, "md, csv or json")
      ->check(CLI::IsMember({"md", "csv", "json"}));
  app.add_option("--plot-data", plotData,
                 "write the cumulative hit rate per request as CSV here");
  if (std::optional<int> exit = sgl::parseCommandLine(app, argc, argv, kTool))
    return *exit;
  return sgl::guardedMain(
      kTool, [&] { return run(pageSize, order, seed, format, plotData); });
}
