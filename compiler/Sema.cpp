//===- Sema.cpp - Name resolution, types and checks on the AST ------------===//
//
// One walk per program in program order resolves every name, infers the
// type of every expression and checks that each capture is read only where
// it is set on every path to the read (definite assignment over `if` arms
// and loop bodies). Inside the loops a capture lies in, its name is the
// value of this iteration; past one of them it is the list of the values of
// every iteration.
//
//===----------------------------------------------------------------------===//

#include "compiler/Sema.h"
#include "compiler/ExprTypes.h"
#include "compiler/GenOptions.h"
#include "compiler/TypeSchema.h"

#include <algorithm>
#include <map>
#include <set>

namespace sgl::compiler {

namespace {

/// Which captures are set on every path to the current statement.
using Assigned = std::vector<bool>;

/// The programs a call may name, checked before their callers.
class Callees {
public:
  virtual ~Callees() = default;
  /// The checked program `call` names, or null after reporting why there
  /// is none (an unknown name, a recursive call).
  virtual const Program *resolve(const CallStmt &call) = 0;
};

class ProgramChecker {
public:
  ProgramChecker(Program &program, const TypeTable &types,
                 DiagnosticEngine &diags, Callees &callees)
      : program_(program), types_(types), diags_(diags), callees_(callees) {}

  void check() {
    const unsigned errorsBefore = diags_.errorCount();
    for (unsigned i = 0;
         i < program_.params.size() && !diags_.errorLimitReached(); ++i)
      declareParam(program_.params[i], i);
    collectLaterCaptures(program_.body);
    checkBlock(program_.body);
    // The program's output object, for its callers.
    for (const Capture &capture : program_.captures) {
      if (capture.fork)
        continue;
      Type type = capture.type;
      for (unsigned i = 0; i < capture.loopDepth; ++i)
        type = Type::list(type);
      program_.outputs.push_back({capture.name, type});
    }
    // After an error a name may look unused only because its use failed.
    if (diags_.errorCount() != errorsBefore)
      return;
    for (const Param &param : program_.params)
      if (!param.used && param.type.kind != Type::Kind::Error &&
          !diags_.errorLimitReached())
        diags_.warning(param.range, "argument " + quoteSource(param.name) +
                                        " is never used");
  }

private:
  struct Declaration {
    NameTarget target;
    SourceRange range;
  };

  /// The statement's effect on the flow: whether control can go on after
  /// it (a `break` cannot).
  enum class Flow { Continues, Breaks };

  void declareParam(Param &param, unsigned index) {
    param.type = paramType(param.typeRef);
    if (param.type.kind == Type::Kind::Error)
      diags_.error(param.typeRef.range,
                   "unknown type " + quoteSource(spelling(param.typeRef)) +
                       " for argument " + quoteSource(param.name) +
                       "; arguments are 'str', 'int', 'number', 'bool' or "
                       "'[str]'");
    else if (!param.defaultValue.empty())
      checkDefault(param);
    // A redefined argument gets no "never used" warning on top.
    if (!declare(param.name, param.range, {NameTarget::Kind::Arg, index}))
      param.used = true;
  }

  static std::string spelling(const TypeRef &ref) {
    return std::string(ref.listDepth, '[') + ref.name +
           std::string(ref.listDepth, ']');
  }

  static Type paramType(const TypeRef &ref) {
    Type base = ref.name == "str"      ? Type::of(Type::Kind::Str)
                : ref.name == "int"    ? Type::of(Type::Kind::Int)
                : ref.name == "number" ? Type::of(Type::Kind::Number)
                : ref.name == "bool"   ? Type::of(Type::Kind::Bool)
                                       : Type::of(Type::Kind::Error);
    if (ref.listDepth == 0 || base.kind == Type::Kind::Error)
      return ref.listDepth == 0 ? base : Type::of(Type::Kind::Error);
    return ref.listDepth == 1 && base.kind == Type::Kind::Str
               ? Type::list(base)
               : Type::of(Type::Kind::Error);
  }

  /// A default is a literal of the argument's type, checked without names.
  void checkDefault(Param &param) {
    Expr &value = param.defaultValue.front();
    if (!isConstantLiteral(value)) {
      diags_.error(value.range, "the default of argument " +
                                    quoteSource(param.name) +
                                    " must be a literal");
      return;
    }
    Type type = typeOf(value);
    if (type.kind == Type::Kind::Error)
      return;
    if (!assignable(type, param.type))
      diags_.error(value.range, "the default of argument " +
                                    quoteSource(param.name) + " is " +
                                    quoteSource(typeName(type)) + ", not " +
                                    quoteSource(typeName(param.type)));
  }

