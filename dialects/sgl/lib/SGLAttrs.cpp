//===- SGLAttrs.cpp - Attributes of the sgl dialect -----------------------===//
#include "sgl/SGLAttrs.h"

#include "mlir/IR/Builders.h"

#include "sgl/SGLEnums.cpp.inc"
