//===- ControlFlowTest.cpp - if, loops and captures on the tiny model -----===//
//
// ProgramInstance runs a tree of blocks as a resumable state machine: a gen
// inside ifs and loops suspends and resumes like one at the top, captures
// inside loops collect one entry per iteration (null where an iteration did
// not reach them, [] for a loop that did not run), and each run of a gen
// site draws its own random numbers. Greedy gens are checked against the
// direct greedy continuation of the text the program built.
//
//===----------------------------------------------------------------------===//
#include "EngineTestSupport.h"

#include "runtime/engine/Interpreter.h"
#include "runtime/engine/ProgramInstance.h"
#include "runtime/sampling/Rng.h"
#include "runtime/tokenizer/Utf8.h"

#include <gtest/gtest.h>

using namespace sgl::runtime;
using namespace sgl::test;
using namespace sgl::runtime::plan::test;
using K = sgl::runtime::plan::Expr::Kind;
using Json = nlohmann::ordered_json;

namespace {

class ControlFlowTest : public DefaultModelTest {
protected:
  Json run(const Program &p, const ProgramArgs &args = {},
           RunOptions options = {}) {
    return runExpectingSuccess(m(), p, args, options, &stats_);
  }
  std::string runError(const Program &p, const ProgramArgs &args = {}) {
    return runExpectingError(m(), p, args);
  }
  /// The capture of `n` greedy tokens after `prompt`.
  std::string greedyText(const std::string &prompt, int n) {
    std::vector<int32_t> ids =
        greedyDirect(m().model(), tok().encode(prompt, true), n, m().eosIds());
    return sanitizeUtf8(tok().decode(ids, /*skipSpecialTokens=*/true));
  }

