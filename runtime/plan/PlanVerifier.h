//===- PlanVerifier.h - Semantic checks of an in-memory plan ----*- C++ -*-===//
//
// The rules a plan must satisfy beyond being a well-formed buffer, so that
// the runtime can index slots, walk blocks and pair roles without checking
// again (it still checks the types of values as it computes them):
//  - program names are non-empty and unique; argument and capture names too;
//  - every type is well formed (a list has one element type, nothing else
//    has one; known kinds; at most kMaxTypeDepth deep); arguments are str,
//    int, number, bool or lists of them, and a default is a constant of the
//    argument's type;
//  - slot_types has num_slots entries, the arguments' types first; num_slots
//    is args.size() plus one slot per gen, select and loop; each of those
//    writes its own slot in [args.size(), num_slots): a gen a str (a json
//    for a json_schema gen), a select a str, a for_range an int;
//  - each step's kind is known and it holds the blocks of its kind (if: 2,
//    loops: 1, others: none), nested at most kMaxBlockDepth deep; break is
//    only inside a loop; sites number the steps in pre-order and num_sites
//    counts them;
//  - expressions have known kinds, their kind's number of operands, valid
//    literals (finite numbers) and at most kMaxExprDepth levels; a slot is
//    read only after the step that writes it (in site order) or as an
//    argument; an output names a capture;
//  - role_begin/role_end pair up with the same role, in the same block,
//    without nesting; no message is left open at the end of a block, nor
//    left by a break; none at the end of the program;
//  - select has at least one choice; gen parameters are in range;
//  - captures name written slots, with `depth` the number of loops around
//    the slot's writer; each loop's body_captures lists exactly the
//    captures made in its body, in increasing order.
// Messages are one line and name the program and the step's path, e.g.
//   program 'chat', step 3/body/1 (chat.sgl:4:7): append reads slot 5,
//   which is not written before this step
//
//===----------------------------------------------------------------------===//
#ifndef SGL_RUNTIME_PLAN_PLANVERIFIER_H
#define SGL_RUNTIME_PLAN_PLANVERIFIER_H

#include "runtime/plan/Plan.h"
#include "runtime/support/Expected.h"

namespace sgl::runtime::plan {

/// Checks the format version of `plan` against this runtime's. A plan of
/// another major version is refused with a message that says which format
/// it was written in and what to do (recompile it with this sglc).
sgl::Status verifyPlanVersion(uint16_t major, uint16_t minor);

/// Checks every rule above; returns the first violation.
sgl::Status verifyPlan(const Plan &plan);

} // namespace sgl::runtime::plan

#endif // SGL_RUNTIME_PLAN_PLANVERIFIER_H