  static bool isConstantLiteral(const Expr &e) {
    switch (e.kind) {
    case Expr::Kind::Int:
    case Expr::Kind::Float:
    case Expr::Kind::Bool:
      return true;
    case Expr::Kind::String:
      return e.string.isConstant();
    case Expr::Kind::Neg:
      return e.operands[0].kind == Expr::Kind::Int ||
             e.operands[0].kind == Expr::Kind::Float;
    case Expr::Kind::List:
      return std::all_of(e.operands.begin(), e.operands.end(),
                         isConstantLiteral);
    default:
      return false;
    }
  }

  /// A value of type `from` may stand where `to` is expected: the same type,
  /// an int for a number, an empty list for any list.
  static bool assignable(const Type &from, const Type &to) {
    if (from == to)
      return true;
    if (from.kind == Type::Kind::Int && to.kind == Type::Kind::Number)
      return true;
    return from.kind == Type::Kind::List && to.kind == Type::Kind::List &&
           from.element.empty();
  }

  /// Records a name; reports a redefinition and returns false if taken.
  bool declare(const std::string &name, SourceRange range, NameTarget target) {
    if (const Declaration *loopVar = findLoopVar(name)) {
      redefinition(name, range, loopVar->range);
      return false;
    }
    auto [it, inserted] = scope_.emplace(name, Declaration{target, range});
    if (inserted)
      return true;
    redefinition(name, range, it->second.range);
    return false;
  }

  void redefinition(const std::string &name, SourceRange range,
                    SourceRange previous) {
    diags_.error(range, "redefinition of " + quoteSource(name));
    diags_.note(previous, "previous definition is here");
  }

  const Declaration *findLoopVar(const std::string &name) const {
    for (auto it = loopScopes_.rbegin(); it != loopScopes_.rend(); ++it)
      if (it->name == name)
        return &it->declaration;
    return nullptr;
  }

  /// Remembers every capture name so a use before its gen can say so.
  void collectLaterCaptures(const StmtList &body) {
    for (const auto &stmt : body) {
      if (auto *gen = dynCast<GenStmt>(stmt.get()))
        laterCaptures_.insert(gen->name);
      else if (auto *select = dynCast<SelectStmt>(stmt.get()))
        laterCaptures_.insert(select->name);
      else if (auto *role = dynCast<RoleStmt>(stmt.get()))
        collectLaterCaptures(role->body);
      else if (auto *ifStmt = dynCast<IfStmt>(stmt.get())) {
        for (const IfStmt::Arm &arm : ifStmt->arms)
          collectLaterCaptures(arm.body);
        collectLaterCaptures(ifStmt->elseBody);
      } else if (auto *forStmt = dynCast<ForStmt>(stmt.get())) {
        collectLaterCaptures(forStmt->body);
      } else if (auto *fork = dynCast<ForkStmt>(stmt.get())) {
        laterCaptures_.insert(fork->name);
        collectLaterCaptures(fork->body);
      } else if (auto *call = dynCast<CallStmt>(stmt.get())) {
        laterCaptures_.insert(call->name);
      }
    }
  }

  //===--- Names ----------------------------------------------------------===//

  Type resolveName(Expr &expr) {
    for (auto it = loopScopes_.rbegin(); it != loopScopes_.rend(); ++it)
      if (it->name == expr.name) {
        expr.target = it->declaration.target;
        return program_.loopVars[expr.target.index].type;
      }
    auto it = scope_.find(expr.name);
    if (it == scope_.end()) {
      if (laterCaptures_.count(expr.name))
        diags_.error(expr.range, "use of " + quoteSource(expr.name) +
                                     " before it is generated");
      else
        diags_.error(expr.range,
                     "use of undeclared name " + quoteSource(expr.name));
      return Type::of(Type::Kind::Error);
    }
    expr.target = it->second.target;
    if (expr.target.kind == NameTarget::Kind::Arg) {
      program_.params[expr.target.index].used = true;
      return program_.params[expr.target.index].type;
    }
    return captureType(expr);
  }

  /// A capture read here: this iteration's value inside its loops, the
  /// list of every iteration's value past them.
  Type captureType(Expr &expr) {
    const unsigned index = expr.target.index;
    const CaptureInfo &info = captures_[index];
    if (const ForkStmt *fork = program_.captures[index].fork;
        fork && !insideFork(fork)) {
      diags_.error(expr.range,
                   quoteSource(expr.name) + " is made in each branch of fork " +
                       quoteSource(fork->name) + "; outside it, read " +
                       quoteSource(fork->name + "[i]." + expr.name));
      diags_.note(fork->nameRange, "the fork is here");
      return Type::of(Type::Kind::Error);
    }
    const size_t common = commonLoops(info.loops);
    if (!assigned_[index]) {
      diags_.error(expr.range,
                   quoteSource(expr.name) +
                       " is not captured on every path to this use");
      diags_.note(program_.captures[index].range, "captured here");
      return Type::of(Type::Kind::Error);
    }
    Type type = program_.captures[index].type;
    expr.target.asList = info.loops.size() > common;
    for (size_t i = common; i < info.loops.size(); ++i)
      type = Type::list(type);
    return type;
  }

