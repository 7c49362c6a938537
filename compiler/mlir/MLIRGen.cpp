//===- MLIRGen.cpp - Lower the checked AST to the sgl dialect -------------===//
//
// Statements become ops that thread the prompt context:
//   "text {x} more"     -> sgl.text / sgl.append per piece
//   x, a.b[0]           -> the expression's ops, then sgl.append
//   gen x(...)          -> sgl.gen + sgl.capture "x"
//   select x from [...] -> sgl.select + sgl.capture "x"
//   user { ... }        -> sgl.role with a region
//   if c { } else { }   -> sgl.if (an `else if` is an sgl.if in the else)
//   for x in l { }      -> sgl.for; for i in a..b { } -> sgl.for_range
//   break               -> sgl.break
//   fork f[n] as i { }  -> sgl.fork + sgl.capture "f" (the body's captures
//                          are the branches' fields)
// Expressions become sgl.const, sgl.binary, sgl.index, ... over their
// operands. A capture read where its value does not dominate (after the
// role or if it was made in) is an sgl.read; past the loops it was made in,
// an sgl.collected.
//
//===----------------------------------------------------------------------===//
#include "compiler/mlir/MLIRGen.h"

#include "compiler/AST.h"
#include "compiler/SourceLocation.h"
#include "sgl/SGLOps.h"

#include "mlir/IR/Builders.h"
#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/MLIRContext.h"
#include "mlir/IR/Verifier.h"
#include "llvm/ADT/SmallVector.h"

#include <cassert>
#include <string>
#include <vector>

using namespace mlir;

namespace sgl::compiler {
namespace {

namespace sd = sgl::dialect;

sd::Role toDialectRole(Role role) {
  switch (role) {
  case Role::System:
    return sd::Role::System;
  case Role::User:
    return sd::Role::User;
  case Role::Assistant:
    return sd::Role::Assistant;
  }
  return sd::Role::User;
}

/// Lowers one module. Per program it keeps the SSA value of each argument,
/// capture (by Sema's capture index) and loop variable as emission goes.
class MLIRGenImpl {
public:
  MLIRGenImpl(MLIRContext &context, const SourceManager &sources)
      : builder(&context), sources(sources) {}

  OwningOpRef<ModuleOp> run(const Module &module) {
    theModule = ModuleOp::create(builder.getUnknownLoc());
    for (const Program &program : module.programs)
      if (failed(genProgram(program)))
        return nullptr;
    if (failed(verify(*theModule)))
      return nullptr;
    return std::move(theModule);
  }

private:
  OpBuilder builder;
  const SourceManager &sources;
  OwningOpRef<ModuleOp> theModule;

  /// Per-program state.
  const Program *program = nullptr;
  std::vector<Value> argValues;
  std::vector<Value> captureValues;
  std::vector<Value> loopVarValues;

  Location loc(SourceLoc where) {
    if (!where.isValid())
      return builder.getUnknownLoc();
    return FileLineColLoc::get(builder.getStringAttr(sources.name(where.file)),
                               where.line, where.col);
  }
  Location loc(const SourceRange &range) { return loc(range.begin); }

  mlir::Type toType(const compiler::Type &type) {
    MLIRContext *context = builder.getContext();
    switch (type.kind) {
    case compiler::Type::Kind::Int:
      return sd::IntType::get(context);
    case compiler::Type::Kind::Number:
      return sd::NumberType::get(context);
    case compiler::Type::Kind::Bool:
      return sd::BoolType::get(context);
    case compiler::Type::Kind::Json:
      return sd::JsonType::get(context);
    case compiler::Type::Kind::List:
      // An empty list literal takes strings: nothing reads its items.
      return sd::ListType::get(context, type.element.empty()
                                            ? sd::StrType::get(context)
                                            : toType(type.element[0]));
    case compiler::Type::Kind::Str:
    case compiler::Type::Kind::Error:
      break;
    }
    return sd::StrType::get(context);
  }

