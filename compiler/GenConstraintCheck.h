//===- GenConstraintCheck.h - regex: and json_schema: of a gen --*- C++ -*-===//
//
// Compiles a gen's constraint with the runtime's constraint engine, so that
// a pattern or schema the runtime would refuse is a compile error at the
// source, and warns where max_tokens looks too small for the shortest
// output the constraint accepts.
//
//===----------------------------------------------------------------------===//
#ifndef SGL_COMPILER_GENCONSTRAINTCHECK_H
#define SGL_COMPILER_GENCONSTRAINTCHECK_H

#include "compiler/AST.h"
#include "compiler/Diagnostics.h"

namespace sgl::compiler {

/// Checks gen.params.constraint (set by checkGenOptions from the options):
/// the regex or schema compiles (errors point into the regex at the
/// offending byte, or at the schema), a file schema is read (relative to
/// the .sgl file) into constraint.text, no `stop` comes with it, and
/// constraint.shortestBytes is set.
void checkGenConstraint(GenStmt &gen, DiagnosticEngine &diags);

} // namespace sgl::compiler

#endif // SGL_COMPILER_GENCONSTRAINTCHECK_H