  bool insideFork(const ForkStmt *fork) const {
    return std::any_of(forkStack_.begin(), forkStack_.end(),
                       [&](const OpenFork &open) { return open.fork == fork; });
  }

  /// How many of the loops in `loops` (outermost first) enclose the
  /// statement being checked.
  size_t commonLoops(const std::vector<const ForStmt *> &loops) const {
    size_t common = 0;
    while (common < loops.size() && common < loopStack_.size() &&
           loops[common] == loopStack_[common])
      ++common;
    return common;
  }

  //===--- Expressions ----------------------------------------------------===//

  Type typeOf(Expr &expr) {
    if (diags_.errorLimitReached())
      return expr.type = Type::of(Type::Kind::Error);
    expr.type = inferType(expr);
    return expr.type;
  }

  Type inferType(Expr &expr) {
    switch (expr.kind) {
    case Expr::Kind::Name:
      return resolveName(expr);
    case Expr::Kind::Int:
      return Type::of(Type::Kind::Int);
    case Expr::Kind::Float:
      return Type::of(Type::Kind::Number);
    case Expr::Kind::Bool:
      return Type::of(Type::Kind::Bool);
    case Expr::Kind::String:
      return stringValueType(expr.string);
    case Expr::Kind::List:
      return listType(expr);
    case Expr::Kind::Call:
      return callType(expr);
    case Expr::Kind::Field:
      return fieldType(expr);
    default:
      break;
    }
    std::vector<Type> operands;
    for (Expr &operand : expr.operands)
      operands.push_back(typeOf(operand));
    for (const Type &type : operands)
      if (type.kind == Type::Kind::Error)
        return Type::of(Type::Kind::Error);
    ExprTypeResult result = operatorType(expr, operands);
    if (!result.error.empty())
      diags_.error(result.at, result.error);
    return result.type;
  }

  Type listType(Expr &expr) {
    if (expr.operands.empty())
      return Type{Type::Kind::List, {}};
    Type element;
    bool first = true;
    for (Expr &item : expr.operands) {
      Type type = typeOf(item);
      if (type.kind == Type::Kind::Error)
        return type;
      if (first) {
        element = type;
        first = false;
      } else if (type != element) {
        if (type.isNumeric() && element.isNumeric()) {
          element = Type::of(Type::Kind::Number);
          continue;
        }
        diags_.error(item.range, "list items must have one type: this one is " +
                                     quoteSource(typeName(type)) +
                                     ", the items before it are " +
                                     quoteSource(typeName(element)));
        return Type::of(Type::Kind::Error);
      }
    }
    return Type::list(element);
  }

  /// A field of a typed gen's record has the field's type; of other JSON,
  /// JSON.
  Type fieldType(Expr &expr) {
    Type base = typeOf(expr.operands[0]);
    if (base.kind == Type::Kind::Error)
      return base;
    if (base.kind == Type::Kind::Json && base.record) {
      if (std::optional<Type> field = types_.fieldType(*base.record, expr.name))
        return *field;
      diags_.error(expr.opRange,
                   "the record has no field " + quoteSource(expr.name));
      return Type::of(Type::Kind::Error);
    }
    if (base.kind == Type::Kind::Json && base.fork) {
      for (const OutputField &field : base.fork->fields)
        if (field.name == expr.name)
          return field.type;
      diags_.error(expr.opRange, "the branches of fork " +
                                     quoteSource(base.fork->name) +
                                     " capture no " + quoteSource(expr.name));
      return Type::of(Type::Kind::Error);
    }
    if (base.kind == Type::Kind::Json && base.call) {
      for (const OutputField &field : base.call->outputs)
        if (field.name == expr.name)
          return field.type;
      diags_.error(expr.opRange, "program " + quoteSource(base.call->name) +
                                     " captures no " + quoteSource(expr.name));
      return Type::of(Type::Kind::Error);
    }
    ExprTypeResult result = operatorType(expr, {base});
    if (!result.error.empty())
      diags_.error(result.at, result.error);
    return result.type;
  }

  Type callType(Expr &expr) {
    if (expr.name != "len") {
      diags_.error(expr.opRange, "unknown function " + quoteSource(expr.name) +
                                     "; the built-in function is 'len'");
      return Type::of(Type::Kind::Error);
    }
    if (expr.operands.size() != 1) {
      diags_.error(expr.range, "'len' takes one argument, not " +
                                   std::to_string(expr.operands.size()));
      return Type::of(Type::Kind::Error);
    }
    Type arg = typeOf(expr.operands[0]);
    if (arg.kind == Type::Kind::Error)
      return arg;
    if (arg.kind != Type::Kind::Str && arg.kind != Type::Kind::List &&
        arg.kind != Type::Kind::Json) {
      diags_.error(expr.operands[0].range,
                   "'len' takes a string or a list, not " +
                       quoteSource(typeName(arg)));
      return Type::of(Type::Kind::Error);
    }
    return Type::of(Type::Kind::Int);
  }