  /// A default value's attribute: the literal, or an array of literals.
  Attribute defaultAttr(const Expr &value, const compiler::Type &type) {
    switch (value.kind) {
    case Expr::Kind::Int:
      if (type.kind == compiler::Type::Kind::Number)
        return builder.getF64FloatAttr(static_cast<double>(value.integer));
      return builder.getI64IntegerAttr(value.integer);
    case Expr::Kind::Float:
      return builder.getF64FloatAttr(value.number);
    case Expr::Kind::Bool:
      return builder.getBoolAttr(value.boolean);
    case Expr::Kind::String:
      return builder.getStringAttr(value.string.constantText());
    case Expr::Kind::Neg: {
      Attribute inner = defaultAttr(value.operands[0], type);
      if (auto f = dyn_cast<FloatAttr>(inner))
        return builder.getF64FloatAttr(-f.getValueAsDouble());
      return builder.getI64IntegerAttr(
          -cast<IntegerAttr>(inner).getValue().getSExtValue());
    }
    case Expr::Kind::List: {
      llvm::SmallVector<Attribute> items;
      for (const Expr &item : value.operands)
        items.push_back(
            defaultAttr(item, type.element.empty() ? type : type.element[0]));
      return builder.getArrayAttr(items);
    }
    default:
      return builder.getUnitAttr();
    }
  }

  LogicalResult genProgram(const Program &program) {
    this->program = &program;
    builder.setInsertionPointToEnd(theModule->getBody());
    llvm::SmallVector<llvm::StringRef> argNames;
    llvm::SmallVector<mlir::Type> argTypes;
    llvm::SmallVector<Attribute> defaults;
    bool typed = false, anyDefault = false;
    for (const Param &param : program.params) {
      argNames.push_back(param.name);
      argTypes.push_back(toType(param.type));
      typed |= param.type.kind != compiler::Type::Kind::Str;
      anyDefault |= !param.defaultValue.empty();
      defaults.push_back(
          param.defaultValue.empty()
              ? Attribute(builder.getUnitAttr())
              : defaultAttr(param.defaultValue.front(), param.type));
    }
    auto op = sd::ProgramOp::create(builder, loc(program.nameRange),
                                    program.name, argNames);
    if (typed)
      op.setArgTypesAttr(builder.getTypeArrayAttr(argTypes));
    if (anyDefault)
      op.setArgDefaultsAttr(builder.getArrayAttr(defaults));
    // An imported program is only called: no entry of the plan.
    if (program.imported)
      op.setSymVisibilityAttr(builder.getStringAttr("private"));
    builder.setInsertionPointToStart(&op.getBody().front());

    argValues.clear();
    captureValues.assign(program.captures.size(), Value());
    loopVarValues.assign(program.loopVars.size(), Value());
    for (auto [param, type] : llvm::zip_equal(program.params, argTypes))
      argValues.push_back(
          sd::ArgOp::create(builder, loc(param.range), type, param.name));

    Value ctx = op.getInitialContext();
    if (failed(genBody(program.body, ctx)))
      return failure();
    sd::YieldOp::create(builder, loc(program.range.end), ctx);
    return success();
  }

  /// Emits `body`; returns true in `broke` when it ended in a `break`
  /// (which is then the block's terminator).
  LogicalResult genBody(const StmtList &body, Value &ctx,
                        bool *broke = nullptr) {
    for (const std::unique_ptr<Stmt> &stmt : body) {
      if (auto *brk = dynCast<BreakStmt>(stmt.get())) {
        sd::BreakOp::create(builder, loc(brk->range), ctx);
        if (broke)
          *broke = true;
        return success();
      }
      if (failed(genStmt(*stmt, ctx)))
        return failure();
    }
    return success();
  }

  LogicalResult genStmt(const Stmt &stmt, Value &ctx) {
    switch (stmt.kind()) {
    case Stmt::Kind::Text:
      return genText(dynCast<TextStmt>(&stmt)->text, ctx);
    case Stmt::Kind::Append: {
      const auto &append = *dynCast<AppendStmt>(&stmt);
      Value value = genExpr(append.value);
      if (!value)
        return failure();
      ctx = sd::AppendOp::create(builder, loc(append.range), ctx, value);
      return success();
    }
    case Stmt::Kind::Gen:
      return genGen(*dynCast<GenStmt>(&stmt), ctx);
    case Stmt::Kind::Select:
      return genSelect(*dynCast<SelectStmt>(&stmt), ctx);
    case Stmt::Kind::Role:
      return genRole(*dynCast<RoleStmt>(&stmt), ctx);
    case Stmt::Kind::If:
      return genIf(*dynCast<IfStmt>(&stmt), 0, ctx);
    case Stmt::Kind::For:
      return genFor(*dynCast<ForStmt>(&stmt), ctx);
    case Stmt::Kind::Fork:
      return genFork(*dynCast<ForkStmt>(&stmt), ctx);
    case Stmt::Kind::Call:
      return genCall(*dynCast<CallStmt>(&stmt), ctx);
    case Stmt::Kind::Break:
      break;
    }
    return emitError(loc(stmt.range)) << "unsupported statement";
  }

