//===- ExprEval.h - Evaluates a plan expression -----------------*- C++ -*-===//
//
// The semantics of plan::Expr (Plan.h) over Values:
//   - literal: its value; slot: the slot's value (an error when it was not
//     set yet); output: the capture's output so far where the expression
//     stands (null when never reached; after a loop, its list of
//     iterations; see ProgramInstance.h);
//   - list: the list of its operands' values; a[i]: a list and an int in
//     [0, size) (a negative or too large index is an error); len: a str's
//     UTF-8 characters, a list's elements (a json value's elements, members
//     or characters);
//   - + - * / % and unary -: on ints an int (an overflow is an error; /
//     truncates, % has the sign of the dividend, by zero is an error), with
//     a number a number (a result that is not finite is an error, and so is
//     a division by zero); + also concatenates two strs;
//   - == != on two values of the same kind (an int and a number compare as
//     numbers; lists element by element; null equals only null); < <= > >=
//     on numbers or on strs (bytewise); `in`: an element of a list (by ==);
//   - and, or (short-circuit), not: on bools.
// Anything else, which sglc's types rule out, is a type error at run time
// (a hostile or mistaken plan): every error is one line, "file:line:col:
// message" from the expression's location (or the step's, when the
// expression has none). Recursive, as deep as the expression (at most
// plan::kMaxExprDepth in a verified plan).
//
//===----------------------------------------------------------------------===//
#ifndef SGL_RUNTIME_ENGINE_EXPREVAL_H
#define SGL_RUNTIME_ENGINE_EXPREVAL_H

#include "runtime/engine/Value.h"
#include "runtime/plan/Plan.h"
#include "runtime/support/Expected.h"

#include <cstdint>
#include <string>

namespace sgl::runtime {

/// What an expression reads: the slots and capture outputs of one program
/// instance.
class ExprScope {
public:
  virtual ~ExprScope() = default;
  /// The value of `slot`; nullptr when it is not set (yet).
  virtual const Value *slot(uint32_t slot) const = 0;
  /// The output so far of capture `capture` where the expression stands
  /// (null when never reached); nullptr when the program has no such
  /// capture.
  virtual const Value *output(uint32_t capture) const = 0;
  /// What messages call `slot`: its capture's or argument's name.
  virtual std::string slotName(uint32_t slot) const = 0;
};

/// Evaluates `expr` in `scope`. `fallback` locates errors of an
/// expression without a location of its own (its step's location).
Expected<Value> evaluate(const plan::Expr &expr, const ExprScope &scope,
                         const plan::SourceLocation &fallback = {});

/// evaluate(), then requires a bool, for `what` ("if", ...).
Expected<bool> evaluateBool(const plan::Expr &expr, const ExprScope &scope,
                            const plan::SourceLocation &fallback,
                            const char *what);

/// The value of a literal.
Value literalValue(const plan::Literal &literal);

/// "file:line:col" of a step or an expression ("<unknown>" when the plan
/// has no location).
std::string formatLocation(const plan::SourceLocation &loc);

} // namespace sgl::runtime

#endif // SGL_RUNTIME_ENGINE_EXPREVAL_H