  /// A string used as a value (`s == "a {t}"`) joins its pieces, which are
  /// strings: only appending turns other values into text.
  Type stringValueType(StringLiteral &literal) {
    Type result = Type::of(Type::Kind::Str);
    for (TextPiece &piece : literal.pieces) {
      if (piece.kind != TextPiece::Kind::Interpolation ||
          diags_.errorLimitReached())
        continue;
      Expr &inner = piece.expr.front();
      Type type = typeOf(inner);
      if (type.kind == Type::Kind::Error) {
        result = type;
      } else if (type.kind != Type::Kind::Str) {
        diags_.error(inner.range,
                     "a string used as a value can interpolate only strings, "
                     "not " +
                         quoteSource(typeName(type)));
        result = Type::of(Type::Kind::Error);
      }
    }
    return result;
  }

  void checkInterpolations(StringLiteral &literal) {
    for (TextPiece &piece : literal.pieces)
      if (piece.kind == TextPiece::Kind::Interpolation &&
          !diags_.errorLimitReached())
        typeOf(piece.expr.front());
  }

  void checkCondition(Expr &condition, const char *construct) {
    Type type = typeOf(condition);
    if (type.kind != Type::Kind::Error && type.kind != Type::Kind::Bool)
      diags_.error(condition.range,
                   std::string("the condition of '") + construct + "' is " +
                       quoteSource(typeName(type)) + ", not 'bool'");
  }

  //===--- Statements -----------------------------------------------------===//

  /// Declares a capture of the innermost fork's branches (or of the
  /// program): it is a list per loop inside that fork.
  void addCapture(const std::string &name, SourceRange range, Type type,
                  unsigned &captureIndex) {
    unsigned index = static_cast<unsigned>(program_.captures.size());
    captureIndex = index;
    if (!declare(name, range, {NameTarget::Kind::Capture, index}))
      return;
    const size_t scopeLoops = forkStack_.empty() ? 0 : forkStack_.back().loops;
    ForkStmt *fork = forkStack_.empty() ? nullptr : forkStack_.back().fork;
    program_.captures.push_back(
        Capture{name, range, type,
                static_cast<unsigned>(loopStack_.size() - scopeLoops), fork});
    captures_.push_back(CaptureInfo{{loopStack_.begin(), loopStack_.end()}});
    assigned_.push_back(true);
    for (size_t i = scopeLoops; i < loopStack_.size(); ++i)
      loopStack_[i]->bodyCaptures.push_back(index);
    if (fork)
      fork->branchCaptures.push_back(index);
  }

  void checkSelect(SelectStmt &select) {
    if (select.choices.empty())
      diags_.error(select.choicesRange,
                   "select " + quoteSource(select.name) + " has no choices");
    std::map<std::string, SourceRange> seen;
    for (const StringLiteral &choice : select.choices) {
      if (diags_.errorLimitReached())
        return;
      if (!choice.isConstant()) {
        diags_.error(choice.range, "select choices must be constant strings");
        continue;
      }
      auto [it, inserted] = seen.emplace(choice.constantText(), choice.range);
      if (!inserted) {
        diags_.error(choice.range,
                     "duplicate choice in select " + quoteSource(select.name));
        diags_.note(it->second, "first listed here");
      }
    }
    checkSelectOptions(select);
    addCapture(select.name, select.nameRange, Type::of(Type::Kind::Str),
               select.captureIndex);
  }

  void checkSelectOptions(SelectStmt &select) {
    std::map<std::string, SourceRange> seen;
    for (const GenOption &option : select.options) {
      auto [it, inserted] = seen.emplace(option.name, option.nameRange);
      if (!inserted) {
        diags_.error(option.nameRange,
                     "duplicate option " + quoteSource(option.name));
        diags_.note(it->second, "first given here");
        continue;
      }
      if (option.name != "method") {
        diags_.error(option.nameRange, "unknown select option " +
                                           quoteSource(option.name) +
                                           "; select takes 'method'");
        continue;
      }
      const OptionValue &value = option.value;
      static constexpr SelectMethod kMethods[] = {SelectMethod::Normalized,
                                                  SelectMethod::Greedy,
                                                  SelectMethod::Unconditional};
      const SelectMethod *found = nullptr;
      for (const SelectMethod &method : kMethods)
        if (value.kind == OptionValue::Kind::Name &&
            value.name == selectMethodName(method))
          found = &method;
      if (!found) {
        diags_.error(value.range,
                     "option 'method' is 'normalized', 'greedy' or "
                     "'unconditional', not " +
                         (value.kind == OptionValue::Kind::Name
                              ? quoteSource(value.name)
                              : std::string(value.kindName())));
        continue;
      }
      select.method = *found;
    }
  }

