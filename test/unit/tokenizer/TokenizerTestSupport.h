//===- TokenizerTestSupport.h - Helpers for tokenizer tests ----*- C++ -*-===//
//
// A tiny synthetic byte-level BPE tokenizer.json for unit tests, and the
// plumbing that finds the real Llama 3.1 / Qwen3 tokenizer files and runs
// the @lenml/tokenizers reference (test/tokenizer/reference.js) through node.
//
//===----------------------------------------------------------------------===//
#ifndef SGL_TEST_UNIT_TOKENIZER_TOKENIZERTESTSUPPORT_H
#define SGL_TEST_UNIT_TOKENIZER_TOKENIZERTESTSUPPORT_H

#include "runtime/tokenizer/Tokenizer.h"
#include "runtime/tokenizer/Utf8.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <optional>
#include <sstream>
#include <string>
#include <unistd.h>
#include <vector>

namespace sgl::runtime::testing {

/// A byte-level BPE tokenizer.json: ids 0..255 spell single bytes (in the
/// GPT-2 alphabet), then the given merges' results get the next ids.
inline nlohmann::json tinyTokenizerJson(
    const std::vector<std::pair<std::string, std::string>> &merges,
    bool arrayMerges = false) {
  nlohmann::json vocab = nlohmann::json::object();
  const auto &alphabet = byteToCodePoint();
  for (int b = 0; b < 256; ++b) {
    std::string spelling;
    appendUtf8(spelling, alphabet[b]);
    vocab[spelling] = b;
  }
  nlohmann::json mergeList = nlohmann::json::array();
  int next = 256;
  for (const auto &[left, right] : merges) {
    if (!vocab.contains(left + right))
      vocab[left + right] = next++;
    if (arrayMerges)
      mergeList.push_back({left, right});
    else
      mergeList.push_back(left + " " + right);
  }
  return {
      {"version", "1.0"},
      {"added_tokens", nlohmann::json::array()},
      {"normalizer", nullptr},
      {"pre_tokenizer",
       {{"type", "ByteLevel"},
        {"add_prefix_space", false},
        {"trim_offsets", true},
        {"use_regex", true}}},
      {"post_processor", nullptr},
      {"decoder", {{"type", "ByteLevel"}}},
      {"model",
       {{"type", "BPE"},
        {"vocab", vocab},
        {"merges", mergeList},
        {"ignore_merges", false}}},
  };
}

inline std::string sourceDir() {
  const char *dir = std::getenv("SGL_SOURCE_DIR");
  return dir && *dir ? dir : ".";
}

/// $SGL_BINARY_DIR, else the build tree this test binary lives in
/// (<build>/unittests/TokenizerTests).
inline std::string binaryDir() {
  if (const char *dir = std::getenv("SGL_BINARY_DIR"); dir && *dir)
    return dir;
  std::error_code ec;
  std::filesystem::path self =
      std::filesystem::read_symlink("/proc/self/exe", ec);
  if (!ec)
    return self.parent_path().parent_path().string();
  return "build";
}

/// True when SGL_REQUIRE_REFERENCE is set: a missing node / npm install then
/// fails the reference tests instead of skipping them.
inline bool referenceRequired() {
  const char *value = std::getenv("SGL_REQUIRE_REFERENCE");
  return value && *value && std::string(value) != "0";
}

inline std::string shellQuote(const std::string &text) {
  std::string quoted = "'";
  for (char c : text) {
    if (c == '\'')
      quoted += "'\\''";
    else
      quoted += c;
  }
  return quoted + "'";
}

inline std::string readText(const std::filesystem::path &path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

/// Runs a shell command; on failure returns its combined output.
inline bool runCommand(const std::string &command, std::string &output) {
  std::filesystem::path log =
      std::filesystem::temp_directory_path() /
      ("sgl-tokenizer-" + std::to_string(::getpid()) + ".log");
  int rc = std::system(
      (command + " >" + shellQuote(log.string()) + " 2>&1").c_str());
  output = readText(log);
  std::filesystem::remove(log);
  return rc == 0;
}

/// Why the reference cannot run here (no node, no npm install), or "".
inline std::string referenceUnavailableReason() {
  std::string output;
  if (!runCommand("node --version", output))
    return "node is not on PATH";
  if (!std::filesystem::exists(std::filesystem::path(sourceDir()) /
                               "node_modules/@lenml/tokenizers/package.json"))
    return "node_modules/@lenml/tokenizers is missing (run `npm ci` at the "
           "repository root)";
  return "";
}

/// Directory of tokenizer `name` (llama3_1, qwen3) under
/// $SGL_BINARY_DIR/tokenizers, written by tools/write-tokenizers.js when
/// missing. Returns "" and sets `error` when it cannot be produced.
inline std::string tokenizerDir(const std::string &name, std::string &error) {
  std::filesystem::path root =
      std::filesystem::path(binaryDir()) / "tokenizers";
  std::filesystem::path dir = root / name;
  if (std::filesystem::exists(dir / "tokenizer.json") &&
      std::filesystem::exists(dir / "tokenizer_config.json"))
    return dir.string();
  if (std::string why = referenceUnavailableReason(); !why.empty()) {
    error = "tokenizer files missing and cannot be written: " + why;
    return "";
  }
  std::string output;
  std::string script =
      (std::filesystem::path(sourceDir()) / "tools/write-tokenizers.js")
          .string();
  if (!runCommand("node " + shellQuote(script) + " " +
                      shellQuote(root.string()),
                  output)) {
    error = "tools/write-tokenizers.js failed:\n" + output;
    return "";
  }
  return dir.string();
}

/// Runs test/tokenizer/reference.js on the corpus for the tokenizer in
/// `dir`; returns its JSON, or a discarded value with `error` set.
inline nlohmann::json runReference(const std::string &dir, std::string &error) {
  std::filesystem::path out =
      std::filesystem::temp_directory_path() /
      ("sgl-tokenizer-reference-" + std::to_string(::getpid()) + ".json");
  std::filesystem::path source(sourceDir());
  std::string command =
      "node " + shellQuote((source / "test/tokenizer/reference.js").string()) +
      " " + shellQuote(dir) + " " +
      shellQuote((source / "test/tokenizer/corpus.jsonl").string()) + " " +
      shellQuote(out.string());
  std::string output;
  if (!runCommand(command, output)) {
    error = "reference.js failed:\n" + output;
    return nlohmann::json(nlohmann::json::value_t::discarded);
  }
  nlohmann::json result = nlohmann::json::parse(readText(out), nullptr, false);
  std::filesystem::remove(out);
  if (result.is_discarded())
    error = "reference.js wrote invalid JSON";
  return result;
}

/// The corpus strings, parsed independently of node.
inline std::vector<std::string> readCorpus() {
  std::ifstream in(std::filesystem::path(sourceDir()) /
                   "test/tokenizer/corpus.jsonl");
  std::vector<std::string> texts;
  std::string line;
  while (std::getline(in, line)) {
    if (line.find_first_not_of(" \t\r") == std::string::npos)
      continue;
    texts.push_back(nlohmann::json::parse(line).get<std::string>());
  }
  return texts;
}

/// A test over one of the real tokenizers (the parameter names it), which
/// skips where the tokenizer files are missing, or fails when references
/// are required.
class RealTokenizerTest : public ::testing::TestWithParam<std::string> {
protected:
  void SetUp() override {
    std::string error;
    dir_ = tokenizerDir(GetParam(), error);
    if (dir_.empty()) {
      if (referenceRequired())
        FAIL() << error;
      GTEST_SKIP() << error;
    }
    auto tokenizer = Tokenizer::fromFile(dir_);
    ASSERT_TRUE(tokenizer) << tokenizer.error().message;
    tokenizer_.emplace(tokenizer.take());
  }

  const Tokenizer &tokenizer() const { return *tokenizer_; }

  std::string dir_;
  std::optional<Tokenizer> tokenizer_;
};

} // namespace sgl::runtime::testing

#endif // SGL_TEST_UNIT_TOKENIZER_TOKENIZERTESTSUPPORT_H
