//===- JsonlInputTest.cpp - The input lines of sglrun batch mode ----------===//
#include "runtime/batch/JsonlInput.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sys/stat.h>
#include <thread>
#include <unistd.h>

using namespace sgl;
using namespace sgl::runtime;

namespace {

std::string tempPath(const std::string &name) {
  return ::testing::TempDir() + "/batch-input-" + std::to_string(::getpid()) +
         "-" + name;
}

std::string writeFile(const std::string &name, const std::string &content) {
  std::string path = tempPath(name);
  std::ofstream(path, std::ios::binary) << content;
  return path;
}

/// Every line next() gives: "N: name=value ..." or "N: error: MESSAGE".
std::vector<std::string> readAll(JsonlInput &input) {
  std::vector<std::string> lines;
  BatchInput item;
  while (input.next(item)) {
    std::string text = std::to_string(item.line) + ":";
    if (!item.args)
      text += " error: " + item.args.error().message;
    else
      for (const auto &[name, value] : *item.args)
        text += " " + name + "=" + toText(value);
    lines.push_back(text);
  }
  return lines;
}

/// Standard input replaced by a pipe holding `content` for one test.
class StdinFrom {
public:
  explicit StdinFrom(std::string content) {
    int fds[2];
    EXPECT_EQ(::pipe(fds), 0);
    saved_ = ::dup(STDIN_FILENO);
    ::dup2(fds[0], STDIN_FILENO);
    ::close(fds[0]);
    // A thread writes, so that content larger than the pipe fits.
    writer_ = std::thread([fd = fds[1], content = std::move(content)] {
      size_t done = 0;
      while (done < content.size()) {
        ssize_t n = ::write(fd, content.data() + done, content.size() - done);
        if (n <= 0)
          break;
        done += static_cast<size_t>(n);
      }
      ::close(fd);
    });
  }
  ~StdinFrom() {
    writer_.join();
    ::dup2(saved_, STDIN_FILENO);
    ::close(saved_);
  }

private:
  int saved_;
  std::thread writer_;
};

TEST(JsonlInput, SkipsBlankLinesAndAcceptsCrlfAndANoNewlineEnd) {
  std::string path = writeFile(
      "blank.jsonl",
      "{\"q\": \"a\"}\r\n\r\n   \n\t \r\n{\"q\": \"b\", \"r\": \"c\"}\n"
      "{\"q\": \"d\\r\"}");
  Expected<JsonlInput> input = JsonlInput::open(path);
  ASSERT_TRUE(input) << input.error().message;
  EXPECT_EQ(input->name(), path);
  EXPECT_EQ(input->totalLines(), std::optional<int64_t>(3));
  EXPECT_EQ(readAll(*input),
            (std::vector<std::string>{"1: q=a", "5: q=b r=c", "6: q=d\r"}));
  EXPECT_TRUE(input->status());
  std::filesystem::remove(path);
}

TEST(JsonlInput, AnEmptyFileHasNoLines) {
  std::string path = writeFile("empty.jsonl", "");
  Expected<JsonlInput> input = JsonlInput::open(path);
  ASSERT_TRUE(input) << input.error().message;
  EXPECT_EQ(input->totalLines(), std::optional<int64_t>(0));
  EXPECT_TRUE(readAll(*input).empty());
  std::filesystem::remove(path);
}

TEST(JsonlInput, ABadLineBecomesAnErrorWithTheParsersMessage) {
  std::string path = writeFile("bad.jsonl", "{\"q\": }\n"
                                            "{\"q\": \"a\", \"q\": \"b\"}\n"
                                            "{\"q\": null}\n"
                                            "[\"q\"]\n"
                                            "{\"q\": \"ok\"}\n");
  Expected<JsonlInput> input = JsonlInput::open(path);
  ASSERT_TRUE(input) << input.error().message;
  EXPECT_EQ(input->totalLines(), std::optional<int64_t>(5));
  EXPECT_EQ(
      readAll(*input),
      (std::vector<std::string>{
          "1: error: the line is not valid JSON: [json.exception.parse_error."
          "101] parse error at line 1, column 7: syntax error while parsing "
          "value - unexpected '}'; expected '[', '{', or a literal",
          "2: error: the line gives 'q' twice",
          "3: error: the value of 'q' cannot be null (an argument is a "
          "string, a number, a boolean or an array)",
          "4: error: the line must be a JSON object, not array", "5: q=ok"}));
  EXPECT_TRUE(input->status());
  std::filesystem::remove(path);
}

TEST(JsonlInput, ALineOverTheLimitIsAnErrorAndTheNextLineIsRead) {
  // Exactly at the limit, with a CRLF end: accepted. One byte more: not.
  std::string atLimit =
      "{\"q\": \"" + std::string(kInputLineLimit - 9, 'x') + "\"}";
  ASSERT_EQ(atLimit.size(), kInputLineLimit);
  std::string path = writeFile(
      "long.jsonl", atLimit + "\r\n" + std::string(kInputLineLimit + 1, 'y') +
                        "\n{\"q\": \"after\"}\n");
  Expected<JsonlInput> input = JsonlInput::open(path);
  ASSERT_TRUE(input) << input.error().message;
  EXPECT_EQ(input->totalLines(), std::optional<int64_t>(3));
  BatchInput item;
  ASSERT_TRUE(input->next(item));
  EXPECT_EQ(item.line, 1);
  ASSERT_TRUE(item.args) << item.args.error().message;
  EXPECT_EQ((*item.args)[0].second.str().size(), kInputLineLimit - 9);
  ASSERT_TRUE(input->next(item));
  EXPECT_EQ(item.line, 2);
  ASSERT_FALSE(item.args);
  EXPECT_EQ(item.args.error().message,
            "line too long (over 16 MiB; an input line may be at most 16 MiB)");
  EXPECT_EQ(readAll(*input), (std::vector<std::string>{"3: q=after"}));
  std::filesystem::remove(path);
}

TEST(JsonlInput, RefusesWhatIsNotARegularFile) {
  std::string dir = tempPath("dir");
  std::filesystem::create_directory(dir);
  Expected<JsonlInput> input = JsonlInput::open(dir);
  ASSERT_FALSE(input);
  EXPECT_EQ(input.error().message, dir + ": is a directory, not a JSONL input");

  std::string fifo = tempPath("fifo");
  ASSERT_EQ(::mkfifo(fifo.c_str(), 0600), 0);
  input = JsonlInput::open(fifo); // must not block waiting for a writer
  ASSERT_FALSE(input);
  EXPECT_EQ(input.error().message, fifo + ": is a FIFO, not a JSONL input");

  std::string missing = tempPath("missing.jsonl");
  input = JsonlInput::open(missing);
  ASSERT_FALSE(input);
  EXPECT_EQ(input.error().message,
            missing + ": cannot open: No such file or directory");
  std::filesystem::remove(dir);
  std::filesystem::remove(fifo);
}

TEST(JsonlInput, StandardInputIsStreamedWithAnUnknownTotal) {
  // Larger than a pipe holds: the reader must not need it all at once.
  std::string content;
  for (int i = 1; i <= 20000; ++i)
    content += "{\"i\": \"" + std::to_string(i) + "\"}\n";
  StdinFrom stdinFrom(content + "\n{\"i\": \"last\"}");
  Expected<JsonlInput> input = JsonlInput::open("-");
  ASSERT_TRUE(input) << input.error().message;
  EXPECT_EQ(input->name(), "<stdin>");
  EXPECT_EQ(input->totalLines(), std::nullopt);
  std::vector<std::string> lines = readAll(*input);
  ASSERT_EQ(lines.size(), 20001u);
  EXPECT_EQ(lines[0], "1: i=1");
  EXPECT_EQ(lines[19999], "20000: i=20000");
  EXPECT_EQ(lines[20000], "20002: i=last");
  EXPECT_TRUE(input->status());
}

TEST(JsonlInput, SkipDoneSkipsTheLinesOfAnEarlierRun) {
  std::string path = writeFile(
      "resume.jsonl", "{\"q\": \"1\"}\n\n{\"q\": \"3\"}\n{\"q\": \"4\"}\n");
  Expected<JsonlInput> input = JsonlInput::open(path);
  ASSERT_TRUE(input) << input.error().message;
  ASSERT_TRUE(input->skipDone({1, 3}, "out.jsonl"));
  EXPECT_EQ(readAll(*input), (std::vector<std::string>{"4: q=4"}));
  EXPECT_EQ(input->skipped(), 2);
  EXPECT_TRUE(input->status());
  std::filesystem::remove(path);
}

TEST(JsonlInput, SkipDoneRefusesLinesThatAreNotInputLines) {
  std::string path =
      writeFile("foreign.jsonl", "{\"q\": \"1\"}\n \n{\"q\": \"3\"}\n");
  Expected<JsonlInput> input = JsonlInput::open(path);
  ASSERT_TRUE(input) << input.error().message;
  Status status = input->skipDone({1, 2}, "out.jsonl");
  ASSERT_FALSE(status);
  EXPECT_EQ(status.error().message, "out.jsonl: has a record for line 2, but "
                                    "line 2 of " +
                                        path + " is blank");
  input = JsonlInput::open(path);
  ASSERT_TRUE(input) << input.error().message;
  status = input->skipDone({3, 9}, "out.jsonl");
  ASSERT_FALSE(status);
  EXPECT_EQ(status.error().message, "out.jsonl: has a record for line 9, but " +
                                        path + " has only 3 lines");
  std::filesystem::remove(path);
}

TEST(JsonlInput, SkipDoneOnStandardInputIsCheckedAsItIsRead) {
  {
    StdinFrom stdinFrom("{\"q\": \"1\"}\n{\"q\": \"2\"}\n");
    Expected<JsonlInput> input = JsonlInput::open("-");
    ASSERT_TRUE(input) << input.error().message;
    ASSERT_TRUE(input->skipDone({1, 7}, "out.jsonl"));
    EXPECT_EQ(readAll(*input), (std::vector<std::string>{"2: q=2"}));
    ASSERT_FALSE(input->status());
    EXPECT_EQ(input->status().error().message,
              "out.jsonl: has a record for line 7, but <stdin> has only 2 "
              "lines");
  }
  {
    StdinFrom stdinFrom("{\"q\": \"1\"}\n\n{\"q\": \"3\"}\n");
    Expected<JsonlInput> input = JsonlInput::open("-");
    ASSERT_TRUE(input) << input.error().message;
    ASSERT_TRUE(input->skipDone({2}, "out.jsonl"));
    EXPECT_EQ(readAll(*input), (std::vector<std::string>{"1: q=1"}));
    ASSERT_FALSE(input->status());
    EXPECT_EQ(input->status().error().message,
              "out.jsonl: has a record for line 2, but line 2 of <stdin> is "
              "blank");
  }
}

} // namespace