  Flow checkBlock(StmtList &body) {
    for (size_t i = 0; i < body.size(); ++i) {
      // Nothing more would be shown; stop checking.
      if (diags_.errorLimitReached())
        return Flow::Continues;
      if (checkStmt(*body[i]) == Flow::Breaks) {
        if (i + 1 < body.size())
          diags_.error(body[i + 1]->range,
                       "this statement follows a 'break' and never runs");
        return Flow::Breaks;
      }
    }
    return Flow::Continues;
  }

  Flow checkStmt(Stmt &stmt) {
    if (auto *text = dynCast<TextStmt>(&stmt)) {
      checkInterpolations(text->text);
    } else if (auto *append = dynCast<AppendStmt>(&stmt)) {
      typeOf(append->value);
    } else if (auto *gen = dynCast<GenStmt>(&stmt)) {
      Type type = checkGen(*gen);
      addCapture(gen->name, gen->nameRange, type, gen->captureIndex);
    } else if (auto *select = dynCast<SelectStmt>(&stmt)) {
      checkSelect(*select);
    } else if (auto *role = dynCast<RoleStmt>(&stmt)) {
      return checkRole(*role);
    } else if (auto *ifStmt = dynCast<IfStmt>(&stmt)) {
      return checkIf(*ifStmt);
    } else if (auto *forStmt = dynCast<ForStmt>(&stmt)) {
      checkFor(*forStmt);
    } else if (dynCast<BreakStmt>(&stmt)) {
      return checkBreak(stmt);
    } else if (auto *fork = dynCast<ForkStmt>(&stmt)) {
      checkFork(*fork);
    } else if (auto *call = dynCast<CallStmt>(&stmt)) {
      checkCall(*call);
    }
    return Flow::Continues;
  }

  /// Binds the call's arguments to the callee's parameters (by position,
  /// then by name; defaults for the rest) and checks their types.
  void checkCall(CallStmt &call) {
    for (CallArg &arg : call.args)
      typeOf(arg.value);
    const Program *callee = callees_.resolve(call);
    call.program = callee;
    Type result = Type::of(Type::Kind::Json);
    if (callee) {
      result.call = callee;
      bindCallArgs(call, *callee);
      if (callee->usesRoles) {
        program_.usesRoles = true;
        if (enclosingRole_) {
          diags_.error(call.calleeRange,
                       "program " + quoteSource(callee->name) +
                           " writes chat messages, so it cannot be called "
                           "inside a message");
          diags_.note(enclosingRole_->keywordRange,
                      std::string("inside this '") +
                          roleName(enclosingRole_->role) + "' block");
        }
      }
    }
    addCapture(call.name, call.nameRange, result, call.captureIndex);
  }

  void bindCallArgs(CallStmt &call, const Program &callee) {
    const std::string who = "program " + quoteSource(callee.name);
    call.argForParam.assign(callee.params.size(), -1);
    bool named = false;
    size_t position = 0;
    for (size_t i = 0; i < call.args.size(); ++i) {
      CallArg &arg = call.args[i];
      size_t param = 0;
      if (arg.name.empty()) {
        if (named) {
          diags_.error(arg.value.range, "an argument by position cannot "
                                        "follow one by name");
          continue;
        }
        if (position >= callee.params.size()) {
          diags_.error(arg.value.range,
                       who + " takes " + std::to_string(callee.params.size()) +
                           " argument" +
                           (callee.params.size() == 1 ? "" : "s") + ", not " +
                           std::to_string(call.args.size()));
          return;
        }
        param = position++;
      } else {
        named = true;
        auto it =
            std::find_if(callee.params.begin(), callee.params.end(),
                         [&](const Param &p) { return p.name == arg.name; });
        if (it == callee.params.end()) {
          diags_.error(arg.nameRange,
                       who + " has no argument " + quoteSource(arg.name));
          continue;
        }
        param = static_cast<size_t>(it - callee.params.begin());
        if (int given = call.argForParam[param]; given >= 0) {
          diags_.error(arg.nameRange,
                       "argument " + quoteSource(arg.name) + " is given twice");
          const CallArg &first = call.args[static_cast<size_t>(given)];
          diags_.note(first.name.empty() ? first.value.range : first.nameRange,
                      "first given here");
          continue;
        }
      }
      call.argForParam[param] = static_cast<int>(i);
      const Param &p = callee.params[param];
      const Type &type = arg.value.type;
      if (type.kind != Type::Kind::Error && p.type.kind != Type::Kind::Error &&
          !assignable(type, p.type))
        diags_.error(arg.value.range,
                     "argument " + quoteSource(p.name) + " of " + who + " is " +
                         quoteSource(typeName(type)) + ", not " +
                         quoteSource(typeName(p.type)));
    }
    for (size_t param = 0; param < callee.params.size(); ++param)
      if (call.argForParam[param] < 0 &&
          callee.params[param].defaultValue.empty()) {
        diags_.error(call.calleeRange,
                     "missing argument " +
                         quoteSource(callee.params[param].name) + " of " + who);
        diags_.note(callee.params[param].range, "declared here");
      }
  }

