//===- ResultWriterTest.cpp - The ordered, resumable output of batch mode -===//
#include "runtime/batch/ResultWriter.h"

#include "runtime/batch/JsonlInput.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <iterator>
#include <unistd.h>

using namespace sgl;
using namespace sgl::runtime;
using ordered_json = nlohmann::ordered_json;

namespace {

std::string tempPath(const std::string &name) {
  return ::testing::TempDir() + "/batch-output-" + std::to_string(::getpid()) +
         "-" + name;
}

std::string writeFile(const std::string &name, const std::string &content) {
  std::string path = tempPath(name);
  std::ofstream(path, std::ios::binary) << content;
  return path;
}

std::string readBack(const std::string &path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

ordered_json answer(const std::string &text) {
  ordered_json captures = ordered_json::object();
  captures["answer"] = text;
  return captures;
}

TEST(ResultWriter, OutOfOrderResultsAreWrittenInInputOrder) {
  std::string path = tempPath("order.jsonl");
  Expected<ResultWriter> out = ResultWriter::open(path, /*resume=*/false);
  ASSERT_TRUE(out) << out.error().message;
  EXPECT_TRUE(out->doneLines().empty());
  for (int64_t line : {1, 2, 4, 5})
    ASSERT_TRUE(out->expect(line));

  ASSERT_TRUE(out->complete(4, answer("four")));
  ASSERT_TRUE(out->complete(2, answer("two")));
  EXPECT_EQ(readBack(path), ""); // line 1 is still running
  EXPECT_EQ(out->pending(), 4);

  ASSERT_TRUE(out->complete(1, makeError("the line is not valid JSON")));
  EXPECT_EQ(readBack(path),
            "{\"line\":1,\"error\":\"the line is not valid JSON\"}\n"
            "{\"line\":2,\"captures\":{\"answer\":\"two\"}}\n"
            "{\"line\":4,\"captures\":{\"answer\":\"four\"}}\n");
  EXPECT_EQ(out->pending(), 1);
  EXPECT_EQ(out->written(), 3);
  EXPECT_EQ(out->failedLines(), 1);

  ASSERT_TRUE(out->complete(5, answer("five")));
  EXPECT_TRUE(out->close());
  EXPECT_EQ(readBack(path),
            "{\"line\":1,\"error\":\"the line is not valid JSON\"}\n"
            "{\"line\":2,\"captures\":{\"answer\":\"two\"}}\n"
            "{\"line\":4,\"captures\":{\"answer\":\"four\"}}\n"
            "{\"line\":5,\"captures\":{\"answer\":\"five\"}}\n");
  std::filesystem::remove(path);
}

TEST(ResultWriter, CapturesKeepTheirOrderAndBadUtf8IsReplaced) {
  std::string path = tempPath("captures.jsonl");
  Expected<ResultWriter> out = ResultWriter::open(path, /*resume=*/false);
  ASSERT_TRUE(out) << out.error().message;
  ordered_json captures = ordered_json::object();
  captures["zeta"] = "cut \xe2\x82";
  captures["alpha"] = ordered_json::array({"x", "y"});
  ASSERT_TRUE(out->expect(1));
  ASSERT_TRUE(out->complete(1, captures));
  EXPECT_TRUE(out->close());
  EXPECT_EQ(readBack(path), "{\"line\":1,\"captures\":{\"zeta\":\"cut "
                            "\xef\xbf\xbd\",\"alpha\":[\"x\",\"y\"]}}\n");
  std::filesystem::remove(path);
}

TEST(ResultWriter, AnExistingFileIsTruncatedWithoutResume) {
  std::string path = writeFile("fresh.jsonl", "old content\n");
  Expected<ResultWriter> out = ResultWriter::open(path, /*resume=*/false);
  ASSERT_TRUE(out) << out.error().message;
  EXPECT_TRUE(out->close());
  EXPECT_EQ(readBack(path), "");
  std::filesystem::remove(path);
}

TEST(ResultWriter, ResumeCutsOffATruncatedLastLine) {
  std::string path =
      writeFile("cut.jsonl", "{\"line\":1,\"captures\":{\"a\":\"x\"}}\n"
                             "\n"
                             "{\"line\": 3, \"error\": \"boom\"}\r\n"
                             "{\"line\":4,\"captures\":{\"a\":\"y\"");
  Expected<ResultWriter> out = ResultWriter::open(path, /*resume=*/true);
  ASSERT_TRUE(out) << out.error().message;
  EXPECT_EQ(out->doneLines(), (std::set<int64_t>{1, 3}));
  EXPECT_EQ(out->resumedFailures(), 1);
  EXPECT_EQ(out->failedLines(), 1);
  EXPECT_EQ(out->discardedBytes(), 29u);
  EXPECT_EQ(readBack(path), "{\"line\":1,\"captures\":{\"a\":\"x\"}}\n"
                            "\n"
                            "{\"line\": 3, \"error\": \"boom\"}\r\n");
  ASSERT_TRUE(out->expect(4));
  ASSERT_TRUE(out->complete(4, answer("y")));
  EXPECT_TRUE(out->close());
  EXPECT_EQ(readBack(path), "{\"line\":1,\"captures\":{\"a\":\"x\"}}\n"
                            "\n"
                            "{\"line\": 3, \"error\": \"boom\"}\r\n"
                            "{\"line\":4,\"captures\":{\"answer\":\"y\"}}\n");
  std::filesystem::remove(path);
}

TEST(ResultWriter, ResumeSkipsTheLinesAlreadyDone) {
  std::string inputPath = writeFile(
      "skip-in.jsonl", "{\"q\": \"1\"}\n{\"q\": \"2\"}\n\n{\"q\": \"4\"}\n");
  std::string path =
      writeFile("skip-out.jsonl", "{\"line\":2,\"captures\":{\"q\":\"2\"}}\n");
  Expected<ResultWriter> out = ResultWriter::open(path, /*resume=*/true);
  ASSERT_TRUE(out) << out.error().message;
  Expected<JsonlInput> input = JsonlInput::open(inputPath);
  ASSERT_TRUE(input) << input.error().message;
  ASSERT_TRUE(input->skipDone(out->doneLines(), out->name()));
  BatchInput item;
  std::vector<BatchInput> items;
  while (input->next(item)) {
    ASSERT_TRUE(out->expect(item.line));
    items.push_back(item);
  }
  ASSERT_TRUE(input->status());
  // Finish them last first: the records still come out in input order.
  for (auto it = items.rbegin(); it != items.rend(); ++it) {
    ordered_json captures = ordered_json::object();
    for (const auto &[name, value] : *it->args)
      captures[name] = toJson(value);
    ASSERT_TRUE(out->complete(it->line, captures));
  }
  EXPECT_TRUE(out->close());
  EXPECT_EQ(readBack(path), "{\"line\":2,\"captures\":{\"q\":\"2\"}}\n"
                            "{\"line\":1,\"captures\":{\"q\":\"1\"}}\n"
                            "{\"line\":4,\"captures\":{\"q\":\"4\"}}\n");
  std::filesystem::remove(path);
  std::filesystem::remove(inputPath);
}

TEST(ResultWriter, ResumeOfAMissingFileStartsAfresh) {
  std::string path = tempPath("missing.jsonl");
  std::filesystem::remove(path);
  Expected<ResultWriter> out = ResultWriter::open(path, /*resume=*/true);
  ASSERT_TRUE(out) << out.error().message;
  EXPECT_TRUE(out->doneLines().empty());
  EXPECT_TRUE(out->close());
  EXPECT_TRUE(std::filesystem::exists(path));
  std::filesystem::remove(path);
}

TEST(ResultWriter, ResumeRefusesALineNumberGivenTwice) {
  std::string path =
      writeFile("twice.jsonl", "{\"line\":1,\"captures\":{}}\n"
                               "{\"line\":2,\"captures\":{}}\n"
                               "{\"line\":1,\"error\":\"again\"}\n");
  Expected<ResultWriter> out = ResultWriter::open(path, /*resume=*/true);
  ASSERT_FALSE(out);
  EXPECT_EQ(out.error().message,
            path + ":3: a second record for input line 1 (the first is on "
                   "line 1)");
  std::filesystem::remove(path);
}

TEST(ResultWriter, ResumeRefusesLinesThatAreNotRecords) {
  struct Case {
    std::string content, message;
  };
  std::string path = tempPath("garbage.jsonl");
  std::string shape = R"(not a batch record ({"line": N, "captures": {...}})"
                      R"( or {"line": N, "error": "..."}): )";
  for (const Case &c : {
           Case{"{\"line\":1,\"captures\":{}}\nnot json\n",
                ":2: invalid JSON at line 1, column 2: syntax error while "
                "parsing value - invalid literal; last read: 'no'"},
           Case{"{\"line\":0,\"error\":\"x\"}\n",
                ":1: " + shape + "\"line\" must be a line number"},
           Case{"{\"line\":1.5,\"error\":\"x\"}\n",
                ":1: " + shape + "\"line\" must be a line number"},
           Case{"{\"line\":1,\"error\":\"x\",\"captures\":{}}\n",
                ":1: " + shape +
                    "it needs \"line\" and one of \"captures\" or \"error\", "
                    "nothing else"},
           Case{"{\"line\":1,\"captures\":[]}\n",
                ":1: " + shape + "\"captures\" must be an object"},
           Case{"{\"line\":1,\"error\":7}\n",
                ":1: " + shape + "\"error\" must be a string"},
       }) {
    std::ofstream(path, std::ios::binary) << c.content;
    Expected<ResultWriter> out = ResultWriter::open(path, /*resume=*/true);
    ASSERT_FALSE(out) << c.content;
    EXPECT_EQ(out.error().message, path + c.message);
    // Nothing is truncated when the file is refused.
    EXPECT_EQ(readBack(path), c.content);
  }
  std::filesystem::remove(path);
}

TEST(ResultWriter, ResumeNeedsARegularFile) {
  Expected<ResultWriter> out = ResultWriter::open("-", /*resume=*/true);
  ASSERT_FALSE(out);
  EXPECT_EQ(out.error().message,
            "--resume needs an output file to read back, not standard output");
  std::string dir = tempPath("dir");
  std::filesystem::create_directory(dir);
  out = ResultWriter::open(dir, /*resume=*/true);
  ASSERT_FALSE(out);
  EXPECT_EQ(out.error().message,
            dir + ": is a directory, not a batch output to resume");
  std::filesystem::remove(dir);
}

TEST(ResultWriter, AFailedWriteIsAnErrorNamingTheFile) {
  Expected<ResultWriter> out = ResultWriter::open("/dev/full", false);
  ASSERT_TRUE(out) << out.error().message;
  ASSERT_TRUE(out->expect(1));
  Status status = out->complete(1, answer("x"));
  ASSERT_FALSE(status);
  EXPECT_EQ(status.error().message,
            "/dev/full: cannot write: No space left on device");
  EXPECT_EQ(out->written(), 0);
  EXPECT_FALSE(out->close());
}

TEST(ResultWriter, MisuseIsAnInternalError) {
  std::string path = tempPath("misuse.jsonl");
  Expected<ResultWriter> out = ResultWriter::open(path, /*resume=*/false);
  ASSERT_TRUE(out) << out.error().message;
  ASSERT_TRUE(out->expect(2));
  Status status = out->expect(2);
  ASSERT_FALSE(status);
  EXPECT_EQ(status.error().message,
            "internal error: batch line 2 registered after line 2");
  status = out->complete(3, answer("x"));
  ASSERT_FALSE(status);
  EXPECT_EQ(status.error().message,
            "internal error: batch line 3 completed but not awaited");
  ASSERT_TRUE(out->expect(3));
  ASSERT_TRUE(out->complete(3, answer("x")));
  status = out->close();
  ASSERT_FALSE(status);
  EXPECT_EQ(status.error().message, path + ": no record for line 2 and 1 more");
  std::filesystem::remove(path);
}

} // namespace