  //===--- Expressions ----------------------------------------------------===//

  /// The value a resolved name refers to here, or null after an error.
  Value genName(const Expr &expr) {
    const NameTarget &target = expr.target;
    switch (target.kind) {
    case NameTarget::Kind::Arg:
      assert(target.index < argValues.size() && "Sema gave a bad argument");
      return argValues[target.index];
    case NameTarget::Kind::LoopVar:
      assert(target.index < loopVarValues.size() && "Sema gave a bad loop var");
      return loopVarValues[target.index];
    case NameTarget::Kind::Capture: {
      assert(target.index < captureValues.size() && "Sema gave a bad capture");
      Location where = loc(expr.range);
      if (target.asList)
        return sd::CollectedOp::create(builder, where, toType(expr.type),
                                       expr.name);
      Value value = captureValues[target.index];
      if (value && value.getParentRegion()->isAncestor(
                       builder.getInsertionBlock()->getParent()))
        return value;
      return sd::ReadOp::create(builder, where, toType(expr.type), expr.name);
    }
    case NameTarget::Kind::Unresolved:
      break;
    }
    emitError(loc(expr.range)) << "unresolved name '" << expr.name << "'";
    return Value();
  }

  Value genExpr(const Expr &expr) {
    // An operator's run-time errors (an index past the end, a division by
    // zero) point at the operator.
    Location where =
        loc(expr.opRange.begin.isValid() ? expr.opRange : expr.range);
    switch (expr.kind) {
    case Expr::Kind::Name:
      return genName(expr);
    case Expr::Kind::Int:
      return sd::ConstOp::create(builder, where, toType(expr.type),
                                 builder.getI64IntegerAttr(expr.integer));
    case Expr::Kind::Float:
      return sd::ConstOp::create(builder, where, toType(expr.type),
                                 builder.getF64FloatAttr(expr.number));
    case Expr::Kind::Bool:
      return sd::ConstOp::create(builder, where, toType(expr.type),
                                 builder.getBoolAttr(expr.boolean));
    case Expr::Kind::String:
      return genStringValue(expr);
    default:
      break;
    }
    llvm::SmallVector<Value> operands;
    for (const Expr &operand : expr.operands) {
      operands.push_back(genExpr(operand));
      if (!operands.back())
        return Value();
    }
    switch (expr.kind) {
    case Expr::Kind::List:
      return sd::ListOp::create(builder, where, toType(expr.type), operands);
    case Expr::Kind::Field:
      return sd::FieldOp::create(builder, where, toType(expr.type), operands[0],
                                 expr.name);
    case Expr::Kind::Index:
      return sd::IndexOp::create(builder, where, toType(expr.type), operands[0],
                                 operands[1]);
    case Expr::Kind::Call:
      return sd::LenOp::create(builder, where, operands[0]);
    case Expr::Kind::Neg:
      return sd::NegOp::create(builder, where, operands[0].getType(),
                               operands[0]);
    case Expr::Kind::Not:
      return sd::NotOp::create(builder, where, operands[0]);
    case Expr::Kind::Binary:
      return sd::BinaryOp::create(builder, where, toType(expr.type),
                                  toBinaryKind(expr.op), operands[0],
                                  operands[1]);
    default:
      break;
    }
    emitError(where) << "unsupported expression";
    return Value();
  }

