//===- ExprTypes.cpp - Typing rules of the expression operators -----------===//
//
//   + - * /   int with int gives int; a number on either side gives number
//   +         str + str concatenates
//   %         int % int
//   == !=     two values of one type (int and number compare), json with any
//   < <= > >= two numbers, or two strings (bytewise)
//   in        a value and a list of its type (or json)
//   and or not  bools
//   a[i]      a list (or json) and an int; a.b a json value
//
//===----------------------------------------------------------------------===//

#include "compiler/ExprTypes.h"
#include "compiler/Diagnostics.h"

namespace sgl::compiler {

namespace {

ExprTypeResult ok(Type type) { return {type, "", {}}; }

ExprTypeResult fail(SourceRange at, std::string message) {
  return {Type::of(Type::Kind::Error), std::move(message), at};
}

std::string quotedType(const Type &type) { return quoteSource(typeName(type)); }

bool comparable(const Type &a, const Type &b) {
  if (a.kind == Type::Kind::Json || b.kind == Type::Kind::Json)
    return true;
  if (a.isNumeric() && b.isNumeric())
    return true;
  if (a.kind == Type::Kind::List && b.kind == Type::Kind::List)
    return a.element.empty() || b.element.empty() ||
           comparable(a.element[0], b.element[0]);
  return a == b;
}

ExprTypeResult binaryType(const Expr &expr, const Type &a, const Type &b) {
  const std::string op = std::string("'") + opSpelling(expr.op) + "'";
  switch (expr.op) {
  case Expr::Op::Add:
    if (a.kind == Type::Kind::Str && b.kind == Type::Kind::Str)
      return ok(a);
    [[fallthrough]];
  case Expr::Op::Sub:
  case Expr::Op::Mul:
  case Expr::Op::Div:
    if (a.isNumeric() && b.isNumeric())
      return ok(a.kind == Type::Kind::Int && b.kind == Type::Kind::Int
                    ? a
                    : Type::of(Type::Kind::Number));
    break;
  case Expr::Op::Mod:
    if (a.kind == Type::Kind::Int && b.kind == Type::Kind::Int)
      return ok(a);
    break;
  case Expr::Op::Eq:
  case Expr::Op::Ne:
    if (comparable(a, b))
      return ok(Type::of(Type::Kind::Bool));
    return fail(expr.opRange, "cannot compare " + quotedType(a) + " with " +
                                  quotedType(b) + " using " + op);
  case Expr::Op::Lt:
  case Expr::Op::Le:
  case Expr::Op::Gt:
  case Expr::Op::Ge:
    if ((a.isNumeric() && b.isNumeric()) ||
        (a.kind == Type::Kind::Str && b.kind == Type::Kind::Str))
      return ok(Type::of(Type::Kind::Bool));
    return fail(expr.opRange, "cannot order " + quotedType(a) + " and " +
                                  quotedType(b) + " with " + op +
                                  "; it takes two numbers or two strings");
  case Expr::Op::In:
    if (b.kind == Type::Kind::Json)
      return ok(Type::of(Type::Kind::Bool));
    if (b.kind != Type::Kind::List)
      return fail(expr.operands[1].range,
                  "'in' looks in a list, not in " + quotedType(b));
    if (b.element.empty() || comparable(a, b.element[0]))
      return ok(Type::of(Type::Kind::Bool));
    return fail(expr.opRange, "cannot look for " + quotedType(a) +
                                  " in a list of " + quotedType(b.element[0]));
  case Expr::Op::And:
  case Expr::Op::Or:
    if (a.kind != Type::Kind::Bool)
      return fail(expr.operands[0].range,
                  op + " takes 'bool' operands, not " + quotedType(a));
    if (b.kind != Type::Kind::Bool)
      return fail(expr.operands[1].range,
                  op + " takes 'bool' operands, not " + quotedType(b));
    return ok(a);
  }
  return fail(expr.opRange, "cannot apply " + op + " to " + quotedType(a) +
                                " and " + quotedType(b));
}

} // namespace

ExprTypeResult operatorType(const Expr &expr,
                            const std::vector<Type> &operands) {
  switch (expr.kind) {
  case Expr::Kind::Neg:
    if (operands[0].isNumeric())
      return ok(operands[0]);
    return fail(expr.opRange, "cannot negate " + quotedType(operands[0]));
  case Expr::Kind::Not:
    if (operands[0].kind == Type::Kind::Bool)
      return ok(operands[0]);
    return fail(expr.operands[0].range,
                "'not' takes a 'bool', not " + quotedType(operands[0]));
  case Expr::Kind::Field:
    if (operands[0].kind == Type::Kind::Json)
      return ok(operands[0]);
    return fail(expr.opRange, quotedType(operands[0]) + " has no field " +
                                  quoteSource(expr.name));
  case Expr::Kind::Index:
    if (operands[0].kind != Type::Kind::List &&
        operands[0].kind != Type::Kind::Json)
      return fail(expr.opRange,
                  "cannot index " + quotedType(operands[0]) +
                      "; only lists (and json values) have items");
    if (operands[0].kind == Type::Kind::List && operands[0].element.empty())
      return fail(expr.opRange, "cannot index an empty list literal");
    if (operands[1].kind != Type::Kind::Int &&
        !(operands[0].kind == Type::Kind::Json &&
          operands[1].kind == Type::Kind::Str))
      return fail(expr.operands[1].range,
                  "an index is an 'int', not " + quotedType(operands[1]));
    return ok(operands[0].kind == Type::Kind::Json ? operands[0]
                                                   : operands[0].element[0]);
  case Expr::Kind::Binary:
    return binaryType(expr, operands[0], operands[1]);
  default:
    break;
  }
  return fail(expr.range, "not an operator");
}

} // namespace sgl::compiler
