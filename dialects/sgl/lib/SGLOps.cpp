//===- SGLOps.cpp - Operations of the sgl dialect -------------------------===//
//
// Builders and verifiers. Range checks mirror what the plan can carry
// (unsigned 32-bit token counts, unsigned seeds) so a verified module always
// translates.
//
//===----------------------------------------------------------------------===//
#include "sgl/SGLOps.h"

#include "mlir/IR/Builders.h"
#include "mlir/IR/OpImplementation.h"
#include "llvm/ADT/DenseMap.h"
#include "llvm/ADT/STLExtras.h"
#include "llvm/ADT/StringSet.h"

#include <cmath>
#include <cstdint>
#include <limits>

using namespace mlir;
using namespace sgl::dialect;

namespace {

/// Checks that `region`'s single block takes exactly one `!sgl.ctx`.
LogicalResult verifyContextBlock(Operation *op, Region &region) {
  Block &block = region.front();
  if (block.getNumArguments() != 1 ||
      !isa<CtxType>(block.getArgument(0).getType()))
    return op->emitOpError("body must take exactly one '!sgl.ctx' argument");
  return success();
}

constexpr int64_t kMaxU32 = std::numeric_limits<uint32_t>::max();

} // namespace

//===----------------------------------------------------------------------===//
// ProgramOp
//===----------------------------------------------------------------------===//

void ProgramOp::build(OpBuilder &builder, OperationState &state, StringRef name,
                      ArrayRef<StringRef> argNames) {
  state.addAttribute(getSymNameAttrName(state.name),
                     builder.getStringAttr(name));
  state.addAttribute(getArgNamesAttrName(state.name),
                     builder.getStrArrayAttr(argNames));
  Region *body = state.addRegion();
  Block *entry = new Block();
  entry->addArgument(CtxType::get(builder.getContext()), state.location);
  body->push_back(entry);
}

int64_t ProgramOp::lookupArgument(StringRef name) {
  for (auto [index, attr] : llvm::enumerate(getArgNames()))
    if (cast<StringAttr>(attr).getValue() == name)
      return static_cast<int64_t>(index);
  return -1;
}

LogicalResult ProgramOp::verifyRegions() {
  if (failed(verifyContextBlock(*this, getBody())))
    return failure();

  llvm::StringSet<> argNames;
  for (Attribute attr : getArgNames()) {
    StringRef name = cast<StringAttr>(attr).getValue();
    if (name.empty())
      return emitOpError("argument names must not be empty");
    if (!argNames.insert(name).second)
      return emitOpError("duplicate argument name \"") << name << "\"";
  }

  // Every sgl.arg names an argument. Checked here against the set built
  // above rather than in ArgOp::verify, which would search the argument
  // list once per sgl.arg: quadratic for a program with many arguments.
  // Captures form the program's JSON object, so their names are its keys.
  llvm::DenseMap<StringAttr, CaptureOp> seen;
  WalkResult result = walk([&](Operation *op) {
    if (auto arg = dyn_cast<ArgOp>(op)) {
      if (argNames.contains(arg.getName()) ||
          arg->getParentOfType<ProgramOp>() != *this)
        return WalkResult::advance();
      arg.emitOpError("\"")
          << arg.getName() << "\" is not an argument of program @"
          << getSymName();
      return WalkResult::interrupt();
    }
    auto capture = dyn_cast<CaptureOp>(op);
    if (!capture)
      return WalkResult::advance();
    auto [it, inserted] = seen.try_emplace(capture.getNameAttr(), capture);
    if (inserted)
      return WalkResult::advance();
    InFlightDiagnostic diag = capture.emitOpError("duplicate capture name \"")
                              << capture.getName() << "\" in program @"
                              << getSymName();
    diag.attachNote(it->second.getLoc()) << "previous capture here";
    return WalkResult::interrupt();
  });
  return failure(result.wasInterrupted());
}

