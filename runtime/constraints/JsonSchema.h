//===- JsonSchema.h - JSON Schemas compiled to grammars ---------*- C++ -*-===//
//
// A gen whose output must be a JSON document valid under a JSON Schema gets
// the grammar of the documents this front end writes for it:
//
//   Expected<std::shared_ptr<Constraint>> c = compileJsonSchema(schemaText);
//
// The accepted texts are a subset of the valid instances, spelled as
// Python's json.dumps(data, ensure_ascii=False) writes them (", " and ": "
// separators, raw UTF-8, only the escapes it needs), with bounded
// whitespace between tokens. A keyword the grammar cannot say exactly is an
// error naming it by JSON pointer, never ignored:
//
//   "/properties/tags/uniqueItems: unsupported keyword 'uniqueItems'"
//
// Where the grammar is stricter than the schema, it refuses valid
// instances rather than accept invalid ones: object members come in the
// schemas' order with extra keys last (JsonSchemaContainers.cpp), numbers
// in plain spellings and integers within int64 (JsonNumberRegex.h),
// formats as careful subsets (JsonFormats.h), oneOf branches that may
// overlap get conditions that fail the others (JsonSchemaNegation.h).
// JsonSchemaFacts.cpp lists the keywords skipped as annotations.
//
//===----------------------------------------------------------------------===//
#ifndef SGL_RUNTIME_CONSTRAINTS_JSONSCHEMA_H
#define SGL_RUNTIME_CONSTRAINTS_JSONSCHEMA_H

#include "runtime/constraints/AutomatonLimits.h"
#include "runtime/constraints/Constraint.h"
#include "runtime/constraints/Grammar.h"
#include "runtime/support/Expected.h"

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string_view>

namespace sgl::runtime::constraints {

struct JsonSchemaOptions {
  /// Compact: no whitespace anywhere outside strings. Flexible (default):
  /// each gap between JSON tokens (after `{ [ , :` and before `} ] , :`)
  /// may hold [ \t\n\r]{0,maxWhitespace}.
  bool compact = false;
  uint32_t maxWhitespace = 12;
  size_t maxSchemaBytes = 1 << 20; ///< larger: error
  uint32_t maxDepth = 64;          ///< nesting of subschemas; deeper: error
  size_t maxEnumValues = 4096;     ///< per enum
  double maxCompileSeconds = 5.0;  ///< checked as it goes; over: error
  AutomatonLimits automaton;       ///< per rule + grammar totals
};

/// The grammar of `schemaText`'s instances (a JSON document). Errors:
/// "<JSON pointer>: <message>", e.g. "/properties/tags/uniqueItems:
/// unsupported keyword 'uniqueItems'" or "/: schema is not valid JSON: ...".
Expected<GrammarSource>
jsonSchemaToGrammar(std::string_view schemaText,
                    const JsonSchemaOptions &options = {});

/// jsonSchemaToGrammar + compileGrammar (+ the compile-time limit), wrapped
/// as a Constraint.
Expected<std::shared_ptr<Constraint>>
compileJsonSchema(std::string_view schemaText,
                  const JsonSchemaOptions &options = {});

} // namespace sgl::runtime::constraints

#endif // SGL_RUNTIME_CONSTRAINTS_JSONSCHEMA_H
