//===- PlanReader.h - Read and verify a plan --------------------*- C++ -*-===//
//
// Turns bytes from disk into an in-memory Plan, or a one-line error a user
// can act on. Checks in this order, so each failure is reported as what it
// is: size and magic ("SGLP"), format version, the recorded byte size
// (truncation), buffer structure (FlatBuffers verifier), then the semantic
// rules of PlanVerifier. Never crashes or allocates without bound on hostile
// input.
//
//===----------------------------------------------------------------------===//
#ifndef SGL_RUNTIME_PLAN_PLANREADER_H
#define SGL_RUNTIME_PLAN_PLANREADER_H

#include "runtime/plan/Plan.h"
#include "runtime/support/Expected.h"

#include <string>
#include <string_view>

namespace sgl::runtime::plan {

/// Decodes and verifies a serialized plan.
sgl::Expected<Plan> readPlan(std::string_view bytes);

/// Reads the file at `path` ("-": standard input), at most
/// kPlanFileLimit bytes, and decodes it with readPlan. Every error message
/// starts with the path: "a.sglp: not an sgl plan ...".
sgl::Expected<Plan> readPlanFile(const std::string &path);

} // namespace sgl::runtime::plan

#endif // SGL_RUNTIME_PLAN_PLANREADER_H
