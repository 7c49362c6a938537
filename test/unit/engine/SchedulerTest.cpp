//===- SchedulerTest.cpp - Continuous batching on the default tiny model --===//
//
// The scheduler must be invisible in the outputs: every instance of a mixed
// batch (long shared prefixes, stop strings, selects, chat roles, seeded
// sampling) gives exactly the captures it gives alone, whatever the radix
// cache, chunking, token budget, page size, pool size (retraction) or
// admission policy. Prefix sharing is checked against token counts derived
// from the prompts, select against scores computed from scratch, and
// argument text against special-token injection.
//
//===----------------------------------------------------------------------===//
#include "EngineTestSupport.h"

#include "runtime/engine/Interpreter.h"
#include "runtime/engine/Scheduler.h"
#include "test/unit/support/Sanitizers.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <deque>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <vector>

using namespace sgl;
using namespace sgl::runtime;
using namespace sgl::test;

namespace {

const char *const kModelDir = SGL_DEFAULT_MODEL_DIR;

// Under ThreadSanitizer the heaviest cases run a smaller version of
// themselves, to keep the TSan run in CI: there they take 15-30 times as
// long, and a race in the kernels' thread pool (the only threads; the
// scheduler is single-threaded) shows on a few instances as well as on 64.
// Fewer instances, configurations and page sizes there, every kind of
// program and every assertion kept; other builds run the full workload.
constexpr bool kSmall = kUnderThreadSanitizer;
/// Instances of mixedWorkload() before its repeated tail: two of each of
/// the seven programs under TSan (the tests below take at most the first
/// 14 there).
constexpr int kMixedFresh = kSmall ? 14 : 60;

/// One instance to run: a program (owned by the fixture), its argument
/// values in declaration order and its run options.
struct Job {
  const Program *program = nullptr;
  std::vector<std::string> args;
  RunOptions options;
};

/// What an instance produced, as comparable strings: the captures (or the
/// error) and why each gen stopped.
struct Outcome {
  std::string result;
  std::string gens;
  RunStats stats;
  int callbacks = 0;
};

std::string describe(const Expected<nlohmann::ordered_json> &r) {
  return r ? r->dump() : "ERROR: " + r.error().message;
}

std::string describeGens(const RunStats &s) {
  std::string out;
  for (const GenFinish &g : s.gens)
    out += g.capture + ":" + std::string(finishReasonName(g.reason)) + ":" +
           std::to_string(g.tokens) + " ";
  return out;
}

std::string optionsName(const SchedulerOptions &o) {
  return "radix=" + std::to_string(o.radixCache) +
         " chunkedPrefill=" + std::to_string(o.chunkedPrefill) +
         " maxBatchTokens=" + std::to_string(o.maxBatchTokens) +
         " pageSize=" + std::to_string(o.pageSize) +
         " numPages=" + std::to_string(o.numPages) + " policy=" +
         (o.policy == SchedulePolicy::FirstComeFirstServed ? "fcfs" : "lpm");
}

SchedulerOptions makeOptions(bool radix, int64_t chunk, int64_t budget,
                             int32_t pageSize, int32_t numPages = 0) {
  SchedulerOptions o;
  o.radixCache = radix;
  o.chunkedPrefill = chunk;
  o.maxBatchTokens = budget;
  o.pageSize = pageSize;
  // Room for every instance at once unless told otherwise: 64 contexts of
  // at most ~600 positions, plus a partial page and branches each.
  o.numPages = numPages ? numPages : 64 * (600 / pageSize + 8);
  return o;
}

/// A deterministic English-looking text of `words` words.
std::string wordText(int words, uint32_t seed) {
  static const char *const kWords[] = {
      "river",  "stone",   "garden", "lamp",   "quiet",  "morning", "paper",
      "window", "distant", "bridge", "silver", "forest", "letter",  "market",
      "winter", "harbor",  "candle", "orange", "gentle", "machine", "story",
      "mirror", "valley",  "copper", "cloud",  "ladder", "basket",  "signal"};
  constexpr uint32_t kCount = sizeof(kWords) / sizeof(kWords[0]);
  std::string out;
  uint32_t x = seed * 2654435761u + 12345u;
  for (int i = 0; i < words; ++i) {
    x = x * 1664525u + 1013904223u;
    if (i)
      out += (x >> 28) == 0 ? ". " : " ";
    out += kWords[(x >> 8) % kCount];
  }
  return out;
}

/// Length of the common prefix of two token sequences.
size_t commonPrefix(const std::vector<int32_t> &a,
                    const std::vector<int32_t> &b) {
  size_t n = 0;
  while (n < a.size() && n < b.size() && a[n] == b[n])
    ++n;
  return n;
}

class SchedulerTest : public DefaultModelTest {
protected:
  /// Keeps `p` alive (instances hold a reference) at a stable address.
  const Program *keep(Program p) {
    programs_.push_back(std::move(p));
    return &programs_.back();
  }

