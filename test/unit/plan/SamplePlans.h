//===- SamplePlans.h - Plans shared by the plan unit tests ------*- C++ -*-===//
#ifndef SGL_TEST_UNIT_PLAN_SAMPLEPLANS_H
#define SGL_TEST_UNIT_PLAN_SAMPLEPLANS_H

#include "test/unit/support/PlanSteps.h"

namespace sgl::runtime::plan::test {

/// A valid program using every control-flow step kind, every expression
/// kind, every literal kind, typed arguments with and without defaults,
/// captures inside loops and a fork (its branches' captures inside a loop
/// of the branch and not, a select scored greedily).
inline Program controlProgram() {
  using K = Expr::Kind;
  std::vector<Arg> args = {
      arg("items", strListType(), listOf({str("a"), str("b")})),
      arg("n", intType(), integer(3)),
      arg("ratio", numberType(), number(0.5)),
      arg("flag", boolType(), boolean(true)),
      arg("name"),
  };
  // Slots: 0-4 the arguments; 5 the item, 6 a gen, 7 the index, 8 a
  // select, 9 the letter; 10 the fork's branches, 11 a branch's index, 12
  // its range index, 13 a gen, 14 a select.
  Expr everything = listOf({
      op(K::Neg, {slotRef(1)}),
      op(K::Sub, {slotRef(1), integer(1)}),
      op(K::Mul, {slotRef(1), integer(2)}),
      op(K::Div, {slotRef(1), integer(2)}),
      op(K::Mod, {slotRef(1), integer(2)}),
      op(K::Ne, {slotRef(1), integer(1)}),
      op(K::Le, {slotRef(1), integer(1)}),
      op(K::Gt, {slotRef(2), number(0.25)}),
      op(K::Ge, {slotRef(1), integer(0)}),
      op(K::In, {str("a"), slotRef(0)}),
      op(K::Or, {slotRef(3), boolean(false)}),
      op(K::Len, {slotRef(4)}),
      at(op(K::Index, {slotRef(0), integer(0)}), "control.sgl", 12, 8),
      output(0),
  });
  std::vector<Step> steps = {
      text("Items:"),
      at(forEach(5, slotRef(0),
                 {append(op(K::Add, {slotRef(5), str(" ")})),
                  ifStep(op(K::Eq, {slotRef(5), str("stop")}),
                         {at(breakStep(), "control.sgl", 4, 7)}, {gen(6)})}),
         "control.sgl", 2, 1),
      forRange(7, integer(0), op(K::Add, {slotRef(1), integer(1)}),
               {ifStep(op(K::And, {op(K::Lt, {slotRef(7), integer(2)}),
                                   op(K::Not, {slotRef(3)})}),
                       {select(8, {"x", "y"})}),
                forEach(9, listOf({str("p"), str("q")}), {append(9)})}),
      append(everything),
      at(forkStep(10, 11, slotRef(1),
                  {append(slotRef(11)),
                   forRange(12, integer(0), slotRef(11), {gen(13)}),
                   select(14, {"u", "v"})}),
         "control.sgl", 20, 3),
  };
  steps.back().blocks[0].steps.back().selectMethod = SelectMethod::Greedy;
  return programOf("control", std::move(args), std::move(steps),
                   {{"answers", 6},
                    {"picks", 8},
                    {"letters", 9},
                    {"name", 4},
                    {"notes", 13},
                    {"verdict", 14},
                    {"branches", 10}});
}

/// A valid plan using every step kind, every role and every optional field.
inline Plan fullPlan() {
  GenParams all;
  all.maxTokens = 64;
  all.stop = {"\n", "END"};
  all.temperature = 0.7f;
  all.topP = 0.9f;
  all.topK = 40;
  all.seed = 1234567890123ull;
  all.minP = 0.05f;
  all.repetitionPenalty = 1.3f;
  all.frequencyPenalty = -0.5f;
  all.presencePenalty = 2.0f;

  Program chat;
  chat.name = "chat";
  chat.args = strArgs({"question", "topic"});
  chat.body.steps = {
      at(roleBegin(Role::System), "chat.sgl", 2, 3),
      text("You are helpful. \xc3\xa9\xe2\x82\xac"),
      roleEnd(Role::System),
      roleBegin(Role::User),
      append(0),
      text(" about "),
      append(1),
      roleEnd(Role::User),
      roleBegin(Role::Assistant),
      at(gen(2, all), "chat.sgl", 7, 15),
      roleEnd(Role::Assistant),
      text("Pick: "),
      at(select(3, {"yes", "no", ""}), "", 9, 1),
      append(3),
      gen(4),
  };
  chat.captures = {{"answer", 2}, {"pick", 3}, {"question", 0}, {"tail", 4}};
  completeProgram(chat);

  GenParams some;
  some.maxTokens = 8;
  Program tool = programOf("tool", {}, {text("x"), gen(0, some)}, {{"out", 0}});

  Program empty;
  empty.name = "empty";

  Plan plan;
  plan.producer = "sglc test";
  plan.programs = {chat, tool, empty, controlProgram()};
  return plan;
}

/// A small valid plan with one program.
inline Plan smallPlan() {
  Program greet =
      programOf("greet", strArgs({"name"}),
                {text("Hello, "), append(0), gen(1)}, {{"reply", 1}});
  Plan plan;
  plan.producer = "test";
  plan.programs = {greet};
  return plan;
}

} // namespace sgl::runtime::plan::test

#endif // SGL_TEST_UNIT_PLAN_SAMPLEPLANS_H
