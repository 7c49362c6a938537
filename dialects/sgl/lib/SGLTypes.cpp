//===- SGLTypes.cpp - Types of the sgl dialect ----------------------------===//
#include "sgl/SGLTypes.h"
#include "sgl/SGLDialect.h"

#include "mlir/IR/Builders.h"
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

bool sgl::dialect::isValueType(Type type) {
  if (auto list = dyn_cast<ListType>(type))
    return isValueType(list.getElement());
  return isa<StrType, IntType, NumberType, BoolType, JsonType>(type);
}

LogicalResult ListType::verify(function_ref<InFlightDiagnostic()> emitError,
                               Type element) {
  if (!isValueType(element))
    return emitError() << "a list holds values (!sgl.str, !sgl.int, "
                          "!sgl.number, !sgl.bool, !sgl.json or lists), not "
                       << element;
  return success();
}
