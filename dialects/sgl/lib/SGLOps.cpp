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
#include "llvm/ADT/StringMap.h"
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

/// An argument is a string, int, number, bool or list of strings.
bool isArgumentType(Type type) {
  if (auto list = dyn_cast<ListType>(type))
    return isa<StrType>(list.getElement());
  return isa<StrType, IntType, NumberType, BoolType>(type);
}

/// Whether `value` is a constant of `type`: a string, an i64, an f64, a
/// boolean, or (for a list) an array of constants of its element type.
bool isConstantOf(Attribute value, Type type) {
  if (auto list = dyn_cast<ListType>(type)) {
    auto array = dyn_cast<ArrayAttr>(value);
    return array && llvm::all_of(array, [&](Attribute item) {
             return isConstantOf(item, list.getElement());
           });
  }
  if (isa<StrType>(type))
    return isa<StringAttr>(value);
  if (isa<BoolType>(type))
    return isa<BoolAttr>(value);
  if (isa<IntType>(type)) {
    auto integer = dyn_cast<IntegerAttr>(value);
    return integer && !isa<BoolAttr>(value) &&
           integer.getType().isSignlessInteger(64);
  }
  if (isa<NumberType>(type)) {
    auto number = dyn_cast<FloatAttr>(value);
    return number && number.getType().isF64();
  }
  return false;
}

/// The type `sgl.collected` gives for a capture of `type` read past
/// `loops` loops.
Type collectedType(Type type, unsigned loops) {
  for (unsigned i = 0; i < loops; ++i)
    type = ListType::get(type.getContext(), type);
  return type;
}

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

