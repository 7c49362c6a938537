//===- TypeSchema.h - Types of typed gens as JSON Schemas -------*- C++ -*-===//
//
// `gen x: T` constrains the output to JSON of type T. A TypeTable holds the
// module's `type` declarations, checks a gen's type (names, bounds, unions)
// and turns it into the JSON Schema the constraint engine compiles:
//
//   str(min_len: a, max_len: b)  {"type": "string", "minLength": a, ...}
//   int(min: a, max: b)          {"type": "integer", "minimum": a, ...}
//   number(min: a, max: b)       {"type": "number", ...}
//   bool                         {"type": "boolean"}
//   "a" | "b"                    {"enum": ["a", "b"]}
//   [T](min_len: a, max_len: b)  {"type": "array", "items": T, "minItems": a}
//   { f: T, g?: U }              an object of exactly those properties, in
//                                that order, f required
//   Name                         {"$ref": "#/$defs/Name"}, with every
//                                declaration the type reaches in "$defs"
//
//===----------------------------------------------------------------------===//
#ifndef SGL_COMPILER_TYPESCHEMA_H
#define SGL_COMPILER_TYPESCHEMA_H

#include "compiler/AST.h"
#include "compiler/Diagnostics.h"

#include <map>
#include <optional>
#include <string>

namespace sgl::compiler {

class TypeTable {
public:
  /// Checks every declaration of `module` (unique names, fields, the types
  /// they use) and reports what is wrong.
  TypeTable(const Module &module, DiagnosticEngine &diags);

  /// Checks a gen's type; false after reporting an error. Bounds of the
  /// outermost type that are not bounds (`max_tokens`, ...) are the gen's
  /// options: `gen x: str(max_len: 8, max_tokens: 4)`; they move to `gen`.
  bool checkGenType(GenStmt &gen) const;

  /// The JSON Schema text of a checked type.
  std::string schemaOf(const TypeExpr &type) const;

  /// The type a program sees for a capture of `type`: str, int, number and
  /// bool as they are, a list of the item type, json for a record.
  Type valueType(const TypeExpr &type) const;

  /// The type of field `name` of a record type; nullopt when it has none.
  std::optional<Type> fieldType(const TypeExpr &record,
                                const std::string &name) const;

private:
  bool check(const TypeExpr &type) const;
  bool checkBounds(const TypeExpr &type) const;
  bool checkFields(const std::vector<TypeField> &fields) const;

  DiagnosticEngine &diags_;
  std::map<std::string, const TypeDecl *> decls_;
};

} // namespace sgl::compiler

#endif // SGL_COMPILER_TYPESCHEMA_H