  /// `job` run alone, through the one-instance Interpreter.
  Outcome runAlone(const Job &job, SchedulerOptions options = {}) {
    ProgramArgs args;
    for (size_t i = 0; i < job.args.size(); ++i)
      args.push_back({job.program->args[i].name, job.args[i]});
    Interpreter interp(m(), options);
    Outcome o;
    o.result = describe(interp.run(*job.program, args, job.options));
    o.stats = interp.stats();
    o.gens = describeGens(o.stats);
    o.callbacks = 1;
    lastAloneEngine_ = interp.engineStats();
    return o;
  }

  /// All of `jobs` submitted to one Scheduler with `options`.
  std::vector<Outcome> runBatch(const std::vector<Job> &jobs,
                                const SchedulerOptions &options,
                                EngineStats *engine = nullptr) {
    std::vector<Outcome> out(jobs.size());
    auto scheduler = Scheduler::create(m(), options);
    EXPECT_TRUE(scheduler) << scheduler.error().message;
    if (!scheduler)
      return out;
    for (size_t i = 0; i < jobs.size(); ++i)
      (*scheduler)
          ->submit(std::make_unique<ProgramInstance>(m(), *jobs[i].program,
                                                     strValues(jobs[i].args),
                                                     jobs[i].options),
                   [&out, i](ProgramInstance &inst) {
                     Outcome &o = out[i];
                     ++o.callbacks;
                     o.result = describe(inst.result());
                     o.stats = inst.stats();
                     o.gens = describeGens(o.stats);
                   });
    Status s = (*scheduler)->run();
    EXPECT_TRUE(s) << (s ? "" : s.error().message);
    // Without the cache, every page goes back.
    if (!options.radixCache) {
      EXPECT_EQ((*scheduler)->pagesInUse(), 0) << optionsName(options);
    }
    if (engine)
      *engine = (*scheduler)->stats();
    return out;
  }

  /// Every outcome equals the reference, string for string.
  void expectSame(const std::vector<Outcome> &got,
                  const std::vector<Outcome> &want, const std::string &what) {
    ASSERT_EQ(got.size(), want.size());
    for (size_t i = 0; i < got.size(); ++i) {
      EXPECT_EQ(got[i].callbacks, 1) << what << " instance " << i;
      EXPECT_EQ(got[i].result, want[i].result) << what << " instance " << i;
      EXPECT_EQ(got[i].gens, want[i].gens) << what << " instance " << i;
    }
  }

  std::vector<Outcome> alone(const std::vector<Job> &jobs) {
    std::vector<Outcome> out;
    for (const Job &j : jobs)
      out.push_back(runAlone(j));
    return out;
  }

  /// The long prefix most of the mixed workload's programs share.
  std::string sharedPrefix() {
    return "Background notes, read carefully. " + wordText(220, 7) + ".\n";
  }

  /// 64 instances (18 under TSan) of seven programs: plain greedy gens with
  /// different prompts behind a long shared prefix, two gens in a row, stop
  /// strings, a select with multi-token choices followed by a gen, a chat,
  /// seeded sampling, and short prompts without the prefix; the last four
  /// repeat the first four exactly.
  std::vector<Job> mixedWorkload() {
    const std::string prefix = sharedPrefix();
    const Program *plain = keep(makeProgram(
        {"q"}, {text(prefix), append(0), genStep(1, greedy(6))}, {"a"}));
    const Program *twoGens =
        keep(makeProgram({"q"},
                         {text(prefix), append(0), genStep(1, greedy(4)),
                          text(" Next:"), genStep(2, greedy(4))},
                         {"a", "b"}));
    GenParams stopping = greedy(8);
    stopping.stop = {"e", " t", "never-there"};
    const Program *stops = keep(makeProgram(
        {"q"}, {text(prefix), append(0), genStep(1, stopping)}, {"s"}));
    const Program *choose = keep(
        makeProgram({"q"},
                    {text(prefix), append(0), text(" Answer:"),
                     select(1, {" yes", " no", " maybe later on",
                                " absolutely not, under no circumstances"}),
                     text(" because"), genStep(2, greedy(4))},
                    {"pick", "why"}));
    const Program *chat = keep(makeProgram(
        {"q"},
        {roleStep(Role::System, true), text(prefix),
         roleStep(Role::System, false), roleStep(Role::User, true), append(0),
         roleStep(Role::User, false), roleStep(Role::Assistant, true),
         genStep(1, greedy(5)), roleStep(Role::Assistant, false)},
        {"r"}));
    GenParams hot;
    hot.maxTokens = 6;
    hot.temperature = 0.9f;
    GenParams hotter;
    hotter.maxTokens = 4;
    hotter.temperature = 1.3f;
    hotter.topK = 50;
    hotter.topP = 0.9f;
    hotter.seed = 1234;
    const Program *sampled =
        keep(makeProgram({"q"},
                         {text(prefix), append(0), genStep(1, hot),
                          text(" Then:"), genStep(2, hotter)},
                         {"x", "y"}));
    const Program *shortOne = keep(makeProgram(
        {"q"}, {text("Q"), append(0), genStep(1, greedy(5))}, {"a"}));
    const Program *programs[] = {plain, twoGens, stops,   choose,
                                 chat,  sampled, shortOne};
    std::vector<Job> jobs;
    for (int i = 0; i < kMixedFresh; ++i) {
      Job j;
      j.program = programs[i % 7];
      j.args = {" Question " + std::to_string(i) + ": " +
                wordText(3 + i % 5, 100 + i) + "?"};
      j.options.seed = 1000 + i;
      jobs.push_back(j);
    }
    for (int i = 0; i < 4; ++i)
      jobs.push_back(jobs[i]);
    return jobs;
  }

