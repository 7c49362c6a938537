//===- SGLDialect.cpp - The sgl dialect -----------------------------------===//
#include "sgl/SGLDialect.h"
#include "sgl/SGLOps.h"

using namespace mlir;
using namespace sgl::dialect;

#include "sgl/SGLDialect.cpp.inc"

void SGLDialect::initialize() {
  registerTypes();
  addOperations<
#define GET_OP_LIST
#include "sgl/SGLOps.cpp.inc"
      >();
}
