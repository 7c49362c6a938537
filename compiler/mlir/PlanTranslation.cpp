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

plan::ValueType toPlanType(Type type) {
  plan::ValueType out;
  if (isa<sd::IntType>(type))
    out.kind = plan::ValueType::Kind::Int;
  else if (isa<sd::NumberType>(type))
    out.kind = plan::ValueType::Kind::Number;
  else if (isa<sd::BoolType>(type))
    out.kind = plan::ValueType::Kind::Bool;
  else if (isa<sd::JsonType>(type))
    out.kind = plan::ValueType::Kind::Json;
  else if (auto list = dyn_cast<sd::ListType>(type))
    return plan::ValueType::list(toPlanType(list.getElement()));
  return out;
}

plan::Expr::Kind toPlanExprKind(sd::BinaryKind kind) {
  switch (kind) {
  case sd::BinaryKind::Add:
    return plan::Expr::Kind::Add;
  case sd::BinaryKind::Sub:
    return plan::Expr::Kind::Sub;
  case sd::BinaryKind::Mul:
    return plan::Expr::Kind::Mul;
  case sd::BinaryKind::Div:
    return plan::Expr::Kind::Div;
  case sd::BinaryKind::Mod:
    return plan::Expr::Kind::Mod;
  case sd::BinaryKind::Eq:
    return plan::Expr::Kind::Eq;
  case sd::BinaryKind::Ne:
    return plan::Expr::Kind::Ne;
  case sd::BinaryKind::Lt:
    return plan::Expr::Kind::Lt;
  case sd::BinaryKind::Le:
    return plan::Expr::Kind::Le;
  case sd::BinaryKind::Gt:
    return plan::Expr::Kind::Gt;
  case sd::BinaryKind::Ge:
    return plan::Expr::Kind::Ge;
  case sd::BinaryKind::In:
    return plan::Expr::Kind::In;
  case sd::BinaryKind::And:
    return plan::Expr::Kind::And;
  case sd::BinaryKind::Or:
    return plan::Expr::Kind::Or;
  }
  return plan::Expr::Kind::Add;
}

/// A literal attribute (a program's default value or an sgl.const) as a
/// plan literal.
plan::Literal toPlanLiteral(Attribute attr) {
  plan::Literal literal;
  if (auto str = dyn_cast<StringAttr>(attr)) {
    literal.kind = plan::ValueType::Kind::Str;
    literal.str = str.getValue().str();
  } else if (auto boolean = dyn_cast<BoolAttr>(attr)) {
    literal.kind = plan::ValueType::Kind::Bool;
    literal.boolean = boolean.getValue();
  } else if (auto integer = dyn_cast<IntegerAttr>(attr)) {
    literal.kind = plan::ValueType::Kind::Int;
    literal.integer = integer.getValue().getSExtValue();
  } else if (auto number = dyn_cast<FloatAttr>(attr)) {
    literal.kind = plan::ValueType::Kind::Number;
    literal.number = number.getValueAsDouble();
  }
  return literal;
}

/// Translates one program: the block tree in order, slots numbered as
/// values are met, expressions rebuilt as trees from their defining ops.
class ProgramTranslator {
public:
  explicit ProgramTranslator(plan::Program &out) : out(out) {}

  LogicalResult translate(sd::ProgramOp program) {
    out.name = program.getSymName().str();
    calling.push_back(program);
    std::optional<ArrayAttr> defaults = program.getArgDefaults();
    for (auto [index, attr] : llvm::enumerate(program.getArgNames())) {
      StringRef name = cast<StringAttr>(attr).getValue();
      plan::Arg &arg = out.args.emplace_back();
      arg.name = name.str();
      arg.type = toPlanType(program.getArgType(index));
      argSlots.try_emplace(name, static_cast<uint32_t>(index));
      out.slotTypes.push_back(arg.type);
      if (defaults && !isa<UnitAttr>((*defaults)[index]))
        arg.defaultValue = defaultExpr((*defaults)[index]);
    }
    out.numSlots = static_cast<uint32_t>(out.args.size());
    Block &body = program.getBody().front();
    if (failed(translateBlock(body, program.getInitialContext(), out.body)))
      return failure();
    out.numSites = nextSite;
    return success();
  }

private:
  plan::Program &out;
  llvm::DenseMap<Value, uint32_t> slots;
  /// Argument name -> slot, built once so each sgl.arg is one look-up.
  llvm::StringMap<uint32_t> argSlots;
  /// Capture name -> its index in Program::captures, for sgl.read (its
  /// slot) and sgl.collected (its output).
  llvm::StringMap<uint32_t> captureIndices;
  /// A capture scope: the program's body, a fork's or a call's (its
  /// `owner`), and the loops being translated inside it, innermost last.
  struct Scope {
    plan::Step *owner = nullptr;
    std::vector<plan::Step *> loops;
  };
  std::vector<Scope> scopes{Scope{}};
  /// The programs whose bodies are being inlined, outermost first.
  llvm::SmallVector<Operation *> calling;
  /// The context the next prompt op must consume.
  Value current;
  uint32_t nextSite = 0;

