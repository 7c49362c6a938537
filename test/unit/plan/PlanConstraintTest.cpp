//===- PlanConstraintTest.cpp - Gen constraints in the plan format --------===//
//
// A plan carries a gen's regex or JSON Schema: written and read back
// unchanged, refused by the verifier where it cannot mean anything (an
// unknown kind, stop strings beside it, an empty schema), shown by the JSON
// rendering under its kind's name.
//
//===----------------------------------------------------------------------===//
#include "runtime/plan/PlanJson.h"
#include "runtime/plan/PlanReader.h"
#include "runtime/plan/PlanVerifier.h"
#include "runtime/plan/PlanWriter.h"

#include "SamplePlans.h"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

using namespace sgl::runtime::plan;
using namespace sgl::runtime::plan::test;

namespace {

/// smallPlan() with `constraint` on its gen.
Plan constrainedPlan(GenConstraint constraint) {
  Plan plan = smallPlan();
  plan.programs[0].body.steps[2].gen.constraint = std::move(constraint);
  completeProgram(plan.programs[0]); // a json_schema gen writes a json slot
  return plan;
}

std::string verifyError(const Plan &plan) {
  sgl::Status status = verifyPlan(plan);
  return status ? "<ok>" : status.error().message;
}

TEST(PlanConstraint, RegexAndSchemaSurviveWriteAndRead) {
  for (GenConstraint constraint :
       {GenConstraint{GenConstraint::Kind::Regex, "[0-9]{3}-\"x\"\\."},
        GenConstraint{GenConstraint::Kind::JsonSchema,
                      "{\"type\": \"object\", \"required\": [\"a\"]}"}}) {
    Plan plan = constrainedPlan(constraint);
    sgl::Expected<Plan> back = readPlan(serializePlan(plan));
    ASSERT_TRUE(back) << back.error().message;
    EXPECT_EQ(*back, plan);
    EXPECT_EQ(back->programs[0].body.steps[2].gen.constraint, constraint);
  }
}

TEST(PlanConstraint, EmptyRegexIsKept) {
  // The empty pattern matches only the empty output: a constraint still.
  Plan plan = constrainedPlan({GenConstraint::Kind::Regex, ""});
  sgl::Expected<Plan> back = readPlan(serializePlan(plan));
  ASSERT_TRUE(back) << back.error().message;
  EXPECT_EQ(back->programs[0].body.steps[2].gen.constraint.kind,
            GenConstraint::Kind::Regex);
}

TEST(PlanConstraint, UnconstrainedGensStayUnconstrained) {
  sgl::Expected<Plan> back = readPlan(serializePlan(fullPlan()));
  ASSERT_TRUE(back) << back.error().message;
  for (const Step &step : back->programs[0].body.steps)
    EXPECT_EQ(step.gen.constraint.kind, GenConstraint::Kind::None);
}

TEST(PlanConstraint, VerifierRefusesAnUnknownKind) {
  Plan plan = constrainedPlan({static_cast<GenConstraint::Kind>(7), "[a-z]+"});
  EXPECT_EQ(verifyError(plan),
            "program 'greet', step 2: unknown gen constraint kind 7");
  // The reader hands such a plan to the verifier, not to the runtime.
  EXPECT_EQ(readPlan(serializePlan(plan)).error().message,
            "program 'greet', step 2: unknown gen constraint kind 7");
}

TEST(PlanConstraint, VerifierRefusesStopStringsBesideAConstraint) {
  Plan plan = constrainedPlan({GenConstraint::Kind::Regex, "[a-z]+"});
  plan.programs[0].body.steps[2].gen.stop = {"\n"};
  EXPECT_EQ(verifyError(plan),
            "program 'greet', step 2: a gen with a regex constraint cannot "
            "have stop strings");
}

TEST(PlanConstraint, VerifierRefusesAnEmptySchema) {
  Plan plan = constrainedPlan({GenConstraint::Kind::JsonSchema, ""});
  EXPECT_EQ(verifyError(plan), "program 'greet', step 2: gen json_schema is "
                               "empty");
}

TEST(PlanConstraint, OnlyAJsonSchemaGenWritesOtherThanStr) {
  Plan plan = constrainedPlan({GenConstraint::Kind::JsonSchema, "{}"});
  ASSERT_EQ(plan.programs[0].slotTypes[1], jsonType());
  EXPECT_EQ(verifyError(plan), "<ok>");
  // A typed gen (`gen x: str`) writes the value type of its schema.
  plan.programs[0].slotTypes[1] = strType();
  EXPECT_EQ(verifyError(plan), "<ok>");
  plan = smallPlan();
  plan.programs[0].slotTypes[1] = jsonType();
  EXPECT_EQ(verifyError(plan), "program 'greet', step 2: gen writes slot 1 of "
                               "type json (expected str)");
}

TEST(PlanConstraint, JsonRenderingNamesTheKind) {
  Plan plan = constrainedPlan({GenConstraint::Kind::Regex, "[0-9]+"});
  nlohmann::json json = nlohmann::json::parse(planToJson(plan));
  EXPECT_EQ(json["version"], "2.2");
  EXPECT_EQ(json["programs"][0]["steps"][2]["regex"], "[0-9]+");
  plan = constrainedPlan({GenConstraint::Kind::JsonSchema, "{}"});
  json = nlohmann::json::parse(planToJson(plan));
  EXPECT_EQ(json["programs"][0]["steps"][2]["json_schema"], "{}");
  EXPECT_FALSE(json["programs"][0]["steps"][2].contains("regex"));
}

} // namespace