Type ProgramOp::getArgType(size_t index) {
  if (std::optional<ArrayAttr> types = getArgTypes();
      types && index < types->size())
    return cast<TypeAttr>((*types)[index]).getValue();
  return StrType::get(getContext());
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

  llvm::StringMap<Type> argNames;
  if (std::optional<ArrayAttr> types = getArgTypes();
      types && types->size() != getArgNames().size())
    return emitOpError("has ") << getArgNames().size() << " argument names but "
                               << types->size() << " argument types";
  if (std::optional<ArrayAttr> defaults = getArgDefaults();
      defaults && defaults->size() != getArgNames().size())
    return emitOpError("has ") << getArgNames().size() << " argument names but "
                               << defaults->size() << " argument defaults";
  for (auto [index, attr] : llvm::enumerate(getArgNames())) {
    StringRef name = cast<StringAttr>(attr).getValue();
    if (name.empty())
      return emitOpError("argument names must not be empty");
    Type type = getArgType(index);
    if (!isArgumentType(type))
      return emitOpError("argument \"")
             << name << "\" has type " << type
             << "; arguments are !sgl.str, !sgl.int, !sgl.number, !sgl.bool "
                "or !sgl.list<!sgl.str>";
    if (std::optional<ArrayAttr> defaults = getArgDefaults()) {
      Attribute value = (*defaults)[index];
      if (!isa<UnitAttr>(value) && !isConstantOf(value, type))
        return emitOpError("default ")
               << value << " of argument \"" << name << "\" is not a " << type;
    }
    if (!argNames.try_emplace(name, type).second)
      return emitOpError("duplicate argument name \"") << name << "\"";
  }

  // Every sgl.arg names an argument. Checked here against the set built
  // above rather than in ArgOp::verify, which would search the argument
  // list once per sgl.arg: quadratic for a program with many arguments.
  // Captures form the program's JSON object, so their names are its keys.
  llvm::DenseMap<StringAttr, CaptureOp> seen;
  WalkResult result = walk([&](Operation *op) {
    if (auto arg = dyn_cast<ArgOp>(op)) {
      if (arg->getParentOfType<ProgramOp>() != *this)
        return WalkResult::advance();
      auto it = argNames.find(arg.getName());
      if (it == argNames.end()) {
        arg.emitOpError("\"")
            << arg.getName() << "\" is not an argument of program @"
            << getSymName();
        return WalkResult::interrupt();
      }
      if (it->second != arg.getType()) {
        arg.emitOpError("reads argument \"")
            << arg.getName() << "\" as " << arg.getType() << ", but it is "
            << it->second;
        return WalkResult::interrupt();
      }
      return WalkResult::advance();
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
  if (result.wasInterrupted())
    return failure();
  return verifyCaptureReads(seen);
}

LogicalResult ProgramOp::verifyCaptureReads(
    const llvm::DenseMap<StringAttr, CaptureOp> &captures) {
  WalkResult result = walk([&](Operation *op) {
    if (!isa<ReadOp, CollectedOp>(op))
      return WalkResult::advance();
    auto name = op->getAttrOfType<StringAttr>("name");
    auto it = captures.find(name);
    if (it == captures.end()) {
      op->emitOpError("reads \"") << name.getValue() << "\", which program @"
                                  << getSymName() << " never captures";
      return WalkResult::interrupt();
    }
    CaptureOp capture = it->second;
    Type captured = capture.getValue().getType();
    Type type = op->getResult(0).getType();
    if (isa<ReadOp>(op) ? type == captured
                        : llvm::any_of(llvm::seq(1u, 65u), [&](unsigned n) {
                            return type == collectedType(captured, n);
                          }))
      return WalkResult::advance();
    op->emitOpError("reads capture \"")
        << name.getValue() << "\" of type " << captured << " as " << type;
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
  if (auto minP = getMinP(); minP && !(minP->convertToDouble() >= 0.0 &&
                                       minP->convertToDouble() <= 1.0))
    return emitOpError("min_p must be in [0, 1], got ")
           << minP->convertToDouble();
  if (auto penalty = getRepetitionPenalty();
      penalty && !(std::isfinite(penalty->convertToDouble()) &&
                   penalty->convertToDouble() > 0.0))
    return emitOpError("repetition_penalty must be > 0, got ")
           << penalty->convertToDouble();
  if (auto penalty = getFrequencyPenalty();
      penalty && !(penalty->convertToDouble() >= -2.0 &&
                   penalty->convertToDouble() <= 2.0))
    return emitOpError("frequency_penalty must be in [-2, 2], got ")
           << penalty->convertToDouble();
  if (auto penalty = getPresencePenalty();
      penalty && !(penalty->convertToDouble() >= -2.0 &&
                   penalty->convertToDouble() <= 2.0))
    return emitOpError("presence_penalty must be in [-2, 2], got ")
           << penalty->convertToDouble();
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
  if (!getJsonSchemaAttr() && !isa<StrType>(getGenerated().getType()))
    return emitOpError("gives a '!sgl.str' unless it has a json_schema "
                       "constraint, not ")
           << getGenerated().getType();
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
// CaptureOp
//===----------------------------------------------------------------------===//

LogicalResult CaptureOp::verify() {
  // The output is what the model chose: other values go into the prompt.
  Operation *def = getValue().getDefiningOp();
  if (!def || !(isa<GenOp, SelectOp>(def) ||
                (isa<ForkOp, CallOp>(def) && getValue() == def->getResult(1))))
    return emitOpError("captures the result of an 'sgl.gen', 'sgl.select', "
                       "'sgl.fork' or 'sgl.call', not another value");
  return success();
}

LogicalResult CallOp::verifySymbolUses(SymbolTableCollection &symbols) {
  auto callee =
      symbols.lookupNearestSymbolFrom<ProgramOp>(*this, getCalleeAttr());
  if (!callee)
    return emitOpError("calls @")
           << getCallee() << ", which is not an sgl.program here";
  const size_t count = callee.getArgNames().size();
  if (getArgs().size() != count)
    return emitOpError("passes ") << getArgs().size() << " arguments to @"
                                  << getCallee() << ", which takes " << count;
  for (auto [index, arg] : llvm::enumerate(getArgs()))
    if (arg.getType() != callee.getArgType(index))
      return emitOpError("argument ")
             << index << " is " << arg.getType() << ", but @" << getCallee()
             << " takes " << callee.getArgType(index);
  return success();
}

//===----------------------------------------------------------------------===//
// ConstOp, ListOp
//===----------------------------------------------------------------------===//

LogicalResult ConstOp::verify() {
  if (!isConstantOf(getValue(), getResult().getType()))
    return emitOpError("value ")
           << getValue() << " is not a constant of type "
           << getResult().getType() << " (a string, i64, f64 or boolean)";
  return success();
}

LogicalResult ListOp::verify() {
  Type element = cast<ListType>(getResult().getType()).getElement();
  for (Value item : getItems())
    if (item.getType() != element)
      return emitOpError("item of type ")
             << item.getType() << " in a list of " << element;
  return success();
}

//===----------------------------------------------------------------------===//
// Control flow
//===----------------------------------------------------------------------===//

namespace {

/// Checks that `region`'s block takes a `!sgl.ctx` and then `extra`.
LogicalResult verifyLoopBlock(Operation *op, Region &region, Type extra) {
  Block &block = region.front();
  if (block.getNumArguments() != 2 ||
      !isa<CtxType>(block.getArgument(0).getType()) ||
      block.getArgument(1).getType() != extra)
    return op->emitOpError("body must take a '!sgl.ctx' and a ") << extra;
  return success();
}

} // namespace

LogicalResult IfOp::verifyRegions() {
  if (failed(verifyContextBlock(*this, getThenRegion())))
    return failure();
  return verifyContextBlock(*this, getElseRegion());
}

LogicalResult ForOp::verifyRegions() {
  Type items = getItems().getType();
  Type element =
      isa<ListType>(items) ? cast<ListType>(items).getElement() : items;
  return verifyLoopBlock(*this, getBody(), element);
}

LogicalResult ForRangeOp::verifyRegions() {
  return verifyLoopBlock(*this, getBody(), IntType::get(getContext()));
}

LogicalResult ForkOp::verifyRegions() {
  auto branches = cast<ListType>(getBranches().getType());
  if (!isa<JsonType>(branches.getElement()))
    return emitOpError("gives a '!sgl.list<!sgl.json>' (one object per "
                       "branch), not ")
           << branches;
  return verifyLoopBlock(*this, getBody(), IntType::get(getContext()));
}

LogicalResult BreakOp::verify() {
  for (Operation *parent = (*this)->getParentOp(); parent;
       parent = parent->getParentOp()) {
    if (isa<ForOp, ForRangeOp>(parent))
      return success();
    if (isa<RoleOp, ProgramOp, ForkOp>(parent))
      break;
  }
  return emitOpError("must be inside an 'sgl.for' or 'sgl.for_range' (and "
                     "not leave an 'sgl.role' or an 'sgl.fork')");
}

#define GET_OP_CLASSES
#include "sgl/SGLOps.cpp.inc"
