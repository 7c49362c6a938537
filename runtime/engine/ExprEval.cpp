//===- ExprEval.cpp - Evaluates a plan expression -------------------------===//
#include "runtime/engine/ExprEval.h"

#include "runtime/engine/JsonValues.h"
#include "runtime/support/MessageText.h"

#include <nlohmann/json.hpp>

#include <cmath>
#include <compare>
#include <limits>

namespace sgl::runtime {

using plan::Expr;

std::string formatLocation(const plan::SourceLocation &loc) {
  if (loc.file.empty() && loc.line == 0)
    return "<unknown>";
  return loc.file + ":" + std::to_string(loc.line) + ":" +
         std::to_string(loc.col);
}

Value literalValue(const plan::Literal &literal) {
  switch (literal.kind) {
  case plan::ValueType::Kind::Str:
    return Value(literal.str);
  case plan::ValueType::Kind::Int:
    return Value::integer(literal.integer);
  case plan::ValueType::Kind::Number:
    return Value::number(literal.number);
  case plan::ValueType::Kind::Bool:
    return Value::boolean(literal.boolean);
  case plan::ValueType::Kind::List:
  case plan::ValueType::Kind::Json:
    break;
  }
  return Value();
}

namespace {

using Kind = Value::Kind;

/// How the source spells an operator, for messages.
const char *symbol(Expr::Kind kind) {
  switch (kind) {
  case Expr::Kind::Index:
    return "[]";
  case Expr::Kind::Len:
    return "len";
  case Expr::Kind::Neg:
  case Expr::Kind::Sub:
    return "-";
  case Expr::Kind::Add:
    return "+";
  case Expr::Kind::Mul:
    return "*";
  case Expr::Kind::Div:
    return "/";
  case Expr::Kind::Mod:
    return "%";
  case Expr::Kind::Eq:
    return "==";
  case Expr::Kind::Ne:
    return "!=";
  case Expr::Kind::Lt:
    return "<";
  case Expr::Kind::Le:
    return "<=";
  case Expr::Kind::Gt:
    return ">";
  case Expr::Kind::Ge:
    return ">=";
  case Expr::Kind::In:
    return "in";
  case Expr::Kind::And:
    return "and";
  case Expr::Kind::Or:
    return "or";
  case Expr::Kind::Not:
    return "not";
  default:
    return plan::exprKindName(kind);
  }
}

/// "an int", "a str".
std::string withArticle(Kind kind) {
  return std::string(kind == Kind::Int ? "an " : "a ") + kindName(kind);
}

bool isNumeric(const Value &v) {
  return v.kind() == Kind::Int || v.kind() == Kind::Number;
}

/// An int and a number compared exactly: a long double holds every int64
/// (x86-64's 64-bit mantissa, or a quad).
long double asLongDouble(const Value &v) {
  return v.kind() == Kind::Int ? static_cast<long double>(v.integer())
                               : static_cast<long double>(v.number());
}

std::partial_ordering compareNumbers(const Value &a, const Value &b) {
  if (a.kind() == Kind::Int && b.kind() == Kind::Int)
    return a.integer() <=> b.integer();
  return asLongDouble(a) <=> asLongDouble(b);
}

double asDouble(const Value &v) {
  return v.kind() == Kind::Int ? static_cast<double>(v.integer()) : v.number();
}

/// UTF-8 characters: the bytes that do not continue a sequence.
int64_t utf8Length(std::string_view s) {
  int64_t n = 0;
  for (char c : s)
    n += (static_cast<unsigned char>(c) & 0xC0) != 0x80;
  return n;
}

class Evaluator {
public:
  Evaluator(const ExprScope &scope, const plan::SourceLocation &fallback)
      : scope_(scope), fallback_(fallback) {}

  Expected<Value> eval(const Expr &expr);

private:
  Error at(const Expr &expr, const std::string &message) const {
    return makeError(formatLocation(expr.loc.line != 0 ? expr.loc : fallback_) +
                     ": " + message);
  }
  Error typeError(const Expr &expr, const Value &a) const {
    return at(expr, std::string("'") + symbol(expr.kind) + "' cannot take " +
                        withArticle(a.kind()));
  }
  Error typeError(const Expr &expr, const Value &a, const Value &b) const {
    return at(expr, std::string("'") + symbol(expr.kind) + "' cannot take " +
                        kindName(a.kind()) + " and " + kindName(b.kind()));
  }
  Error overflow(const Expr &expr) const {
    return at(expr,
              std::string("integer overflow in '") + symbol(expr.kind) + "'");
  }
  /// A number result, or an error when it is not finite.
  Expected<Value> finite(const Expr &expr, double result) const {
    if (!std::isfinite(result))
      return at(expr, std::string("'") + symbol(expr.kind) +
                          "' gives a number that is not finite");
    return Value::number(result);
  }