  /// Checks a gen's options and type; returns the type of its capture.
  Type checkGen(GenStmt &gen) {
    if (gen.type.empty()) {
      checkGenOptions(gen, diags_);
      return gen.params.constraint.kind == GenConstraint::Kind::JsonSchema
                 ? Type::of(Type::Kind::Json)
                 : Type::of(Type::Kind::Str);
    }
    // `gen x: T` is a json_schema gen whose schema is T's.
    const TypeExpr &type = gen.type.front();
    if (types_.checkGenType(gen)) {
      GenConstraint &constraint = gen.params.constraint;
      constraint.kind = GenConstraint::Kind::JsonSchema;
      constraint.text = types_.schemaOf(type);
      constraint.fromType = true;
      constraint.valueRange = type.range;
    }
    checkGenOptions(gen, diags_);
    return types_.valueType(type);
  }

  Flow checkRole(RoleStmt &role) {
    program_.usesRoles = true;
    if (enclosingRole_) {
      diags_.error(role.keywordRange, "role blocks cannot be nested");
      diags_.note(enclosingRole_->keywordRange,
                  std::string("inside this '") +
                      roleName(enclosingRole_->role) + "' block");
    }
    const RoleStmt *outer = enclosingRole_;
    const size_t loopsOutside = rolesLoopDepth_;
    enclosingRole_ = &role;
    rolesLoopDepth_ = loopStack_.size();
    Flow flow = checkBlock(role.body);
    enclosingRole_ = outer;
    rolesLoopDepth_ = loopsOutside;
    return flow;
  }

  Flow checkBreak(Stmt &stmt) {
    if (loopStack_.empty()) {
      diags_.error(stmt.range, "'break' outside a loop");
      return Flow::Continues;
    }
    // A branch ends at the end of its fork's body, never by a break.
    if (!forkStack_.empty() && forkStack_.back().loops == loopStack_.size()) {
      diags_.error(stmt.range, "'break' cannot leave fork " +
                                   quoteSource(forkStack_.back().fork->name));
      diags_.note(forkStack_.back().fork->nameRange, "the fork is here");
      return Flow::Continues;
    }
    // A message must be closed before control leaves it.
    if (enclosingRole_ && rolesLoopDepth_ == loopStack_.size()) {
      diags_.error(stmt.range, std::string("'break' cannot leave the '") +
                                   roleName(enclosingRole_->role) +
                                   "' block it is in");
      diags_.note(enclosingRole_->keywordRange, "the block starts here");
    }
    return Flow::Breaks;
  }

  Flow checkIf(IfStmt &ifStmt) {
    const Assigned before = assigned_;
    // Captures set on every arm that goes on past the `if`.
    std::optional<Assigned> after;
    auto join = [&](Flow flow) {
      if (flow == Flow::Breaks)
        return;
      if (!after) {
        after = assigned_;
        return;
      }
      for (size_t i = 0; i < after->size(); ++i)
        (*after)[i] = (*after)[i] && i < assigned_.size() && assigned_[i];
    };
    for (IfStmt::Arm &arm : ifStmt.arms) {
      assigned_ = before;
      assigned_.resize(program_.captures.size(), false);
      checkCondition(arm.condition, "if");
      join(checkBlock(arm.body));
    }
    assigned_ = before;
    assigned_.resize(program_.captures.size(), false);
    join(checkBlock(ifStmt.elseBody));
    if (!after) {
      // Every arm breaks: nothing after the `if` runs.
      assigned_.assign(program_.captures.size(), true);
      return Flow::Breaks;
    }
    assigned_ = *after;
    assigned_.resize(program_.captures.size(), false);
    return Flow::Continues;
  }

