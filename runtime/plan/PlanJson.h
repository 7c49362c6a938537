//===- PlanJson.h - Readable JSON rendering of a plan -----------*- C++ -*-===//
//
// What `sglc --emit=plan-json` and `sgl-plan dump` print, and what lit tests
// FileCheck: pretty-printed (2 spaces), keys in a fixed order, only present
// optional fields, deterministic for a given plan. A program shows its args
// ({"name", "type", "default"}), num_slots, slot_types, steps (its body) and
// captures ({"name", "slot", "depth" when inside loops}). Step shapes:
//   {"op": "text", "text": "Hi "}
//   {"op": "append", "value": EXPR}
//   {"op": "role_begin", "role": "user"}
//   {"op": "gen", "slot": 1, "max_tokens": 16, "stop": ["\n"]}
//   {"op": "select", "slot": 2, "choices": ["a", "b"]}
//   {"op": "if", "cond": EXPR, "then": [STEPS], "else": [STEPS]}
//   {"op": "for_each", "slot": 3, "list": EXPR, "captures": [0],
//    "body": [STEPS]}
//   {"op": "for_range", "slot": 3, "from": EXPR, "to": EXPR, "body": [...]}
//   {"op": "break"}
// each followed by "loc": "file:line:col" when the line is known; "else" is
// left out when empty, a loop's "captures" (its body_captures) too. Sites
// are not shown: they number the steps in the order printed.
//
// An expression (EXPR) is printed on one line: a literal as the JSON value
// it stands for ("a", 3, 2.5, 2.0 for a number, true), a slot read as
// {"slot": 0}, a capture's output as {"output": 1}, an operator as its name
// holding its operands: {"lt": [{"slot": 0}, 3]}, {"list": ["a", "b"]};
// each non-literal followed by "loc" when known.
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
