//===- SGLTypes.h - Types of the sgl dialect --------------------*- C++ -*-===//
#ifndef SGL_DIALECT_SGLTYPES_H
#define SGL_DIALECT_SGLTYPES_H

#include "mlir/IR/BuiltinTypes.h"

#define GET_TYPEDEF_CLASSES
#include "sgl/SGLTypes.h.inc"

#endif // SGL_DIALECT_SGLTYPES_H
