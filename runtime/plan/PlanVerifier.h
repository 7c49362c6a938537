//===- PlanVerifier.h - Semantic checks of an in-memory plan ----*- C++ -*-===//
//
// The rules a plan must satisfy beyond being a well-formed buffer, so the
// interpreter can index slots and pair roles without checking again:
//  - program names are non-empty and unique; argument and capture names too;
//  - numSlots == args.size() + the number of gen/select steps;
//  - append reads a slot that is an argument or was written by an earlier
//    step; gen/select write a slot in [args.size(), numSlots), each once;
//  - role_begin/role_end pair up with the same role, without nesting, and no
//    message is left open at the end of the program;
//  - select has at least one choice; gen parameters are in range;
//  - captures name slots that are written.
// Messages are one line and name the program and the step index, e.g.
//   program 'chat', step 3 (chat.sgl:4:7): append reads slot 5, which is
//   not written before this step
//
//===----------------------------------------------------------------------===//
#ifndef SGL_RUNTIME_PLAN_PLANVERIFIER_H
#define SGL_RUNTIME_PLAN_PLANVERIFIER_H

#include "runtime/plan/Plan.h"
#include "runtime/support/Expected.h"

namespace sgl::runtime::plan {

/// Checks the format version of `plan` against this runtime's.
sgl::Status verifyPlanVersion(uint16_t major, uint16_t minor);

/// Checks every rule above; returns the first violation.
sgl::Status verifyPlan(const Plan &plan);

} // namespace sgl::runtime::plan

#endif // SGL_RUNTIME_PLAN_PLANVERIFIER_H
