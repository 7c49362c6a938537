//===- ResultWriter.h - Ordered, resumable batch output ---------*- C++ -*-===//
//
// `sglrun --inputs in.jsonl --output out.jsonl` writes one record per
// non-blank input line, in input order:
//
//   {"line": 3, "captures": {"answer": "..."}}
//   {"line": 4, "error": "the line is not valid JSON: ..."}
//
// Instances finish out of order; the writer holds a finished record back
// until every line before it is done, then writes the ready run of records
// at once. Records are whole lines and reach the file as soon as they are
// ready, so an interrupted run keeps everything it finished.
//
//   Expected<ResultWriter> out = ResultWriter::open(path, resume);
//   input.skipDone(out->doneLines(), out->name());  // with --resume
//   for each input line, in order:  out->expect(line);
//   whenever one finishes:          out->complete(line, captures);
//   at the end:                     out->close();
//
// With --resume, the records of the earlier run are read back first: every
// complete valid record is kept, a cut-off last line is truncated away,
// and doneLines() says which input lines to skip.
//
//===----------------------------------------------------------------------===//
#ifndef SGL_RUNTIME_BATCH_RESULTWRITER_H
#define SGL_RUNTIME_BATCH_RESULTWRITER_H

#include "runtime/support/Expected.h"
#include "runtime/support/InputFile.h"

#include <nlohmann/json.hpp>

#include <cstdint>
#include <deque>
#include <map>
#include <set>
#include <string>
#include <utility>

namespace sgl::runtime {

/// Longest record line --resume reads back. Records hold a run's captures,
/// bounded by the model's context; longer is not a file this wrote.
constexpr uint64_t kResultLineLimit = 256 * kMiB;

class ResultWriter {
public:
  /// Opens `path` for the records; "-" (or "") is standard output.
  /// Without `resume` the file is created or truncated. With `resume` it
  /// must be a regular file (a missing one is created): its records are
  /// read, a cut-off last line is truncated away, and new records are
  /// appended. Errors: a line that is not a record ("PATH:N: ..."), a
  /// record for an input line given twice, `resume` with standard output.
  static Expected<ResultWriter> open(const std::string &path, bool resume);

  ResultWriter(ResultWriter &&other) noexcept;
  ResultWriter &operator=(ResultWriter &&other) noexcept;
  ~ResultWriter();

  /// The path, or "<stdout>".
  const std::string &name() const { return name_; }

  /// The input lines that have a record from the earlier run (--resume).
  const std::set<int64_t> &doneLines() const { return done_; }
  /// How many of those records are errors.
  int64_t resumedFailures() const { return resumedFailures_; }
  /// Bytes of a cut-off last line removed by --resume (0 if none).
  uint64_t discardedBytes() const { return discardedBytes_; }

  /// Registers `line` as one that will get a record. Lines are registered
  /// in input order (increasing) and must not be done already.
  Status expect(int64_t line);

  /// The result of `line`, registered by expect(): its captures (a JSON
  /// object, kept in its order) or its error. Writes the record, and those
  /// held back behind it, once every earlier line is complete. A failed
  /// write is returned here and by every later call.
  Status complete(int64_t line, Expected<nlohmann::ordered_json> captures);

  /// Records written by this run, and how many of them are errors.
  int64_t written() const { return written_; }
  int64_t writtenFailures() const { return writtenFailures_; }
  /// Error records in the whole output, earlier run included: the run
  /// exits with status 1 when this is not 0.
  int64_t failedLines() const { return resumedFailures_ + writtenFailures_; }
  /// Registered lines without a written record (running or held back).
  int64_t pending() const { return static_cast<int64_t>(expected_.size()); }

  /// Closes the file. An error if a write or the close failed, or if a
  /// registered line never completed.
  Status close();

private:
  ResultWriter(int fd, bool ownsFd, std::string name);
  Status writeAll(const std::string &bytes);
  void closeFd();

  int fd_ = -1;
  bool ownsFd_ = false;
  std::string name_;
  std::set<int64_t> done_;
  int64_t resumedFailures_ = 0;
  uint64_t discardedBytes_ = 0;
  std::deque<int64_t> expected_; // registered, not yet written
  // Complete records waiting for an earlier line: text, and whether an error.
  std::map<int64_t, std::pair<std::string, bool>> held_;
  int64_t lastExpected_ = 0;
  int64_t written_ = 0, writtenFailures_ = 0;
  Status status_;
};

} // namespace sgl::runtime

#endif // SGL_RUNTIME_BATCH_RESULTWRITER_H
