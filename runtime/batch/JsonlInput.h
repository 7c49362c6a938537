//===- JsonlInput.h - The input lines of sglrun batch mode ------*- C++ -*-===//
//
// `sglrun plan.sglp --inputs in.jsonl` runs one program instance per line
// of in.jsonl; each line is a JSON object of the program's arguments:
//
//   Expected<JsonlInput> input = JsonlInput::open(path);   // "-" = stdin
//   BatchInput item;
//   while (input->next(item))
//     ... item.line, item.args (the arguments or this line's error) ...
//   if (!input->status()) ... a read error: fatal ...
//
// The input is streamed: a line is read when the scheduler asks for it, so
// a run starts at once and memory does not grow with the file. A regular
// file is also counted up front (a cheap pass over its bytes) so that the
// progress display knows the total; for standard input it is unknown.
//
// A line that is not a valid JSON object of argument values is not fatal:
// it comes back with its error, which becomes that line's error record. Only a
// read error or a --resume mismatch ends the input.
//
//===----------------------------------------------------------------------===//
#ifndef SGL_RUNTIME_BATCH_JSONLINPUT_H
#define SGL_RUNTIME_BATCH_JSONLINPUT_H

#include "runtime/engine/ProgramArgs.h"
#include "runtime/support/Expected.h"
#include "runtime/support/InputFile.h"

#include <cstdint>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <string_view>

namespace sgl::runtime {

/// Longest input line accepted, not counting its "\n" (nor the "\r" of a
/// CRLF). Arguments are prompts and documents; 16 MiB holds a whole book,
/// and a longer line is far more likely a file that is not JSONL at all.
constexpr uint64_t kInputLineLimit = 16 * kMiB;

/// Reads a file descriptor line by line in 64 KiB chunks, keeping at most
/// `maxBytes` of each line. Shared by JsonlInput and by ResultWriter's
/// reading of the records of an earlier run.
class LineReader {
public:
  /// Reads `fd` (not owned) from its current position. `where` starts
  /// read errors: "WHERE: cannot read: ...".
  LineReader(int fd, std::string where, uint64_t maxBytes);

  /// Reads the next physical line; false at the end of the input or after
  /// a read error (then status() holds it).
  bool next();

  /// The line's 1-based physical number.
  int64_t number() const { return number_; }
  /// The line without its "\n" and without one "\r" before it. Empty when
  /// tooLong().
  std::string_view text() const { return text_; }
  /// Longer than maxBytes (a final "\r" not counted): its text was dropped.
  bool tooLong() const { return tooLong_; }
  /// Nothing but JSON whitespace (spaces, tabs, "\r").
  bool blank() const { return blank_; }
  /// Ended by "\n" (false only for a last line without one).
  bool terminated() const { return terminated_; }
  /// Bytes read from the start position through the end of this line.
  uint64_t endOffset() const { return offset_; }

  const Status &status() const { return status_; }

private:
  bool fill();

  int fd_;
  std::string where_;
  uint64_t maxBytes_;
  std::unique_ptr<char[]> buffer_;
  size_t pos_ = 0, end_ = 0;
  bool eof_ = false;
  int64_t number_ = 0;
  uint64_t offset_ = 0;
  std::string text_;
  bool tooLong_ = false, blank_ = true, terminated_ = false;
  Status status_;
};

/// One input line that needs a record: its line number and its arguments,
/// or why it has none (bad JSON, not an object, a null value, too long). An
/// error here is that line's error record, not a fatal error.
struct BatchInput {
  int64_t line = 0;
  Expected<ProgramArgs> args = ProgramArgs{};
};

/// The input of a batch run: a regular file, or standard input for "-".
/// Blank (whitespace-only) lines are skipped and make no record; CRLF line
/// ends and a last line without "\n" are accepted.
class JsonlInput {
public:
  /// Opens `path`, refusing what is not a regular file ("PATH: is a FIFO,
  /// not a JSONL input") as every tool's inputs, and counts a regular
  /// file's lines.
  static Expected<JsonlInput> open(const std::string &path);

  JsonlInput(JsonlInput &&other) noexcept;
  JsonlInput &operator=(JsonlInput &&other) noexcept;
  ~JsonlInput();

  /// The path, or "<stdin>".
  const std::string &name() const { return name_; }

  /// For a regular file, how many lines make a record (the non-blank
  /// ones), counting any skipDone() skips; unknown for standard input.
  std::optional<int64_t> totalLines() const { return total_; }

  /// --resume: next() skips the lines in `done` (the records already in
  /// the output file `outputName`). Each must be a non-blank input line; a
  /// regular file is checked now, with one more pass over it, so a wrong
  /// output file is refused before any work. Standard input can only be
  /// checked as it is read: next() then stops with that error. Call once,
  /// before the first next().
  Status skipDone(std::set<int64_t> done, std::string_view outputName);

  /// The next line that needs a record, in input order. False at the end
  /// of the input or on a fatal error: then status() holds it.
  bool next(BatchInput &out);

  /// Fine, or the fatal error that ended next(): a read error, a --resume
  /// record for a line that is blank or past the end.
  const Status &status() const { return status_; }

  /// How many lines next() has skipped as done so far.
  int64_t skipped() const { return skipped_; }

private:
  JsonlInput(int fd, bool ownsFd, std::string name);
  void closeFd();

  int fd_ = -1;
  bool ownsFd_ = false;
  std::string name_;
  std::optional<int64_t> total_;
  int64_t physicalLines_ = 0; // of a regular file, from the counting pass
  std::unique_ptr<LineReader> reader_;
  std::set<int64_t> done_;
  std::string outputName_;
  int64_t skipped_ = 0;
  Status status_;
};

/// parseProgramArgsJson for one input line, its messages worded for a line
/// rather than for --args: "not valid JSON: ... at line 1, column 9: ...",
/// "gives 'q' twice", "the value of 'q' cannot be null (...)".
Expected<ProgramArgs> parseInputLineArgs(std::string_view text);

namespace detail {
/// Opens `path` with `flags` if it is a regular file: "PATH: is a FIFO,
/// not a KIND", "PATH: cannot open: ...". Looks before opening, since
/// opening a FIFO blocks until a writer comes.
Expected<int> openRegularFile(const std::string &path, int flags,
                              const char *kind);
} // namespace detail

} // namespace sgl::runtime

#endif // SGL_RUNTIME_BATCH_JSONLINPUT_H
