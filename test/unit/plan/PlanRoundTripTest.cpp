//===- PlanRoundTripTest.cpp - Write a plan, read it back -----------------===//
#include "runtime/plan/PlanReader.h"
#include "runtime/plan/PlanVerifier.h"
#include "runtime/plan/PlanWriter.h"

#include "SamplePlans.h"

#include <gtest/gtest.h>

#include <cmath>
#include <cstdio>
#include <fstream>

using namespace sgl::runtime::plan;
using namespace sgl::runtime::plan::test;

namespace {

TEST(PlanRoundTrip, FullPlanSurvivesWriteAndRead) {
  Plan plan = fullPlan();
  ASSERT_TRUE(verifyPlan(plan)) << verifyPlan(plan).error().message;
  std::string bytes = serializePlan(plan);
  sgl::Expected<Plan> back = readPlan(bytes);
  ASSERT_TRUE(back) << back.error().message;
  EXPECT_EQ(*back, plan);
  // The optionals really were present and came back with their values.
  const Step &g = back->programs[0].steps[9];
  ASSERT_EQ(g.kind, Step::Kind::Gen);
  EXPECT_EQ(g.gen.maxTokens, 64u);
  EXPECT_EQ(g.gen.temperature, 0.7f);
  EXPECT_EQ(g.gen.topP, 0.9f);
  EXPECT_EQ(g.gen.topK, 40u);
  EXPECT_EQ(g.gen.seed, 1234567890123ull);
  EXPECT_EQ(g.gen.stop, (std::vector<std::string>{"\n", "END"}));
  EXPECT_EQ(g.loc, (SourceLocation{"chat.sgl", 7, 15}));
  // And absent optionals stay absent.
  const Step &plain = back->programs[0].steps[14];
  EXPECT_FALSE(plain.gen.maxTokens || plain.gen.temperature || plain.gen.topP ||
               plain.gen.topK || plain.gen.seed);
}

TEST(PlanRoundTrip, ZeroValuedOptionalsAreNotLost) {
  Plan plan = smallPlan();
  GenParams zeros;
  zeros.temperature = 0.0f;
  zeros.topK = 0;
  zeros.seed = 0;
  plan.programs[0].steps[2].gen = zeros;
  sgl::Expected<Plan> back = readPlan(serializePlan(plan));
  ASSERT_TRUE(back) << back.error().message;
  EXPECT_EQ(back->programs[0].steps[2].gen.temperature, 0.0f);
  EXPECT_EQ(back->programs[0].steps[2].gen.topK, 0u);
  EXPECT_EQ(back->programs[0].steps[2].gen.seed, 0u);
  EXPECT_FALSE(back->programs[0].steps[2].gen.maxTokens.has_value());
}

TEST(PlanRoundTrip, FieldsOutsideTheStepKindAreDropped) {
  Plan plan = smallPlan();
  Step &t = plan.programs[0].steps[0]; // text
  t.slot = 7;
  t.role = Role::System;
  t.choices = {"stray"};
  t.gen.temperature = std::nanf("");
  Step &a = plan.programs[0].steps[1]; // append 0
  a.text = "stray";
  Step &g = plan.programs[0].steps[2]; // gen 1
  g.choices = {"stray"};
  g.gen.seed = 9;
  sgl::Expected<Plan> back = readPlan(serializePlan(plan));
  ASSERT_TRUE(back) << back.error().message;
  Plan canonical = smallPlan();
  canonical.programs[0].steps[2].gen.seed = 9;
  EXPECT_EQ(*back, canonical);
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
