//===- PlanSteps.h - Plan steps built in one line, for tests ----*- C++ -*-===//
//
// Shared by the plan tests (which serialize and verify hand-built plans) and
// the engine tests (which run them).
//
//===----------------------------------------------------------------------===//
#ifndef SGL_TEST_UNIT_SUPPORT_PLANSTEPS_H
#define SGL_TEST_UNIT_SUPPORT_PLANSTEPS_H

#include "runtime/plan/Plan.h"

namespace sgl::runtime::plan::test {

inline Step text(std::string s) {
  Step step;
  step.kind = Step::Kind::Text;
  step.text = std::move(s);
  return step;
}
inline Step append(uint32_t slot) {
  Step step;
  step.kind = Step::Kind::Append;
  step.slot = slot;
  return step;
}
inline Step roleBegin(Role role) {
  Step step;
  step.kind = Step::Kind::RoleBegin;
  step.role = role;
  return step;
}
inline Step roleEnd(Role role) {
  Step step;
  step.kind = Step::Kind::RoleEnd;
  step.role = role;
  return step;
}
inline Step gen(uint32_t slot, GenParams params = {}) {
  Step step;
  step.kind = Step::Kind::Gen;
  step.slot = slot;
  step.gen = std::move(params);
  return step;
}
inline Step select(uint32_t slot, std::vector<std::string> choices) {
  Step step;
  step.kind = Step::Kind::Select;
  step.slot = slot;
  step.choices = std::move(choices);
  return step;
}
inline Step at(Step step, std::string file, uint32_t line, uint32_t col) {
  step.loc = SourceLocation{std::move(file), line, col};
  return step;
}

} // namespace sgl::runtime::plan::test

#endif // SGL_TEST_UNIT_SUPPORT_PLANSTEPS_H
