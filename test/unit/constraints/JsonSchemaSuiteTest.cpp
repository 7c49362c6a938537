//===- JsonSchemaSuiteTest.cpp - Schemas and instances nobody here wrote --===//
//
// Two corpora from ../shared/testdata (skipped when absent, a failure when
// $CI is set):
//
//   - the official JSON-Schema-Test-Suite (draft 2020-12, format.json
//     left out): for every group whose schema compiles, an invalid instance
//     is never accepted, and every valid one is accepted except the few
//     listed in kKnownRefusals with the reason;
//   - the MaskBench dev sample (1,090 real-world schemas with valid and
//     invalid instances): no invalid instance is ever accepted, and the
//     numbers compiled / accepted stay at least what they are.
//
// Instances are spelled as json.dumps(data, ensure_ascii=False) writes
// them (dumpLikePython) and matched by Grammar::matches.
//
//===----------------------------------------------------------------------===//
#include "JsonSchemaTestSupport.h"

#include "runtime/constraints/PythonJson.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>
#include <string>
#include <vector>

using sgl::runtime::constraints::compileJsonSchema;
using sgl::runtime::constraints::Constraint;
using sgl::runtime::constraints::dumpLikePython;

namespace {

namespace fs = std::filesystem;

/// ../shared/testdata/<name> next to the repository, or empty.
fs::path sharedTestData(const std::string &name) {
  std::vector<fs::path> roots;
  if (const char *dir = std::getenv("SGL_SOURCE_DIR"); dir && *dir)
    roots.emplace_back(dir);
  // This file is test/unit/constraints/ in the repository.
  roots.push_back(fs::path(__FILE__).parent_path() / ".." / ".." / "..");
  for (const fs::path &root : roots) {
    fs::path candidate = root / ".." / "shared" / "testdata" / name;
    if (fs::is_directory(candidate))
      return candidate;
  }
  return {};
}

#define REQUIRE_TEST_DATA(dir, name)                                           \
  fs::path dir = sharedTestData(name);                                         \
  if (dir.empty()) {                                                           \
    if (std::getenv("CI"))                                                     \
      FAIL() << "../shared/testdata/" name " is missing (required on CI)";     \
    GTEST_SKIP() << "../shared/testdata/" name " is absent";                   \
  }

nlohmann::ordered_json readJson(const fs::path &path) {
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  return nlohmann::ordered_json::parse(text.str());
}

std::vector<fs::path> jsonFiles(const fs::path &dir) {
  std::vector<fs::path> files;
  for (const fs::directory_entry &entry : fs::directory_iterator(dir))
    if (entry.path().extension() == ".json")
      files.push_back(entry.path());
  std::sort(files.begin(), files.end());
  return files;
}

/// Valid instances of the Test-Suite that the grammar refuses, as
/// "file [group] instance", each for a documented reason.
const std::set<std::string> kKnownRefusals = {
    // Members come in the schemas' order: the order of `properties`, in
    // allOf order.
    R"(allOf.json [allOf] {"foo": "baz", "bar": 2})",
    R"(allOf.json [allOf with base schema] {"foo": "quux", "bar": 2, "baz": null})",
    // Object values of enum / const are spelled in their own key order.
    R"(const.json [const with object] {"baz": "bax", "foo": "bar"})",
    // Extra keys must match a pattern of patternProperties (the others
    // would need the pattern's complement), and take every pattern's
    // schema.
    R"(patternProperties.json [multiple simultaneous patternProperties are validated] {"a": 21})",
    R"(patternProperties.json [multiple simultaneous patternProperties are validated] {"a": 21, "aaaa": 18})",
    R"(patternProperties.json [regexes are not anchored by default and are case sensitive] {"answer 1": "42"})",
    R"(patternProperties.json [regexes are not anchored by default and are case sensitive] {"a_x_3": 3})",
    R"(patternProperties.json [patternProperties with boolean schemas] {"foo": 1})",
    R"(properties.json [properties, patternProperties, additionalProperties interaction] {"quux": 3})",
    // $ref beside $id and $anchor: "#/$defs/..." resolves from the root.
    R"(ref.json [order of evaluation: $id and $anchor and $ref] 5)",
    // A metaschema without the validation vocabulary makes "minimum" an
    // annotation; the grammar always asserts it.
    R"(vocabulary.json [schema that uses custom metaschema with with no validation vocabulary] {"numberProperty": 1})",
};

TEST(JsonSchemaSuite, OfficialTestSuite) {
  REQUIRE_TEST_DATA(dir, "json-schema-test-suite");
  int groups = 0, compiled = 0, validAccepted = 0, valid = 0, invalid = 0;
  std::set<std::string> refused;
  for (const fs::path &file : jsonFiles(dir)) {
    if (file.filename() == "format.json")
      continue; // formats are assertions here, annotations there
    for (const auto &group : readJson(file)) {
      ++groups;
      auto constraint = compileJsonSchema(group["schema"].dump());
      if (!constraint)
        continue;
      ++compiled;
      std::string where = file.filename().string() + " [" +
                          group["description"].get<std::string>() + "] ";
      for (const auto &test : group["tests"]) {
        std::string text = dumpLikePython(test["data"]);
        bool accepted = (*constraint)->grammar().matches(text);
        if (test["valid"].get<bool>()) {
          ++valid;
          validAccepted += accepted;
          if (!accepted)
            refused.insert(where + text);
        } else {
          ++invalid;
          EXPECT_FALSE(accepted)
              << "accepts an invalid instance: " << where << text;
        }
      }
    }
  }
  for (const std::string &case_ : refused)
    EXPECT_TRUE(kKnownRefusals.count(case_)) << "refuses " << case_;
  for (const std::string &case_ : kKnownRefusals)
    EXPECT_TRUE(refused.count(case_)) << "accepts now: " << case_;
  std::cout << "JSON-Schema-Test-Suite: " << compiled << " of " << groups
            << " schemas compile; " << validAccepted << " of " << valid
            << " valid instances accepted, 0 of " << invalid
            << " invalid ones\n";
  EXPECT_GE(compiled, 173);
}

TEST(JsonSchemaSuite, MaskBenchDevSet) {
  REQUIRE_TEST_DATA(dir, "jsonschemabench-dev");
  int schemas = 0, compiled = 0, passing = 0;
  int valid = 0, validAccepted = 0, invalid = 0;
  for (const fs::path &file : jsonFiles(dir)) {
    nlohmann::ordered_json entry = readJson(file);
    ++schemas;
    auto constraint = compileJsonSchema(entry["schema"].dump());
    if (!constraint)
      continue;
    ++compiled;
    bool allRight = true;
    for (const auto &test : entry["tests"]) {
      std::string text = dumpLikePython(test["data"]);
      bool accepted = (*constraint)->grammar().matches(text);
      if (test["valid"].get<bool>()) {
        ++valid;
        validAccepted += accepted;
        allRight = allRight && accepted;
      } else {
        ++invalid;
        allRight = allRight && !accepted;
        EXPECT_FALSE(accepted) << "accepts an invalid instance of "
                               << file.filename() << ": " << text;
      }
    }
    passing += allRight;
  }
  std::cout << "MaskBench dev: " << compiled << " of " << schemas
            << " schemas compile, " << passing << " with every instance "
            << "right; " << validAccepted << " of " << valid
            << " valid instances accepted, 0 of " << invalid
            << " invalid ones\n";
  EXPECT_EQ(schemas, 1090);
  EXPECT_GE(compiled, 930);
  EXPECT_GE(validAccepted, 1185);
}

} // namespace