  static sd::BinaryKind toBinaryKind(Expr::Op op) {
    switch (op) {
    case Expr::Op::Add:
      return sd::BinaryKind::Add;
    case Expr::Op::Sub:
      return sd::BinaryKind::Sub;
    case Expr::Op::Mul:
      return sd::BinaryKind::Mul;
    case Expr::Op::Div:
      return sd::BinaryKind::Div;
    case Expr::Op::Mod:
      return sd::BinaryKind::Mod;
    case Expr::Op::Eq:
      return sd::BinaryKind::Eq;
    case Expr::Op::Ne:
      return sd::BinaryKind::Ne;
    case Expr::Op::Lt:
      return sd::BinaryKind::Lt;
    case Expr::Op::Le:
      return sd::BinaryKind::Le;
    case Expr::Op::Gt:
      return sd::BinaryKind::Gt;
    case Expr::Op::Ge:
      return sd::BinaryKind::Ge;
    case Expr::Op::In:
      return sd::BinaryKind::In;
    case Expr::Op::And:
      return sd::BinaryKind::And;
    case Expr::Op::Or:
      return sd::BinaryKind::Or;
    }
    return sd::BinaryKind::Add;
  }

  /// A string expression: its literal text and interpolations concatenated.
  Value genStringValue(const Expr &expr) {
    mlir::Type str = sd::StrType::get(builder.getContext());
    Value result;
    for (const TextPiece &piece : expr.string.pieces) {
      Location where = loc(piece.range);
      Value part;
      if (piece.kind == TextPiece::Kind::Literal) {
        part = sd::ConstOp::create(builder, where, str,
                                   builder.getStringAttr(piece.text));
      } else {
        part = genExpr(piece.expr.front());
        if (!part)
          return Value();
        assert(part.getType() == str && "Sema checks the pieces are strings");
      }
      result = result ? sd::BinaryOp::create(builder, where, str,
                                             sd::BinaryKind::Add, result, part)
                            .getResult()
                      : part;
    }
    if (!result)
      result = sd::ConstOp::create(builder, loc(expr.range), str,
                                   builder.getStringAttr(""));
    return result;
  }

  //===--- Statements -----------------------------------------------------===//

  LogicalResult genText(const StringLiteral &text, Value &ctx) {
    for (const TextPiece &piece : text.pieces) {
      if (piece.kind == TextPiece::Kind::Interpolation) {
        Value value = genExpr(piece.expr.front());
        if (!value)
          return failure();
        ctx = sd::AppendOp::create(builder, loc(piece.range), ctx, value);
      } else if (!piece.text.empty()) {
        ctx = sd::TextOp::create(builder, loc(piece.range), ctx, piece.text);
      }
    }
    return success();
  }

  void recordCapture(unsigned index, Value value, Location where,
                     llvm::StringRef name) {
    assert(index < captureValues.size() && "Sema gave a bad capture index");
    sd::CaptureOp::create(builder, where, name, value);
    captureValues[index] = value;
  }

  LogicalResult genGen(const GenStmt &stmt, Value &ctx) {
    Location where = loc(stmt.range);
    const GenParams &params = stmt.params;
    const GenConstraint &constraint = params.constraint;
    // A json_schema gen gives JSON; a typed one the type Sema gave it.
    mlir::Type resultType = toType(program->captures[stmt.captureIndex].type);
    auto op = sd::GenOp::create(builder, where, ctx, resultType);
    if (params.maxTokens)
      op.setMaxTokensAttr(builder.getI64IntegerAttr(*params.maxTokens));
    if (!params.stop.empty()) {
      llvm::SmallVector<llvm::StringRef> stop(params.stop.begin(),
                                              params.stop.end());
      op.setStopAttr(builder.getStrArrayAttr(stop));
    }
    if (params.temperature)
      op.setTemperatureAttr(builder.getF64FloatAttr(*params.temperature));
    if (params.topP)
      op.setTopPAttr(builder.getF64FloatAttr(*params.topP));
    if (params.topK)
      op.setTopKAttr(builder.getI64IntegerAttr(*params.topK));
    if (params.seed)
      op.setSeedAttr(builder.getI64IntegerAttr(*params.seed));
    if (params.minP)
      op.setMinPAttr(builder.getF64FloatAttr(*params.minP));
    if (params.repetitionPenalty)
      op.setRepetitionPenaltyAttr(
          builder.getF64FloatAttr(*params.repetitionPenalty));
    if (params.frequencyPenalty)
      op.setFrequencyPenaltyAttr(
          builder.getF64FloatAttr(*params.frequencyPenalty));
    if (params.presencePenalty)
      op.setPresencePenaltyAttr(
          builder.getF64FloatAttr(*params.presencePenalty));
    if (constraint.kind == GenConstraint::Kind::Regex)
      op.setRegexAttr(builder.getStringAttr(constraint.text));
    if (constraint.kind == GenConstraint::Kind::JsonSchema)
      op.setJsonSchemaAttr(builder.getStringAttr(constraint.text));
    ctx = op.getNextCtx();
    recordCapture(stmt.captureIndex, op.getGenerated(), loc(stmt.nameRange),
                  stmt.name);
    return success();
  }

