//===- ForkTest.cpp - fork/join on the default tiny model -----------------===//
//
// A fork runs its body once per branch from the context before it; the
// branches' captures come back as an array of objects and the parent goes
// on from its own context. Each branch must give exactly what the same
// steps give run alone as a linear program, and a batch of forking
// instances must give the same outputs whatever the scheduler does (radix
// cache on or off, page size, chunking, token budget, a pool so small it
// retracts).
//
//===----------------------------------------------------------------------===//
#include "EngineTestSupport.h"

#include "runtime/engine/Interpreter.h"
#include "runtime/engine/Scheduler.h"

#include <gtest/gtest.h>

#include <deque>
#include <set>
#include <string>
#include <vector>

using namespace sgl::runtime;
using namespace sgl::test;
using namespace sgl::runtime::plan::test;
using K = sgl::runtime::plan::Expr::Kind;
using Json = nlohmann::ordered_json;
using sgl::Status;
using sgl::runtime::plan::Expr;

namespace {

/// `list[index][field]`: a field of one branch's object.
Expr branchField(uint32_t capture, int64_t index, const std::string &field) {
  return op(K::Index,
            {op(K::Index, {output(capture), integer(index)}), str(field)});
}

Step forkAt(Step fork) { return at(std::move(fork), "t.sgl", 3, 3); }

class ForkTest : public DefaultModelTest {
protected:
  const Program &keep(Program p) {
    programs_.push_back(std::move(p));
    return programs_.back();
  }
  Json run(const Program &p, const ProgramArgs &args = {},
           RunOptions options = {}) {
    return runExpectingSuccess(m(), p, args, options);
  }
  std::string runError(const Program &p, const ProgramArgs &args = {}) {
    return runExpectingError(m(), p, args);
  }

  /// Three tips behind a prompt with an argument: each branch gens and
  /// selects; after the join the parent reads tip[1].text.
  const Program &tips() {
    return keep(programOf(
        "tips", {arg("q")},
        {text("Tips about"), append(0), text(":\n"),
         forkAt(forkStep(4, 1, integer(3),
                         {text("Tip "), append(slotRef(1)), text(": "),
                          genStep(2, greedy(5)),
                          select(3, {" good", " bad", " could be better"})})),
         text(" Best:"), append(branchField(2, 1, "text")),
         genStep(5, greedy(3))},
        {{"text", 2}, {"rating", 3}, {"tip", 4}, {"after", 5}}));
  }

  /// Branches that sample: each branch draws its own numbers.
  const Program &sampledTips() {
    GenParams hot;
    hot.maxTokens = 6;
    hot.temperature = 1.0f;
    return keep(programOf(
        "sampled", {arg("q")},
        {text("Ideas for"), append(0), text(":"),
         forkAt(forkStep(3, 1, integer(4), {text(" idea"), genStep(2, hot)})),
         text(" Pick:"), genStep(4, hot)},
        {{"idea", 2}, {"ideas", 3}, {"pick", 4}}));
  }

  /// plan[2] { idea; step[2] { detail } }.
  const Program &nested() {
    return keep(programOf(
        "nested", {arg("q")},
        {append(0),
         forkAt(forkStep(6, 1, integer(2),
                         {text(" Plan "), append(slotRef(1)), text(":"),
                          genStep(2, greedy(3)),
                          forkStep(5, 3, integer(2),
                                   {text(" step "), append(slotRef(3)),
                                    text(":"), genStep(4, greedy(2))})})),
         text(" Done")},
        {{"idea", 2}, {"detail", 4}, {"step", 5}, {"plan", 6}}));
  }