  void checkFor(ForStmt &loop) {
    Type varType = Type::of(Type::Kind::Error);
    Type first = typeOf(loop.iterable);
    if (!loop.rangeEnd.empty()) {
      Type end = typeOf(loop.rangeEnd.front());
      if (first.kind != Type::Kind::Error && first.kind != Type::Kind::Int)
        diags_.error(loop.iterable.range, "a range starts at an 'int', not " +
                                              quoteSource(typeName(first)));
      else if (end.kind != Type::Kind::Error && end.kind != Type::Kind::Int)
        diags_.error(loop.rangeEnd.front().range,
                     "a range ends at an 'int', not " +
                         quoteSource(typeName(end)));
      else
        varType = Type::of(Type::Kind::Int);
    } else if (first.kind == Type::Kind::List) {
      if (first.element.empty())
        diags_.error(loop.iterable.range,
                     "a loop over an empty list literal never runs");
      else
        varType = first.element.front();
    } else if (first.kind == Type::Kind::Json) {
      varType = first;
    } else if (first.kind != Type::Kind::Error) {
      diags_.error(loop.iterable.range,
                   "'for' runs over a list or a range 'a..b', not " +
                       quoteSource(typeName(first)));
    }

    loop.varIndex = static_cast<unsigned>(program_.loopVars.size());
    program_.loopVars.push_back(LoopVar{loop.var, loop.varRange, varType});
    if (const Declaration *shadowed = findLoopVar(loop.var))
      redefinition(loop.var, loop.varRange, shadowed->range);
    else if (auto it = scope_.find(loop.var); it != scope_.end())
      redefinition(loop.var, loop.varRange, it->second.range);

    const Assigned before = assigned_;
    loopStack_.push_back(&loop);
    loopScopes_.push_back({loop.var, Declaration{{NameTarget::Kind::LoopVar,
                                                  loop.varIndex, false},
                                                 loop.varRange}});
    checkBlock(loop.body);
    loopScopes_.pop_back();
    loopStack_.pop_back();
    // Past the loop every capture of its body is a list, however many
    // iterations ran or broke early.
    assigned_ = before;
    assigned_.resize(program_.captures.size(), false);
    for (unsigned index : loop.bodyCaptures)
      assigned_[index] = true;
  }

  void checkFork(ForkStmt &fork) {
    Type count = typeOf(fork.count);
    if (count.kind != Type::Kind::Error && count.kind != Type::Kind::Int)
      diags_.error(fork.count.range,
                   "the branch count of fork " + quoteSource(fork.name) +
                       " is " + quoteSource(typeName(count)) + ", not 'int'");
    else if (fork.count.kind == Expr::Kind::Neg &&
             fork.count.operands[0].kind == Expr::Kind::Int &&
             fork.count.operands[0].integer > 0)
      diags_.error(fork.count.range, "fork " + quoteSource(fork.name) +
                                         " cannot have a negative number of "
                                         "branches");

    fork.varIndex = static_cast<unsigned>(program_.loopVars.size());
    program_.loopVars.push_back(
        LoopVar{fork.var, fork.varRange, Type::of(Type::Kind::Int)});
    const bool named = !fork.var.empty();
    if (named) {
      if (const Declaration *shadowed = findLoopVar(fork.var))
        redefinition(fork.var, fork.varRange, shadowed->range);
      else if (auto it = scope_.find(fork.var); it != scope_.end())
        redefinition(fork.var, fork.varRange, it->second.range);
      else if (fork.var == fork.name)
        redefinition(fork.var, fork.varRange, fork.nameRange);
      loopScopes_.push_back({fork.var, Declaration{{NameTarget::Kind::LoopVar,
                                                    fork.varIndex, false},
                                                   fork.varRange}});
    }
    const Assigned before = assigned_;
    forkStack_.push_back({&fork, loopStack_.size()});
    checkBlock(fork.body);
    forkStack_.pop_back();
    if (named)
      loopScopes_.pop_back();
    // The branches' captures are fields of `name` now.
    for (unsigned index : fork.branchCaptures) {
      Type type = program_.captures[index].type;
      for (unsigned i = 0; i < program_.captures[index].loopDepth; ++i)
        type = Type::list(type);
      fork.fields.push_back({program_.captures[index].name, type});
    }
    assigned_ = before;
    assigned_.resize(program_.captures.size(), false);
    Type branch = Type::of(Type::Kind::Json);
    branch.fork = &fork;
    addCapture(fork.name, fork.nameRange, Type::list(branch),
               fork.captureIndex);
  }

  struct CaptureInfo {
    /// The loops the capture lies in, outermost first.
    std::vector<const ForStmt *> loops;
  };
  struct OpenFork {
    ForkStmt *fork;
    /// How many loops are around it.
    size_t loops;
  };
  struct LoopScope {
    std::string name;
    Declaration declaration;
  };

