//===- AST.h - Abstract syntax tree of .sgl programs ------------*- C++ -*-===//
//
// The AST is what the parser produces and what Sema checks and annotates. It
// has no dependency on ANTLR or MLIR so that every later stage (checks,
// MLIRGen, tests) can use it without pulling either in.
//
//===----------------------------------------------------------------------===//
#ifndef SGL_COMPILER_AST_H
#define SGL_COMPILER_AST_H

#include "compiler/SourceLocation.h"

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace sgl::compiler {

/// The type of a value in a program, as Sema infers it.
struct Type {
  enum class Kind {
    Error,  ///< an expression that already failed to check
    Str,    ///< a string
    Int,    ///< a 64-bit integer
    Number, ///< a double
    Bool,   ///< true or false
    List,   ///< a list of `element[0]`
    Json,   ///< a JSON value a json_schema gen wrote
  };
  Kind kind = Kind::Error;
  std::vector<Type> element;
  /// Json: the record type (a Record TypeExpr of the module's AST) the
  /// value has when a typed gen made it, so its fields have types; null
  /// for JSON of any shape.
  const struct TypeExpr *record = nullptr;
  /// Json: the fork whose branch this object is ({capture: value} of its
  /// branch captures), so its fields have the captures' types.
  const struct ForkStmt *fork = nullptr;
  /// Json: the program a call ran ({capture: value} of its captures).
  const struct Program *call = nullptr;

  static Type of(Kind kind) {
    return Type{kind, {}, nullptr, nullptr, nullptr};
  }
  static Type list(Type element) {
    return Type{Kind::List, {element}, nullptr, nullptr, nullptr};
  }
  bool isNumeric() const { return kind == Kind::Int || kind == Kind::Number; }
  bool operator==(const Type &) const = default;
};

/// "str", "int", "number", "bool", "[str]", "json" ("<error>").
std::string typeName(const Type &type);

/// What a name resolves to; filled in by Sema.
struct NameTarget {
  enum class Kind { Unresolved, Arg, Capture, LoopVar };
  Kind kind = Kind::Unresolved;
  /// Index into Program::args, Program::captures or Program::loopVars.
  unsigned index = 0;
  /// Capture: read after the loops it lies in, as their list of values.
  bool asList = false;
};

struct Expr;

/// One piece of a string literal: literal text or an interpolation `{expr}`.
struct TextPiece {
  enum class Kind { Literal, Interpolation };
  Kind kind = Kind::Literal;
  /// Decoded text (escapes and `{{`/`}}` already resolved) for Literal.
  std::string text;
  /// The interpolated expression (exactly one) for Interpolation.
  std::vector<Expr> expr;
  SourceRange range;
};

/// A string literal, `"..."` (pieces may interpolate) or `r"..."` (one
/// literal piece, no escapes).
struct StringLiteral {
  std::vector<TextPiece> pieces;
  bool raw = false;
  SourceRange range;

  /// True when no piece interpolates.
  bool isConstant() const;
  /// Concatenated literal text; only meaningful when isConstant().
  std::string constantText() const;
};

/// An expression: in an interpolation, a condition, a loop header, an
/// argument default.
struct Expr {
  enum class Kind {
    Name,   ///< `name`, resolved to `target`
    Int,    ///< `integer`
    Float,  ///< `number`
    String, ///< `string` (it may interpolate)
    Bool,   ///< `boolean`
    List,   ///< [operands...]
    Field,  ///< operands[0].name
    Index,  ///< operands[0][operands[1]]
    Call,   ///< name(operands...): the built-in `len`
    Neg,    ///< -operands[0]
    Not,    ///< not operands[0]
    Binary, ///< operands[0] op operands[1]
  };
  enum class Op {
    Add,
    Sub,
    Mul,
    Div,
    Mod,
    Eq,
    Ne,
    Lt,
    Le,
    Gt,
    Ge,
    In,
    And,
    Or
  };
  Kind kind = Kind::Name;
  Op op = Op::Add;
  std::string name;
  int64_t integer = 0;
  double number = 0;
  bool boolean = false;
  StringLiteral string;
  std::vector<Expr> operands;
  SourceRange range;
  /// The operator or the field name, where diagnostics about it point.
  SourceRange opRange;
  /// Filled by Sema.
  NameTarget target;
  Type type;
};

/// The spelling of a binary operator ("+", "==", "in", "and", ...).
const char *opSpelling(Expr::Op op);

/// The value written after `name:` in a gen option list.
struct OptionValue {
  enum class Kind { Integer, Float, String, StringList, Name };
  Kind kind = Kind::Integer;
  /// Name: a bare identifier (`method: greedy`).
  std::string name;
  int64_t integer = 0;
  double number = 0;
  StringLiteral string;
  std::vector<StringLiteral> list;
  SourceRange range;
  /// Set when the literal was already reported as unrepresentable; checks
  /// skip it so one mistake gives one error.
  bool invalid = false;

  /// The kind with an article, for diagnostics ("an integer", "a string", ...).
  const char *kindName() const;
};

struct GenOption {
  std::string name;
  SourceRange nameRange;
  OptionValue value;
};

/// What a gen's output must match: `regex: "..."` or `json_schema: ...`,
/// compiled by Sema with the constraint engine.
struct GenConstraint {
  enum class Kind { None, Regex, JsonSchema };
  Kind kind = Kind::None;
  /// The pattern, or the schema's JSON text (a file schema's contents).
  std::string text;
  /// The file a schema came from, as written in the source ("" inline).
  std::string schemaPath;
  /// The schema was made from the gen's type (`gen x: T`).
  bool fromType = false;
  /// The option's value, where its diagnostics point.
  SourceRange valueRange;
  /// The fewest bytes of an output the constraint accepts.
  uint32_t shortestBytes = 0;
};

/// Sampling and stopping parameters of a `gen`, validated by Sema.
struct GenParams {
  std::optional<int64_t> maxTokens;
  std::vector<std::string> stop;
  std::optional<double> temperature;
  std::optional<double> topP;
  std::optional<int64_t> topK;
  std::optional<int64_t> seed;
  GenConstraint constraint;
  std::optional<double> minP;
  std::optional<double> repetitionPenalty;
  std::optional<double> frequencyPenalty;
  std::optional<double> presencePenalty;
};

enum class Role { System, User, Assistant };
const char *roleName(Role role);

/// The name and type of one field of an object a fork's branch or a call
/// gives: a capture (a list per loop it lies in).
struct OutputField {
  std::string name;
  Type type;
};

/// Statements of a program body.
class Stmt {
public:
  enum class Kind {
    Text,
    Append,
    Gen,
    Select,
    Role,
    If,
    For,
    Break,
    Fork,
    Call
  };
  virtual ~Stmt() = default;
  Kind kind() const { return kind_; }
  SourceRange range;

protected:
  explicit Stmt(Kind kind) : kind_(kind) {}

private:
  Kind kind_;
};

using StmtList = std::vector<std::unique_ptr<Stmt>>;

/// A string literal on its own: its text is appended to the prompt.
struct TextStmt : Stmt {
  TextStmt() : Stmt(Kind::Text) {}
  static bool classof(const Stmt *s) { return s->kind() == Kind::Text; }
  StringLiteral text;
};

/// A value on its own (`q`, `steps[0].answer`): its text is appended.
struct AppendStmt : Stmt {
  AppendStmt() : Stmt(Kind::Append) {}
  static bool classof(const Stmt *s) { return s->kind() == Kind::Append; }
  Expr value;
};

struct TypeField;

/// A type of a typed gen, as written: `str(max_len: 40)`, `"a" | "b"`,
/// `[T](max_len: 3)`, `{ field: T }` or the name of a `type`.
struct TypeExpr {
  enum class Kind {
    Named,    ///< `name` with `bounds`: str, int, number, bool or a type
    Literals, ///< a union of the string `literals`
    List,     ///< [element[0]] with `bounds`
    Record,   ///< { fields }
  };
  Kind kind = Kind::Named;
  std::string name;
  std::vector<std::string> literals;
  std::vector<TypeExpr> element;
  std::vector<TypeField> fields;
  /// The options in parentheses after a name or a list type.
  std::vector<GenOption> bounds;
  SourceRange range;
};

/// `name: T` or `name?: T` in a record.
struct TypeField {
  std::string name;
  bool optional = false;
  TypeExpr type;
  SourceRange range;
};

/// `type Name { field: T, ... }`.
struct TypeDecl {
  std::string name;
  SourceRange nameRange;
  /// The fields, as a Record type.
  TypeExpr record;
  SourceRange range;
};

/// `gen name(option: value, ...)`: generate text and capture it as `name`.
struct GenStmt : Stmt {
  GenStmt() : Stmt(Kind::Gen) {}
  static bool classof(const Stmt *s) { return s->kind() == Kind::Gen; }
  std::string name;
  SourceRange nameRange;
  /// `gen name: T`: the type the output is JSON of (at most one).
  std::vector<TypeExpr> type;
  std::vector<GenOption> options;
  /// Filled by Sema from `options`.
  GenParams params;
  /// Index into Program::captures; filled by Sema.
  unsigned captureIndex = 0;
};

/// How a select scores its choices (docs/language.md).
enum class SelectMethod {
  Normalized,    ///< mean token log-prob of the choice after the context
  Greedy,        ///< log-prob of the choice's first token
  Unconditional, ///< log-prob sum after the context minus that without it
};
/// "normalized", "greedy" or "unconditional".
const char *selectMethodName(SelectMethod method);

/// `select name from ["a", "b"]`: pick one choice and capture it as `name`.
struct SelectStmt : Stmt {
  SelectStmt() : Stmt(Kind::Select) {}
  static bool classof(const Stmt *s) { return s->kind() == Kind::Select; }
  std::string name;
  SourceRange nameRange;
  std::vector<StringLiteral> choices;
  SourceRange choicesRange;
  /// `(method: normalized)` and the like.
  std::vector<GenOption> options;
  /// Filled by Sema from `options`.
  SelectMethod method = SelectMethod::Normalized;
  /// Index into Program::captures; filled by Sema.
  unsigned captureIndex = 0;
};

/// `system { ... }`, `user { ... }`, `assistant { ... }`.
struct RoleStmt : Stmt {
  RoleStmt() : Stmt(Kind::Role) {}
  static bool classof(const Stmt *s) { return s->kind() == Kind::Role; }
  Role role = Role::User;
  SourceRange keywordRange;
  StmtList body;
};

/// `if c { ... } else if d { ... } else { ... }`.
struct IfStmt : Stmt {
  IfStmt() : Stmt(Kind::If) {}
  static bool classof(const Stmt *s) { return s->kind() == Kind::If; }
  struct Arm {
    Expr condition;
    StmtList body;
  };
  /// The `if` and each `else if`, in order.
  std::vector<Arm> arms;
  StmtList elseBody;
};

/// `for x in list { ... }` or `for i in first..end { ... }`.
struct ForStmt : Stmt {
  ForStmt() : Stmt(Kind::For) {}
  static bool classof(const Stmt *s) { return s->kind() == Kind::For; }
  std::string var;
  SourceRange varRange;
  /// The list, or the first value of a range.
  Expr iterable;
  /// The end of a range (excluded); empty for a list.
  std::vector<Expr> rangeEnd;
  StmtList body;
  /// Index into Program::loopVars; filled by Sema.
  unsigned varIndex = 0;
  /// The captures made in the body at any depth, in program order; filled
  /// by Sema.
  std::vector<unsigned> bodyCaptures;
};

/// `fork name[count] as i { ... }`: run the body `count` times, each branch
/// from the context at the fork and with `i` its index; after the body the
/// context is the one at the fork again, and `name` is the list of the
/// branches' captures ({capture: value} per branch).
struct ForkStmt : Stmt {
  ForkStmt() : Stmt(Kind::Fork) {}
  static bool classof(const Stmt *s) { return s->kind() == Kind::Fork; }
  std::string name;
  SourceRange nameRange;
  Expr count;
  /// The index variable; "" without `as`.
  std::string var;
  SourceRange varRange;
  StmtList body;
  /// Index into Program::loopVars (the index variable, also without
  /// `as`); filled by Sema.
  unsigned varIndex = 0;
  /// Index into Program::captures of `name`; filled by Sema.
  unsigned captureIndex = 0;
  /// The captures each branch makes (in its loops too, not in nested
  /// forks), in program order; filled by Sema.
  std::vector<unsigned> branchCaptures;
  /// A branch's object: the name and type of each of those captures (a
  /// list per loop it lies in); filled by Sema.
  std::vector<OutputField> fields;
};

/// One argument of a call, by position or by `name:`.
struct CallArg {
  std::string name;
  SourceRange nameRange;
  Expr value;
};

/// `call name = program(args)`: run another program here, in this
/// context (its text stays in the prompt); `name` is the object of its
/// captures.
struct CallStmt : Stmt {
  CallStmt() : Stmt(Kind::Call) {}
  static bool classof(const Stmt *s) { return s->kind() == Kind::Call; }
  std::string name;
  SourceRange nameRange;
  std::string callee;
  SourceRange calleeRange;
  std::vector<CallArg> args;
  /// Filled by Sema: the program called, and for each of its parameters
  /// the index into `args` of its value (-1: the parameter's default).
  const struct Program *program = nullptr;
  std::vector<int> argForParam;
  /// Index into Program::captures of `name`; filled by Sema.
  unsigned captureIndex = 0;
};

/// `break`: leave the innermost loop.
struct BreakStmt : Stmt {
  BreakStmt() : Stmt(Kind::Break) {}
  static bool classof(const Stmt *s) { return s->kind() == Kind::Break; }
};

/// Checked downcast in the spirit of llvm::dyn_cast, without LLVM.
template <typename T> T *dynCast(Stmt *s) {
  return s && T::classof(s) ? static_cast<T *>(s) : nullptr;
}
template <typename T> const T *dynCast(const Stmt *s) {
  return s && T::classof(s) ? static_cast<const T *>(s) : nullptr;
}

/// A type as written: a name (`str`, `int`, ...) inside `listDepth` pairs
/// of brackets.
struct TypeRef {
  std::string name;
  unsigned listDepth = 0;
  SourceRange range;
  SourceRange nameRange;
};

struct Param {
  std::string name;
  TypeRef typeRef;
  /// The default value, when given (`n: int = 3`).
  std::vector<Expr> defaultValue;
  SourceRange range;
  /// Filled by Sema.
  Type type;
  bool used = false;
};

/// A value the program outputs, declared by `gen` or `select`. Filled by Sema
/// in program order.
struct Capture {
  std::string name;
  SourceRange range;
  /// The value of one run of its gen or select.
  Type type;
  /// How many loops it lies in (inside its fork, for a branch capture).
  unsigned loopDepth = 0;
  /// The innermost fork it is made in: a field of that fork's branches,
  /// not a program output (null: the program's).
  const ForkStmt *fork = nullptr;
};

/// A loop variable; filled by Sema.
struct LoopVar {
  std::string name;
  SourceRange range;
  Type type;
};

struct Program {
  std::string name;
  SourceRange nameRange;
  SourceRange range;
  std::vector<Param> params;
  StmtList body;
  std::vector<Capture> captures;
  std::vector<LoopVar> loopVars;
  /// Declared in an imported file: callable, not an entry of the plan.
  bool imported = false;
  /// Filled by Sema: the program's output object (its captures outside
  /// forks), and whether it writes chat messages (itself or in a call).
  std::vector<OutputField> outputs;
  bool usesRoles = false;
  /// Its statements with every call inlined, counted at any depth.
  uint64_t inlinedStatements = 0;
};

/// `import "path"` at the top of a file.
struct ImportDecl {
  std::string path;
  SourceRange range;
  /// The path's string literal, where diagnostics about it point.
  SourceRange pathRange;
};

struct Module {
  std::vector<Program> programs;
  std::vector<TypeDecl> types;
  /// The imports of the file parsed (not of the files it imports).
  std::vector<ImportDecl> imports;
};

/// Prints the AST as an indented tree, one node per line with its
/// `line:col`; used by `sglc --emit=ast` and its lit tests.
std::string dumpAST(const Module &module);

} // namespace sgl::compiler

#endif // SGL_COMPILER_AST_H
