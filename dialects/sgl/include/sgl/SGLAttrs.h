//===- SGLAttrs.h - Attributes of the sgl dialect ---------------*- C++ -*-===//
#ifndef SGL_DIALECT_SGLATTRS_H
#define SGL_DIALECT_SGLATTRS_H

#include "mlir/IR/Attributes.h"
#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/BuiltinTypes.h"

#include "sgl/SGLEnums.h.inc"

#endif // SGL_DIALECT_SGLATTRS_H
