//===- PlanVerifierTest.cpp - One test per semantic rule ------------------===//
#include "runtime/plan/PlanVerifier.h"

#include "SamplePlans.h"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>

using namespace sgl::runtime::plan;
using namespace sgl::runtime::plan::test;

namespace {

/// The verifier's message for `plan`, or "<ok>".
std::string check(const Plan &plan) {
  sgl::Status status = verifyPlan(plan);
  return status ? "<ok>" : status.error().message;
}

/// A plan holding one program "p" with str arguments `args` and `steps`,
/// completed as sglc would (PlanSteps.h); num_slots is overridden (with
/// slot_types to match) when given.
Plan planOf(std::vector<std::string> args, std::vector<Step> steps,
            std::vector<Capture> captures = {},
            std::optional<uint32_t> numSlots = std::nullopt) {
  Program p =
      programOf("p", strArgs(args), std::move(steps), std::move(captures));
  if (numSlots) {
    p.numSlots = *numSlots;
    p.slotTypes.resize(*numSlots);
  }
  Plan plan;
  plan.programs = {p};
  return plan;
}

/// A plan holding `program` (already completed).
Plan planWith(Program program) {
  Plan plan;
  plan.programs = {std::move(program)};
  return plan;
}

using K = Expr::Kind;

TEST(PlanVerifier, ValidPlansPass) {
  EXPECT_EQ(check(fullPlan()), "<ok>");
  EXPECT_EQ(check(smallPlan()), "<ok>");
  EXPECT_EQ(check(Plan{}), "<ok>");
}

TEST(PlanVerifier, UnsupportedVersion) {
  Plan plan = smallPlan();
  plan.majorVersion = 1;
  plan.minorVersion = 1;
  EXPECT_EQ(check(plan), "plan format version 1.1 is not supported: the plan "
                         "was written in format 1.x by an older sglc; "
                         "recompile it with this sglc (this runtime reads "
                         "format 2.0 to 2.2)");
}

TEST(PlanVerifier, EmptyProgramName) {
  Plan plan = smallPlan();
  plan.programs.insert(plan.programs.begin(), Program{});
  EXPECT_EQ(check(plan), "program #0: program name is empty");
}

TEST(PlanVerifier, DuplicateProgramName) {
  Plan plan = fullPlan();
  plan.programs.push_back(plan.programs[1]);
  EXPECT_EQ(check(plan), "program 'tool' (#4): duplicate program name, first "
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
            "1 slot its steps write (expected 2)");
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
  odd.kind = static_cast<Step::Kind>(12);
  EXPECT_EQ(check(planOf({}, {odd})),
            "program 'p', step 0: unknown step kind 12");
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
  for (float minP : {-0.01f, 1.01f, std::nanf("")}) {
    p.minP = minP;
    EXPECT_EQ(withParams(p),
              "program 'p', step 0: gen min_p must be in [0, 1]");
  }
  for (float minP : {0.0f, 1.0f}) {
    p.minP = minP;
    EXPECT_EQ(withParams(p), "<ok>");
  }
  p = {};
  for (float r :
       {0.0f, -1.0f, std::nanf(""), std::numeric_limits<float>::infinity()}) {
    p.repetitionPenalty = r;
    EXPECT_EQ(withParams(p), "program 'p', step 0: gen repetition_penalty "
                             "must be a finite number > 0");
  }
  p.repetitionPenalty = 1e-30f;
  EXPECT_EQ(withParams(p), "<ok>");
  p = {};
  for (float f : {-2.01f, 2.01f, std::nanf("")}) {
    p.frequencyPenalty = f;
    EXPECT_EQ(withParams(p),
              "program 'p', step 0: gen frequency_penalty must be in [-2, 2]");
    p.frequencyPenalty.reset();
    p.presencePenalty = f;
    EXPECT_EQ(withParams(p),
              "program 'p', step 0: gen presence_penalty must be in [-2, 2]");
    p.presencePenalty.reset();
  }
  p.frequencyPenalty = -2.0f;
  p.presencePenalty = 2.0f;
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
  plan.programs[0].slotTypes = {};
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

// --- Types and arguments ---

TEST(PlanVerifier, SlotTypesMatchNumSlots) {
  Plan plan = planOf({"a"}, {gen(1)});
  plan.programs[0].slotTypes.pop_back();
  EXPECT_EQ(check(plan), "program 'p': slot_types has 1 entry but num_slots "
                         "is 2");
  plan = planOf({"a", "b"}, {}, {}, 1);
  EXPECT_EQ(check(plan), "program 'p': num_slots is 1 but the program has 2 "
                         "arguments");
}

TEST(PlanVerifier, TypesAreWellFormed) {
  Plan plan = planOf({}, {gen(0)});
  ValueType &type = plan.programs[0].slotTypes[0];
  type = ValueType{ValueType::Kind::List, {}};
  EXPECT_EQ(check(plan), "program 'p': the type of slot 0 is a list with 0 "
                         "element types (expected 1)");
  type = ValueType{ValueType::Kind::Int, {strType()}};
  EXPECT_EQ(check(plan), "program 'p': the type of slot 0 is int with an "
                         "element type (only a list has one)");
  type = typeOf(static_cast<ValueType::Kind>(9));
  EXPECT_EQ(check(plan), "program 'p': the type of slot 0 has an unknown "
                         "kind 9");
  type = strType();
  for (uint32_t i = 1; i < kMaxTypeDepth; ++i)
    type = ValueType::list(type);
  EXPECT_EQ(typeName(type).size(), 3 + 2 * (kMaxTypeDepth - 1));
  EXPECT_EQ(check(plan), "program 'p', step 0: gen writes slot 0 of type " +
                             typeName(type) + " (expected str)");
  type = ValueType::list(type);
  EXPECT_EQ(check(plan), "program 'p': the type of slot 0 nests lists deeper "
                         "than 256 levels");
}

TEST(PlanVerifier, ArgumentTypesAndDefaults) {
  auto withArg = [](Arg a) {
    return check(planWith(programOf("p", {std::move(a)}, {})));
  };
  EXPECT_EQ(withArg(arg("n", intType(), integer(3))), "<ok>");
  EXPECT_EQ(withArg(arg("x", numberType(), integer(3))), "<ok>");
  EXPECT_EQ(withArg(arg("x", numberType(), number(0.5))), "<ok>");
  EXPECT_EQ(withArg(arg("b", boolType(), boolean(false))), "<ok>");
  EXPECT_EQ(withArg(arg("l", strListType(), listOf({}))), "<ok>");
  EXPECT_EQ(withArg(arg("l", ValueType::list(strListType()),
                        listOf({listOf({str("a")})}))),
            "<ok>");
  EXPECT_EQ(withArg(arg("j", jsonType())),
            "program 'p', argument 'j': an argument cannot be of type json "
            "(only str, int, number, bool and lists of them)");
  EXPECT_EQ(withArg(arg("n", intType(), number(1.5))),
            "program 'p', argument 'n': the default is not a constant int (a "
            "literal, or a list of them)");
  EXPECT_EQ(withArg(arg("l", strListType(), listOf({integer(1)}))),
            "program 'p', argument 'l': the default is not a constant str (a "
            "literal, or a list of them)");
  EXPECT_EQ(withArg(arg("s", strType(), slotRef(0))),
            "program 'p', argument 's': the default is not a constant str (a "
            "literal, or a list of them)");
  EXPECT_EQ(withArg(arg("x", numberType(), number(INFINITY))),
            "program 'p', argument 'x': the default is a number that is not "
            "finite");
  Program p = programOf("p", {arg("n", intType())}, {});
  p.slotTypes[0] = strType();
  EXPECT_EQ(check(planWith(p)), "program 'p', argument 'n': its type is int "
                                "but its slot 0 is a str");
}

// --- Blocks, sites and loops ---

TEST(PlanVerifier, ControlFlowPlansPass) {
  EXPECT_EQ(check(planWith(controlProgram())), "<ok>");
}

TEST(PlanVerifier, EachKindHoldsItsBlocks) {
  Plan plan = planOf({}, {ifStep(boolean(true), {text("a")})});
  plan.programs[0].body.steps[0].blocks.pop_back();
  EXPECT_EQ(check(plan), "program 'p', step 0: if holds 1 block (expected 2)");
  plan = planOf({}, {forRange(0, integer(0), integer(2), {})});
  plan.programs[0].body.steps[0].blocks.push_back(Block{});
  EXPECT_EQ(check(plan),
            "program 'p', step 0: for_range holds 2 blocks (expected 1)");
  plan = planOf({}, {text("x")});
  plan.programs[0].body.steps[0].blocks.push_back(Block{});
  EXPECT_EQ(check(plan), "program 'p', step 0: text holds 1 block (expected "
                         "0)");
}

TEST(PlanVerifier, SitesNumberTheStepsInPreOrder) {
  Plan plan =
      planOf({}, {ifStep(boolean(true), {text("a")}, {text("b")}), text("c")});
  const Program &p = plan.programs[0];
  EXPECT_EQ(p.body.steps[0].blocks[1].steps[0].site, 2u);
  EXPECT_EQ(p.body.steps[1].site, 3u);
  EXPECT_EQ(p.numSites, 4u);
  plan.programs[0].body.steps[0].blocks[1].steps[0].site = 3;
  EXPECT_EQ(check(plan), "program 'p', step 0/else/0: text has site 3, "
                         "expected 2 (sites number the steps in pre-order)");
  plan = planOf({}, {text("a")});
  plan.programs[0].numSites = 2;
  EXPECT_EQ(check(plan), "program 'p': num_sites is 2 but the program has 1 "
                         "step");
}

TEST(PlanVerifier, BreakOnlyInsideALoop) {
  EXPECT_EQ(check(planOf({}, {ifStep(boolean(true), {breakStep()})})),
            "program 'p', step 0/then/0: break outside a loop");
  EXPECT_EQ(
      check(planOf({}, {forRange(0, integer(0), integer(3),
                                 {ifStep(boolean(true), {breakStep()})})})),
      "<ok>");
}

TEST(PlanVerifier, BlocksNestAtMost256Deep) {
  auto nested = [](uint32_t levels) {
    std::vector<Step> steps = {text("x")};
    for (uint32_t i = 0; i < levels; ++i)
      steps = {ifStep(boolean(true), std::move(steps))};
    return planOf({}, std::move(steps));
  };
  EXPECT_EQ(check(nested(kMaxBlockDepth)), "<ok>");
  std::string message = check(nested(kMaxBlockDepth + 1));
  EXPECT_NE(message.find("blocks nest deeper than 256 levels"),
            std::string::npos)
      << message;
}

TEST(PlanVerifier, LoopVariables) {
  // A for_range binds an int; its bounds cannot read its own variable, its
  // body can.
  Plan plan = planOf({}, {forRange(0, integer(0), integer(3), {append(0)})});
  EXPECT_EQ(check(plan), "<ok>");
  plan.programs[0].slotTypes[0] = strType();
  EXPECT_EQ(check(plan), "program 'p', step 0: for_range writes slot 0 of "
                         "type str (expected int)");
  EXPECT_EQ(check(planOf({}, {forRange(0, integer(0), slotRef(0), {})})),
            "program 'p', step 0: for_range reads slot 0, which is not "
            "written before this step");
  EXPECT_EQ(check(planOf({"a"}, {forEach(1, slotRef(1), {})})),
            "program 'p', step 0: for_each reads slot 1, which is not "
            "written before this step");
  EXPECT_EQ(check(planOf({"a"}, {gen(1), forEach(1, listOf({}), {})})),
            "program 'p', step 1: for_each writes slot 1, which is already "
            "written");
}

TEST(PlanVerifier, SelectWritesAStr) {
  Plan plan = planOf({}, {select(0, {"a"})});
  plan.programs[0].slotTypes[0] = intType();
  EXPECT_EQ(check(plan), "program 'p', step 0: select writes slot 0 of type "
                         "int (expected str)");
}

// --- Expressions ---

TEST(PlanVerifier, ExpressionArity) {
  EXPECT_EQ(check(planOf({}, {append(op(K::Add, {integer(1)}))})),
            "program 'p', step 0: add has 1 operand (expected 2)");
  EXPECT_EQ(check(planOf({}, {append(op(K::Len, {str("a"), str("b")}))})),
            "program 'p', step 0: len has 2 operands (expected 1)");
  EXPECT_EQ(check(planOf({}, {append(op(K::Not, {}))})),
            "program 'p', step 0: not has 0 operands (expected 1)");
  Expr lit = str("a");
  lit.operands = {str("b")};
  EXPECT_EQ(check(planOf({}, {append(lit)})),
            "program 'p', step 0: literal has 1 operand (expected 0)");
  EXPECT_EQ(check(planOf({}, {append(listOf({}))})), "<ok>");
  // Operands are checked too, at any depth.
  EXPECT_EQ(
      check(planOf({}, {ifStep(op(K::Not, {op(K::Eq, {integer(1)})}), {})})),
      "program 'p', step 0: eq has 1 operand (expected 2)");
}

TEST(PlanVerifier, ExpressionKindsAndLiterals) {
  Expr odd = integer(1);
  odd.kind = static_cast<Expr::Kind>(40);
  EXPECT_EQ(check(planOf({}, {append(odd)})),
            "program 'p', step 0: unknown expression kind 40");
  Expr list = integer(1);
  list.literal.kind = ValueType::Kind::List;
  EXPECT_EQ(check(planOf({}, {append(list)})),
            "program 'p', step 0: a literal of kind 4 (only str, int, number "
            "and bool)");
  EXPECT_EQ(check(planOf({}, {append(number(NAN))})),
            "program 'p', step 0: a number literal that is not finite");
}

TEST(PlanVerifier, ExpressionReads) {
  EXPECT_EQ(check(planOf({}, {append(op(K::Add, {str("a"), slotRef(4)}))})),
            "program 'p', step 0: append reads slot 4, which is out of range "
            "(num_slots is 0)");
  EXPECT_EQ(check(planOf({}, {append(output(0))})),
            "program 'p', step 0: append reads the output of capture 0, but "
            "the program has 0 captures");
  // A slot written in one branch may be read later (the runtime reports a
  // read of a slot that was not set).
  EXPECT_EQ(check(planOf({}, {ifStep(boolean(true), {gen(0)}), append(0)})),
            "<ok>");
}

TEST(PlanVerifier, ExpressionsNestAtMost256Deep) {
  auto nested = [](uint32_t depth) {
    Expr e = integer(1);
    for (uint32_t i = 1; i < depth; ++i)
      e = op(K::Neg, {std::move(e)});
    return planOf({}, {append(std::move(e))});
  };
  EXPECT_EQ(check(nested(kMaxExprDepth)), "<ok>");
  EXPECT_EQ(check(nested(kMaxExprDepth + 1)),
            "program 'p', step 0: expressions nest deeper than 256 levels");
}

// --- Captures in loops ---

TEST(PlanVerifier, CaptureDepthCountsTheLoopsAroundItsWriter) {
  Plan plan =
      planOf({},
             {forRange(0, integer(0), integer(2),
                       {forRange(1, integer(0), integer(2), {gen(2)})})},
             {{"g", 2}, {"i", 0}});
  EXPECT_EQ(plan.programs[0].captures[0].depth, 2u);
  EXPECT_EQ(plan.programs[0].captures[1].depth, 1u);
  EXPECT_EQ(check(plan), "<ok>");
  plan.programs[0].captures[0].depth = 1;
  EXPECT_EQ(check(plan), "program 'p', capture 0 'g': depth is 1 but slot 2 "
                         "is written inside 2 loops (expected 2)");
}

TEST(PlanVerifier, BodyCapturesListExactlyTheCapturesOfTheBody) {
  Plan plan =
      planOf({"a"}, {forRange(1, integer(0), integer(2), {gen(2)}), gen(3)},
             {{"g", 2}, {"a", 0}, {"h", 3}});
  Step &loop = plan.programs[0].body.steps[0];
  EXPECT_EQ(loop.bodyCaptures, (std::vector<uint32_t>{0}));
  EXPECT_EQ(check(plan), "<ok>");
  loop.bodyCaptures = {};
  EXPECT_EQ(check(plan), "program 'p', step 0: for_range body_captures does "
                         "not list capture 0 'g', which is made in its body");
  loop.bodyCaptures = {0, 2};
  EXPECT_EQ(check(plan),
            "program 'p', step 0: for_range body_captures lists "
            "capture 2 'h', which is not made in its body outside a fork or "
            "call");
  loop.bodyCaptures = {0, 0};
  EXPECT_EQ(check(plan), "program 'p', step 0: for_range body_captures lists "
                         "capture 0 'g' twice");
  Plan two = planOf({}, {forRange(0, integer(0), integer(2), {gen(1)})},
                    {{"g", 1}, {"i", 0}});
  two.programs[0].body.steps[0].bodyCaptures = {1, 0};
  EXPECT_EQ(check(two), "program 'p', step 0: for_range body_captures lists "
                        "capture 0 after capture 1 (it lists them in "
                        "increasing order)");
  loop.bodyCaptures = {7};
  EXPECT_EQ(check(plan), "program 'p', step 0: for_range body_captures lists "
                         "capture 7, but the program has 3 captures");
}

// --- Roles in blocks ---

TEST(PlanVerifier, AMessageClosesInTheBlockThatOpensIt) {
  EXPECT_EQ(check(planOf({}, {ifStep(boolean(true),
                                     {roleBegin(Role::User), text("x")})})),
            "program 'p', step 0/then/0: the 'user' message is not closed "
            "before the end of its block (missing role_end)");
  EXPECT_EQ(check(planOf({}, {roleBegin(Role::User),
                              ifStep(boolean(true), {roleEnd(Role::User)}),
                              roleEnd(Role::User)})),
            "program 'p', step 1/then/0: role_end 'user' closes the message "
            "opened at step 0, outside this block (a message closes in the "
            "block that opens it)");
  // Messages around and inside loops are fine.
  EXPECT_EQ(
      check(planOf(
          {},
          {roleBegin(Role::User),
           forRange(0, integer(0), integer(2), {text("x"), breakStep()}),
           roleEnd(Role::User),
           forRange(1, integer(0), integer(2),
                    {roleBegin(Role::User), text("q"), roleEnd(Role::User)})})),
      "<ok>");
}

TEST(PlanVerifier, BreakCannotLeaveAMessageOpen) {
  EXPECT_EQ(check(planOf({}, {forRange(0, integer(0), integer(2),
                                       {roleBegin(Role::User),
                                        ifStep(boolean(true), {breakStep()}),
                                        roleEnd(Role::User)})})),
            "program 'p', step 0/body/1/then/0: break leaves the 'user' "
            "message opened at step 0/body/0 open (close it before the "
            "break)");
}

} // namespace

// --- Forks ---

/// fork f[2] as slot 1 { for r in 0..2 { gen n }; gen g; `inside` } then
/// `after`, behind argument a.
Plan forkPlan(Expr inside = slotRef(1), Expr after = slotRef(5)) {
  return planOf({"a"},
                {forkStep(5, 1, integer(2),
                          {forRange(2, integer(0), integer(2), {gen(3)}),
                           gen(4), append(std::move(inside))}),
                 append(std::move(after))},
                {{"n", 3}, {"g", 4}, {"f", 5}});
}

TEST(PlanVerifier, ForkPlansPass) {
  Plan plan = forkPlan();
  const Program &p = plan.programs[0];
  // A branch's capture counts the loops inside the fork only.
  EXPECT_EQ(p.captures[0].depth, 1u);
  EXPECT_EQ(p.captures[1].depth, 0u);
  EXPECT_EQ(p.body.steps[0].bodyCaptures, (std::vector<uint32_t>{0, 1}));
  EXPECT_EQ(check(plan), "<ok>");
  // Nested in a loop and in another fork.
  EXPECT_EQ(
      check(planOf({},
                   {forRange(0, integer(0), integer(2),
                             {forkStep(4, 1, slotRef(0),
                                       {forkStep(3, 2, integer(1),
                                                 {append(slotRef(2))})})})},
                   {{"inner", 3}, {"outer", 4}})),
      "<ok>");
}

TEST(PlanVerifier, ForkSlotsAndCount) {
  Plan plan = forkPlan();
  plan.programs[0].slotTypes[1] = strType();
  EXPECT_EQ(check(plan), "program 'p', step 0: fork writes slot 1 of type "
                         "str (expected int)");
  plan = forkPlan();
  plan.programs[0].slotTypes[5] = ValueType::list(strType());
  EXPECT_EQ(check(plan), "program 'p', step 0: fork writes slot 5 of type "
                         "[str] (expected [json])");
  // The list of branches is the parent's: not readable inside.
  plan = forkPlan(slotRef(5));
  EXPECT_EQ(check(plan), "program 'p', step 0/body/2: append reads slot 5, "
                         "which is not written before this step");
  plan = forkPlan();
  plan.programs[0].body.steps[0].branchSlot = 5;
  EXPECT_EQ(check(plan), "program 'p', step 0: fork writes slot 5 of type "
                         "[json] (expected int)");
}

TEST(PlanVerifier, ForkBodyCapturesListTheBranchCaptures) {
  Plan plan = forkPlan();
  Step &fork = plan.programs[0].body.steps[0];
  fork.bodyCaptures = {1};
  EXPECT_EQ(check(plan), "program 'p', step 0: fork body_captures does not "
                         "list capture 0 'n', which is made in its body");
  fork.bodyCaptures = {0, 1, 2};
  EXPECT_EQ(check(plan),
            "program 'p', step 0: fork body_captures lists "
            "capture 2 'f', which is not made in its body outside a "
            "nested fork or call");
  plan = forkPlan();
  plan.programs[0].captures[0].depth = 2;
  EXPECT_EQ(check(plan), "program 'p', capture 0 'n': depth is 2 but slot 3 "
                         "is written inside 1 loop (expected 1)");
}

TEST(PlanVerifier, BreakCannotLeaveABranch) {
  EXPECT_EQ(
      check(planOf({},
                   {forRange(0, integer(0), integer(2),
                             {forkStep(2, 1, integer(2), {breakStep()})})},
                   {{"f", 2}})),
      "program 'p', step 0/body/0/body/0: break outside a loop of the fork's "
      "body (a branch ends only at the end of its body)");
  EXPECT_EQ(check(planOf({},
                         {forkStep(2, 0, integer(2),
                                   {forRange(1, integer(0), integer(2),
                                             {breakStep()})})},
                         {{"f", 2}})),
            "<ok>");
}

TEST(PlanVerifier, SelectMethodIsKnown) {
  Plan plan = planOf({}, {select(0, {"a", "b"})});
  plan.programs[0].body.steps[0].selectMethod = SelectMethod::Unconditional;
  EXPECT_EQ(check(plan), "<ok>");
  plan.programs[0].body.steps[0].selectMethod = static_cast<SelectMethod>(9);
  EXPECT_EQ(check(plan), "program 'p', step 0: unknown select method 9");
}

// --- Calls ---

/// call c = callee(a, "x") { append its first argument; for r in 0..2 {
/// gen n }; gen a } behind argument a: the callee's capture `a` is its own.
Plan callPlan() {
  return planOf(
      {"a"},
      {callStep(7, 1, {slotRef(0), str("x")},
                {append(slotRef(1)),
                 forRange(3, integer(0), integer(2), {gen(4)}), gen(5)}),
       gen(6), append(slotRef(7))},
      {{"n", 4}, {"a", 5}, {"after", 6}, {"c", 7}});
}

TEST(PlanVerifier, CallPlansPass) {
  Plan plan = callPlan();
  const Program &p = plan.programs[0];
  EXPECT_EQ(p.body.steps[0].bodyCaptures, (std::vector<uint32_t>{0, 1}));
  EXPECT_EQ(p.captures[0].depth, 1u);
  EXPECT_EQ(p.slotTypes[7], jsonType());
  // The callee's "a" and the program's argument "a" do not clash, nor
  // would a program capture of the same name as a callee's.
  EXPECT_EQ(check(plan), "<ok>");
  plan.programs[0].captures[2].name = "a";
  EXPECT_EQ(check(plan), "<ok>");
  plan.programs[0].captures[0].name = "a";
  EXPECT_EQ(check(plan), "program 'p', capture 1: duplicate capture name 'a'");
}

TEST(PlanVerifier, CallArgumentsAndResult) {
  Plan plan = callPlan();
  plan.programs[0].body.steps[0].expr = slotRef(0);
  EXPECT_EQ(check(plan), "program 'p', step 0: call arguments are a list "
                         "expression, not slot");
  plan = callPlan();
  plan.programs[0].body.steps[0].branchSlot = 7;
  EXPECT_EQ(check(plan), "program 'p', step 0: call writes 2 argument slots "
                         "from slot 7, past num_slots (8)");
  plan = callPlan();
  plan.programs[0].slotTypes[7] = strType();
  EXPECT_EQ(check(plan), "program 'p', step 0: call writes slot 7 of type "
                         "str (expected json)");
  // A break cannot leave the callee's body.
  plan = callPlan();
  plan.programs[0].body.steps[0].blocks[0].steps.push_back(breakStep());
  completeProgram(plan.programs[0]);
  EXPECT_EQ(check(plan), "program 'p', step 0/body/3: break outside a loop "
                         "of the call's body (a call ends only at the end of "
                         "its body)");
}
