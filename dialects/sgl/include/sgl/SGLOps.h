//===- SGLOps.h - Operations of the sgl dialect -----------------*- C++ -*-===//
#ifndef SGL_DIALECT_SGLOPS_H
#define SGL_DIALECT_SGLOPS_H

#include "mlir/Bytecode/BytecodeOpInterface.h"
#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/OpDefinition.h"
#include "mlir/IR/SymbolTable.h"
#include "mlir/Interfaces/ControlFlowInterfaces.h"
#include "mlir/Interfaces/SideEffectInterfaces.h"
#include "llvm/ADT/DenseMap.h"

#include "sgl/SGLAttrs.h"
#include "sgl/SGLDialect.h"
#include "sgl/SGLTypes.h"

#define GET_OP_CLASSES
#include "sgl/SGLOps.h.inc"

#endif // SGL_DIALECT_SGLOPS_H
