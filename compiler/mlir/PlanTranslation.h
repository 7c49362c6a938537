//===- PlanTranslation.h - Translate the sgl dialect to a plan --*- C++ -*-===//
//
// The last step of sglc: like mlir-translate, not a pass. Reads a verified
// module of `sgl.program` ops and produces the in-memory plan that
// runtime/plan/ serializes.
//
//===----------------------------------------------------------------------===//
#ifndef SGL_COMPILER_MLIR_PLANTRANSLATION_H
#define SGL_COMPILER_MLIR_PLANTRANSLATION_H

#include "runtime/plan/Plan.h"

#include "mlir/IR/BuiltinOps.h"
#include "mlir/Support/LLVM.h"

namespace sgl::compiler {

/// Translates every `sgl.program` of `module`, in op order, to a plan
/// program:
///   * slots [0, args) are the arguments; each sgl.gen / sgl.select result
///     takes the next slot; role results share the slot of what they yield;
///   * sgl.text / sgl.append / sgl.role / sgl.gen / sgl.select become Text,
///     Append, RoleBegin..RoleEnd, Gen and Select steps;
///   * sgl.capture names a slot;
///   * each step's location is the op's FileLineColLoc (the first one
///     inside a FusedLoc).
/// The context must be threaded linearly (the plan has no forks yet).
/// Errors are reported with emitError on the offending op.
mlir::FailureOr<sgl::runtime::plan::Plan>
translateToPlan(mlir::ModuleOp module);

} // namespace sgl::compiler

#endif // SGL_COMPILER_MLIR_PLANTRANSLATION_H