  plan::Expr defaultExpr(Attribute attr) {
    plan::Expr expr;
    if (auto list = dyn_cast<ArrayAttr>(attr)) {
      expr.kind = plan::Expr::Kind::List;
      for (Attribute item : list)
        expr.operands.push_back(defaultExpr(item));
      return expr;
    }
    expr.kind = plan::Expr::Kind::Literal;
    expr.literal = toPlanLiteral(attr);
    return expr;
  }

  /// The plan runs steps in order, so each op must extend the latest context.
  LogicalResult consume(Operation *op, Value ctx) {
    if (ctx != current)
      return op->emitOpError("does not extend the latest prompt context; "
                             "a plan needs a linear context chain");
    return success();
  }

  plan::Step makeStep(plan::Step::Kind kind, Operation *op) {
    plan::Step step;
    step.kind = kind;
    step.loc = toPlanLocation(op->getLoc());
    step.site = nextSite++;
    return step;
  }

  uint32_t newSlot(Value value) {
    uint32_t slot = out.numSlots++;
    slots[value] = slot;
    out.slotTypes.push_back(toPlanType(value.getType()));
    return slot;
  }

  FailureOr<uint32_t> captureIndex(Operation *user, StringRef name) {
    auto it = captureIndices.find(name);
    if (it == captureIndices.end())
      return user->emitOpError("reads capture \"")
             << name << "\" before any sgl.capture of it";
    return it->second;
  }

  /// The expression tree that computes `value`.
  FailureOr<plan::Expr> exprOf(Operation *user, Value value) {
    plan::Expr expr;
    if (auto it = slots.find(value); it != slots.end()) {
      expr.kind = plan::Expr::Kind::Slot;
      expr.slot = it->second;
      return expr;
    }
    Operation *def = value.getDefiningOp();
    if (!def)
      return user->emitOpError("uses a value that has no plan slot");
    expr.loc = toPlanLocation(def->getLoc());
    auto operandsOf = [&](ValueRange operands) -> LogicalResult {
      for (Value operand : operands) {
        FailureOr<plan::Expr> inner = exprOf(def, operand);
        if (failed(inner))
          return failure();
        expr.operands.push_back(std::move(*inner));
      }
      return success();
    };
    return llvm::TypeSwitch<Operation *, FailureOr<plan::Expr>>(def)
        .Case([&](sd::ArgOp arg) -> FailureOr<plan::Expr> {
          auto it = argSlots.find(arg.getName());
          assert(it != argSlots.end() && "verifier checks argument names");
          // An argument is always set: no run-time error can point here.
          expr.kind = plan::Expr::Kind::Slot;
          expr.slot = it->second;
          expr.loc = {};
          return expr;
        })
        .Case([&](sd::ReadOp read) -> FailureOr<plan::Expr> {
          FailureOr<uint32_t> index = captureIndex(read, read.getName());
          if (failed(index))
            return failure();
          expr.kind = plan::Expr::Kind::Slot;
          expr.slot = out.captures[*index].slot;
          return expr;
        })
        .Case([&](sd::CollectedOp collected) -> FailureOr<plan::Expr> {
          FailureOr<uint32_t> index =
              captureIndex(collected, collected.getName());
          if (failed(index))
            return failure();
          expr.kind = plan::Expr::Kind::Output;
          expr.slot = *index;
          return expr;
        })
        .Case([&](sd::ConstOp constant) -> FailureOr<plan::Expr> {
          expr.kind = plan::Expr::Kind::Literal;
          expr.literal = toPlanLiteral(constant.getValue());
          return expr;
        })
        .Case([&](sd::ListOp list) -> FailureOr<plan::Expr> {
          expr.kind = plan::Expr::Kind::List;
          if (failed(operandsOf(list.getItems())))
            return failure();
          return expr;
        })
        .Case([&](sd::BinaryOp binary) -> FailureOr<plan::Expr> {
          expr.kind = toPlanExprKind(binary.getKind());
          if (failed(operandsOf({binary.getLhs(), binary.getRhs()})))
            return failure();
          return expr;
        })
        .Case([&](sd::NotOp op) -> FailureOr<plan::Expr> {
          expr.kind = plan::Expr::Kind::Not;
          if (failed(operandsOf(op.getOperand())))
            return failure();
          return expr;
        })
        .Case([&](sd::NegOp op) -> FailureOr<plan::Expr> {
          expr.kind = plan::Expr::Kind::Neg;
          if (failed(operandsOf(op.getOperand())))
            return failure();
          return expr;
        })
        .Case([&](sd::LenOp op) -> FailureOr<plan::Expr> {
          expr.kind = plan::Expr::Kind::Len;
          if (failed(operandsOf(op.getOperand())))
            return failure();
          return expr;
        })
        .Case([&](sd::IndexOp op) -> FailureOr<plan::Expr> {
          expr.kind = plan::Expr::Kind::Index;
          if (failed(operandsOf({op.getBase(), op.getIndex()})))
            return failure();
          return expr;
        })
        .Case([&](sd::FieldOp op) -> FailureOr<plan::Expr> {
          // A member of a JSON object is an index by its name.
          expr.kind = plan::Expr::Kind::Index;
          if (failed(operandsOf(op.getBase())))
            return failure();
          plan::Expr name;
          name.kind = plan::Expr::Kind::Literal;
          name.literal.str = op.getName().str();
          name.loc = expr.loc;
          expr.operands.push_back(std::move(name));
          return expr;
        })
        .Default([&](Operation *other) -> FailureOr<plan::Expr> {
          return other->emitOpError("cannot be translated to a plan value");
        });
  }

