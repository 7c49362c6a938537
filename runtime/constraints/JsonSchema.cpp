//===- JsonSchema.cpp - JSON Schemas compiled to grammars -----------------===//
#include "runtime/constraints/JsonSchema.h"

#include "runtime/constraints/JsonSchemaCompiler.h"
#include "runtime/constraints/JsonSchemaDocument.h"

#include <chrono>

namespace sgl::runtime::constraints {

namespace {
/// Raw JSON may nest deeper than subschemas do (properties -> name ->
/// schema is two levels per subschema, enum values nest freely).
uint32_t maxJsonNesting(const JsonSchemaOptions &options) {
  return options.maxDepth * 4;
}
} // namespace

Expected<GrammarSource> jsonSchemaToGrammar(std::string_view schemaText,
                                            const JsonSchemaOptions &options) {
  Expected<std::unique_ptr<SchemaDocument>> document = SchemaDocument::parse(
      schemaText, options.maxSchemaBytes, maxJsonNesting(options));
  if (!document)
    return document.error();
  SchemaCompiler compiler(**document, options);
  return compiler.run();
}

Expected<std::shared_ptr<Constraint>>
compileJsonSchema(std::string_view schemaText,
                  const JsonSchemaOptions &options) {
  auto start = std::chrono::steady_clock::now();
  Expected<GrammarSource> source = jsonSchemaToGrammar(schemaText, options);
  if (!source)
    return source.error();
  Expected<Grammar> grammar = compileGrammar(*source, options.automaton);
  if (!grammar)
    return makeError("/: " + grammar.error().message);
  std::chrono::duration<double> took = std::chrono::steady_clock::now() - start;
  if (took.count() > options.maxCompileSeconds)
    return makeError("/: compiling the schema took longer than " +
                     std::to_string(options.maxCompileSeconds) + " s");
  return Constraint::fromGrammar(grammar.take());
}

} // namespace sgl::runtime::constraints
