//===- ResultWriter.cpp - The ordered, resumable output of batch mode -----===//
#include "runtime/batch/ResultWriter.h"

#include "runtime/batch/JsonlInput.h"
#include "runtime/support/JsonText.h"
#include "runtime/support/OutputFile.h"

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>
#include <unordered_map>

namespace sgl::runtime {

namespace {

using json = nlohmann::json;

constexpr const char *kRecordShape =
    R"({"line": N, "captures": {...}} or {"line": N, "error": "..."})";

/// The input line of one record read back by --resume, and whether it is
/// an error record; or why the line is not a record.
struct ResumedRecord {
  int64_t line = 0;
  bool failed = false;
};

Expected<ResumedRecord> parseRecord(std::string_view text,
                                    const std::string &where) {
  Expected<json> parsed = parseJsonObject(text, where);
  if (!parsed)
    return parsed.error();
  const json &record = *parsed;
  auto notARecord = [&](const std::string &why) {
    return makeError(where + ": not a batch record (" + kRecordShape +
                     "): " + why);
  };
  auto line = record.find("line");
  if (line == record.end() || !line->is_number_integer() ||
      line->get<json::number_integer_t>() < 1)
    return notARecord("\"line\" must be a line number");
  bool hasCaptures = record.contains("captures");
  bool hasError = record.contains("error");
  if (hasCaptures == hasError || record.size() != 2)
    return notARecord("it needs \"line\" and one of \"captures\" or "
                      "\"error\", nothing else");
  if (hasCaptures && !record["captures"].is_object())
    return notARecord("\"captures\" must be an object");
  if (hasError && !record["error"].is_string())
    return notARecord("\"error\" must be a string");
  return ResumedRecord{line->get<int64_t>(), hasError};
}

} // namespace

ResultWriter::ResultWriter(int fd, bool ownsFd, std::string name)
    : fd_(fd), ownsFd_(ownsFd), name_(std::move(name)) {}

ResultWriter::ResultWriter(ResultWriter &&other) noexcept
    : fd_(other.fd_), ownsFd_(other.ownsFd_), name_(std::move(other.name_)),
      done_(std::move(other.done_)), resumedFailures_(other.resumedFailures_),
      discardedBytes_(other.discardedBytes_),
      expected_(std::move(other.expected_)), held_(std::move(other.held_)),
      lastExpected_(other.lastExpected_), written_(other.written_),
      writtenFailures_(other.writtenFailures_),
      status_(std::move(other.status_)) {
  other.fd_ = -1;
  other.ownsFd_ = false;
}

ResultWriter &ResultWriter::operator=(ResultWriter &&other) noexcept {
  if (this != &other) {
    closeFd();
    fd_ = other.fd_;
    ownsFd_ = other.ownsFd_;
    name_ = std::move(other.name_);
    done_ = std::move(other.done_);
    resumedFailures_ = other.resumedFailures_;
    discardedBytes_ = other.discardedBytes_;
    expected_ = std::move(other.expected_);
    held_ = std::move(other.held_);
    lastExpected_ = other.lastExpected_;
    written_ = other.written_;
    writtenFailures_ = other.writtenFailures_;
    status_ = std::move(other.status_);
    other.fd_ = -1;
    other.ownsFd_ = false;
  }
  return *this;
}

ResultWriter::~ResultWriter() { closeFd(); }

void ResultWriter::closeFd() {
  if (ownsFd_ && fd_ >= 0)
    ::close(fd_);
  fd_ = -1;
  ownsFd_ = false;
}

Expected<ResultWriter> ResultWriter::open(const std::string &path,
                                          bool resume) {
  if (isStdoutPath(path)) {
    if (resume)
      return makeError("--resume needs an output file to read back, not "
                       "standard output");
    return ResultWriter(STDOUT_FILENO, /*ownsFd=*/false, "<stdout>");
  }
  struct stat st;
  if (!resume || (::stat(path.c_str(), &st) != 0 && errno == ENOENT)) {
    // Nothing to resume from: a fresh output, as writeOutput opens one.
    int fd =
        ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0666);
    if (fd < 0)
      return makeError(path +
                       ": cannot open for writing: " + std::strerror(errno));
    return ResultWriter(fd, /*ownsFd=*/true, path);
  }

