//===- PlanVerifierTest.cpp - One test per semantic rule ------------------===//
#include "runtime/plan/PlanVerifier.h"

#include "SamplePlans.h"

#include <gtest/gtest.h>

#include <cmath>

using namespace sgl::runtime::plan;
using namespace sgl::runtime::plan::test;

namespace {

/// The verifier's message for `plan`, or "<ok>".
std::string check(const Plan &plan) {
  sgl::Status status = verifyPlan(plan);
  return status ? "<ok>" : status.error().message;
}

/// A plan holding one program "p" with `args` and `steps`; num_slots is
/// computed from them unless given.
Plan planOf(std::vector<std::string> args, std::vector<Step> steps,
            std::vector<Capture> captures = {},
            std::optional<uint32_t> numSlots = std::nullopt) {
  Program p;
  p.name = "p";
  p.args = std::move(args);
  uint32_t writes = 0;
  for (const Step &s : steps)
    if (s.kind == Step::Kind::Gen || s.kind == Step::Kind::Select)
      ++writes;
  p.numSlots = numSlots.value_or(static_cast<uint32_t>(p.args.size()) + writes);
  p.steps = std::move(steps);
  p.captures = std::move(captures);
  Plan plan;
  plan.programs = {p};
  return plan;
}

TEST(PlanVerifier, ValidPlansPass) {
  EXPECT_EQ(check(fullPlan()), "<ok>");
  EXPECT_EQ(check(smallPlan()), "<ok>");
  EXPECT_EQ(check(Plan{}), "<ok>");
}

TEST(PlanVerifier, UnsupportedVersion) {
  Plan plan = smallPlan();
  plan.majorVersion = 2;
  EXPECT_EQ(check(plan), "plan format version 2.1 is not supported by this "
                         "runtime (supports 1.1)");
}

TEST(PlanVerifier, EmptyProgramName) {
  Plan plan = smallPlan();
  plan.programs.insert(plan.programs.begin(), Program{});
  EXPECT_EQ(check(plan), "program #0: program name is empty");
}

TEST(PlanVerifier, DuplicateProgramName) {
  Plan plan = fullPlan();
  plan.programs.push_back(plan.programs[1]);
  EXPECT_EQ(check(plan), "program 'tool' (#3): duplicate program name, first "
                         "defined as program #1");
}

TEST(PlanVerifier, EmptyArgumentName) {
  EXPECT_EQ(check(planOf({"a", ""}, {})),
            "program 'p': argument 1 has an empty name");
}

TEST(PlanVerifier, DuplicateArgumentName) {
  EXPECT_EQ(check(planOf({"a", "a"}, {})),
            "program 'p': duplicate argument name 'a'");
}

TEST(PlanVerifier, NumSlotsMismatch) {
  EXPECT_EQ(check(planOf({"a"}, {gen(1)}, {}, 3)),
            "program 'p': num_slots is 3 but the program has 1 arguments and "
            "1 gen/select steps (expected 2)");
}

TEST(PlanVerifier, AppendSlotOutOfRange) {
  EXPECT_EQ(check(planOf({"a"}, {append(1)})),
            "program 'p', step 0: append reads slot 1, which is out of range "
            "(num_slots is 1)");
}

TEST(PlanVerifier, AppendBeforeWrite) {
  EXPECT_EQ(check(planOf({"a"}, {text("x"), append(1), gen(1)})),
            "program 'p', step 1: append reads slot 1, which is not written "
            "before this step");
}

TEST(PlanVerifier, GenWritesArgumentSlot) {
  EXPECT_EQ(check(planOf({"a", "b"}, {gen(1), gen(3)})),
            "program 'p', step 0: gen writes slot 1, which is not in [2, 4) "
            "(slots below 2 hold arguments)");
}

TEST(PlanVerifier, SelectSlotOutOfRange) {
  EXPECT_EQ(check(planOf({}, {select(1, {"a"})})),
            "program 'p', step 0: select writes slot 1, which is not in [0, "
            "1) (slots below 0 hold arguments)");
}

TEST(PlanVerifier, SlotWrittenTwice) {
  EXPECT_EQ(check(planOf({}, {gen(0), select(0, {"a"})})),
            "program 'p', step 1: select writes slot 0, which is already "
            "written");
}

TEST(PlanVerifier, SelectWithoutChoices) {
  EXPECT_EQ(check(planOf({}, {select(0, {})})),
            "program 'p', step 0: select has no choices");
}

TEST(PlanVerifier, NestedRoles) {
  EXPECT_EQ(check(planOf({}, {roleBegin(Role::User), text("x"),
                              roleBegin(Role::Assistant),
                              roleEnd(Role::Assistant), roleEnd(Role::User)})),
            "program 'p', step 2: role_begin 'assistant' inside the 'user' "
            "message opened at step 0 (roles do not nest)");
}

TEST(PlanVerifier, RoleEndWithoutBegin) {
  EXPECT_EQ(check(planOf({}, {text("x"), roleEnd(Role::System)})),
            "program 'p', step 1: role_end 'system' without a matching "
            "role_begin");
}

TEST(PlanVerifier, RoleEndOfAnotherRole) {
  EXPECT_EQ(check(planOf({}, {roleBegin(Role::User), roleEnd(Role::System)})),
            "program 'p', step 1: role_end 'system' closes the 'user' message "
            "opened at step 0");
}

TEST(PlanVerifier, UnclosedRole) {
  EXPECT_EQ(check(planOf({}, {roleBegin(Role::User), roleEnd(Role::User),
                              roleBegin(Role::Assistant), gen(0)})),
            "program 'p', step 2: the 'assistant' message is never closed "
            "(missing role_end)");
}

TEST(PlanVerifier, UnknownRole) {
  EXPECT_EQ(check(planOf({}, {roleBegin(static_cast<Role>(7))})),
            "program 'p', step 0: unknown role 7");
}

TEST(PlanVerifier, UnknownStepKind) {
  Step odd = text("x");
  odd.kind = static_cast<Step::Kind>(6);
  EXPECT_EQ(check(planOf({}, {odd})),
            "program 'p', step 0: unknown step kind 6");
}

TEST(PlanVerifier, CaptureSlotOutOfRange) {
  EXPECT_EQ(check(planOf({"a"}, {gen(1)}, {{"x", 2}})),
            "program 'p', capture 0 'x': slot 2 is out of range (num_slots "
            "is 2)");
}

TEST(PlanVerifier, DuplicateCaptureName) {
  EXPECT_EQ(check(planOf({"a"}, {gen(1)}, {{"x", 1}, {"x", 0}})),
            "program 'p', capture 1: duplicate capture name 'x'");
}

TEST(PlanVerifier, EmptyCaptureName) {
  EXPECT_EQ(check(planOf({"a"}, {gen(1)}, {{"", 1}})),
            "program 'p', capture 0: capture name is empty");
}

TEST(PlanVerifier, CapturingAnArgumentIsAllowed) {
  EXPECT_EQ(check(planOf({"a"}, {}, {{"a", 0}})), "<ok>");
}

TEST(PlanVerifier, GenParamsInRange) {
  auto withParams = [](GenParams params) {
    return check(planOf({}, {gen(0, std::move(params))}));
  };
  GenParams p;
  p.maxTokens = 0;
  EXPECT_EQ(withParams(p),
            "program 'p', step 0: gen max_tokens must be at least 1");
  p = {};
  p.temperature = -0.5f;
  EXPECT_EQ(withParams(p), "program 'p', step 0: gen temperature must be a "
                           "finite number >= 0");
  p.temperature = std::nanf("");
  EXPECT_EQ(withParams(p), "program 'p', step 0: gen temperature must be a "
                           "finite number >= 0");
  p = {};
  p.topP = 0.0f;
  EXPECT_EQ(withParams(p), "program 'p', step 0: gen top_p must be in (0, 1]");
  p.topP = 1.5f;
  EXPECT_EQ(withParams(p), "program 'p', step 0: gen top_p must be in (0, 1]");
  p.topP = 1.0f;
  EXPECT_EQ(withParams(p), "<ok>");
  p = {};
  p.stop = {"\n", ""};
  EXPECT_EQ(withParams(p),
            "program 'p', step 0: gen stop strings must not be empty");
}

TEST(PlanVerifier, NamesInMessagesAreEscapedAndShortened) {
  Plan plan = planOf({"a\nb", "a\nb"}, {});
  EXPECT_EQ(check(plan), "program 'p': duplicate argument name 'a\\x0ab'");
  plan.programs[0].args = {};
  plan.programs[0].numSlots = 0;
  plan.programs[0].name = std::string(100, 'n');
  plan.programs.push_back(plan.programs[0]);
  EXPECT_EQ(check(plan), "program '" + std::string(64, 'n') +
                             "...' (#1): duplicate program name, first "
                             "defined as program #0");
}

TEST(PlanVerifier, MessageNamesSourceLocation) {
  EXPECT_EQ(check(planOf({}, {text("x"), at(append(3), "a.sgl", 4, 7)})),
            "program 'p', step 1 (a.sgl:4:7): append reads slot 3, which is "
            "out of range (num_slots is 0)");
}

} // namespace
