//===- PlanJson.h - Readable JSON rendering of a plan -----------*- C++ -*-===//
//
// What `sglc --emit=plan-json` and `sgl-plan dump` print, and what lit tests
// FileCheck: pretty-printed (2 spaces), keys in a fixed order, only present
// optional fields, deterministic for a given plan. Example step shapes:
//   {"op": "text", "text": "Hi "}
//   {"op": "append", "slot": 0}
//   {"op": "role_begin", "role": "user"}
//   {"op": "gen", "slot": 1, "max_tokens": 16, "stop": ["\n"]}
//   {"op": "select", "slot": 2, "choices": ["a", "b"]}
// each followed by "loc": "file:line:col" when the line is known.
//
//===----------------------------------------------------------------------===//
#ifndef SGL_RUNTIME_PLAN_PLANJSON_H
#define SGL_RUNTIME_PLAN_PLANJSON_H

#include "runtime/plan/Plan.h"

#include <string>

namespace sgl::runtime::plan {

/// Renders `plan` as JSON text ending in a newline.
std::string planToJson(const Plan &plan);

} // namespace sgl::runtime::plan

#endif // SGL_RUNTIME_PLAN_PLANJSON_H