  /// The mixed workload less its selects.
  std::vector<Job> withoutSelects(const std::vector<Job> &jobs) {
    std::vector<Job> out;
    for (const Job &j : jobs)
      if (std::none_of(
              j.program->body.steps.begin(), j.program->body.steps.end(),
              [](const Step &s) { return s.kind == Step::Kind::Select; }))
        out.push_back(j);
    return out;
  }

  /// Runs `jobs` in pools just above the most pages one of them holds
  /// alone, for page sizes 16 and 1 (16 only under TSan), cache on and off:
  /// every instance must finish as alone, and the pool must really have
  /// been too small.
  void checkTinyPools(const std::vector<Job> &jobs,
                      const std::vector<Outcome> &want) {
    int64_t retractions = 0;
    const std::vector<int32_t> pageSizes =
        kSmall ? std::vector<int32_t>{16} : std::vector<int32_t>{16, 1};
    for (int32_t ps : pageSizes) {
      // The most pages one instance holds at once when alone (no cache).
      int32_t need = 0;
      for (const Job &j : jobs) {
        runAlone(j, makeOptions(false, 512, 2048, ps));
        need = std::max(need, lastAloneEngine_.peakPages);
      }
      ASSERT_GT(need, 0);
      for (bool radix : {true, false}) {
        SchedulerOptions o = makeOptions(radix, 512, 2048, ps, need + 1);
        EngineStats stats;
        std::vector<Outcome> got = runBatch(jobs, o, &stats);
        expectSame(got, want, optionsName(o));
        // Shared prefix pages let several instances in at once, so their
        // decodes must retract; without the cache the pool may just
        // serialize them.
        if (radix) {
          EXPECT_GT(stats.retractions, 0) << optionsName(o);
        }
        retractions += stats.retractions;
        EXPECT_LE(stats.peakPages, o.numPages) << optionsName(o);
      }
    }
    EXPECT_GT(retractions, 0);
  }

