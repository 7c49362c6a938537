//===- PlanRoundTripTest.cpp - Write a plan, read it back -----------------===//
#include "runtime/plan/PlanReader.h"
#include "runtime/plan/PlanVerifier.h"
#include "runtime/plan/PlanWriter.h"

#include "SamplePlans.h"

#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <cstdio>
#include <fstream>
#include <set>

using namespace sgl::runtime::plan;
using namespace sgl::runtime::plan::test;

namespace {

/// Writes `plan` as it is (stray fields included) and reads it back.
sgl::Expected<Plan> serializeAndRead(const Plan &plan) {
  return readPlan(serializePlan(plan));
}

TEST(PlanRoundTrip, FullPlanSurvivesWriteAndRead) {
  Plan plan = fullPlan();
  ASSERT_TRUE(verifyPlan(plan)) << verifyPlan(plan).error().message;
  std::string bytes = serializePlan(plan);
  sgl::Expected<Plan> back = readPlan(bytes);
  ASSERT_TRUE(back) << back.error().message;
  EXPECT_EQ(*back, plan);
  // The optionals really were present and came back with their values.
  const Step &g = back->programs[0].body.steps[9];
  ASSERT_EQ(g.kind, Step::Kind::Gen);
  EXPECT_EQ(g.gen.maxTokens, 64u);
  EXPECT_EQ(g.gen.temperature, 0.7f);
  EXPECT_EQ(g.gen.topP, 0.9f);
  EXPECT_EQ(g.gen.topK, 40u);
  EXPECT_EQ(g.gen.seed, 1234567890123ull);
  EXPECT_EQ(g.gen.minP, 0.05f);
  EXPECT_EQ(g.gen.repetitionPenalty, 1.3f);
  EXPECT_EQ(g.gen.frequencyPenalty, -0.5f);
  EXPECT_EQ(g.gen.presencePenalty, 2.0f);
  EXPECT_EQ(g.gen.stop, (std::vector<std::string>{"\n", "END"}));
  EXPECT_EQ(g.loc, (SourceLocation{"chat.sgl", 7, 15}));
  // And absent optionals stay absent.
  const Step &plain = back->programs[0].body.steps[14];
  EXPECT_FALSE(plain.gen.maxTokens || plain.gen.temperature || plain.gen.topP ||
               plain.gen.topK || plain.gen.seed || plain.gen.minP ||
               plain.gen.repetitionPenalty || plain.gen.frequencyPenalty ||
               plain.gen.presencePenalty);
}

TEST(PlanRoundTrip, EveryStepKindSurvives) {
  sgl::Expected<Plan> back = readPlan(serializePlan(fullPlan()));
  ASSERT_TRUE(back) << back.error().message;
  std::set<Step::Kind> kinds;
  for (const Program &program : back->programs)
    forEachStep(program.body,
                [&](const Step &step) { kinds.insert(step.kind); });
  EXPECT_EQ(kinds.size(), static_cast<size_t>(Step::Kind::Fork) + 1);
  const Program &control = back->programs[3];
  EXPECT_EQ(control, fullPlan().programs[3]);
  ASSERT_EQ(control.body.steps[1].kind, Step::Kind::ForEach);
  EXPECT_EQ(control.body.steps[1].bodyCaptures, (std::vector<uint32_t>{0}));
  EXPECT_EQ(control.captures[2].depth, 2u);
  EXPECT_EQ(control.args[0].type, strListType());
  EXPECT_EQ(control.args[0].defaultValue, listOf({str("a"), str("b")}));
  EXPECT_FALSE(control.args[4].defaultValue);
  EXPECT_EQ(control.numSites, 17u);
  const Step &fork = control.body.steps.back();
  ASSERT_EQ(fork.kind, Step::Kind::Fork);
  EXPECT_EQ(fork.branchSlot, 11u);
  EXPECT_EQ(fork.bodyCaptures, (std::vector<uint32_t>{4, 5}));
  EXPECT_EQ(fork.blocks[0].steps.back().selectMethod, SelectMethod::Greedy);
  EXPECT_EQ(control.captures[4].depth, 1u);
}

TEST(PlanRoundTrip, EveryExprKindSurvives) {
  // One append per kind, with literal operands of the kind's arity.
  Program p;
  p.name = "exprs";
  for (int k = 0; k <= static_cast<int>(Expr::Kind::Not); ++k) {
    const auto kind = static_cast<Expr::Kind>(k);
    Expr e;
    if (kind == Expr::Kind::Literal)
      e = number(-2.5e-300);
    else if (kind == Expr::Kind::Slot)
      e = slotRef(0);
    else if (kind == Expr::Kind::Output)
      e = output(0);
    else if (kind == Expr::Kind::List)
      e = listOf({str("a"), integer(INT64_MIN), boolean(true), listOf({})});
    else if (kind == Expr::Kind::Len || kind == Expr::Kind::Neg ||
             kind == Expr::Kind::Not)
      e = op(kind, {integer(1)});
    else
      e = op(kind, {integer(1), str("\xff")});
    p.body.steps.push_back(append(at(e, "e.sgl", 1, static_cast<uint32_t>(k))));
  }
  p.args = {arg("x", intType())};
  p.captures = {{"x", 0}};
  completeProgram(p);
  Plan plan;
  plan.programs = {p};
  ASSERT_TRUE(verifyPlan(plan)) << verifyPlan(plan).error().message;
  sgl::Expected<Plan> back = readPlan(serializePlan(plan));
  ASSERT_TRUE(back) << back.error().message;
  EXPECT_EQ(*back, plan);
  EXPECT_EQ(back->programs[0].body.steps[0].expr.literal.number, -2.5e-300);
}

TEST(PlanRoundTrip, FieldsOutsideTheExprKindAreDropped) {
  Plan plan = smallPlan();
  Expr lit = str("x");
  lit.slot = 3;
  lit.operands = {integer(1)};
  Expr read = slotRef(0);
  read.literal = integer(5).literal;
  Expr sum = op(Expr::Kind::Add, {integer(1), integer(2)});
  sum.slot = 4;
  sum.literal = str("stray").literal;
  Expr wrongField = integer(7);
  wrongField.literal.str = "stray";
  wrongField.literal.number = 2;
  Program &p = plan.programs[0];
  for (const Expr &e : {lit, read, sum, wrongField})
    p.body.steps.push_back(append(e));
  completeProgram(p);
  // The stray operands of the literal would make it invalid: they are not
  // written.
  sgl::Expected<Plan> back = serializeAndRead(plan);
  ASSERT_TRUE(back) << back.error().message;
  const std::vector<Step> &steps = back->programs[0].body.steps;
  EXPECT_EQ(steps[3].expr, str("x"));
  EXPECT_EQ(steps[4].expr, slotRef(0));
  EXPECT_EQ(steps[5].expr, op(Expr::Kind::Add, {integer(1), integer(2)}));
  EXPECT_EQ(steps[6].expr, integer(7));
}

TEST(PlanRoundTrip, ZeroValuedOptionalsAreNotLost) {
  Plan plan = smallPlan();
  GenParams zeros;
  zeros.temperature = 0.0f;
  zeros.topK = 0;
  zeros.seed = 0;
  plan.programs[0].body.steps[2].gen = zeros;
  sgl::Expected<Plan> back = readPlan(serializePlan(plan));
  ASSERT_TRUE(back) << back.error().message;
  EXPECT_EQ(back->programs[0].body.steps[2].gen.temperature, 0.0f);
  EXPECT_EQ(back->programs[0].body.steps[2].gen.topK, 0u);
  EXPECT_EQ(back->programs[0].body.steps[2].gen.seed, 0u);
  EXPECT_FALSE(back->programs[0].body.steps[2].gen.maxTokens.has_value());
}

TEST(PlanRoundTrip, FieldsOutsideTheStepKindAreDropped) {
  Plan plan = smallPlan();
  Step &t = plan.programs[0].body.steps[0]; // text
  t.slot = 7;
  t.role = Role::System;
  t.choices = {"stray"};
  t.gen.temperature = std::nanf("");
  Step &a = plan.programs[0].body.steps[1]; // append 0
  a.text = "stray";
  a.slot = 3;
  a.blocks = {Block{{text("stray")}}};
  a.bodyCaptures = {0};
  a.end = integer(3);
  Step &g = plan.programs[0].body.steps[2]; // gen 1
  g.choices = {"stray"};
  g.gen.seed = 9;
  g.expr = integer(1);
  sgl::Expected<Plan> back = serializeAndRead(plan);
  ASSERT_TRUE(back) << back.error().message;
  Plan canonical = smallPlan();
  canonical.programs[0].body.steps[2].gen.seed = 9;
  EXPECT_EQ(*back, canonical);

  // Control-flow steps keep only their own fields too.
  Plan loops = fullPlan();
  Step &each = loops.programs[3].body.steps[1]; // for_each
  each.end = integer(9);
  each.text = "stray";
  each.role = Role::System;
  Step &brk = each.blocks[0].steps[1].blocks[0].steps[0]; // break
  brk.slot = 3;
  brk.expr = integer(1);
  back = serializeAndRead(loops);
  ASSERT_TRUE(back) << back.error().message;
  EXPECT_EQ(*back, fullPlan());
}

TEST(PlanRoundTrip, EmptyPlan) {
  Plan plan;
  sgl::Expected<Plan> back = readPlan(serializePlan(plan));
  ASSERT_TRUE(back) << back.error().message;
  EXPECT_EQ(*back, plan);
  EXPECT_EQ(back->majorVersion, kMajorVersion);
  EXPECT_EQ(back->minorVersion, kMinorVersion);
}

TEST(PlanRoundTrip, SerializedBytesStartWithMagic) {
  std::string bytes = serializePlan(smallPlan());
  ASSERT_GE(bytes.size(), 8u);
  EXPECT_EQ(bytes.substr(4, 4), "SGLP");
  // Serialization is deterministic.
  EXPECT_EQ(bytes, serializePlan(smallPlan()));
}

TEST(PlanRoundTrip, ReadsUnalignedBytes) {
  std::string bytes = serializePlan(fullPlan());
  std::string shifted = "x" + bytes;
  sgl::Expected<Plan> back = readPlan(std::string_view(shifted).substr(1));
  ASSERT_TRUE(back) << back.error().message;
  EXPECT_EQ(*back, fullPlan());
}

TEST(PlanRoundTrip, FindProgram) {
  Plan plan = fullPlan();
  ASSERT_NE(plan.findProgram("tool"), nullptr);
  EXPECT_EQ(plan.findProgram("tool")->numSlots, 1u);
  EXPECT_EQ(plan.findProgram("missing"), nullptr);
}

TEST(PlanRoundTrip, FileRoundTrip) {
  std::string path = ::testing::TempDir() + "sgl_plan_roundtrip.sglp";
  sgl::Status status = writePlanFile(fullPlan(), path);
  ASSERT_TRUE(status) << status.error().message;
  sgl::Expected<Plan> back = readPlanFile(path);
  ASSERT_TRUE(back) << back.error().message;
  EXPECT_EQ(*back, fullPlan());
  std::remove(path.c_str());
}

TEST(PlanRoundTrip, WriterRefusesInvalidPlan) {
  Plan plan = smallPlan();
  plan.programs[0].numSlots = 7;
  plan.programs[0].slotTypes.resize(7);
  std::string path = ::testing::TempDir() + "sgl_plan_invalid.sglp";
  std::remove(path.c_str());
  sgl::Status status = writePlanFile(plan, path);
  ASSERT_FALSE(status);
  EXPECT_NE(status.error().message.find("num_slots is 7"), std::string::npos)
      << status.error().message;
  EXPECT_FALSE(std::ifstream(path).good()) << "nothing should be written";
}

TEST(PlanRoundTrip, WriterReportsUnwritablePath) {
  sgl::Status status =
      writePlanFile(smallPlan(), "/nonexistent-dir-for-sgl/x.sglp");
  ASSERT_FALSE(status);
  EXPECT_NE(status.error().message.find("cannot open"), std::string::npos)
      << status.error().message;
}

} // namespace