  Expected<int> fd =
      detail::openRegularFile(path, O_RDWR, "batch output to resume");
  if (!fd)
    return fd.error();
  ResultWriter writer(*fd, /*ownsFd=*/true, path);
  // Input line -> output line of its record, for the duplicate message.
  std::unordered_map<int64_t, int64_t> recordAt;
  uint64_t keepBytes = 0; // through the last complete, valid record
  LineReader reader(writer.fd_, path, kResultLineLimit);
  while (reader.next()) {
    // A last line without "\n" is a write the interruption cut short.
    if (!reader.terminated())
      break;
    if (reader.blank())
      continue;
    std::string where = path + ":" + std::to_string(reader.number());
    if (reader.tooLong())
      return makeError(where + ": line too long for a batch record (over " +
                       formatByteSize(kResultLineLimit) + ")");
    Expected<ResumedRecord> record = parseRecord(reader.text(), where);
    if (!record)
      return record.error();
    auto [at, inserted] = recordAt.emplace(record->line, reader.number());
    if (!inserted)
      return makeError(where + ": a second record for input line " +
                       std::to_string(record->line) + " (the first is on " +
                       "line " + std::to_string(at->second) + ")");
    writer.done_.insert(record->line);
    writer.resumedFailures_ += record->failed ? 1 : 0;
    keepBytes = reader.endOffset();
  }
  if (!reader.status())
    return reader.status().error();
  uint64_t size = reader.endOffset();
  if (size > keepBytes &&
      ::ftruncate(writer.fd_, static_cast<off_t>(keepBytes)) != 0)
    return makeError(path + ": cannot truncate: " + std::strerror(errno));
  writer.discardedBytes_ = size - keepBytes;
  if (::lseek(writer.fd_, static_cast<off_t>(keepBytes), SEEK_SET) < 0)
    return makeError(path + ": cannot seek: " + std::strerror(errno));
  return writer;
}

Status ResultWriter::expect(int64_t line) {
  if (line <= lastExpected_)
    return makeError("internal error: batch line " + std::to_string(line) +
                     " registered after line " + std::to_string(lastExpected_));
  if (done_.count(line))
    return makeError("internal error: batch line " + std::to_string(line) +
                     " already has a record in " + name_);
  lastExpected_ = line;
  expected_.push_back(line);
  return Status::ok();
}

Status ResultWriter::complete(int64_t line,
                              Expected<nlohmann::ordered_json> captures) {
  if (!status_)
    return status_;
  if (!std::binary_search(expected_.begin(), expected_.end(), line) ||
      held_.count(line))
    return makeError("internal error: batch line " + std::to_string(line) +
                     " completed but not awaited");
  if (captures && !captures->is_object())
    return makeError("internal error: the captures of batch line " +
                     std::to_string(line) + " are not a JSON object");
  nlohmann::ordered_json record = nlohmann::ordered_json::object();
  record["line"] = line;
  bool failed = !captures;
  if (failed)
    record["error"] = captures.error().message;
  else
    record["captures"] = captures.take();
  // Generated text may end inside a UTF-8 sequence: such bytes become
  // U+FFFD instead of an exception.
  std::string text =
      record.dump(-1, ' ', /*ensure_ascii=*/false,
                  nlohmann::ordered_json::error_handler_t::replace);
  text += '\n';
  held_.emplace(line, std::make_pair(std::move(text), failed));

  // Everything now ready goes out in one write.
  std::string ready;
  int64_t records = 0, failures = 0;
  while (!held_.empty() && held_.begin()->first == expected_.front()) {
    ready += held_.begin()->second.first;
    failures += held_.begin()->second.second ? 1 : 0;
    ++records;
    held_.erase(held_.begin());
    expected_.pop_front();
  }
  if (ready.empty())
    return Status::ok();
  status_ = writeAll(ready);
  if (status_) {
    written_ += records;
    writtenFailures_ += failures;
  }
  return status_;
}

Status ResultWriter::writeAll(const std::string &bytes) {
  if (fd_ == STDOUT_FILENO)
    std::fflush(stdout); // whatever stdio holds goes first
  const char *data = bytes.data();
  size_t left = bytes.size();
  while (left > 0) {
    ssize_t n = ::write(fd_, data, left);
    if (n < 0 && errno == EINTR)
      continue;
    if (n <= 0)
      return makeError(name_ +
                       ": cannot write: " + std::strerror(n < 0 ? errno : EIO));
    data += n;
    left -= static_cast<size_t>(n);
  }
  return Status::ok();
}

Status ResultWriter::close() {
  Status result = status_;
  if (ownsFd_ && fd_ >= 0) {
    int rc = ::close(fd_);
    int error = errno;
    fd_ = -1;
    ownsFd_ = false;
    if (rc != 0 && result)
      result = makeError(name_ + ": cannot write: " + std::strerror(error));
  }
  if (result && !expected_.empty())
    result = makeError(
        name_ + ": no record for line " + std::to_string(expected_.front()) +
        (expected_.size() > 1
             ? " and " + std::to_string(expected_.size() - 1) + " more"
             : std::string()));
  return result;
}

} // namespace sgl::runtime
