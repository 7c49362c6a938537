//===- UnionCompileTest.cpp - The union of a folder's tool schemas --------===//
#include "bench/maskbench/UnionCompile.h"

#include "runtime/constraints/JsonSchema.h"

#include <gtest/gtest.h>

using namespace sgl;
using namespace sgl::bench;
using namespace sgl::runtime::constraints;

namespace {

BenchSchema schema(std::string file, std::string text) {
  BenchSchema s;
  s.name = s.file = std::move(file);
  s.schemaText = std::move(text);
  return s;
}

int32_t rulesOf(const std::string &text) {
  Expected<GrammarSource> source = jsonSchemaToGrammar(text);
  EXPECT_TRUE(source) << text;
  return source ? static_cast<int32_t>(source->rules.size()) : 0;
}

TEST(UnionCompile, JoinsTheSchemasWithThePrefixesAndLeavesOutWhatFails) {
  const std::string weather =
      R"({"type": "object", "properties": {"city": {"type": "string"}},
          "required": ["city"]})";
  const std::string add = R"({"type": "object", "properties":
          {"a": {"type": "integer"}, "b": {"type": "integer"}}})";
  const std::string refused = R"({"type": "array", "uniqueItems": true})";
  std::vector<BenchSchema> folder = {
      schema("BFCL_weather.json", weather), schema("Github_x.json", add),
      schema("MCPspec_add.json", add), schema("BFCL_refused.json", refused)};

  UnionCompile compiled = compileUnion(folder, {"BFCL", "MCPspec"});
  EXPECT_EQ(compiled.schemas, 2u);
  ASSERT_EQ(compiled.leftOut.size(), 1u);
  EXPECT_EQ(compiled.leftOut[0], "BFCL_refused.json: /uniqueItems: "
                                 "unsupported keyword 'uniqueItems'");
  EXPECT_EQ(compiled.error, "");
  // Every rule of both, and the union's own root.
  EXPECT_EQ(compiled.rules, rulesOf(weather) + rulesOf(add) + 1);
  EXPECT_GT(compiled.states, 0);
  EXPECT_GT(compiled.grammarMillis + compiled.automataMillis, 0);

  std::string report = unionReport(compiled);
  EXPECT_TRUE(report.starts_with("union of 2 schemas (files starting BFCL, "
                                 "MCPspec; 1 left out)\n"))
      << report;
  EXPECT_NE(report.find("  left out: BFCL_refused.json: "), std::string::npos);
}

TEST(UnionCompile, NoSchemaWithThePrefixesIsAnEmptyUnion) {
  std::vector<BenchSchema> folder = {schema("Github_x.json", "{}")};
  UnionCompile compiled = compileUnion(folder, {"BFCL"});
  EXPECT_EQ(compiled.schemas, 0u);
  EXPECT_EQ(compiled.rules, 0);
}

} // namespace
