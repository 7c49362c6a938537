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

/// What a name resolves to; filled in by Sema.
struct NameTarget {
  enum class Kind { Unresolved, Arg, Capture };
  Kind kind = Kind::Unresolved;
  /// Index into Program::args or into Program::captures.
  unsigned index = 0;
};

/// A reference to an argument or an earlier capture: `q` or `{q}`.
struct NameRef {
  std::string name;
  SourceRange range;
  NameTarget target;
};

/// One piece of a string literal: literal text or an interpolation `{name}`.
struct TextPiece {
  enum class Kind { Literal, Interpolation };
  Kind kind = Kind::Literal;
  /// Decoded text (escapes and `{{`/`}}` already resolved) for Literal.
  std::string text;
  /// The referenced name for Interpolation.
  NameRef ref;
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

/// The value written after `name:` in a gen option list.
struct OptionValue {
  enum class Kind { Integer, Float, String, StringList };
  Kind kind = Kind::Integer;
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
};

enum class Role { System, User, Assistant };
const char *roleName(Role role);

/// Statements of a program body.
class Stmt {
public:
  enum class Kind { Text, Ref, Gen, Select, Role };
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

/// A bare name on its own: the value of the argument or capture is appended.
struct RefStmt : Stmt {
  RefStmt() : Stmt(Kind::Ref) {}
  static bool classof(const Stmt *s) { return s->kind() == Kind::Ref; }
  NameRef ref;
};

/// `gen name(option: value, ...)`: generate text and capture it as `name`.
struct GenStmt : Stmt {
  GenStmt() : Stmt(Kind::Gen) {}
  static bool classof(const Stmt *s) { return s->kind() == Kind::Gen; }
  std::string name;
  SourceRange nameRange;
  std::vector<GenOption> options;
  /// Filled by Sema from `options`.
  GenParams params;
  /// Index into Program::captures; filled by Sema.
  unsigned captureIndex = 0;
};

/// `select name from ["a", "b"]`: pick one choice and capture it as `name`.
struct SelectStmt : Stmt {
  SelectStmt() : Stmt(Kind::Select) {}
  static bool classof(const Stmt *s) { return s->kind() == Kind::Select; }
  std::string name;
  SourceRange nameRange;
  std::vector<StringLiteral> choices;
  SourceRange choicesRange;
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

/// Checked downcast in the spirit of llvm::dyn_cast, without LLVM.
template <typename T> T *dynCast(Stmt *s) {
  return s && T::classof(s) ? static_cast<T *>(s) : nullptr;
}
template <typename T> const T *dynCast(const Stmt *s) {
  return s && T::classof(s) ? static_cast<const T *>(s) : nullptr;
}

struct Param {
  std::string name;
  std::string type; // only "str" for now; Sema rejects others
  SourceRange range;
  SourceRange typeRange;
};

/// A value the program outputs, declared by `gen` or `select`. Filled by Sema
/// in program order.
struct Capture {
  std::string name;
  SourceRange range;
};

struct Program {
  std::string name;
  SourceRange nameRange;
  SourceRange range;
  std::vector<Param> params;
  StmtList body;
  std::vector<Capture> captures;
};

struct Module {
  std::vector<Program> programs;
};

/// Prints the AST as an indented tree, one node per line with its
/// `line:col`; used by `sglc --emit=ast` and its lit tests.
std::string dumpAST(const Module &module);

} // namespace sgl::compiler

#endif // SGL_COMPILER_AST_H
