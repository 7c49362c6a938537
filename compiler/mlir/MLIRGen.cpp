//===- MLIRGen.cpp - Lower the checked AST to the sgl dialect -------------===//
//
// Statements become ops that thread the prompt context:
//   "text {x} more"     -> sgl.text / sgl.append per piece
//   x                   -> sgl.append of the argument or capture
//   gen x(...)          -> sgl.gen + sgl.capture "x"
//   select x from [...] -> sgl.select + sgl.capture "x"
//   user { ... }        -> sgl.role with a region; strings captured inside
//                          it are yielded so later statements can use them
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

/// Lowers one module. Per program it keeps the SSA value of each argument
/// and of each capture (by Sema's capture index) as emission proceeds.
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
  std::vector<Value> argValues;
  std::vector<Value> captureValues;
  /// Capture indices assigned inside the role being emitted, in order; its
  /// values are yielded out of the role. Null outside a role.
  std::vector<unsigned> *roleCaptures = nullptr;

  Location loc(SourceLoc where) {
    if (!where.isValid())
      return builder.getUnknownLoc();
    return FileLineColLoc::get(builder.getStringAttr(sources.name(where.file)),
                               where.line, where.col);
  }
  Location loc(const SourceRange &range) { return loc(range.begin); }

  LogicalResult genProgram(const Program &program) {
    builder.setInsertionPointToEnd(theModule->getBody());
    llvm::SmallVector<llvm::StringRef> argNames;
    for (const Param &param : program.params)
      argNames.push_back(param.name);
    auto op = sd::ProgramOp::create(builder, loc(program.nameRange),
                                    program.name, argNames);
    builder.setInsertionPointToStart(&op.getBody().front());

    argValues.clear();
    captureValues.assign(program.captures.size(), Value());
    for (const Param &param : program.params)
      argValues.push_back(
          sd::ArgOp::create(builder, loc(param.range), param.name));

    Value ctx = op.getInitialContext();
    if (failed(genBody(program.body, ctx)))
      return failure();
    sd::YieldOp::create(builder, loc(program.range.end), ctx);
    return success();
  }

  LogicalResult genBody(const StmtList &body, Value &ctx) {
    for (const std::unique_ptr<Stmt> &stmt : body)
      if (failed(genStmt(*stmt, ctx)))
        return failure();
    return success();
  }

  LogicalResult genStmt(const Stmt &stmt, Value &ctx) {
    switch (stmt.kind()) {
    case Stmt::Kind::Text:
      return genText(*dynCast<TextStmt>(&stmt), ctx);
    case Stmt::Kind::Ref: {
      const auto &ref = *dynCast<RefStmt>(&stmt);
      Value value = lookup(ref.ref);
      if (!value)
        return failure();
      ctx = sd::AppendOp::create(builder, loc(ref.range), ctx, value);
      return success();
    }
    case Stmt::Kind::Gen:
      return genGen(*dynCast<GenStmt>(&stmt), ctx);
    case Stmt::Kind::Select:
      return genSelect(*dynCast<SelectStmt>(&stmt), ctx);
    case Stmt::Kind::Role:
      return genRole(*dynCast<RoleStmt>(&stmt), ctx);
    }
    return emitError(loc(stmt.range)) << "unsupported statement";
  }

  /// The SSA value a resolved name refers to, or null after an error.
  Value lookup(const NameRef &ref) {
    switch (ref.target.kind) {
    case NameTarget::Kind::Arg:
      assert(ref.target.index < argValues.size() &&
             "Sema gave a bad argument index");
      return argValues[ref.target.index];
    case NameTarget::Kind::Capture:
      assert(ref.target.index < captureValues.size() &&
             "Sema gave a bad capture index");
      if (Value value = captureValues[ref.target.index])
        return value;
      emitError(loc(ref.range))
          << "'" << ref.name << "' is used before it is captured";
      return Value();
    case NameTarget::Kind::Unresolved:
      break;
    }
    emitError(loc(ref.range)) << "unresolved name '" << ref.name << "'";
    return Value();
  }

  LogicalResult genText(const TextStmt &stmt, Value &ctx) {
    for (const TextPiece &piece : stmt.text.pieces) {
      if (piece.kind == TextPiece::Kind::Interpolation) {
        Value value = lookup(piece.ref);
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
    if (roleCaptures)
      roleCaptures->push_back(index);
  }

  LogicalResult genGen(const GenStmt &stmt, Value &ctx) {
    Location where = loc(stmt.range);
    auto op = sd::GenOp::create(builder, where, ctx);
    const GenParams &params = stmt.params;
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
    const GenConstraint &constraint = params.constraint;
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
    auto op = sd::SelectOp::create(builder, loc(stmt.range), ctx, refs);
    ctx = op.getNextCtx();
    recordCapture(stmt.captureIndex, op.getChoice(), loc(stmt.nameRange),
                  stmt.name);
    return success();
  }

  LogicalResult genRole(const RoleStmt &stmt, Value &ctx) {
    Location where = loc(stmt.range);
    if (roleCaptures)
      return emitError(where) << "'" << roleName(stmt.role)
                              << "' cannot be nested inside another role";

    // Emit the body into a detached block first: the role's result count is
    // the number of strings captured inside it, known only afterwards.
    auto block = std::make_unique<Block>();
    Value inner =
        block->addArgument(sd::CtxType::get(builder.getContext()), where);
    std::vector<unsigned> captured;
    {
      OpBuilder::InsertionGuard guard(builder);
      builder.setInsertionPointToStart(block.get());
      roleCaptures = &captured;
      LogicalResult result = genBody(stmt.body, inner);
      roleCaptures = nullptr;
      if (failed(result))
        return failure();
      llvm::SmallVector<Value> values;
      for (unsigned index : captured)
        values.push_back(captureValues[index]);
      sd::YieldOp::create(builder, loc(stmt.range.end), inner, values);
    }

    auto op = sd::RoleOp::create(builder, where, toDialectRole(stmt.role), ctx,
                                 static_cast<unsigned>(captured.size()));
    op.getBody().push_back(block.release());
    // After the role, later statements see the role's results.
    for (auto [index, value] : llvm::zip_equal(captured, op.getValues()))
      captureValues[index] = value;
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
