//===- BatchJsonlFuzzer.cpp - Fuzz the batch-mode JSONL readers -----------===//
//
// `sglrun --inputs in.jsonl` reads outside input line by line, and
// `--resume` reads back an output file that an interrupted run (or anyone)
// left behind. Any bytes must give input lines and records or an Error,
// never a crash; and what comes back must agree with a plain split of the
// bytes into lines:
//
//   JsonlInput     every non-blank physical line, and only those, comes
//                  back once, in order, with its arguments or a non-empty
//                  error; totalLines() counts them; skipDone() with the
//                  records read back skips exactly those lines
//   ResultWriter   open(path, resume) either fails, leaving the file as it
//                  was, or keeps a prefix of it that ends at a line end and
//                  drops only blank lines and a cut-off last line; its
//                  record lines are positive; a record appended then is
//                  read back by the next --resume
//
// The bytes go through memfds (regular files, as both readers demand).
//
//===----------------------------------------------------------------------===//

#include "runtime/batch/JsonlInput.h"
#include "runtime/batch/ResultWriter.h"

#include <nlohmann/json.hpp>

#include <cstdio>
#include <cstdlib>
#include <fcntl.h>
#include <set>
#include <string>
#include <string_view>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>
#include <vector>

using namespace sgl::runtime;

namespace {

/// Larger inputs are skipped: the per-input work stays small.
constexpr size_t kMaxInputBytes = 64 * 1024;

[[noreturn]] void bug(const char *what) {
  std::fprintf(stderr, "BatchJsonlFuzzer: %s\n", what);
  std::abort();
}

void check(bool ok, const char *what) {
  if (!ok)
    bug(what);
}

/// A memfd (or, without memfd_create, an unlinked-at-exit temporary file)
/// that the readers open by path.
struct Scratch {
  int fd = -1;
  std::string path;

  explicit Scratch(const char *name) {
    fd = ::memfd_create(name, MFD_CLOEXEC);
    if (fd >= 0) {
      path = "/proc/self/fd/" + std::to_string(fd);
      return;
    }
    path =
        "/tmp/sgl-fuzz-" + std::string(name) + "-" + std::to_string(::getpid());
    fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    if (fd < 0)
      bug("cannot create a scratch file");
  }

  void write(std::string_view bytes) const {
    if (::ftruncate(fd, 0) != 0)
      bug("cannot truncate a scratch file");
    size_t done = 0;
    while (done < bytes.size()) {
      ssize_t n = ::pwrite(fd, bytes.data() + done, bytes.size() - done,
                           static_cast<off_t>(done));
      if (n <= 0)
        bug("cannot write a scratch file");
      done += static_cast<size_t>(n);
    }
  }