  Program &program_;
  const TypeTable &types_;
  DiagnosticEngine &diags_;
  Callees &callees_;
  /// Arguments and captures: names unique in the program.
  std::map<std::string, Declaration> scope_;
  /// Loop variables, innermost last.
  std::vector<LoopScope> loopScopes_;
  std::set<std::string> laterCaptures_;
  std::vector<CaptureInfo> captures_;
  Assigned assigned_;
  std::vector<ForStmt *> loopStack_;
  /// The forks around the statement being checked, innermost last.
  std::vector<OpenFork> forkStack_;
  const RoleStmt *enclosingRole_ = nullptr;
  /// How many loops enclose enclosingRole_.
  size_t rolesLoopDepth_ = 0;
};

} // namespace

/// Calls are inlined, so a chain of calls is bounded in depth (the checker
/// recurses along it) and a program in statements once inlined (calls that
/// each call twice would double it per level).
constexpr size_t kMaxCallDepth = 64;
constexpr uint64_t kMaxInlinedStatements = 100000;

/// Checks every program, each callee before its callers, so a call knows
/// the callee's output; a call back into a program being checked is a
/// recursive call.
class ModuleChecker : public Callees {
public:
  ModuleChecker(Module &module, DiagnosticEngine &diags)
      : module_(module), types_(module, diags), diags_(diags) {}

  void check() {
    for (Program &program : module_.programs)
      programs_.emplace(program.name, &program);
    // In file order, each redefinition reported where it is met.
    for (Program &program : module_.programs) {
      if (diags_.errorLimitReached())
        break;
      if (Program *first = programs_[program.name]; first != &program) {
        diags_.error(program.nameRange,
                     "redefinition of program " + quoteSource(program.name));
        diags_.note(first->nameRange, "previous definition is here");
      }
      ensureChecked(program);
    }
  }

  const Program *resolve(const CallStmt &call) override {
    auto it = programs_.find(call.callee);
    if (it == programs_.end()) {
      diags_.error(call.calleeRange,
                   "unknown program " + quoteSource(call.callee));
      return nullptr;
    }
    Program &callee = *it->second;
    auto open = std::find(checking_.begin(), checking_.end(), &callee);
    if (open != checking_.end()) {
      // Calls are inlined: a cycle would never end.
      std::string chain;
      for (auto p = open; p != checking_.end(); ++p)
        chain += quoteSource((*p)->name) + " calls ";
      diags_.error(call.calleeRange, "recursive call of program " +
                                         quoteSource(callee.name) + ": " +
                                         chain + quoteSource(callee.name));
      return nullptr;
    }
    if (checking_.size() >= kMaxCallDepth) {
      diags_.error(call.calleeRange, "calls nest more than " +
                                         std::to_string(kMaxCallDepth) +
                                         " programs deep");
      return nullptr;
    }
    ensureChecked(callee);
    return &callee;
  }

private:
  void ensureChecked(Program &program) {
    if (!checked_.insert(&program).second)
      return;
    checking_.push_back(&program);
    ProgramChecker(program, types_, diags_, *this).check();
    checking_.pop_back();
    program.inlinedStatements = countInlined(program.body, program);
  }

  /// The statements of `body` (of `program`) with its calls inlined;
  /// reports the call past which they exceed kMaxInlinedStatements, unless
  /// the callee was reported already.
  uint64_t countInlined(const StmtList &body, const Program &program) {
    uint64_t count = 0;
    for (const auto &stmt : body) {
      count += 1;
      if (auto *role = dynCast<RoleStmt>(stmt.get())) {
        count += countInlined(role->body, program);
      } else if (auto *ifStmt = dynCast<IfStmt>(stmt.get())) {
        for (const IfStmt::Arm &arm : ifStmt->arms)
          count += countInlined(arm.body, program);
        count += countInlined(ifStmt->elseBody, program);
      } else if (auto *loop = dynCast<ForStmt>(stmt.get())) {
        count += countInlined(loop->body, program);
      } else if (auto *fork = dynCast<ForkStmt>(stmt.get())) {
        count += countInlined(fork->body, program);
      } else if (auto *call = dynCast<CallStmt>(stmt.get());
                 call && call->program) {
        count += call->program->inlinedStatements;
        if (count > kMaxInlinedStatements) {
          if (!overLimit_.count(call->program) &&
              overLimit_.insert(&program).second)
            diags_.error(call->calleeRange,
                         "with its calls inlined, program " +
                             quoteSource(program.name) + " has more than " +
                             std::to_string(kMaxInlinedStatements) +
                             " statements");
          overLimit_.insert(&program);
        }
      }
      if (count > kMaxInlinedStatements)
        return count;
    }
    return count;
  }

  Module &module_;
  TypeTable types_;
  DiagnosticEngine &diags_;
  std::map<std::string, Program *> programs_;
  std::set<const Program *> checked_;
  /// Programs too large once inlined (reported at the call that made them
  /// so, or at a call inside their callee).
  std::set<const Program *> overLimit_;
  /// The programs being checked, callers first.
  std::vector<const Program *> checking_;
};

bool checkModule(Module &module, DiagnosticEngine &diags) {
  unsigned errorsBefore = diags.errorCount();
  ModuleChecker(module, diags).check();
  return diags.errorCount() == errorsBefore && !diags.errorLimitReached();
}

} // namespace sgl::compiler
