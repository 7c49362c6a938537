//===- SGLTypes.h - Types of the sgl dialect --------------------*- C++ -*-===//
#ifndef SGL_DIALECT_SGLTYPES_H
#define SGL_DIALECT_SGLTYPES_H

#include "mlir/IR/BuiltinTypes.h"

#define GET_TYPEDEF_CLASSES
#include "sgl/SGLTypes.h.inc"

namespace sgl::dialect {

/// Whether `type` is a run-time value of the dialect: a string, int,
/// number, bool, JSON value or a list of values (not the context).
bool isValueType(::mlir::Type type);

} // namespace sgl::dialect

#endif // SGL_DIALECT_SGLTYPES_H
