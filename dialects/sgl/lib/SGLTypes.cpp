//===- SGLTypes.cpp - Types of the sgl dialect ----------------------------===//
#include "sgl/SGLTypes.h"
#include "sgl/SGLDialect.h"

#include "mlir/IR/DialectImplementation.h"
#include "llvm/ADT/TypeSwitch.h"

using namespace mlir;
using namespace sgl::dialect;

#define GET_TYPEDEF_CLASSES
#include "sgl/SGLTypes.cpp.inc"

void SGLDialect::registerTypes() {
  addTypes<
#define GET_TYPEDEF_LIST
#include "sgl/SGLTypes.cpp.inc"
      >();
}