  /// Translates `block` starting from context `entry` into `out`; the
  /// block ends in a yield or a break of the latest context.
  LogicalResult translateBlock(Block &block, Value entry, plan::Block &into) {
    current = entry;
    for (Operation &op : block.without_terminator())
      if (failed(translateOp(&op, into)))
        return failure();
    Operation *terminator = block.getTerminator();
    if (auto yield = dyn_cast<sd::YieldOp>(terminator))
      return consume(yield, yield.getCtx());
    auto brk = cast<sd::BreakOp>(terminator);
    if (failed(consume(brk, brk.getCtx())))
      return failure();
    into.steps.push_back(makeStep(plan::Step::Kind::Break, brk));
    return success();
  }

  /// Expression ops are rebuilt as trees where they are used.
  static bool isValueOp(Operation *op) {
    return isa<sd::ArgOp, sd::ReadOp, sd::CollectedOp, sd::ConstOp, sd::ListOp,
               sd::BinaryOp, sd::NotOp, sd::NegOp, sd::LenOp, sd::IndexOp,
               sd::FieldOp>(op);
  }

  LogicalResult translateOp(Operation *op, plan::Block &into) {
    if (isValueOp(op))
      return success();
    return llvm::TypeSwitch<Operation *, LogicalResult>(op)
        .Case([&](sd::TextOp text) -> LogicalResult {
          if (failed(consume(text, text.getCtx())))
            return failure();
          plan::Step step = makeStep(plan::Step::Kind::Text, text);
          step.text = text.getText().str();
          into.steps.push_back(std::move(step));
          current = text.getNextCtx();
          return success();
        })
        .Case([&](sd::AppendOp append) -> LogicalResult {
          if (failed(consume(append, append.getCtx())))
            return failure();
          plan::Step step = makeStep(plan::Step::Kind::Append, append);
          FailureOr<plan::Expr> value = exprOf(append, append.getValue());
          if (failed(value))
            return failure();
          step.expr = std::move(*value);
          into.steps.push_back(std::move(step));
          current = append.getNextCtx();
          return success();
        })
        .Case([&](sd::GenOp gen) { return translateGen(gen, into); })
        .Case([&](sd::SelectOp select) -> LogicalResult {
          if (failed(consume(select, select.getCtx())))
            return failure();
          plan::Step step = makeStep(plan::Step::Kind::Select, select);
          step.slot = newSlot(select.getChoice());
          step.selectMethod = toPlanMethod(select.getMethod());
          for (Attribute choice : select.getChoices())
            step.choices.push_back(cast<StringAttr>(choice).getValue().str());
          into.steps.push_back(std::move(step));
          current = select.getNextCtx();
          return success();
        })
        .Case([&](sd::RoleOp role) { return translateRole(role, into); })
        .Case([&](sd::IfOp ifOp) { return translateIf(ifOp, into); })
        .Case([&](sd::ForOp loop) {
          return translateLoop(loop, loop.getCtx(), loop.getBody(),
                               loop.getNextCtx(), {loop.getItems()}, into);
        })
        .Case([&](sd::ForRangeOp loop) {
          return translateLoop(loop, loop.getCtx(), loop.getBody(),
                               loop.getNextCtx(),
                               {loop.getFirst(), loop.getEnd()}, into);
        })
        .Case([&](sd::ForkOp fork) { return translateFork(fork, into); })
        .Case([&](sd::CallOp call) { return translateCall(call, into); })
        .Case([&](sd::CaptureOp capture) -> LogicalResult {
          auto it = slots.find(capture.getValue());
          if (it == slots.end())
            return capture.emitOpError("captures a value that has no plan "
                                       "slot (not a gen or select result)");
          // A capture in a fork's body is a field of its branches: its
          // depth and its loops are those inside the fork.
          uint32_t index = static_cast<uint32_t>(out.captures.size());
          Scope &scope = scopes.back();
          out.captures.push_back({capture.getName().str(), it->second,
                                  static_cast<uint32_t>(scope.loops.size())});
          captureIndices[capture.getName()] = index;
          for (plan::Step *loop : scope.loops)
            loop->bodyCaptures.push_back(index);
          if (scope.owner)
            scope.owner->bodyCaptures.push_back(index);
          return success();
        })
        .Default([](Operation *other) {
          return other->emitOpError("cannot be translated to a plan");
        });
  }

