//===- PlanTranslation.cpp - Translate the sgl dialect to a plan ----------===//
#include "compiler/mlir/PlanTranslation.h"

#include "sgl/SGLOps.h"

#include "mlir/IR/Diagnostics.h"
#include "mlir/IR/Location.h"
#include "llvm/ADT/DenseMap.h"
#include "llvm/ADT/StringMap.h"
#include "llvm/ADT/TypeSwitch.h"

#include <cassert>

using namespace mlir;
namespace plan = sgl::runtime::plan;
namespace sd = sgl::dialect;

namespace sgl::compiler {
namespace {

plan::Role toPlanRole(sd::Role role) {
  switch (role) {
  case sd::Role::System:
    return plan::Role::System;
  case sd::Role::User:
    return plan::Role::User;
  case sd::Role::Assistant:
    return plan::Role::Assistant;
  }
  return plan::Role::User;
}

/// The first file/line/column inside `loc` (through fused, named and
/// call-site locations); empty when there is none.
plan::SourceLocation toPlanLocation(Location loc) {
  plan::SourceLocation result;
  loc->walk([&](Location inner) {
    if (auto fileLoc = dyn_cast<FileLineColLoc>(inner)) {
      result.file = fileLoc.getFilename().str();
      result.line = fileLoc.getLine();
      result.col = fileLoc.getColumn();
      return WalkResult::interrupt();
    }
    return WalkResult::advance();
  });
  return result;
}

/// Translates one program; slots are numbered as values are met.
class ProgramTranslator {
public:
  explicit ProgramTranslator(plan::Program &out) : out(out) {}

  LogicalResult translate(sd::ProgramOp program) {
    out.name = program.getSymName().str();
    for (Attribute attr : program.getArgNames()) {
      StringRef name = cast<StringAttr>(attr).getValue();
      argSlots.try_emplace(name, static_cast<uint32_t>(out.args.size()));
      out.args.push_back(name.str());
    }
    out.numSlots = static_cast<uint32_t>(out.args.size());
    return translateBlock(program.getBody().front(),
                          program.getInitialContext());
  }

private:
  plan::Program &out;
  llvm::DenseMap<Value, uint32_t> slots;
  /// Argument name -> slot, built once so each sgl.arg is one look-up.
  llvm::StringMap<uint32_t> argSlots;
  /// The context the next prompt op must consume.
  Value current;

  /// The plan runs steps in order, so each op must extend the latest context.
  LogicalResult consume(Operation *op, Value ctx) {
    if (ctx != current)
      return op->emitOpError("does not extend the latest prompt context; "
                             "a plan needs a linear context chain");
    return success();
  }

  FailureOr<uint32_t> slotOf(Operation *user, Value value) {
    auto it = slots.find(value);
    if (it == slots.end())
      return user->emitOpError("uses a string that has no plan slot");
    return it->second;
  }

  plan::Step &addStep(plan::Step::Kind kind, Operation *op) {
    plan::Step &step = out.steps.emplace_back();
    step.kind = kind;
    step.loc = toPlanLocation(op->getLoc());
    return step;
  }

  uint32_t newSlot(Value value) {
    uint32_t slot = out.numSlots++;
    slots[value] = slot;
    return slot;
  }

  /// Translates `block` starting from context `entry`; on success the
  /// block's terminator is a yield of the latest context.
  LogicalResult translateBlock(Block &block, Value entry) {
    current = entry;
    for (Operation &op : block.without_terminator())
      if (failed(translateOp(&op)))
        return failure();
    auto yield = cast<sd::YieldOp>(block.getTerminator());
    return consume(yield, yield.getCtx());
  }