  RunStats stats_;
};

Program program(std::vector<plan::Arg> args, std::vector<Step> steps,
                std::vector<Capture> captures) {
  return programOf("flow", std::move(args), std::move(steps),
                   std::move(captures));
}

Value list(std::vector<Value> values) { return Value::list(std::move(values)); }

TEST_F(ControlFlowTest, IfRunsOneBranch) {
  Program p =
      program({arg("flag", boolType())},
              {text("Once"),
               ifStep(slotRef(0), {text(" upon"), genStep(1, greedy(4))},
                      {text(" more"), genStep(2, greedy(3))}),
               text("."), genStep(3, greedy(2))},
              {{"then", 1}, {"else", 2}, {"after", 3}});
  Json yes = run(p, {{"flag", Value::boolean(true)}});
  const std::string a = greedyText("Once upon", 4);
  EXPECT_EQ(yes["then"], a);
  EXPECT_TRUE(yes["else"].is_null()) << yes.dump();
  EXPECT_EQ(yes["after"], greedyText("Once upon" + a + ".", 2));
  Json no = run(p, {{"flag", Value::boolean(false)}});
  const std::string b = greedyText("Once more", 3);
  EXPECT_TRUE(no["then"].is_null()) << no.dump();
  EXPECT_EQ(no["else"], b);
  EXPECT_EQ(no["after"], greedyText("Once more" + b + ".", 2));
  EXPECT_EQ(Json::parse(no.dump()).begin().key(), "then");
}

TEST_F(ControlFlowTest, ForEachCollectsOneEntryPerElement) {
  Program p = program(
      {arg("items", strListType())},
      {forEach(1, slotRef(0),
               {text("Q: "), append(1), text(" A:"), genStep(2, greedy(3))})},
      {{"answers", 2}, {"items", 1}});
  Json out = run(p, {{"items", list({"cats", "dogs", "the sea"})}});
  std::string prompt;
  Json expected = Json::array();
  for (const char *item : {"cats", "dogs", "the sea"}) {
    prompt += std::string("Q: ") + item + " A:";
    const std::string answer = greedyText(prompt, 3);
    expected.push_back(answer);
    prompt += answer;
  }
  EXPECT_EQ(out["answers"], expected);
  EXPECT_EQ(out["items"], Json::parse(R"(["cats","dogs","the sea"])"));
  EXPECT_EQ(stats_.gens.size(), 3u);
  EXPECT_EQ(stats_.gens[2].capture, "answers");

  // No elements: the loop's lists are empty.
  Json none = run(p, {{"items", list({})}});
  EXPECT_EQ(none.dump(), R"({"answers":[],"items":[]})");
}

TEST_F(ControlFlowTest, ForRangeWithBreak) {
  // for i in range(0, 5): if i == 2: break; "i," gen
  Program p = program(
      {},
      {forRange(0, integer(0), integer(5),
                {ifStep(op(K::Eq, {slotRef(0), integer(2)}), {breakStep()}),
                 append(slotRef(0)), text(","), genStep(1, greedy(2))}),
       text(" end")},
      {{"g", 1}, {"i", 0}});
  Json out = run(p);
  const std::string g0 = greedyText("0,", 2);
  const std::string g1 = greedyText("0," + g0 + "1,", 2);
  // The iteration that broke reached the loop variable, not the gen.
  EXPECT_EQ(out["g"], Json::array({g0, g1, nullptr}));
  EXPECT_EQ(out["i"], Json::array({0, 1, 2}));
}

TEST_F(ControlFlowTest, NestedLoopsCollectNestedLists) {
  // for n in counts:
  //   if n > 1: gen t
  //   for j in range(0, n): select s
  // if false: gen never
  // for x in []: gen none
  Program p = program(
      {arg("counts", plan::ValueType::list(intType()))},
      {forEach(1, slotRef(0),
               {text("N"),
                ifStep(op(K::Gt, {slotRef(1), integer(1)}),
                       {genStep(2, greedy(1))}),
                forRange(3, integer(0), slotRef(1),
                         {text(" pick"), select(4, {" x", " y"})})}),
       ifStep(boolean(false), {genStep(5, greedy(1))}),
       forEach(6, listOf({}), {genStep(7, greedy(1))})},
      {{"n", 1}, {"t", 2}, {"j", 3}, {"s", 4}, {"never", 5}, {"none", 7}});
  ASSERT_EQ(p.captures[3].depth, 2u);
  Json out = run(p, {{"counts", list({Value::integer(2), Value::integer(0),
                                      Value::integer(1)})}});
  EXPECT_EQ(out["n"].dump(), "[2,0,1]");
  ASSERT_EQ(out["t"].size(), 3u) << out.dump();
  EXPECT_TRUE(out["t"][0].is_string());
  EXPECT_EQ(out["t"][1], nullptr);
  EXPECT_EQ(out["t"][2], nullptr);
  EXPECT_EQ(out["j"].dump(), "[[0,1],[],[0]]");
  ASSERT_EQ(out["s"].size(), 3u) << out.dump();
  EXPECT_EQ(out["s"][0].size(), 2u);
  EXPECT_EQ(out["s"][1], Json::array());
  EXPECT_EQ(out["s"][2].size(), 1u);
  for (const Json &picks : out["s"])
    for (const Json &pick : picks)
      EXPECT_TRUE(pick == " x" || pick == " y") << out.dump();
  EXPECT_EQ(out["never"], nullptr);
  EXPECT_EQ(out["none"], Json::array());
}

TEST_F(ControlFlowTest, OutputsAndTypedValuesAreAppendedAsText) {
  // for i in range(0, 3): (capture i); then the output list, typed
  // arguments and a computed value as text.
  Program p =
      program({arg("n", intType()), arg("x", numberType(), number(0.5)),
               arg("b", boolType(), boolean(true)),
               arg("l", strListType(), listOf({str("a"), str("b")}))},
              {forRange(4, integer(0), integer(3), {}), append(output(0)),
               text(" "), append(slotRef(0)), text(" "), append(slotRef(1)),
               text(" "), append(slotRef(2)), text(" "), append(slotRef(3)),
               text(" "), append(op(K::Mul, {slotRef(1), integer(3)})),
               text("!"), genStep(5, greedy(3))},
              {{"i", 4}, {"z", 5}, {"x", 1}});
  Json out = run(p, {{"n", Value::integer(-12)}});
  EXPECT_EQ(out["i"].dump(), "[0,1,2]");
  EXPECT_EQ(out["x"], 0.5);
  EXPECT_EQ(out["z"],
            greedyText("[0, 1, 2] -12 0.5 true [\"a\", \"b\"] 1.5!", 3));
}

TEST_F(ControlFlowTest, AnOutputIsReadWhereItStands) {
  // for r in ["a", "b"]:
  //   for c in range(0, 2): select cell
  //   if len(cell) == 2: select ok       (this iteration's 2 cells)
  // if len(cell) == 2 and len(cell[1]) == 2: select fin
  auto len = [](plan::Expr e) { return op(K::Len, {std::move(e)}); };
  auto eq = [](plan::Expr a, plan::Expr b) {
    return op(K::Eq, {std::move(a), std::move(b)});
  };
  Program p = program(
      {},
      {forEach(0, listOf({str("a"), str("b")}),
               {forRange(1, integer(0), integer(2),
                         {append(0), select(2, {" x", " y"})}),
                ifStep(eq(len(output(0)), integer(2)), {select(3, {" ok"})})}),
       ifStep(op(K::And,
                 {eq(len(output(0)), integer(2)),
                  eq(len(op(K::Index, {output(0), integer(1)})), integer(2))}),
              {select(4, {" fin"})})},
      {{"cell", 2}, {"ok", 3}, {"fin", 4}});
  Json out = run(p);
  ASSERT_EQ(out["cell"].size(), 2u) << out.dump();
  EXPECT_EQ(out["cell"][0].size(), 2u) << out.dump();
  EXPECT_EQ(out["ok"], Json::array({" ok", " ok"})) << out.dump();
  EXPECT_EQ(out["fin"], " fin") << out.dump();
}

TEST_F(ControlFlowTest, EachRunOfAGenSiteDrawsItsOwnNumbers) {
  GenParams sampled;
  sampled.maxTokens = 1;
  GenParams seeded = sampled;
  seeded.seed = 7;
  Program p =
      program({},
              {text("x"), forRange(0, integer(0), integer(3),
                                   {genStep(1, sampled), genStep(2, seeded)})},
              {{"a", 1}, {"b", 2}});
  ASSERT_EQ(p.body.steps[1].blocks[0].steps[0].site, 2u);
  RunOptions options;
  options.seed = 11;
  ProgramInstance inst(m(), p, {}, options);
  for (uint64_t k = 0; k < 3; ++k) {
    // The site's k-th run: as a straight-line gen the first time, then
    // mixed with k.
    for (auto [site, base] : {std::pair<uint32_t, uint64_t>{2, mixSeed(11, 2)},
                              std::pair<uint32_t, uint64_t>{3, 7}}) {
      inst.advance();
      ASSERT_EQ(inst.state(), ProgramInstance::State::NeedsGen) << k;
      Rng want(k == 0 ? base : mixSeed(base, k));
      EXPECT_EQ(inst.rng().next(), want.next())
          << "site " << site << " k " << k;
      EXPECT_TRUE(inst.acceptToken(tok().encode("a", false).front(), false));
    }
  }
  inst.advance();
  EXPECT_EQ(inst.state(), ProgramInstance::State::Done);
  auto result = inst.result();
  ASSERT_TRUE(result) << result.error().message;
  EXPECT_EQ(result->dump(), R"({"a":["a","a","a"],"b":["a","a","a"]})");
}

TEST_F(ControlFlowTest, AStraightLineProgramDrawsAsInFormatOne) {
  // Site = step index, the k = 0 seed: mixSeed(run seed, index).
  GenParams sampled;
  sampled.maxTokens = 2;
  Program p =
      makeProgram({}, {text("A"), text("B"), genStep(0, sampled)}, {"x"});
  RunOptions options;
  options.seed = 5;
  ProgramInstance inst(m(), p, {}, options);
  inst.advance();
  ASSERT_EQ(inst.state(), ProgramInstance::State::NeedsGen);
  Rng want(mixSeed(5, 2));
  EXPECT_EQ(inst.rng().next(), want.next());
}

TEST_F(ControlFlowTest, SampledLoopIterationsDiffer) {
  // The same gen, seeded, in every iteration: equal seeds would repeat
  // the same tokens for a context that ends the same way.
  GenParams sampled;
  sampled.maxTokens = 8;
  sampled.seed = 3;
  Program p = program(
      {},
      {forRange(0, integer(0), integer(4), {text("\n"), genStep(1, sampled)})},
      {{"g", 1}});
  Json one = run(p);
  EXPECT_EQ(run(p), one) << "runs are reproducible";
  std::set<std::string> distinct;
  for (const Json &g : one["g"])
    distinct.insert(g.get<std::string>());
  EXPECT_GT(distinct.size(), 1u) << one.dump();
}

TEST_F(ControlFlowTest, RegexGensInALoopShareTheirSitesMasks) {
  GenParams digit;
  digit.maxTokens = 4;
  digit.constraint = {plan::GenConstraint::Kind::Regex, "[0-9]"};
  Program p = program(
      {},
      {forRange(0, integer(0), integer(3), {text(" n="), genStep(1, digit)})},
      {{"d", 1}});
  Json out = run(p);
  ASSERT_EQ(out["d"].size(), 3u) << out.dump();
  for (const Json &d : out["d"]) {
    const std::string s = d.get<std::string>();
    EXPECT_TRUE(s.size() == 1 && s[0] >= '0' && s[0] <= '9') << s;
  }
}

TEST_F(ControlFlowTest, RunTimeErrorsFailTheInstanceAtTheExpression) {
  Program outOfRange = program(
      {arg("l", strListType())},
      {forRange(
          1, integer(0), integer(4),
          {append(at(op(K::Index, {slotRef(0), slotRef(1)}), "t.sgl", 4, 9))})},
      {});
  EXPECT_EQ(runError(outOfRange, {{"l", list({"a", "b", "c"})}}),
            "t.sgl:4:9: index 3 is out of range for a list of 3 elements");

  Program unset = program({},
                          {ifStep(boolean(false), {genStep(0, greedy(1))}),
                           at(append(0), "t.sgl", 6, 2)},
                          {{"x", 0}});
  EXPECT_EQ(runError(unset), "t.sgl:6:2: 'x' is read before it is set");

  Program zero = program(
      {arg("n", intType())},
      {at(ifStep(op(K::Eq, {op(K::Div, {integer(1), slotRef(0)}), integer(1)}),
                 {text("x")}),
          "t.sgl", 2, 4)},
      {});
  EXPECT_EQ(runError(zero, {{"n", Value::integer(0)}}),
            "t.sgl:2:4: division by zero");

  Program notAList =
      program({}, {at(forEach(0, str("abc"), {}), "t.sgl", 3, 1)}, {});
  EXPECT_EQ(runError(notAList),
            "t.sgl:3:1: for needs a list to run over, not str");
}

TEST_F(ControlFlowTest, LoopsAreBounded) {
  Program huge =
      program({},
              {at(forRange(0, integer(0), integer(kMaxLoopIterations + 1), {}),
                  "t.sgl", 1, 1)},
              {});
  EXPECT_EQ(runError(huge), "t.sgl:1:1: range(0, 1000001) has 1000001 "
                            "iterations, more than the 1000000 a program may "
                            "run");
  // A negative-sized range runs 0 times.
  Program backwards = program(
      {}, {forRange(0, integer(5), integer(-5), {genStep(1, greedy(1))})},
      {{"g", 1}});
  EXPECT_EQ(run(backwards).dump(), R"({"g":[]})");
  // Nested loops: the bound is on all the iterations an instance runs.
  Program nested =
      program({},
              {forRange(0, integer(0), integer(1001),
                        {at(forRange(1, integer(0), integer(1000), {}), "t.sgl",
                            2, 3)})},
              {});
  EXPECT_EQ(runError(nested),
            "t.sgl:2:3: the program ran more than 1000000 loop iterations");
}

TEST_F(ControlFlowTest, BreakLeavesOnlyTheInnermostLoop) {
  Program p =
      program({},
              {forRange(0, integer(0), integer(2),
                        {forRange(1, integer(0), integer(3),
                                  {ifStep(op(K::Eq, {slotRef(1), integer(1)}),
                                          {breakStep()})})})},
              {{"i", 0}, {"j", 1}});
  EXPECT_EQ(run(p).dump(), R"({"i":[0,1],"j":[[0,1],[0,1]]})");
}

TEST_F(ControlFlowTest, RolesInsideLoops) {
  // A conversation built by a loop: one user/assistant turn per question.
  Program p = program(
      {arg("qs", strListType())},
      {forEach(1, slotRef(0),
               {roleStep(Role::User, true), append(1),
                roleStep(Role::User, false), roleStep(Role::Assistant, true),
                genStep(2, greedy(3)), roleStep(Role::Assistant, false)})},
      {{"a", 2}});
  Json out = run(p, {{"qs", list({"Hi", "Bye"})}});
  // The same turns written out one after the other: the loop must run
  // exactly that (the first turn is also checked against the template).
  auto turn = [](uint32_t q, uint32_t a) {
    return std::vector<Step>{
        roleStep(Role::User, true),  append(q),
        roleStep(Role::User, false), roleStep(Role::Assistant, true),
        genStep(a, greedy(3)),       roleStep(Role::Assistant, false)};
  };
  std::vector<Step> unrolled = turn(0, 2);
  for (Step &s : turn(1, 3))
    unrolled.push_back(std::move(s));
  Json ref = run(makeProgram({"q1", "q2"}, std::move(unrolled), {"a1", "a2"}),
                 {{"q1", "Hi"}, {"q2", "Bye"}});
  EXPECT_EQ(out["a"], Json::array({ref["a1"], ref["a2"]}));
  const ChatTemplate chat = ChatTemplate::llama3();
  const std::vector<ChatTemplate::Message> first = {{Role::User, "Hi"}};
  std::vector<int32_t> prompt = tok().encode(chat.render(first, true), false);
  EXPECT_EQ(out["a"][0],
            sanitizeUtf8(tok().decode(
                greedyDirect(m().model(), prompt, 3, m().eosIds()), true)));
}

} // namespace
