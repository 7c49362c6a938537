//===- SamplePlans.h - Plans shared by the plan unit tests ------*- C++ -*-===//
#ifndef SGL_TEST_UNIT_PLAN_SAMPLEPLANS_H
#define SGL_TEST_UNIT_PLAN_SAMPLEPLANS_H

#include "test/unit/support/PlanSteps.h"

namespace sgl::runtime::plan::test {

/// A valid plan using every step kind, every role and every optional field.
inline Plan fullPlan() {
  GenParams all;
  all.maxTokens = 64;
  all.stop = {"\n", "END"};
  all.temperature = 0.7f;
  all.topP = 0.9f;
  all.topK = 40;
  all.seed = 1234567890123ull;

  Program chat;
  chat.name = "chat";
  chat.args = {"question", "topic"};
  chat.numSlots = 5;
  chat.steps = {
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

  GenParams some;
  some.maxTokens = 8;
  Program tool;
  tool.name = "tool";
  tool.numSlots = 1;
  tool.steps = {text("x"), gen(0, some)};
  tool.captures = {{"out", 0}};

  Program empty;
  empty.name = "empty";

  Plan plan;
  plan.producer = "sglc test";
  plan.programs = {chat, tool, empty};
  return plan;
}

/// A small valid plan with one program.
inline Plan smallPlan() {
  Program greet;
  greet.name = "greet";
  greet.args = {"name"};
  greet.numSlots = 2;
  greet.steps = {text("Hello, "), append(0), gen(1)};
  greet.captures = {{"reply", 1}};
  Plan plan;
  plan.producer = "test";
  plan.programs = {greet};
  return plan;
}

} // namespace sgl::runtime::plan::test

#endif // SGL_TEST_UNIT_PLAN_SAMPLEPLANS_H