  LogicalResult translateGen(sd::GenOp gen, plan::Block &into) {
    if (failed(consume(gen, gen.getCtx())))
      return failure();
    plan::Step step = makeStep(plan::Step::Kind::Gen, gen);
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
    if (auto minP = gen.getMinP())
      step.gen.minP = static_cast<float>(minP->convertToDouble());
    if (auto penalty = gen.getRepetitionPenalty())
      step.gen.repetitionPenalty =
          static_cast<float>(penalty->convertToDouble());
    if (auto penalty = gen.getFrequencyPenalty())
      step.gen.frequencyPenalty =
          static_cast<float>(penalty->convertToDouble());
    if (auto penalty = gen.getPresencePenalty())
      step.gen.presencePenalty = static_cast<float>(penalty->convertToDouble());
    if (StringAttr regex = gen.getRegexAttr())
      step.gen.constraint = {plan::GenConstraint::Kind::Regex,
                             regex.getValue().str()};
    if (StringAttr schema = gen.getJsonSchemaAttr())
      step.gen.constraint = {plan::GenConstraint::Kind::JsonSchema,
                             schema.getValue().str()};
    into.steps.push_back(std::move(step));
    current = gen.getNextCtx();
    return success();
  }

  LogicalResult translateRole(sd::RoleOp role, plan::Block &into) {
    if (failed(consume(role, role.getCtx())))
      return failure();
    plan::Role planRole = toPlanRole(role.getRole());
    plan::Step begin = makeStep(plan::Step::Kind::RoleBegin, role);
    begin.role = planRole;
    into.steps.push_back(std::move(begin));
    Block &body = role.getBody().front();
    if (failed(translateBlock(body, body.getArgument(0), into)))
      return failure();
    plan::Step end = makeStep(plan::Step::Kind::RoleEnd, body.getTerminator());
    end.role = planRole;
    into.steps.push_back(std::move(end));
    current = role.getNextCtx();
    return success();
  }

  LogicalResult translateIf(sd::IfOp ifOp, plan::Block &into) {
    if (failed(consume(ifOp, ifOp.getCtx())))
      return failure();
    plan::Step step = makeStep(plan::Step::Kind::If, ifOp);
    FailureOr<plan::Expr> condition = exprOf(ifOp, ifOp.getCondition());
    if (failed(condition))
      return failure();
    step.expr = std::move(*condition);
    step.blocks.resize(2);
    for (auto [region, block] :
         llvm::zip_equal(ifOp->getRegions(), step.blocks)) {
      Block &body = region.front();
      if (failed(translateBlock(body, body.getArgument(0), block)))
        return failure();
    }
    into.steps.push_back(std::move(step));
    current = ifOp.getNextCtx();
    return success();
  }