  /// for r in 0..2 { f[2] as i { x } }, then a loop inside a fork that
  /// breaks on its second iteration.
  const Program &loops() {
    return keep(programOf(
        "loops", {arg("q")},
        {append(0),
         forRange(1, integer(0), integer(2),
                  {text(" Round "), append(slotRef(1)),
                   forkStep(4, 2, integer(2),
                            {text(" b"), append(slotRef(2)),
                             genStep(3, greedy(2))})}),
         forkStep(8, 5, integer(2),
                  {forRange(6, integer(0), integer(5),
                            {text(" n"), genStep(7, greedy(1)),
                             ifStep(op(K::Eq, {slotRef(6), integer(1)}),
                                    {breakStep()}, {})})})},
        {{"x", 3}, {"f", 4}, {"note", 7}, {"g", 8}}));
  }

  std::deque<Program> programs_;
};

TEST_F(ForkTest, BranchesEqualTheSameBranchesRunOneByOne) {
  const Program &p = tips();
  const ProgramArgs args = {{"q", Value("sleep")}};
  Json out = run(p, args);
  ASSERT_TRUE(out["tip"].is_array()) << out.dump();
  ASSERT_EQ(out["tip"].size(), 3u) << out.dump();
  // A branch's captures are fields of its object, not the program's.
  EXPECT_EQ(out.size(), 2u) << out.dump();
  EXPECT_FALSE(out.contains("text")) << out.dump();
  for (int64_t i = 0; i < 3; ++i) {
    const Program &alone = keep(
        makeProgram({"q"},
                    {text("Tips about"), append(0), text(":\n"), text("Tip "),
                     text(std::to_string(i)), text(": "), genStep(1, greedy(5)),
                     select(2, {" good", " bad", " could be better"})},
                    {"text", "rating"}));
    Json want = run(alone, args);
    EXPECT_EQ(out["tip"][i].dump(), want.dump()) << "branch " << i;
  }
  // The parent goes on from its own context, not a branch's.
  const std::string best = out["tip"][1]["text"].get<std::string>();
  const Program &after =
      keep(makeProgram({"q"},
                       {text("Tips about"), append(0), text(":\n"),
                        text(" Best:"), text(best), genStep(1, greedy(3))},
                       {"after"}));
  EXPECT_EQ(out["after"], run(after, args)["after"]);
  EXPECT_EQ(out.begin().key(), "tip");
}

TEST_F(ForkTest, NestedForksNestTheirObjects) {
  const Program &p = nested();
  const ProgramArgs args = {{"q", Value("Plan a trip.")}};
  Json out = run(p, args);
  ASSERT_EQ(out.size(), 1u) << out.dump();
  ASSERT_EQ(out["plan"].size(), 2u) << out.dump();
  for (int i = 0; i < 2; ++i) {
    ASSERT_EQ(out["plan"][i].size(), 2u) << out.dump();
    ASSERT_EQ(out["plan"][i]["step"].size(), 2u) << out.dump();
    for (int j = 0; j < 2; ++j) {
      const Program &alone = keep(makeProgram(
          {"q"},
          {append(0), text(" Plan "), text(std::to_string(i)), text(":"),
           genStep(1, greedy(3)), text(" step "), text(std::to_string(j)),
           text(":"), genStep(2, greedy(2))},
          {"idea", "detail"}));
      Json want = run(alone, args);
      EXPECT_EQ(out["plan"][i]["idea"], want["idea"]) << i;
      EXPECT_EQ(out["plan"][i]["step"][j]["detail"], want["detail"])
          << i << "," << j;
    }
  }
}

TEST_F(ForkTest, ForksInLoopsAndLoopsInForks) {
  const Program &p = loops();
  const ProgramArgs args = {{"q", Value("Count:")}};
  Json out = run(p, args);
  // A fork in a loop: one array of branch objects per iteration.
  ASSERT_EQ(out["f"].size(), 2u) << out.dump();
  for (int r = 0; r < 2; ++r) {
    ASSERT_EQ(out["f"][r].size(), 2u) << out.dump();
    for (int i = 0; i < 2; ++i) {
      std::vector<Step> steps = {append(0)};
      for (int before = 0; before <= r; ++before) {
        steps.push_back(text(" Round "));
        steps.push_back(text(std::to_string(before)));
      }
      steps.push_back(text(" b"));
      steps.push_back(text(std::to_string(i)));
      steps.push_back(genStep(1, greedy(2)));
      Json want = run(keep(makeProgram({"q"}, steps, {"x"})), args);
      EXPECT_EQ(out["f"][r][i]["x"], want["x"]) << r << "," << i;
    }
  }
  // A loop in a fork: the capture is a list in each branch's object, and
  // the break ends the loop of its own branch only.
  ASSERT_EQ(out["g"].size(), 2u) << out.dump();
  for (int i = 0; i < 2; ++i)
    EXPECT_EQ(out["g"][i]["note"].size(), 2u) << out.dump();
  EXPECT_EQ(out["g"][0], out["g"][1]);
  EXPECT_FALSE(out.contains("note") || out.contains("x")) << out.dump();
}

TEST_F(ForkTest, SampledBranchesDrawTheirOwnNumbersAndRepeat) {
  const Program &p = sampledTips();
  const ProgramArgs args = {{"q", Value("dinner")}};
  RunOptions options;
  options.seed = 7;
  Json a = run(p, args, options);
  Json b = run(p, args, options);
  EXPECT_EQ(a.dump(), b.dump());
  std::set<std::string> ideas;
  for (const Json &branch : a["ideas"])
    ideas.insert(branch["idea"].get<std::string>());
  EXPECT_GT(ideas.size(), 1u) << a.dump();
  options.seed = 8;
  EXPECT_NE(run(p, args, options).dump(), a.dump());
}

TEST_F(ForkTest, AnyGroupingGivesTheSameOutputs) {
  struct Job {
    const Program *program;
    std::string q;
    uint64_t seed;
  };
  const Program *programs[] = {&tips(), &sampledTips(), &nested(), &loops()};
  std::vector<Job> jobs;
  for (int i = 0; i < 8; ++i)
    jobs.push_back({programs[i % 4], " question " + std::to_string(i % 3),
                    static_cast<uint64_t>(100 + i)});
  auto argsOf = [](const Job &j) { return ProgramArgs{{"q", Value(j.q)}}; };
  std::vector<std::string> want;
  int32_t need = 0;
  for (const Job &j : jobs) {
    SchedulerOptions alone;
    alone.radixCache = false;
    alone.numPages = 4096;
    Interpreter interp(m(), alone);
    RunOptions options;
    options.seed = j.seed;
    auto out = interp.run(*j.program, argsOf(j), options);
    ASSERT_TRUE(out) << out.error().message;
    want.push_back(out->dump());
    need = std::max(need, interp.engineStats().peakPages);
  }
  auto config = [](bool radix, int32_t pageSize, int64_t chunk, int64_t budget,
                   int32_t pages) {
    SchedulerOptions o;
    o.radixCache = radix;
    o.pageSize = pageSize;
    o.chunkedPrefill = chunk;
    o.maxBatchTokens = budget;
    o.numPages = pages;
    return o;
  };
  const std::vector<SchedulerOptions> configs = {
      config(true, 16, 512, 2048, 4096),
      config(false, 16, 512, 2048, 4096),
      config(true, 1, 7, 64, 65536),
      config(false, 1, 7, 64, 65536),
      config(true, 16, 512, 2048, need + 1),
      config(false, 16, 512, 2048, need + 1)};
  for (const SchedulerOptions &o : configs) {
    auto scheduler = Scheduler::create(m(), o);
    ASSERT_TRUE(scheduler) << scheduler.error().message;
    std::vector<std::string> got(jobs.size());
    for (size_t i = 0; i < jobs.size(); ++i) {
      RunOptions options;
      options.seed = jobs[i].seed;
      auto values = bindProgramArgs(*jobs[i].program, argsOf(jobs[i]));
      ASSERT_TRUE(values) << values.error().message;
      (*scheduler)
          ->submit(std::make_unique<ProgramInstance>(m(), *jobs[i].program,
                                                     values.take(), options),
                   [&got, i](ProgramInstance &inst) {
                     auto r = inst.result();
                     got[i] = r ? r->dump() : "ERROR: " + r.error().message;
                   });
    }
    Status s = (*scheduler)->run();
    ASSERT_TRUE(s) << s.error().message;
    const std::string name = "radix=" + std::to_string(o.radixCache) +
                             " pageSize=" + std::to_string(o.pageSize) +
                             " pages=" + std::to_string(o.numPages);
    for (size_t i = 0; i < jobs.size(); ++i)
      EXPECT_EQ(got[i], want[i]) << name << " instance " << i;
    if (!o.radixCache) {
      EXPECT_EQ((*scheduler)->pagesInUse(), 0) << name;
    }
    if (o.numPages == need + 1 && o.radixCache) {
      EXPECT_GT((*scheduler)->stats().retractions, 0) << name;
    }
  }
}

// More branches than exist at once (64): the rest are made as others
// finish, and each lands at its index.
TEST_F(ForkTest, ManyBranchesAreMadeAsOthersFinish) {
  const Program &p = keep(
      programOf("many", {arg("q")},
                {append(0), forkAt(forkStep(3, 1, integer(150),
                                            {text(" #"), append(slotRef(1)),
                                             genStep(2, greedy(1))}))},
                {{"x", 2}, {"f", 3}}));
  const ProgramArgs args = {{"q", Value("Count")}};
  Json out = run(p, args);
  ASSERT_EQ(out["f"].size(), 150u) << out.dump();
  for (int64_t i : {0, 63, 64, 100, 149}) {
    const Program &alone = keep(makeProgram(
        {"q"},
        {append(0), text(" #"), text(std::to_string(i)), genStep(1, greedy(1))},
        {"x"}));
    EXPECT_EQ(out["f"][i]["x"], run(alone, args)["x"]) << "branch " << i;
  }
}

TEST_F(ForkTest, ZeroBranchesGiveAnEmptyArray) {
  Program p =
      programOf("zero", {arg("n", intType())},
                {text("None:"),
                 forkAt(forkStep(3, 1, slotRef(0), {genStep(2, greedy(2))})),
                 text(" after"), genStep(4, greedy(2))},
                {{"x", 2}, {"f", 3}, {"after", 4}});
  Json out = run(p, {{"n", Value::integer(0)}});
  EXPECT_EQ(out["f"].dump(), "[]");
  EXPECT_TRUE(out["after"].is_string()) << out.dump();
}

TEST_F(ForkTest, BadCountsAreErrorsAtTheFork) {
  Program p = programOf(
      "bad", {arg("n", intType())},
      {forkAt(forkStep(3, 1, slotRef(0), {text("x"), genStep(2, greedy(1))}))},
      {{"x", 2}, {"f", 3}});
  EXPECT_EQ(runError(p, {{"n", Value::integer(-2)}}),
            "t.sgl:3:3: fork 'f' has -2 branches; the count must be >= 0");
  EXPECT_EQ(runError(p, {{"n", Value::integer(kMaxForkBranches + 1)}}),
            "t.sgl:3:3: fork 'f' starts 65537 branches, more than the 65536 "
            "left of the 65536 a program may start");
}

TEST_F(ForkTest, AFailedBranchFailsTheProgramNamingIt) {
  // Branch 2 indexes past the end of a two-element list.
  Program p = programOf(
      "fails", {arg("names", strListType())},
      {forkAt(forkStep(
          3, 1, integer(3),
          {text("Hi "),
           append(at(op(K::Index, {slotRef(0), slotRef(1)}), "t.sgl", 4, 9)),
           genStep(2, greedy(1))}))},
      {{"x", 2}, {"f", 3}});
  EXPECT_EQ(runError(p, {{"names", Value::list({Value("a"), Value("b")})}}),
            "t.sgl:3:3: branch 2 of fork 'f' failed: t.sgl:4:9: index 2 is "
            "out of range for a list of 2 elements");
}

} // namespace
