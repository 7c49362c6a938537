//===- PlanWriter.h - Serialize a plan to FlatBuffers -----------*- C++ -*-===//
//
// Turns the in-memory Plan into the on-disk format of Plan.fbs (file
// identifier "SGLP"). The compiler calls this as its last step.
//
//===----------------------------------------------------------------------===//
#ifndef SGL_RUNTIME_PLAN_PLANWRITER_H
#define SGL_RUNTIME_PLAN_PLANWRITER_H

#include "runtime/plan/Plan.h"
#include "runtime/support/Expected.h"

#include <string>
#include <string_view>

namespace sgl::runtime::plan {

/// Serializes `plan` as given (versions included, no checks), so a test can
/// also produce plans the reader must reject. Only the fields that belong to
/// a step's kind are written (e.g. `choices` only for select), so reading
/// the bytes back yields the canonical form of each step. Strings and tables
/// are never shared, which PlanReader relies on to bound its memory use.
std::string serializePlan(const Plan &plan);

/// Verifies `plan` (verifyPlan) and writes its serialized form to `path`.
/// Refuses to write a plan the runtime would reject. Error messages do not
/// repeat the path except for I/O failures.
sgl::Status writePlanFile(const Plan &plan, const std::string &path);

/// Writes bytes a caller already serialized (and read back through
/// readPlan) to `path`, without serializing or verifying again.
sgl::Status writePlanBytes(std::string_view bytes, const std::string &path);

} // namespace sgl::runtime::plan

#endif // SGL_RUNTIME_PLAN_PLANWRITER_H