  LogicalResult translateLoop(Operation *op, Value ctx, Region &region,
                              Value next, llvm::ArrayRef<Value> bounds,
                              plan::Block &into) {
    if (failed(consume(op, ctx)))
      return failure();
    plan::Step step = makeStep(bounds.size() == 2 ? plan::Step::Kind::ForRange
                                                  : plan::Step::Kind::ForEach,
                               op);
    FailureOr<plan::Expr> first = exprOf(op, bounds[0]);
    if (failed(first))
      return failure();
    step.expr = std::move(*first);
    if (bounds.size() == 2) {
      FailureOr<plan::Expr> end = exprOf(op, bounds[1]);
      if (failed(end))
        return failure();
      step.end = std::move(*end);
    }
    Block &body = region.front();
    step.slot = newSlot(body.getArgument(1));
    step.blocks.resize(1);
    scopes.back().loops.push_back(&step);
    LogicalResult result =
        translateBlock(body, body.getArgument(0), step.blocks[0]);
    scopes.back().loops.pop_back();
    if (failed(result))
      return failure();
    into.steps.push_back(std::move(step));
    current = next;
    return success();
  }

  LogicalResult translateFork(sd::ForkOp fork, plan::Block &into) {
    if (failed(consume(fork, fork.getCtx())))
      return failure();
    plan::Step step = makeStep(plan::Step::Kind::Fork, fork);
    FailureOr<plan::Expr> count = exprOf(fork, fork.getCount());
    if (failed(count))
      return failure();
    step.expr = std::move(*count);
    Block &body = fork.getBody().front();
    step.branchSlot = newSlot(body.getArgument(1));
    step.blocks.resize(1);
    scopes.push_back(Scope{&step, {}});
    LogicalResult result =
        translateBlock(body, body.getArgument(0), step.blocks[0]);
    scopes.pop_back();
    if (failed(result))
      return failure();
    step.slot = newSlot(fork.getBranches());
    into.steps.push_back(std::move(step));
    // The branches' text stays theirs: the context goes on from the fork.
    current = fork.getNextCtx();
    return success();
  }

  /// A call inlines the callee's body in a scope of its own: its arguments
  /// in fresh slots, its captures the fields of the call's object, its
  /// names (arguments, captures) its own.
  LogicalResult translateCall(sd::CallOp call, plan::Block &into) {
    if (failed(consume(call, call.getCtx())))
      return failure();
    auto callee = SymbolTable::lookupNearestSymbolFrom<sd::ProgramOp>(
        call, call.getCalleeAttr());
    if (!callee)
      return call.emitOpError("calls @")
             << call.getCallee() << ", which is not an sgl.program here";
    if (llvm::is_contained(calling, callee.getOperation()))
      return call.emitOpError("calls @")
             << call.getCallee()
             << " recursively; calls are inlined, so they cannot recurse";
    plan::Step step = makeStep(plan::Step::Kind::Call, call);
    step.expr.kind = plan::Expr::Kind::List;
    for (Value arg : call.getArgs()) {
      FailureOr<plan::Expr> value = exprOf(call, arg);
      if (failed(value))
        return failure();
      step.expr.operands.push_back(std::move(*value));
    }
    step.branchSlot = out.numSlots;
    llvm::StringMap<uint32_t> calleeArgs;
    for (auto [index, attr] : llvm::enumerate(callee.getArgNames())) {
      calleeArgs.try_emplace(cast<StringAttr>(attr).getValue(), out.numSlots++);
      out.slotTypes.push_back(toPlanType(callee.getArgType(index)));
    }
    std::swap(argSlots, calleeArgs);
    llvm::StringMap<uint32_t> callerCaptures = std::move(captureIndices);
    captureIndices.clear();
    calling.push_back(callee);
    scopes.push_back(Scope{&step, {}});
    step.blocks.resize(1);
    LogicalResult result = translateBlock(
        callee.getBody().front(), callee.getInitialContext(), step.blocks[0]);
    scopes.pop_back();
    calling.pop_back();
    std::swap(argSlots, calleeArgs);
    captureIndices = std::move(callerCaptures);
    if (failed(result))
      return failure();
    step.slot = newSlot(call.getResult());
    into.steps.push_back(std::move(step));
    // The callee's text stays in the prompt.
    current = call.getNextCtx();
    return success();
  }

  static plan::SelectMethod toPlanMethod(sd::SelectMethod method) {
    switch (method) {
    case sd::SelectMethod::Normalized:
      return plan::SelectMethod::Normalized;
    case sd::SelectMethod::Greedy:
      return plan::SelectMethod::Greedy;
    case sd::SelectMethod::Unconditional:
      return plan::SelectMethod::Unconditional;
    }
    return plan::SelectMethod::Normalized;
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
    // A private (imported) program is only inlined where it is called.
    if (program.isPrivate())
      continue;
    plan::Program &out = result.programs.emplace_back();
    if (failed(ProgramTranslator(out).translate(program)))
      return failure();
  }
  return result;
}

} // namespace sgl::compiler
