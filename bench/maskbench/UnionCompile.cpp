//===- UnionCompile.cpp - Many schemas compiled as one grammar ------------===//
#include "bench/maskbench/UnionCompile.h"

#include "bench/ThreadClock.h"
#include "runtime/constraints/JsonSchema.h"

#include <algorithm>
#include <cstdio>

namespace sgl::bench {

using namespace sgl::runtime::constraints;

namespace {

bool hasPrefix(const std::string &file,
               const std::vector<std::string> &prefixes) {
  return std::any_of(prefixes.begin(), prefixes.end(),
                     [&](const std::string &p) { return file.starts_with(p); });
}

} // namespace

UnionCompile compileUnion(const std::vector<BenchSchema> &schemas,
                          const std::vector<std::string> &prefixes) {
  UnionCompile result;
  result.prefixes = prefixes;
  std::vector<const BenchSchema *> members;
  for (const BenchSchema &schema : schemas) {
    if (!hasPrefix(schema.file, prefixes))
      continue;
    // Alone first, untimed: one schema the engine refuses would otherwise
    // refuse the whole union.
    Expected<std::shared_ptr<Constraint>> alone =
        compileJsonSchema(schema.schemaText);
    if (!alone) {
      result.leftOut.push_back(schema.name + ": " + alone.error().message);
      continue;
    }
    members.push_back(&schema);
  }
  result.schemas = members.size();
  if (members.empty())
    return result;

  JsonSchemaOptions options;
  double start = 1e3 * threadSeconds();
  std::vector<GrammarSource> sources;
  for (const BenchSchema *schema : members) {
    Expected<GrammarSource> source = jsonSchemaToGrammar(schema->schemaText);
    if (!source) { // compiled alone a moment ago
      result.error = schema->name + ": " + source.error().message;
      return result;
    }
    sources.push_back(source.take());
  }
  GrammarSource merged = unionOf(std::move(sources), "any tool");
  double grammarsDone = 1e3 * threadSeconds();
  Expected<Grammar> grammar = compileGrammar(merged, options.automaton);
  double automataDone = 1e3 * threadSeconds();
  result.grammarMillis = grammarsDone - start;
  result.automataMillis = automataDone - grammarsDone;
  if (!grammar) {
    result.error = grammar.error().message;
    return result;
  }
  result.rules = grammar->numRules();
  result.states = grammar->numStates();
  return result;
}

std::string unionReport(const UnionCompile &result) {
  std::string prefixes;
  for (const std::string &prefix : result.prefixes)
    prefixes += (prefixes.empty() ? "" : ", ") + prefix;
  char line[512];
  std::snprintf(line, sizeof line,
                "union of %zu schemas (files starting %s; %zu left out)\n",
                result.schemas, prefixes.c_str(), result.leftOut.size());
  std::string text = line;
  for (const std::string &why : result.leftOut)
    text += "  left out: " + why + "\n";
  if (!result.error.empty())
    return text + "the union does not compile: " + result.error + "\n";
  std::snprintf(line, sizeof line,
                "%d rules, %lld automaton states\n"
                "compile: %.1f ms (schemas to grammar rules %.1f ms, "
                "automata %.1f ms), one thread\n",
                result.rules, static_cast<long long>(result.states),
                result.grammarMillis + result.automataMillis,
                result.grammarMillis, result.automataMillis);
  return text + line;
}

} // namespace sgl::bench