  std::string read() const {
    struct stat st;
    if (::fstat(fd, &st) != 0)
      bug("cannot stat a scratch file");
    std::string bytes(static_cast<size_t>(st.st_size), '\0');
    size_t done = 0;
    while (done < bytes.size()) {
      ssize_t n = ::pread(fd, bytes.data() + done, bytes.size() - done,
                          static_cast<off_t>(done));
      if (n <= 0)
        bug("cannot read a scratch file");
      done += static_cast<size_t>(n);
    }
    return bytes;
  }
};

/// One physical line of the oracle's split.
struct Line {
  std::string_view text; // without "\n" and one "\r" before it
  bool blank = true;     // only spaces, tabs and "\r"
  bool terminated = false;
};

std::vector<Line> splitLines(std::string_view bytes) {
  std::vector<Line> lines;
  size_t pos = 0;
  while (pos < bytes.size()) {
    size_t newline = bytes.find('\n', pos);
    Line line;
    line.terminated = newline != std::string_view::npos;
    size_t end = line.terminated ? newline : bytes.size();
    line.text = bytes.substr(pos, end - pos);
    for (char c : line.text)
      line.blank = line.blank && (c == ' ' || c == '\t' || c == '\r');
    if (!line.text.empty() && line.text.back() == '\r')
      line.text.remove_suffix(1);
    lines.push_back(line);
    pos = line.terminated ? newline + 1 : bytes.size();
  }
  return lines;
}

/// Reads all of `path` as batch input, skipping `done` (when given), and
/// checks it against the oracle's `lines`.
void checkInput(const std::string &path, const std::vector<Line> &lines,
                const std::set<int64_t> *done) {
  sgl::Expected<JsonlInput> input = JsonlInput::open(path);
  check(static_cast<bool>(input), "JsonlInput::open failed on a memfd");
  int64_t nonBlank = 0;
  for (const Line &line : lines)
    nonBlank += line.blank ? 0 : 1;
  check(input->totalLines() && *input->totalLines() == nonBlank,
        "totalLines() is not the number of non-blank lines");
  if (done) {
    sgl::Status skip = input->skipDone(*done, "out.jsonl");
    if (!skip) {
      check(!skip.error().message.empty(), "skipDone(): an empty error");
      return;
    }
  }
  BatchInput item;
  int64_t previous = 0, yielded = 0;
  size_t want = 0; // the oracle's next line that needs a record
  auto advance = [&] {
    while (want < lines.size() &&
           (lines[want].blank ||
            (done && done->count(static_cast<int64_t>(want) + 1))))
      ++want;
  };
  advance();
  while (input->next(item)) {
    check(item.line > previous, "line numbers not strictly increasing");
    previous = item.line;
    check(want < lines.size(), "a line past the end of the input");
    check(item.line == static_cast<int64_t>(want) + 1,
          "a blank or skipped line came back, or a line was left out");
    if (item.args) {
      check(static_cast<bool>(parseInputLineArgs(lines[want].text)),
            "arguments for a line that does not parse on its own");
    } else {
      check(!item.args.error().message.empty(),
            "a line with an empty error message");
      check(!parseInputLineArgs(lines[want].text),
            "an error for a line that parses on its own");
    }
    ++yielded;
    ++want;
    advance();
  }
  check(static_cast<bool>(input->status()), "next() stopped with an error");
  check(want == lines.size(), "next() stopped before the end");
  int64_t skipped = done ? static_cast<int64_t>(done->size()) : 0;
  check(input->skipped() == skipped, "skipped() is not the done lines");
  check(yielded + skipped == nonBlank, "lines yielded + skipped != total");
}

/// --resume over `bytes` in `out`; returns the records read back (empty
/// when the file is not a batch output).
std::set<int64_t> checkResume(const Scratch &out, std::string_view bytes) {
  out.write(bytes);
  sgl::Expected<ResultWriter> writer = ResultWriter::open(out.path, true);
  if (!writer) {
    check(!writer.error().message.empty(), "ResultWriter: an empty error");
    check(out.read() == bytes, "a refused --resume changed the file");
    return {};
  }
  std::set<int64_t> done = writer->doneLines();
  for (int64_t line : done)
    check(line > 0, "doneLines() holds a line number below 1");
  check(writer->resumedFailures() >= 0 &&
            writer->resumedFailures() <= static_cast<int64_t>(done.size()),
        "resumedFailures() is not a count of the records");
  std::string kept = out.read();
  check(kept.size() <= bytes.size(), "--resume made the file grow");
  check(std::string_view(bytes).substr(0, kept.size()) == kept,
        "--resume kept something other than a prefix");
  check(writer->discardedBytes() == bytes.size() - kept.size(),
        "discardedBytes() is not what was cut");
  check(kept.empty() || kept.back() == '\n', "--resume kept part of a line");
  for (const Line &line : splitLines(bytes.substr(kept.size())))
    check(line.blank || !line.terminated,
          "--resume cut away a complete record line");

  // A new record goes after the kept ones and is read back next time.
  int64_t line = 1;
  while (done.count(line))
    ++line;
  check(static_cast<bool>(writer->expect(line)), "expect() failed");
  nlohmann::ordered_json captures = nlohmann::ordered_json::object();
  captures["a"] = std::string(bytes.substr(0, 16)); // may be bad UTF-8
  check(static_cast<bool>(writer->complete(line, std::move(captures))),
        "complete() failed");
  check(writer->written() == 1 && writer->pending() == 0,
        "the record was not written");
  check(static_cast<bool>(writer->close()), "close() failed");
  sgl::Expected<ResultWriter> again = ResultWriter::open(out.path, true);
  check(static_cast<bool>(again), "a second --resume refused the output");
  std::set<int64_t> expected = done;
  expected.insert(line);
  check(again->doneLines() == expected,
        "a second --resume read back other records");
  check(again->resumedFailures() == writer->resumedFailures(),
        "a second --resume counted other failures");
  check(again->discardedBytes() == 0, "a second --resume cut bytes");
  return done;
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  if (size > kMaxInputBytes)
    return 0;
  static const Scratch in("sgl-fuzz-batch-in");
  static const Scratch out("sgl-fuzz-batch-out");
  std::string_view bytes(reinterpret_cast<const char *>(data), size);
  std::vector<Line> lines = splitLines(bytes);
  in.write(bytes);
  checkInput(in.path, lines, nullptr);
  std::set<int64_t> done = checkResume(out, bytes);
  checkInput(in.path, lines, &done);
  return 0;
}
