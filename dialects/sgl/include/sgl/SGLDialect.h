//===- SGLDialect.h - The sgl dialect ---------------------------*- C++ -*-===//
#ifndef SGL_DIALECT_SGLDIALECT_H
#define SGL_DIALECT_SGLDIALECT_H

#include "mlir/IR/Dialect.h"

#include "sgl/SGLDialect.h.inc"

#endif // SGL_DIALECT_SGLDIALECT_H