//===----------------------------------------------------------------------===//
// ArgOp
//===----------------------------------------------------------------------===//

LogicalResult ArgOp::verify() {
  // The enclosing program checks that the name is one of its arguments.
  if (!(*this)->getParentOfType<ProgramOp>())
    return emitOpError("must be inside an 'sgl.program'");
  return success();
}

//===----------------------------------------------------------------------===//
// RoleOp
//===----------------------------------------------------------------------===//

LogicalResult RoleOp::verifyRegions() {
  if (auto outer = (*this)->getParentOfType<RoleOp>()) {
    InFlightDiagnostic diag =
        emitOpError("cannot be nested inside another 'sgl.role'");
    diag.attachNote(outer.getLoc()) << "enclosing role here";
    return diag;
  }
  return verifyContextBlock(*this, getBody());
}

//===----------------------------------------------------------------------===//
// GenOp
//===----------------------------------------------------------------------===//

LogicalResult GenOp::verify() {
  // I64Attr getters return unsigned values; read the attributes as signed.
  if (IntegerAttr attr = getMaxTokensAttr();
      attr && (attr.getInt() <= 0 || attr.getInt() > kMaxU32))
    return emitOpError("max_tokens must be in [1, ")
           << kMaxU32 << "], got " << attr.getInt();
  if (auto temperature = getTemperature();
      temperature && !(std::isfinite(temperature->convertToDouble()) &&
                       temperature->convertToDouble() >= 0.0))
    return emitOpError("temperature must be >= 0, got ")
           << temperature->convertToDouble();
  if (auto topP = getTopP(); topP && !(topP->convertToDouble() > 0.0 &&
                                       topP->convertToDouble() <= 1.0))
    return emitOpError("top_p must be in (0, 1], got ")
           << topP->convertToDouble();
  if (IntegerAttr attr = getTopKAttr();
      attr && (attr.getInt() < 0 || attr.getInt() > kMaxU32))
    return emitOpError("top_k must be in [0, ")
           << kMaxU32 << "], got " << attr.getInt();
  if (IntegerAttr attr = getSeedAttr(); attr && attr.getInt() < 0)
    return emitOpError("seed must be >= 0, got ") << attr.getInt();
  if (getRegexAttr() && getJsonSchemaAttr())
    return emitOpError("has both a regex and a json_schema constraint; a gen "
                       "takes at most one");
  StringRef constraint = getRegexAttr() ? "regex" : "json_schema";
  if ((getRegexAttr() || getJsonSchemaAttr()) && getStopAttr())
    return emitOpError("has a ")
           << constraint
           << " constraint and stop strings; the constraint alone decides "
              "where its output ends";
  if (StringAttr schema = getJsonSchemaAttr();
      schema && schema.getValue().empty())
    return emitOpError("json_schema must not be empty");
  return success();
}

//===----------------------------------------------------------------------===//
// SelectOp
//===----------------------------------------------------------------------===//

LogicalResult SelectOp::verify() {
  if (getChoices().empty())
    return emitOpError("needs at least one choice");
  llvm::StringSet<> seen;
  for (Attribute attr : getChoices()) {
    StringRef choice = cast<StringAttr>(attr).getValue();
    if (!seen.insert(choice).second)
      return emitOpError("duplicate choice \"") << choice << "\"";
  }
  return success();
}

//===----------------------------------------------------------------------===//
// YieldOp
//===----------------------------------------------------------------------===//

LogicalResult YieldOp::verify() {
  Operation *parent = (*this)->getParentOp();
  if (isa<ProgramOp>(parent)) {
    if (!getValues().empty())
      return emitOpError("in a program yields only the context");
    return success();
  }
  auto role = cast<RoleOp>(parent);
  if (getValues().size() != role.getValues().size())
    return emitOpError("yields ")
           << getValues().size() << " string(s) but the enclosing role returns "
           << role.getValues().size();
  return success();
}

#define GET_OP_CLASSES
#include "sgl/SGLOps.cpp.inc"
