//===- BenchCorpus.cpp - The schemas and instances a benchmark runs -------===//
#include "bench/maskbench/BenchCorpus.h"

#include "runtime/constraints/PythonJson.h"
#include "runtime/support/InputFile.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <filesystem>

namespace sgl::bench {

namespace {

namespace fs = std::filesystem;
using Json = nlohmann::ordered_json;

/// Files of the corpus the test suite leaves to optional validators.
constexpr const char *kSkippedSuiteFiles[] = {"format.json"};

/// The *.json files directly in `dir`, by name.
Expected<std::vector<fs::path>> jsonFiles(const fs::path &dir,
                                          const std::string &filter) {
  std::error_code ec;
  if (!fs::is_directory(dir, ec))
    return makeError(dir.string() + ": not a directory");
  std::vector<fs::path> files;
  for (const fs::directory_entry &entry : fs::directory_iterator(dir, ec)) {
    std::string name = entry.path().filename().string();
    if (entry.is_regular_file() && entry.path().extension() == ".json" &&
        name.find(filter) != std::string::npos)
      files.push_back(entry.path());
  }
  if (ec)
    return makeError(dir.string() + ": " + ec.message());
  std::sort(files.begin(), files.end());
  return files;
}

Expected<Json> readJson(const fs::path &path) {
  Expected<std::string> text =
      readInputFile(path.string(), {"corpus file", 64 * kMiB});
  if (!text)
    return text.error();
  try {
    return Json::parse(*text);
  } catch (const Json::exception &e) {
    return makeError(path.string() + ": " + e.what());
  }
}

/// One schema with its tests; `name` starts its errors.
Expected<BenchSchema> readGroup(const Json &group, std::string name,
                                std::string file) {
  auto fail = [&](const std::string &what) {
    return makeError(name + ": " + what);
  };
  if (!group.is_object() || !group.contains("schema") ||
      !group.contains("tests") || !group["tests"].is_array())
    return fail("expected an object with \"schema\" and \"tests\"");
  BenchSchema schema{
      std::move(name), std::move(file), group["schema"].dump(), {}};
  for (const Json &test : group["tests"]) {
    if (!test.is_object() || !test.contains("data") ||
        !test.contains("valid") || !test["valid"].is_boolean())
      return fail("a test without \"data\" and a boolean \"valid\"");
    schema.instances.push_back(
        {runtime::constraints::dumpLikePython(test["data"]),
         test["valid"].get<bool>()});
  }
  return schema;
}

} // namespace

Expected<std::vector<BenchSchema>> loadMaskBench(const std::string &dir,
                                                 const std::string &filter) {
  Expected<std::vector<fs::path>> files = jsonFiles(dir, filter);
  if (!files)
    return files.error();
  std::vector<BenchSchema> schemas;
  for (const fs::path &path : *files) {
    Expected<Json> json = readJson(path);
    if (!json)
      return json.error();
    std::string name = path.filename().string();
    Expected<BenchSchema> schema = readGroup(*json, name, name);
    if (!schema)
      return schema.error();
    schemas.push_back(schema.take());
  }
  return schemas;
}

Expected<std::vector<BenchSchema>> loadTestSuite(const std::string &dir,
                                                 const std::string &filter) {
  fs::path folder = dir;
  std::error_code ec;
  if (fs::is_directory(folder / "tests" / "draft2020-12", ec))
    folder = folder / "tests" / "draft2020-12";
  Expected<std::vector<fs::path>> files = jsonFiles(folder, "");
  if (!files)
    return files.error();
  std::vector<BenchSchema> schemas;
  for (const fs::path &path : *files) {
    std::string file = path.filename().string();
    if (std::find(std::begin(kSkippedSuiteFiles), std::end(kSkippedSuiteFiles),
                  file) != std::end(kSkippedSuiteFiles))
      continue;
    Expected<Json> json = readJson(path);
    if (!json)
      return json.error();
    if (!json->is_array())
      return makeError(path.string() + ": expected a list of test groups");
    for (size_t i = 0; i < json->size(); ++i) {
      std::string name = file + " #" + std::to_string(i);
      if (name.find(filter) == std::string::npos)
        continue;
      Expected<BenchSchema> schema = readGroup((*json)[i], name, file);
      if (!schema)
        return schema.error();
      schemas.push_back(schema.take());
    }
  }
  return schemas;
}

} // namespace sgl::bench