  Expected<Value> slot(const Expr &expr);
  Expected<Value> unary(const Expr &expr, const Value &a);
  Expected<Value> arithmetic(const Expr &expr, const Value &a, const Value &b);
  Expected<bool> equal(const Expr &expr, const Value &a, const Value &b);
  Expected<Value> order(const Expr &expr, const Value &a, const Value &b);
  Expected<Value> index(const Expr &expr, const Value &a, const Value &b);
  /// A field of a JSON object (by a str) or an item of a JSON array (by an
  /// int), as a program value.
  Expected<Value> jsonIndex(const Expr &expr,
                            const nlohmann::ordered_json &json,
                            const Value &key);
  Expected<Value> logic(const Expr &expr);

  const ExprScope &scope_;
  const plan::SourceLocation &fallback_;
};

Expected<Value> Evaluator::slot(const Expr &expr) {
  if (const Value *value = scope_.slot(expr.slot))
    return *value;
  std::string message = "'";
  message += abbreviate(scope_.slotName(expr.slot), 80);
  message += "' is read before it is set";
  return at(expr, message);
}

Expected<Value> Evaluator::unary(const Expr &expr, const Value &a) {
  switch (expr.kind) {
  case Expr::Kind::Len:
    if (a.kind() == Kind::Str)
      return Value::integer(utf8Length(a.str()));
    if (a.kind() == Kind::List)
      return Value::integer(static_cast<int64_t>(a.list().size()));
    if (a.kind() == Kind::Json) {
      const nlohmann::ordered_json &json = a.json();
      if (json.is_string())
        return Value::integer(utf8Length(json.get_ref<const std::string &>()));
      if (json.is_array() || json.is_object())
        return Value::integer(static_cast<int64_t>(json.size()));
    }
    return typeError(expr, a);
  case Expr::Kind::Neg:
    if (a.kind() == Kind::Int) {
      if (a.integer() == std::numeric_limits<int64_t>::min())
        return overflow(expr);
      return Value::integer(-a.integer());
    }
    if (a.kind() == Kind::Number)
      return Value::number(-a.number());
    return typeError(expr, a);
  case Expr::Kind::Not:
    if (a.kind() == Kind::Bool)
      return Value::boolean(!a.boolean());
    return typeError(expr, a);
  default:
    return typeError(expr, a);
  }
}

Expected<Value> Evaluator::arithmetic(const Expr &expr, const Value &a,
                                      const Value &b) {
  if (expr.kind == Expr::Kind::Add && a.kind() == Kind::Str &&
      b.kind() == Kind::Str)
    return Value(a.str() + b.str());
  if (!isNumeric(a) || !isNumeric(b))
    return typeError(expr, a, b);
  if (a.kind() == Kind::Int && b.kind() == Kind::Int) {
    const int64_t x = a.integer(), y = b.integer();
    int64_t r = 0;
    switch (expr.kind) {
    case Expr::Kind::Add:
      if (__builtin_add_overflow(x, y, &r))
        return overflow(expr);
      return Value::integer(r);
    case Expr::Kind::Sub:
      if (__builtin_sub_overflow(x, y, &r))
        return overflow(expr);
      return Value::integer(r);
    case Expr::Kind::Mul:
      if (__builtin_mul_overflow(x, y, &r))
        return overflow(expr);
      return Value::integer(r);
    case Expr::Kind::Div:
      if (y == 0)
        return at(expr, "division by zero");
      if (x == std::numeric_limits<int64_t>::min() && y == -1)
        return overflow(expr);
      return Value::integer(x / y);
    case Expr::Kind::Mod:
      if (y == 0)
        return at(expr, "modulo by zero");
      // INT64_MIN % -1 overflows in C++; its value is 0.
      return Value::integer(y == -1 ? 0 : x % y);
    default:
      return typeError(expr, a, b);
    }
  }
  const double x = asDouble(a), y = asDouble(b);
  switch (expr.kind) {
  case Expr::Kind::Add:
    return finite(expr, x + y);
  case Expr::Kind::Sub:
    return finite(expr, x - y);
  case Expr::Kind::Mul:
    return finite(expr, x * y);
  case Expr::Kind::Div:
    if (y == 0)
      return at(expr, "division by zero");
    return finite(expr, x / y);
  case Expr::Kind::Mod:
    if (y == 0)
      return at(expr, "modulo by zero");
    return finite(expr, std::fmod(x, y));
  default:
    return typeError(expr, a, b);
  }
}

Expected<bool> Evaluator::equal(const Expr &expr, const Value &a,
                                const Value &b) {
  if (a.isNull() || b.isNull())
    return a.isNull() && b.isNull();
  if (isNumeric(a) && isNumeric(b))
    return compareNumbers(a, b) == 0;
  if (a.kind() != b.kind())
    return at(expr, std::string("'") + symbol(expr.kind) + "' cannot compare " +
                        kindName(a.kind()) + " and " + kindName(b.kind()));
  switch (a.kind()) {
  case Kind::Str:
    return a.str() == b.str();
  case Kind::Bool:
    return a.boolean() == b.boolean();
  case Kind::Json:
    return a.json() == b.json();
  case Kind::List: {
    const Value::List &x = a.list(), &y = b.list();
    if (x.size() != y.size())
      return false;
    for (size_t i = 0; i < x.size(); ++i) {
      Expected<bool> same = equal(expr, x[i], y[i]);
      if (!same || !*same)
        return same;
    }
    return true;
  }
  default:
    return false;
  }
}

Expected<Value> Evaluator::order(const Expr &expr, const Value &a,
                                 const Value &b) {
  std::partial_ordering cmp = std::partial_ordering::unordered;
  if (isNumeric(a) && isNumeric(b))
    cmp = compareNumbers(a, b);
  else if (a.kind() == Kind::Str && b.kind() == Kind::Str)
    cmp = a.str().compare(b.str()) <=> 0; // bytewise, as unsigned chars
  else
    return typeError(expr, a, b);
  switch (expr.kind) {
  case Expr::Kind::Lt:
    return Value::boolean(cmp < 0);
  case Expr::Kind::Le:
    return Value::boolean(cmp <= 0);
  case Expr::Kind::Gt:
    return Value::boolean(cmp > 0);
  default:
    return Value::boolean(cmp >= 0);
  }
}

Expected<Value> Evaluator::index(const Expr &expr, const Value &a,
                                 const Value &b) {
  if (a.kind() == Kind::Json)
    return jsonIndex(expr, a.json(), b);
  if (a.kind() != Kind::List || b.kind() != Kind::Int)
    return at(expr, std::string("indexing needs a list and an int, not ") +
                        kindName(a.kind()) + " and " + kindName(b.kind()));
  const int64_t i = b.integer();
  const Value::List &list = a.list();
  if (i < 0)
    return at(expr, "index " + std::to_string(i) + " is negative");
  if (static_cast<uint64_t>(i) >= list.size())
    return at(expr, "index " + std::to_string(i) +
                        " is out of range for a list of " +
                        std::to_string(list.size()) +
                        (list.size() == 1 ? " element" : " elements"));
  return list[static_cast<size_t>(i)];
}

Expected<Value> Evaluator::jsonIndex(const Expr &expr,
                                     const nlohmann::ordered_json &json,
                                     const Value &key) {
  if (json.is_object() && key.kind() == Kind::Str) {
    auto it = json.find(key.str());
    if (it == json.end())
      return at(expr, "the JSON object has no field " + quoted(key.str(), 40));
    return jsonItemValue(*it);
  }
  if (json.is_array() && key.kind() == Kind::Int) {
    const int64_t i = key.integer();
    if (i < 0 || static_cast<uint64_t>(i) >= json.size())
      return at(expr, "index " + std::to_string(i) +
                          " is out of range for a JSON array of " +
                          std::to_string(json.size()) +
                          (json.size() == 1 ? " item" : " items"));
    return jsonItemValue(json[static_cast<size_t>(i)]);
  }
  return at(expr, std::string("a JSON ") + json.type_name() +
                      " cannot be indexed by " + withArticle(key.kind()));
}

Expected<Value> Evaluator::logic(const Expr &expr) {
  Expected<Value> a = eval(expr.operands[0]);
  if (!a)
    return a;
  if (a->kind() != Kind::Bool)
    return typeError(expr, *a);
  // Short-circuit: the right operand is not evaluated when the left one
  // decides.
  if (a->boolean() == (expr.kind == Expr::Kind::Or))
    return a;
  Expected<Value> b = eval(expr.operands[1]);
  if (!b)
    return b;
  if (b->kind() != Kind::Bool)
    return typeError(expr, *b);
  return b;
}

Expected<Value> Evaluator::eval(const Expr &expr) {
  const size_t arity = expr.operands.size();
  // The verifier checks this; a plan built in memory may not have been.
  if (const int expected = plan::exprArity(expr.kind);
      expected >= 0 && arity != static_cast<size_t>(expected))
    return at(expr, std::string(plan::exprKindName(expr.kind)) + " has " +
                        std::to_string(arity) + " operands (expected " +
                        std::to_string(expected) + ")");
  switch (expr.kind) {
  case Expr::Kind::Literal:
    return literalValue(expr.literal);
  case Expr::Kind::Slot:
    return slot(expr);
  case Expr::Kind::Output:
    if (const Value *value = scope_.output(expr.slot))
      return *value;
    return at(expr, "the program has no capture " + std::to_string(expr.slot));
  case Expr::Kind::List: {
    Value::List elements;
    elements.reserve(arity);
    for (const Expr &operand : expr.operands) {
      Expected<Value> element = eval(operand);
      if (!element)
        return element;
      elements.push_back(element.take());
    }
    return Value::list(std::move(elements));
  }
  case Expr::Kind::Len:
  case Expr::Kind::Neg:
  case Expr::Kind::Not: {
    Expected<Value> a = eval(expr.operands[0]);
    if (!a)
      return a;
    return unary(expr, *a);
  }
  case Expr::Kind::And:
  case Expr::Kind::Or:
    return logic(expr);
  case Expr::Kind::Index:
  case Expr::Kind::Add:
  case Expr::Kind::Sub:
  case Expr::Kind::Mul:
  case Expr::Kind::Div:
  case Expr::Kind::Mod:
  case Expr::Kind::Eq:
  case Expr::Kind::Ne:
  case Expr::Kind::Lt:
  case Expr::Kind::Le:
  case Expr::Kind::Gt:
  case Expr::Kind::Ge:
  case Expr::Kind::In: {
    Expected<Value> a = eval(expr.operands[0]);
    if (!a)
      return a;
    Expected<Value> b = eval(expr.operands[1]);
    if (!b)
      return b;
    switch (expr.kind) {
    case Expr::Kind::Index:
      return index(expr, *a, *b);
    case Expr::Kind::Eq:
    case Expr::Kind::Ne: {
      Expected<bool> same = equal(expr, *a, *b);
      if (!same)
        return same.error();
      return Value::boolean(*same == (expr.kind == Expr::Kind::Eq));
    }
    case Expr::Kind::Lt:
    case Expr::Kind::Le:
    case Expr::Kind::Gt:
    case Expr::Kind::Ge:
      return order(expr, *a, *b);
    case Expr::Kind::In: {
      if (b->kind() != Kind::List)
        return at(expr, std::string("'in' needs a list on its right, not ") +
                            kindName(b->kind()));
      for (const Value &element : b->list()) {
        Expected<bool> same = equal(expr, *a, element);
        if (!same)
          return same.error();
        if (*same)
          return Value::boolean(true);
      }
      return Value::boolean(false);
    }
    default:
      return arithmetic(expr, *a, *b);
    }
  }
  }
  return at(expr, "unknown expression kind " +
                      std::to_string(static_cast<unsigned>(expr.kind)));
}

} // namespace

Expected<Value> evaluate(const Expr &expr, const ExprScope &scope,
                         const plan::SourceLocation &fallback) {
  return Evaluator(scope, fallback).eval(expr);
}

Expected<bool> evaluateBool(const Expr &expr, const ExprScope &scope,
                            const plan::SourceLocation &fallback,
                            const char *what) {
  Expected<Value> value = evaluate(expr, scope, fallback);
  if (!value)
    return value.error();
  if (value->kind() != Value::Kind::Bool)
    return makeError(formatLocation(expr.loc.line != 0 ? expr.loc : fallback) +
                     ": " + what + " needs a bool, not " +
                     withArticle(value->kind()));
  return value->boolean();
}

} // namespace sgl::runtime