  LogicalResult translateOp(Operation *op) {
    return llvm::TypeSwitch<Operation *, LogicalResult>(op)
        .Case([&](sd::ArgOp arg) -> LogicalResult {
          auto it = argSlots.find(arg.getName());
          assert(it != argSlots.end() && "verifier checks argument names");
          slots[arg.getValue()] = it->second;
          return success();
        })
        .Case([&](sd::TextOp text) -> LogicalResult {
          if (failed(consume(text, text.getCtx())))
            return failure();
          addStep(plan::Step::Kind::Text, text).text = text.getText().str();
          current = text.getNextCtx();
          return success();
        })
        .Case([&](sd::AppendOp append) -> LogicalResult {
          if (failed(consume(append, append.getCtx())))
            return failure();
          FailureOr<uint32_t> slot = slotOf(append, append.getValue());
          if (failed(slot))
            return failure();
          addStep(plan::Step::Kind::Append, append).slot = *slot;
          current = append.getNextCtx();
          return success();
        })
        .Case([&](sd::GenOp gen) { return translateGen(gen); })
        .Case([&](sd::SelectOp select) -> LogicalResult {
          if (failed(consume(select, select.getCtx())))
            return failure();
          plan::Step &step = addStep(plan::Step::Kind::Select, select);
          step.slot = newSlot(select.getChoice());
          for (Attribute choice : select.getChoices())
            step.choices.push_back(cast<StringAttr>(choice).getValue().str());
          current = select.getNextCtx();
          return success();
        })
        .Case([&](sd::RoleOp role) { return translateRole(role); })
        .Case([&](sd::CaptureOp capture) -> LogicalResult {
          FailureOr<uint32_t> slot = slotOf(capture, capture.getValue());
          if (failed(slot))
            return failure();
          out.captures.push_back({capture.getName().str(), *slot});
          return success();
        })
        .Default([](Operation *other) {
          return other->emitOpError("cannot be translated to a plan");
        });
  }

  LogicalResult translateGen(sd::GenOp gen) {
    if (failed(consume(gen, gen.getCtx())))
      return failure();
    plan::Step &step = addStep(plan::Step::Kind::Gen, gen);
    step.slot = newSlot(gen.getGenerated());
    // The verifier keeps every value in the plan's unsigned ranges.
    if (IntegerAttr attr = gen.getMaxTokensAttr())
      step.gen.maxTokens = static_cast<uint32_t>(attr.getInt());
    if (ArrayAttr stop = gen.getStopAttr())
      for (Attribute s : stop)
        step.gen.stop.push_back(cast<StringAttr>(s).getValue().str());
    if (auto temperature = gen.getTemperature())
      step.gen.temperature = static_cast<float>(temperature->convertToDouble());
    if (auto topP = gen.getTopP())
      step.gen.topP = static_cast<float>(topP->convertToDouble());
    if (IntegerAttr attr = gen.getTopKAttr())
      step.gen.topK = static_cast<uint32_t>(attr.getInt());
    if (IntegerAttr attr = gen.getSeedAttr())
      step.gen.seed = static_cast<uint64_t>(attr.getInt());
    if (StringAttr regex = gen.getRegexAttr())
      step.gen.constraint = {plan::GenConstraint::Kind::Regex,
                             regex.getValue().str()};
    if (StringAttr schema = gen.getJsonSchemaAttr())
      step.gen.constraint = {plan::GenConstraint::Kind::JsonSchema,
                             schema.getValue().str()};
    current = gen.getNextCtx();
    return success();
  }

  LogicalResult translateRole(sd::RoleOp role) {
    if (failed(consume(role, role.getCtx())))
      return failure();
    plan::Role planRole = toPlanRole(role.getRole());
    addStep(plan::Step::Kind::RoleBegin, role).role = planRole;
    Block &body = role.getBody().front();
    if (failed(translateBlock(body, body.getArgument(0))))
      return failure();
    auto yield = cast<sd::YieldOp>(body.getTerminator());
    addStep(plan::Step::Kind::RoleEnd, yield).role = planRole;
    for (auto [result, yielded] :
         llvm::zip_equal(role.getValues(), yield.getValues())) {
      FailureOr<uint32_t> slot = slotOf(yield, yielded);
      if (failed(slot))
        return failure();
      slots[result] = *slot;
    }
    current = role.getNextCtx();
    return success();
  }
};

} // namespace

FailureOr<plan::Plan> translateToPlan(ModuleOp module) {
  plan::Plan result;
  for (Operation &op : module.getBody()->getOperations()) {
    auto program = dyn_cast<sd::ProgramOp>(op);
    if (!program)
      return op.emitOpError(
          "cannot be translated to a plan (expected 'sgl.program')");
    plan::Program &out = result.programs.emplace_back();
    if (failed(ProgramTranslator(out).translate(program)))
      return failure();
  }
  return result;
}

} // namespace sgl::compiler
