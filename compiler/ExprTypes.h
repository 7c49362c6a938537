//===- ExprTypes.h - Typing rules of the expression operators ---*- C++ -*-===//
//
// What `-x`, `not x`, `a.b`, `a[i]` and the binary operators give for
// operands of known types, or why they cannot be applied. Sema calls it once
// per operator node after typing its operands.
//
//===----------------------------------------------------------------------===//
#ifndef SGL_COMPILER_EXPRTYPES_H
#define SGL_COMPILER_EXPRTYPES_H

#include "compiler/AST.h"

#include <string>
#include <vector>

namespace sgl::compiler {

struct ExprTypeResult {
  /// Error when the operator does not apply.
  Type type;
  /// The message, and where it points; empty when the operator applies.
  std::string error;
  SourceRange at;
};

/// The type of `expr` (Neg, Not, Field, Index or Binary) whose operands have
/// the types `operands` (none of them Error).
ExprTypeResult operatorType(const Expr &expr,
                            const std::vector<Type> &operands);

} // namespace sgl::compiler

#endif // SGL_COMPILER_EXPRTYPES_H