  std::deque<Program> programs_;
  EngineStats lastAloneEngine_;
};

//===----------------------------------------------------------------------===//
// 1. Batch invariance
//===----------------------------------------------------------------------===//

TEST_F(SchedulerTest, BatchedOutputsEqualEachInstanceAlone) {
  std::vector<Job> jobs = mixedWorkload();
  std::vector<Outcome> want = alone(jobs);
  // The workload really exercises what it claims to.
  int stopped = 0, picks = 0, failures = 0;
  std::set<std::string> sampledOutputs;
  for (size_t i = 0; i < want.size(); ++i) {
    failures += want[i].result.rfind("ERROR", 0) == 0;
    stopped += static_cast<int>(
        want[i].stats.gensFinishedBy(FinishReason::StopString));
    if (jobs[i].program == jobs[3].program)
      picks += 1;
    if (jobs[i].program == jobs[5].program)
      sampledOutputs.insert(want[i].result);
  }
  ASSERT_EQ(failures, 0) << want[0].result;
  EXPECT_GT(stopped, 0) << "no gen hit its stop string";
  EXPECT_GT(picks, 0);
  EXPECT_GT(sampledOutputs.size(), 1u);

  std::vector<SchedulerOptions> configs = {
      makeOptions(true, 512, 2048, 16), makeOptions(false, 512, 2048, 16),
      makeOptions(true, 7, 64, 1),      makeOptions(false, 7, 2048, 1),
      makeOptions(true, 7, 2048, 64),   makeOptions(false, 512, 64, 64),
      makeOptions(true, 512, 64, 16),   makeOptions(true, 7, 64, 16),
  };
  // Under TSan: the cache on with chunks, page size 1 and a small budget;
  // the cache off unchunked.
  if (kSmall)
    configs = {configs[2], configs[1]};
  for (const SchedulerOptions &o : configs) {
    const auto started = std::chrono::steady_clock::now();
    EngineStats stats;
    std::vector<Outcome> got = runBatch(jobs, o, &stats);
    expectSame(got, want, optionsName(o));
    EXPECT_EQ(stats.retractions, 0) << optionsName(o);
    // Batching really happened: far fewer steps than tokens run.
    EXPECT_LT(stats.steps, stats.decodeTokens) << optionsName(o);
    if (o.radixCache) {
      EXPECT_GT(stats.promptTokensCached, 0) << optionsName(o);
    } else {
      EXPECT_EQ(stats.promptTokensCached, 0) << optionsName(o);
    }
    const double seconds = std::chrono::duration<double>(
                               std::chrono::steady_clock::now() - started)
                               .count();
    std::printf("  %s: %lld steps, %.2f s\n", optionsName(o).c_str(),
                static_cast<long long>(stats.steps), seconds);
  }
}

TEST_F(SchedulerTest, OneInstanceSchedulerEqualsInterpreter) {
  std::vector<Job> jobs = mixedWorkload();
  jobs.resize(7);
  std::vector<SchedulerOptions> configs = {makeOptions(true, 7, 64, 1),
                                           makeOptions(false, 512, 2048, 64)};
  if (kSmall)
    configs.resize(1);
  for (const Job &j : jobs) {
    Outcome want = runAlone(j);
    for (const SchedulerOptions &o : configs) {
      std::vector<Outcome> got = runBatch({j}, o);
      expectSame(got, {want}, optionsName(o));
    }
  }
}

//===----------------------------------------------------------------------===//
// 2. Retraction
//===----------------------------------------------------------------------===//

TEST_F(SchedulerTest, TinyPoolRetractsGensAndStillMatchesAlone) {
  std::vector<Job> jobs = mixedWorkload();
  jobs.resize(kSmall ? 14 : 28);
  jobs = withoutSelects(jobs);
  ASSERT_EQ(jobs.size(), kSmall ? 12u : 24u);
  std::vector<Outcome> want = alone(jobs);
  checkTinyPools(jobs, want);
}

// With selects in the mix: starting a select's branches needs pages while
// the step's results are handed out. Retracting a sequence whose results
// were still to come once corrupted the page table (stale page ids went
// into the radix cache and their nodes stayed locked, so the chat
// instances here failed with "could not get KV pages").
TEST_F(SchedulerTest, TinyPoolRetractsAndStillMatchesAlone) {
  std::vector<Job> jobs = mixedWorkload();
  jobs.resize(kSmall ? 14 : 28);
  std::vector<Outcome> want = alone(jobs);
  checkTinyPools(jobs, want);
}

// A select whose context prefill ends in the same step as a younger
// sequence's prefill chunk: the branches' pages could only come from
// retracting that younger sequence, which is in the step just run and not
// yet handed its results. It is spared; the branches wait for its pages.
TEST_F(SchedulerTest, RetractionWhileBranchesStartSparesTheRestOfTheStep) {
  constexpr int64_t ps = 16;
  const std::string choiceA = " " + wordText(40, 21);
  const std::string choiceB = " " + wordText(40, 22);
  const Program *s = keep(makeProgram(
      {},
      {text("Choose well: " + wordText(14, 23)), select(0, {choiceA, choiceB})},
      {"pick"}));
  const Program *y =
      keep(makeProgram({},
                       {text("A different story begins. " + wordText(40, 24)),
                        genStep(0, greedy(3))},
                       {"a"}));
  std::vector<Job> jobs = {{s, {}, {}}, {y, {}, {}}};
  std::vector<Outcome> want = alone(jobs);
  // Pages each needs.
  auto frozenSize = [&](const Program *p) {
    ProgramInstance inst(m(), *p, {}, {});
    inst.advance();
    return static_cast<int64_t>(inst.tokens().size());
  };
  const int64_t nS = frozenSize(s), nY = frozenSize(y);
  ASSERT_GE(nY, 2 * ps);
  int64_t branchPages = 0;
  for (const std::string &c : {choiceA, choiceB}) {
    const TextRun run{c, false};
    const int64_t len = static_cast<int64_t>(
        tok().tryEncodeRuns(std::span<const TextRun>(&run, 1))->size());
    ASSERT_GT(len, 2 * ps);
    branchPages += (nS + len - 1 + ps - 1) / ps - nS / ps;
  }
  const int64_t pagesS = (nS + ps - 1) / ps, pagesY = (nY + ps - 1) / ps;
  // Both prompts fit at once; S's branches fit only without Y.
  const int32_t pool = static_cast<int32_t>(pagesS + pagesY + branchPages - 1);
  ASSERT_GE(pool, pagesS + branchPages);
  for (bool radix : {true, false}) {
    SchedulerOptions o = makeOptions(radix, 512, 2048, ps, pool);
    EngineStats stats;
    expectSame(runBatch(jobs, o, &stats), want, optionsName(o));
    EXPECT_EQ(stats.retractions, 0) << optionsName(o);
  }
}

//===----------------------------------------------------------------------===//
// 3. An instance larger than the pool
//===----------------------------------------------------------------------===//

TEST_F(SchedulerTest, InstanceLargerThanThePoolFailsAloneOthersFinish) {
  constexpr int32_t kPages = 40, kPageSize = 16; // 640 positions
  std::vector<Job> jobs = mixedWorkload();
  // Under TSan 10: the same layout (the huge select amid the others, the
  // outgrowing gen last) with fewer around.
  jobs.resize(kSmall ? 10 : 14);
  // Every instance fits when alone (mixed ones hold < 40 pages).
  const std::string hugePrompt = wordText(900, 3);
  const Program *huge =
      keep(makeProgram({}, {text(hugePrompt), genStep(0, greedy(4))}, {"x"}));
  const Program *hugeSelect = keep(makeProgram(
      {}, {text(hugePrompt), at(select(0, {"a", "b"}), "t.sgl", 5, 7)},
      {"pick"}));
  // Fits at first; its gen outgrows the pool.
  const std::string longPrompt = wordText(560, 4);
  const int64_t longTokens =
      static_cast<int64_t>(tok().encode(longPrompt, true).size());
  ASSERT_LT(longTokens + 1, kPages * kPageSize);
  GenParams many = greedy(200);
  const Program *outgrow =
      keep(makeProgram({}, {text(longPrompt), genStep(0, many)}, {"x"}));
  const size_t hugeAt = 3, selectAt = 8, outgrowAt = jobs.size() + 2;
  std::vector<Outcome> want = alone(jobs);
  jobs.insert(jobs.begin() + hugeAt, Job{huge, {}, {}});
  want.insert(want.begin() + hugeAt, Outcome{});
  jobs.insert(jobs.begin() + selectAt, Job{hugeSelect, {}, {}});
  want.insert(want.begin() + selectAt, Outcome{});
  jobs.insert(jobs.begin() + outgrowAt, Job{outgrow, {}, {}});
  want.insert(want.begin() + outgrowAt, Outcome{});

  const int64_t n = static_cast<int64_t>(tok().encode(hugePrompt, true).size());
  ASSERT_GT(n, kPages * kPageSize);
  ASSERT_LT(n, m().model().config().maxPositions);
  const std::string pool =
      " KV pages of 16 positions, but the whole pool has " +
      std::to_string(kPages) + " (raise --kv-memory)";
  want[hugeAt].result = "ERROR: t.sgl:9:9: gen 'x': the context of " +
                        std::to_string(n) + " tokens needs " +
                        std::to_string((n + kPageSize) / kPageSize) + pool;
  want[selectAt].result = "ERROR: t.sgl:5:7: select 'pick': the context of " +
                          std::to_string(n) + " tokens needs " +
                          std::to_string((n + kPageSize) / kPageSize) + pool;
  want[outgrowAt].result = "ERROR: t.sgl:9:9: gen 'x': the sequence outgrew "
                           "the whole KV pool (40 pages of 16 positions; "
                           "raise --kv-memory)";
  for (bool radix : {true, false}) {
    SchedulerOptions o = makeOptions(radix, 512, 2048, kPageSize, kPages);
    std::vector<Outcome> got = runBatch(jobs, o);
    ASSERT_EQ(got.size(), want.size());
    for (size_t i = 0; i < got.size(); ++i) {
      EXPECT_EQ(got[i].callbacks, 1) << i;
      EXPECT_EQ(got[i].result, want[i].result) << optionsName(o) << " " << i;
      if (i != hugeAt && i != selectAt && i != outgrowAt) {
        EXPECT_EQ(got[i].gens, want[i].gens) << optionsName(o) << " " << i;
      }
    }
  }
}

//===----------------------------------------------------------------------===//
// 4. Prefix sharing
//===----------------------------------------------------------------------===//

TEST_F(SchedulerTest, RadixCacheSharesTheCommonPrefix) {
  constexpr int kInstances = 8;
  const Program *p = keep(makeProgram(
      {"q"}, {text(sharedPrefix()), append(0), genStep(1, greedy(4))}, {"a"}));
  const char *const firstWords[kInstances] = {
      "Alpha", "Bravo", "Charlie", "Delta", "Echo", "Foxtrot", "Golf", "Hotel"};
  std::vector<Job> jobs;
  std::vector<std::vector<int32_t>> prompts;
  for (int i = 0; i < kInstances; ++i) {
    Job j{
        p, {std::string(firstWords[i]) + " asks: " + wordText(5, 50 + i)}, {}};
    ProgramInstance inst(m(), *p, strValues(j.args), j.options);
    inst.advance();
    ASSERT_EQ(inst.state(), ProgramInstance::State::NeedsGen);
    prompts.push_back(inst.tokens());
    jobs.push_back(j);
  }
  // Every pair of prompts shares exactly the same token prefix.
  size_t shared = prompts[0].size(), sharedMax = 0;
  int64_t promptSum = 0;
  for (int i = 0; i < kInstances; ++i) {
    promptSum += static_cast<int64_t>(prompts[i].size());
    for (int j = 0; j < i; ++j) {
      shared = std::min(shared, commonPrefix(prompts[i], prompts[j]));
      sharedMax = std::max(sharedMax, commonPrefix(prompts[i], prompts[j]));
    }
  }
  ASSERT_EQ(shared, sharedMax);
  ASSERT_GT(shared, 200u);
  for (const auto &prompt : prompts)
    ASSERT_LT(shared + 1, prompt.size());

  std::vector<Outcome> want = alone(jobs);
  for (int32_t ps : {16, 1, 64}) {
    EngineStats off, on;
    std::vector<Outcome> withoutCache =
        runBatch(jobs, makeOptions(false, 512, 2048, ps), &off);
    std::vector<Outcome> withCache =
        runBatch(jobs, makeOptions(true, 512, 2048, ps), &on);
    expectSame(withoutCache, want, "cache off, ps " + std::to_string(ps));
    expectSame(withCache, want, "cache on, ps " + std::to_string(ps));

    // The first instance computes the shared pages; each later one gets
    // every full page of the shared prefix from the cache.
    const int64_t perLater = static_cast<int64_t>(shared) / ps * ps;
    ASSERT_GT(perLater, 0);
    EXPECT_EQ(off.promptTokens, promptSum);
    EXPECT_EQ(off.promptTokensCached, 0);
    EXPECT_EQ(off.promptTokensComputed, promptSum);
    EXPECT_EQ(on.promptTokens, promptSum) << "ps " << ps;
    EXPECT_EQ(on.promptTokensCached, (kInstances - 1) * perLater)
        << "ps " << ps;
    EXPECT_EQ(on.promptTokensComputed, promptSum - (kInstances - 1) * perLater)
        << "ps " << ps;
    EXPECT_EQ(on.recomputedTokens, 0);
    EXPECT_EQ(on.generatedTokens, off.generatedTokens);
    int firsts = 0, laters = 0;
    for (const Outcome &o : withCache) {
      EXPECT_EQ(o.stats.promptTokensComputed + o.stats.promptTokensCached,
                o.stats.promptTokens);
      firsts += o.stats.promptTokensCached == 0;
      laters += o.stats.promptTokensCached == perLater;
    }
    EXPECT_EQ(firsts, 1) << "ps " << ps;
    EXPECT_EQ(laters, kInstances - 1) << "ps " << ps;
  }
}

//===----------------------------------------------------------------------===//
// 5. Prompt injection
//===----------------------------------------------------------------------===//

TEST_F(SchedulerTest, ArgumentsCannotInjectSpecialTokens) {
  std::string spellings;
  std::vector<int32_t> specialIds;
  for (const AddedToken &t : tok().addedTokens())
    if (t.special) {
      spellings += t.content;
      specialIds.push_back(t.id);
    }
  ASSERT_GT(specialIds.size(), 10u);
  ASSERT_TRUE(std::find(specialIds.begin(), specialIds.end(), 128009) !=
              specialIds.end());
  const std::vector<int32_t> &prefix = tok().prefixTokens();

  auto frozen = [&](const Program &p, std::vector<std::string> args,
                    bool allow) {
    RunOptions options;
    options.allowSpecialTokensInArguments = allow;
    ProgramInstance inst(m(), p, strValues(args), options);
    inst.advance();
    EXPECT_EQ(inst.state(), ProgramInstance::State::NeedsGen);
    return inst.tokens();
  };

  // As an argument: plain text, no special id past the prefix.
  const Program asArg = makeProgram(
      {"q"}, {text("Say: "), append(0), text(" now"), genStep(1, greedy(2))},
      {"a"});
  std::vector<int32_t> plain = frozen(asArg, {spellings}, false);
  ASSERT_GT(plain.size(), prefix.size() + specialIds.size());
  EXPECT_TRUE(std::equal(prefix.begin(), prefix.end(), plain.begin()));
  for (size_t i = prefix.size(); i < plain.size(); ++i)
    EXPECT_FALSE(tok().isSpecial(plain[i]))
        << "special id " << plain[i] << " at " << i;
  EXPECT_EQ(
      tok().decode(std::span<const int32_t>(plain).subspan(prefix.size())),
      "Say: " + spellings + " now");

  // In program text: every spelling is its control id.
  const Program inText =
      makeProgram({}, {text(spellings), genStep(0, greedy(2))}, {"a"});
  std::vector<int32_t> control = prefix;
  control.insert(control.end(), specialIds.begin(), specialIds.end());
  EXPECT_EQ(frozen(inText, {}, false), control);

  // Trusted arguments: also control ids.
  const Program bareArg =
      makeProgram({"q"}, {append(0), genStep(1, greedy(2))}, {"a"});
  EXPECT_EQ(frozen(bareArg, {spellings}, true), control);
  std::vector<int32_t> untrusted = frozen(bareArg, {spellings}, false);
  for (size_t i = prefix.size(); i < untrusted.size(); ++i)
    EXPECT_FALSE(tok().isSpecial(untrusted[i])) << i;

  // One spelling at a time, next to ordinary words, in a scheduled batch:
  // the plain-text argument changes nothing of how the instance runs.
  std::vector<Job> jobs;
  for (const AddedToken &t : tok().addedTokens())
    if (t.special && jobs.size() < 12)
      jobs.push_back({&asArg, {"x" + t.content + " and y"}, {}});
  std::vector<Outcome> want = alone(jobs);
  expectSame(runBatch(jobs, makeOptions(true, 7, 64, 16)), want, "injection");
}

//===----------------------------------------------------------------------===//
// 6. Select
//===----------------------------------------------------------------------===//

TEST_F(SchedulerTest, SelectPicksTheArgmaxOfDirectScores) {
  struct Case {
    std::string prompt;
    std::vector<std::string> choices;
  };
  // Long choices share their first ~70 tokens, so only rows scored after
  // the first 64 of a step tell them apart.
  const std::string longHead = " " + wordText(70, 11);
  std::vector<Case> cases = {
      {"I need to use a ", {"calculator", "search engine", "calendar"}},
      {"The answer is", {" yes", " no", " maybe later", " définitivement"}},
      {"Pick one:", {" a", " b", " c"}}, // single tokens only
      {"Pick a color:", {" red", " green", " blue", " ultraviolet light"}},
      {"List:", {longHead + " market", longHead + " winter"}},
      {"Words:", {longHead + " candle", longHead + " orange", " short"}},
      {"Story:", {longHead + " forest mirror", longHead + " lamp", "x"}},
      {"More:",
       {" " + wordText(90, 12), " " + wordText(75, 13), " " + wordText(5, 14)}},
  };
  std::vector<Job> jobs;
  std::vector<std::string> expected;
  std::set<size_t> picks;
  int longWins = 0;
  for (const Case &c : cases) {
    std::vector<double> scores;
    for (const std::string &choice : c.choices)
      scores.push_back(choiceScoreDirect(m(), c.prompt, choice));
    size_t best = 0;
    for (size_t i = 1; i < scores.size(); ++i)
      if (scores[i] > scores[best])
        best = i;
    for (size_t i = 0; i < scores.size(); ++i)
      if (i != best) {
        ASSERT_GT(scores[best] - scores[i], 1e-6) << c.prompt << " " << i;
      }
    picks.insert(best);
    if (c.choices[best].size() > 300)
      ++longWins;
    expected.push_back(c.choices[best]);
    jobs.push_back({keep(makeProgram({}, {text(c.prompt), select(0, c.choices)},
                                     {"pick"})),
                    {},
                    {}});
  }
  ASSERT_GT(picks.size(), 1u);
  ASSERT_GT(longWins, 1) << "no long choice won: the >64-row path is untested";
  // Some choice is really longer than 64 tokens.
  {
    const TextRun run{cases[4].choices[0], false};
    auto ids = tok().tryEncodeRuns(std::span<const TextRun>(&run, 1));
    ASSERT_GT(ids->size(), 64u);
  }

  auto check = [&](const std::vector<Outcome> &got, const std::string &what) {
    ASSERT_EQ(got.size(), expected.size());
    for (size_t i = 0; i < got.size(); ++i) {
      nlohmann::ordered_json want;
      want["pick"] = expected[i];
      EXPECT_EQ(got[i].result, want.dump()) << what << " case " << i;
    }
  };
  check(alone(jobs), "alone");
  std::vector<SchedulerOptions> configs = {makeOptions(true, 512, 2048, 16),
                                           makeOptions(false, 7, 64, 1),
                                           makeOptions(true, 7, 64, 64)};
  // Under TSan one: small chunks, no cache, page size 1 (alone() ran the
  // defaults, whose steps hold a long choice's >64 rows at once).
  if (kSmall)
    configs = {configs[1]};
  for (const SchedulerOptions &o : configs) {
    // Each case twice in the batch: branches of many selects at once.
    std::vector<Job> twice = jobs;
    twice.insert(twice.end(), jobs.begin(), jobs.end());
    std::vector<Outcome> got = runBatch(twice, o);
    check(std::vector<Outcome>(got.begin(), got.begin() + jobs.size()),
          optionsName(o));
    check(std::vector<Outcome>(got.begin() + jobs.size(), got.end()),
          optionsName(o));
  }
}

// The three methods, each against its definition computed from scratch:
// normalized is the mean log-prob of the choice's tokens after the context,
// greedy the log-prob of its first token, unconditional the mean of the
// differences between each token's log-prob after the context and after
// the tokenizer's prefix alone (BOS).
TEST_F(SchedulerTest, SelectMethodsPickTheArgmaxOfTheirDefinitions) {
  using plan::SelectMethod;
  const std::vector<std::pair<std::string, std::vector<std::string>>> cases = {
      {"I need to use a ", {"calculator", "search engine", "calendar"}},
      {"The answer is", {" yes", " no", " maybe later", " absolutely not"}},
      {"Pick a color:", {" red", " green", " blue", " ultraviolet light"}},
      {"Words:", {" candle stone river", " orange", " short story time"}},
      {"Next:", {" winter market", " mirror", " copper cloud ladder"}},
      {"Go", {" forest", " lamp post", " quiet garden window"}},
  };
  const std::vector<int32_t> &prefix = tok().prefixTokens();
  ASSERT_FALSE(prefix.empty()) << "the default model's tokenizer adds a BOS";
  std::vector<Job> jobs;
  std::vector<std::string> expected;
  std::map<SelectMethod, std::vector<size_t>> picks;
  for (const auto &[prompt, choices] : cases) {
    std::map<SelectMethod, std::vector<double>> scores;
    for (const std::string &choice : choices) {
      const TextRun run{choice, false};
      std::vector<int32_t> ids =
          *tok().tryEncodeRuns(std::span<const TextRun>(&run, 1));
      std::vector<int32_t> full = tok().encode(prompt, true);
      const size_t first = full.size();
      full.insert(full.end(), ids.begin(), ids.end());
      std::vector<double> cond = tokenLogProbsDirect(m().model(), full, first);
      std::vector<int32_t> alone = prefix;
      alone.insert(alone.end(), ids.begin(), ids.end());
      std::vector<double> uncond =
          tokenLogProbsDirect(m().model(), alone, prefix.size());
      double sum = 0.0, diff = 0.0;
      for (size_t t = 0; t < ids.size(); ++t) {
        sum += cond[t];
        diff += cond[t] - uncond[t];
      }
      const double n = static_cast<double>(ids.size());
      scores[SelectMethod::Normalized].push_back(sum / n);
      scores[SelectMethod::Greedy].push_back(cond[0]);
      scores[SelectMethod::Unconditional].push_back(diff / n);
    }
    for (auto &[method, s] : scores) {
      const size_t best =
          static_cast<size_t>(std::max_element(s.begin(), s.end()) - s.begin());
      for (size_t i = 0; i < s.size(); ++i)
        if (i != best) {
          ASSERT_GT(s[best] - s[i], 1e-6) << prompt << " choice " << i;
        }
      picks[method].push_back(best);
      Program p = makeProgram({}, {text(prompt), select(0, choices)}, {"pick"});
      p.body.steps[1].selectMethod = method;
      jobs.push_back({keep(std::move(p)), {}, {}});
      nlohmann::ordered_json want;
      want["pick"] = choices[best];
      expected.push_back(want.dump());
    }
  }
  // The methods really disagree somewhere.
  EXPECT_NE(picks[SelectMethod::Greedy], picks[SelectMethod::Normalized]);
  EXPECT_NE(picks[SelectMethod::Unconditional],
            picks[SelectMethod::Normalized]);
  auto check = [&](const std::vector<Outcome> &got, const std::string &what) {
    ASSERT_EQ(got.size(), expected.size());
    for (size_t i = 0; i < got.size(); ++i)
      EXPECT_EQ(got[i].result, expected[i]) << what << " job " << i;
  };
  check(alone(jobs), "alone");
  for (const SchedulerOptions &o :
       {makeOptions(true, 512, 2048, 16), makeOptions(false, 3, 16, 1)}) {
    std::vector<Outcome> got = runBatch(jobs, o);
    check(got, optionsName(o));
  }
}

//===----------------------------------------------------------------------===//
// 7. Policies
//===----------------------------------------------------------------------===//

TEST_F(SchedulerTest, FcfsAndLongestPrefixMatchGiveTheSameOutputs) {
  std::vector<Job> jobs = mixedWorkload();
  jobs.resize(kSmall ? 14 : 35);
  std::vector<Outcome> want = alone(jobs);
  std::vector<Job> gensOnly;
  std::vector<Outcome> wantGens;
  for (size_t i = 0; i < jobs.size(); ++i)
    if (withoutSelects({jobs[i]}).size() == 1) {
      gensOnly.push_back(jobs[i]);
      wantGens.push_back(want[i]);
    }
  // An ample pool with everything; a small one (retracting) with the gens:
  // 40 pages for 30 of them, 18 for the 12 under TSan (one of them alone
  // holds up to 17).
  for (int32_t numPages : {0, kSmall ? 18 : 40}) {
    const std::vector<Job> &js = numPages ? gensOnly : jobs;
    const std::vector<Outcome> &ws = numPages ? wantGens : want;
    SchedulerOptions lpm = makeOptions(true, 64, 512, 16, numPages);
    SchedulerOptions fcfs = lpm;
    fcfs.policy = SchedulePolicy::FirstComeFirstServed;
    EngineStats a, b;
    expectSame(runBatch(js, lpm, &a), ws, optionsName(lpm));
    expectSame(runBatch(js, fcfs, &b), ws, optionsName(fcfs));
    if (numPages) {
      EXPECT_GT(a.retractions, 0);
      EXPECT_GT(b.retractions, 0);
    }
  }
}

} // namespace