  LogicalResult genSelect(const SelectStmt &stmt, Value &ctx) {
    std::vector<std::string> choices;
    for (const StringLiteral &choice : stmt.choices) {
      if (!choice.isConstant())
        return emitError(loc(choice.range))
               << "a select choice must be a constant string";
      choices.push_back(choice.constantText());
    }
    llvm::SmallVector<llvm::StringRef> refs(choices.begin(), choices.end());
    auto op = sd::SelectOp::create(builder, loc(stmt.range), ctx, refs,
                                   toDialectMethod(stmt.method));
    ctx = op.getNextCtx();
    recordCapture(stmt.captureIndex, op.getChoice(), loc(stmt.nameRange),
                  stmt.name);
    return success();
  }

  /// Emits `body` into the single block of `region`, whose arguments are
  /// the context and then `extra`; the block ends in sgl.yield unless the
  /// body ended in a break.
  LogicalResult genRegion(Region &region, const StmtList &body, Location where,
                          Location end, llvm::ArrayRef<mlir::Type> extra = {},
                          Value *extraArg = nullptr) {
    Block *block = new Block();
    region.push_back(block);
    Value inner =
        block->addArgument(sd::CtxType::get(builder.getContext()), where);
    for (mlir::Type type : extra)
      *extraArg = block->addArgument(type, where);
    OpBuilder::InsertionGuard guard(builder);
    builder.setInsertionPointToStart(block);
    bool broke = false;
    if (failed(genBody(body, inner, &broke)))
      return failure();
    if (!broke)
      sd::YieldOp::create(builder, end, inner);
    return success();
  }

  static sd::SelectMethod toDialectMethod(SelectMethod method) {
    switch (method) {
    case SelectMethod::Normalized:
      return sd::SelectMethod::Normalized;
    case SelectMethod::Greedy:
      return sd::SelectMethod::Greedy;
    case SelectMethod::Unconditional:
      return sd::SelectMethod::Unconditional;
    }
    return sd::SelectMethod::Normalized;
  }

  LogicalResult genFork(const ForkStmt &stmt, Value &ctx) {
    Location where = loc(stmt.range);
    Value count = genExpr(stmt.count);
    if (!count)
      return failure();
    auto op = sd::ForkOp::create(builder, where, ctx, count);
    Value &index = loopVarValues[stmt.varIndex];
    if (failed(genRegion(op.getBody(), stmt.body, where, loc(stmt.range.end),
                         {sd::IntType::get(builder.getContext())}, &index)))
      return failure();
    ctx = op.getNextCtx();
    recordCapture(stmt.captureIndex, op.getBranches(), loc(stmt.nameRange),
                  stmt.name);
    return success();
  }

  /// The callee's arguments in its order (a default for one not given,
  /// an int widened for a number), then the call.
  LogicalResult genCall(const CallStmt &stmt, Value &ctx) {
    assert(stmt.program && "Sema resolves every call");
    const Program &callee = *stmt.program;
    Location where = loc(stmt.range);
    llvm::SmallVector<Value> args;
    for (size_t p = 0; p < callee.params.size(); ++p) {
      const Param &param = callee.params[p];
      const int given = stmt.argForParam[p];
      Value value = given >= 0 ? genExpr(stmt.args[given].value)
                               : genDefault(param, where);
      if (!value)
        return failure();
      if (param.type.kind == compiler::Type::Kind::Number &&
          isa<sd::IntType>(value.getType())) {
        Value zero = sd::ConstOp::create(builder, where, toType(param.type),
                                         builder.getF64FloatAttr(0.0));
        value = sd::BinaryOp::create(builder, where, toType(param.type),
                                     sd::BinaryKind::Add, value, zero);
      }
      args.push_back(value);
    }
    auto op = sd::CallOp::create(builder, where, ctx, callee.name, args);
    ctx = op.getNextCtx();
    recordCapture(stmt.captureIndex, op.getResult(), loc(stmt.nameRange),
                  stmt.name);
    return success();
  }

  /// An argument's default (a literal, or a list of them) as a value of
  /// the argument's type.
  Value genDefault(const Param &param, Location where) {
    const Expr &value = param.defaultValue.front();
    if (value.kind == Expr::Kind::List) {
      llvm::SmallVector<Value> items;
      for (const Expr &item : value.operands)
        if (!items.emplace_back(genExpr(item)))
          return Value();
      return sd::ListOp::create(builder, where, toType(param.type), items);
    }
    return sd::ConstOp::create(builder, where, toType(param.type),
                               defaultAttr(value, param.type));
  }

  LogicalResult genRole(const RoleStmt &stmt, Value &ctx) {
    Location where = loc(stmt.range);
    auto op = sd::RoleOp::create(builder, where, toDialectRole(stmt.role), ctx);
    if (failed(genRegion(op.getBody(), stmt.body, where, loc(stmt.range.end))))
      return failure();
    ctx = op.getNextCtx();
    return success();
  }

  /// Emits arms [arm, end) of `stmt`: `else if` chains nest in the else.
  LogicalResult genIf(const IfStmt &stmt, size_t arm, Value &ctx) {
    const IfStmt::Arm &current = stmt.arms[arm];
    Value condition = genExpr(current.condition);
    if (!condition)
      return failure();
    Location where = loc(arm == 0 ? stmt.range : current.condition.range);
    auto op = sd::IfOp::create(builder, where, ctx.getType(), condition, ctx);
    Location end = loc(stmt.range.end);
    if (failed(genRegion(op.getThenRegion(), current.body, where, end)))
      return failure();
    if (arm + 1 < stmt.arms.size()) {
      Block *block = new Block();
      op.getElseRegion().push_back(block);
      Value inner =
          block->addArgument(sd::CtxType::get(builder.getContext()), where);
      OpBuilder::InsertionGuard guard(builder);
      builder.setInsertionPointToStart(block);
      if (failed(genIf(stmt, arm + 1, inner)))
        return failure();
      sd::YieldOp::create(builder, end, inner);
    } else if (failed(
                   genRegion(op.getElseRegion(), stmt.elseBody, where, end))) {
      return failure();
    }
    ctx = op.getNextCtx();
    return success();
  }

  LogicalResult genFor(const ForStmt &stmt, Value &ctx) {
    Location where = loc(stmt.range);
    Value first = genExpr(stmt.iterable);
    if (!first)
      return failure();
    mlir::Type varType = toType(program->loopVars[stmt.varIndex].type);
    Value &var = loopVarValues[stmt.varIndex];
    Location end = loc(stmt.range.end);
    if (!stmt.rangeEnd.empty()) {
      Value last = genExpr(stmt.rangeEnd.front());
      if (!last)
        return failure();
      auto op = sd::ForRangeOp::create(builder, where, ctx.getType(), ctx,
                                       first, last);
      if (failed(
              genRegion(op.getBody(), stmt.body, where, end, {varType}, &var)))
        return failure();
      ctx = op.getNextCtx();
      return success();
    }
    auto op = sd::ForOp::create(builder, where, ctx.getType(), ctx, first);
    if (failed(genRegion(op.getBody(), stmt.body, where, end, {varType}, &var)))
      return failure();
    ctx = op.getNextCtx();
    return success();
  }
};

} // namespace

OwningOpRef<ModuleOp> mlirGen(MLIRContext &context, const Module &module,
                              const SourceManager &sources) {
  context.getOrLoadDialect<sgl::dialect::SGLDialect>();
  return MLIRGenImpl(context, sources).run(module);
}

} // namespace sgl::compiler
