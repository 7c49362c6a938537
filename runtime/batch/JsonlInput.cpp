//===- JsonlInput.cpp - The input lines of sglrun batch mode --------------===//
#include "runtime/batch/JsonlInput.h"

#include "runtime/support/MessageText.h"

#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <poll.h>
#include <sys/stat.h>
#include <unistd.h>

namespace sgl::runtime {

namespace {

constexpr size_t kChunkBytes = 64 * 1024;

/// An error message quoted into a record is cut to this: nlohmann's
/// messages end with the last token read, which may be most of the line.
constexpr size_t kMaxLineErrorBytes = 400;

bool isJsonSpace(char c) { return c == ' ' || c == '\t' || c == '\r'; }

} // namespace

//===----------------------------------------------------------------------===//
// LineReader
//===----------------------------------------------------------------------===//

LineReader::LineReader(int fd, std::string where, uint64_t maxBytes)
    : fd_(fd), where_(std::move(where)), maxBytes_(maxBytes),
      buffer_(new char[kChunkBytes]) {}

bool LineReader::fill() {
  for (;;) {
    ssize_t n = ::read(fd_, buffer_.get(), kChunkBytes);
    if (n > 0) {
      pos_ = 0;
      end_ = static_cast<size_t>(n);
      return true;
    }
    if (n == 0) {
      eof_ = true;
      return true;
    }
    if (errno == EINTR)
      continue;
    if (errno == EAGAIN || errno == EWOULDBLOCK) {
      // Standard input may have been left non-blocking by whoever shares
      // it: wait for data rather than fail.
      pollfd p{fd_, POLLIN, 0};
      ::poll(&p, 1, -1);
      continue;
    }
    status_ = makeError(where_ + ": cannot read: " + std::strerror(errno));
    return false;
  }
}

bool LineReader::next() {
  if (!status_)
    return false;
  text_.clear();
  tooLong_ = false;
  blank_ = true;
  terminated_ = false;
  bool any = false;
  // Kept past maxBytes by one byte: a "\r" there is the CRLF's, not text.
  const uint64_t keep = maxBytes_ + 1;
  for (;;) {
    if (pos_ == end_) {
      if (eof_ || !fill())
        break;
      if (eof_)
        break;
    }
    const char *start = buffer_.get() + pos_;
    size_t avail = end_ - pos_;
    const char *newline =
        static_cast<const char *>(std::memchr(start, '\n', avail));
    size_t n = newline ? static_cast<size_t>(newline - start) : avail;
    any = true;
    for (size_t i = 0; blank_ && i < n; ++i)
      blank_ = isJsonSpace(start[i]);
    if (!tooLong_) {
      if (text_.size() + n <= keep) {
        text_.append(start, n);
      } else {
        tooLong_ = true;
        std::string().swap(text_); // give the memory back at once
      }
    }
    size_t used = n + (newline ? 1 : 0);
    pos_ += used;
    offset_ += used;
    if (newline) {
      terminated_ = true;
      break;
    }
  }
  if (!status_ || !any)
    return false;
  ++number_;
  if (!tooLong_ && !text_.empty() && text_.back() == '\r')
    text_.pop_back();
  if (!tooLong_ && text_.size() > maxBytes_) {
    tooLong_ = true;
    std::string().swap(text_);
  }
  return true;
}

//===----------------------------------------------------------------------===//
// JsonlInput
//===----------------------------------------------------------------------===//

Expected<int> detail::openRegularFile(const std::string &path, int flags,
                                      const char *kind) {
  if (path.empty())
    return makeError(std::string("an empty path is not a ") + kind);
  struct stat st;
  if (::stat(path.c_str(), &st) != 0)
    return makeError(path + ": cannot open: " + std::strerror(errno));
  if (!S_ISREG(st.st_mode))
    return makeError(path + ": is " + fileTypeName(st.st_mode) + ", not a " +
                     kind);
  int fd = ::open(path.c_str(), flags | O_CLOEXEC | O_NONBLOCK);
  if (fd < 0)
    return makeError(path + ": cannot open: " + std::strerror(errno));
  // The path may have been swapped for something else since stat().
  if (::fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
    ::close(fd);
    return makeError(path + ": is not a regular file, not a " +
                     std::string(kind));
  }
  return fd;
}

JsonlInput::JsonlInput(int fd, bool ownsFd, std::string name)
    : fd_(fd), ownsFd_(ownsFd), name_(std::move(name)) {}

JsonlInput::JsonlInput(JsonlInput &&other) noexcept
    : fd_(other.fd_), ownsFd_(other.ownsFd_), name_(std::move(other.name_)),
      total_(other.total_), physicalLines_(other.physicalLines_),
      reader_(std::move(other.reader_)), done_(std::move(other.done_)),
      outputName_(std::move(other.outputName_)), skipped_(other.skipped_),
      status_(std::move(other.status_)) {
  other.fd_ = -1;
  other.ownsFd_ = false;
}

JsonlInput &JsonlInput::operator=(JsonlInput &&other) noexcept {
  if (this != &other) {
    closeFd();
    fd_ = other.fd_;
    ownsFd_ = other.ownsFd_;
    name_ = std::move(other.name_);
    total_ = other.total_;
    physicalLines_ = other.physicalLines_;
    reader_ = std::move(other.reader_);
    done_ = std::move(other.done_);
    outputName_ = std::move(other.outputName_);
    skipped_ = other.skipped_;
    status_ = std::move(other.status_);
    other.fd_ = -1;
    other.ownsFd_ = false;
  }
  return *this;
}

JsonlInput::~JsonlInput() { closeFd(); }

void JsonlInput::closeFd() {
  if (ownsFd_ && fd_ >= 0)
    ::close(fd_);
  fd_ = -1;
  ownsFd_ = false;
}

Expected<JsonlInput> JsonlInput::open(const std::string &path) {
  if (path == "-") {
    JsonlInput input(STDIN_FILENO, /*ownsFd=*/false, "<stdin>");
    input.reader_ =
        std::make_unique<LineReader>(input.fd_, input.name_, kInputLineLimit);
    return input;
  }
  Expected<int> fd = detail::openRegularFile(path, O_RDONLY, "JSONL input");
  if (!fd)
    return fd.error();
  JsonlInput input(*fd, /*ownsFd=*/true, path);
  // The counting pass keeps no text (limit 0): it only needs blankness.
  LineReader counter(input.fd_, path, 0);
  int64_t records = 0;
  while (counter.next())
    records += counter.blank() ? 0 : 1;
  if (!counter.status())
    return counter.status().error();
  if (::lseek(input.fd_, 0, SEEK_SET) != 0)
    return makeError(path + ": cannot read: " + std::strerror(errno));
  input.total_ = records;
  input.physicalLines_ = counter.number();
  input.reader_ =
      std::make_unique<LineReader>(input.fd_, input.name_, kInputLineLimit);
  return input;
}

namespace {

std::string pastTheEnd(std::string_view output, int64_t line,
                       const std::string &input, int64_t lines) {
  return std::string(output) + ": has a record for line " +
         std::to_string(line) + ", but " + input + " has only " +
         std::to_string(lines) + (lines == 1 ? " line" : " lines");
}

std::string blankLine(std::string_view output, int64_t line,
                      const std::string &input) {
  return std::string(output) + ": has a record for line " +
         std::to_string(line) + ", but line " + std::to_string(line) + " of " +
         input + " is blank";
}

} // namespace

Status JsonlInput::skipDone(std::set<int64_t> done,
                            std::string_view outputName) {
  done_ = std::move(done);
  outputName_ = std::string(outputName);
  if (done_.empty() || !total_)
    return Status::ok();
  if (*done_.rbegin() > physicalLines_)
    return makeError(
        pastTheEnd(outputName, *done_.rbegin(), name_, physicalLines_));
  // One more pass over the file, keeping no text, for the blank lines.
  off_t here = ::lseek(fd_, 0, SEEK_CUR);
  if (here < 0 || ::lseek(fd_, 0, SEEK_SET) != 0)
    return makeError(name_ + ": cannot read: " + std::strerror(errno));
  LineReader checker(fd_, name_, 0);
  auto wanted = done_.begin();
  while (wanted != done_.end() && checker.next()) {
    if (checker.number() != *wanted)
      continue;
    if (checker.blank())
      return makeError(blankLine(outputName, *wanted, name_));
    ++wanted;
  }
  if (!checker.status())
    return checker.status();
  if (wanted != done_.end()) // the file shrank since it was counted
    return makeError(
        pastTheEnd(outputName, *done_.rbegin(), name_, checker.number()));
  if (::lseek(fd_, here, SEEK_SET) != here)
    return makeError(name_ + ": cannot read: " + std::strerror(errno));
  return Status::ok();
}

bool JsonlInput::next(BatchInput &out) {
  if (!status_ || !reader_)
    return false;
  while (reader_->next()) {
    int64_t line = reader_->number();
    bool isDone = !done_.empty() && done_.count(line) != 0;
    if (reader_->blank()) {
      if (isDone) { // only standard input gets this far
        status_ = makeError(blankLine(outputName_, line, name_));
        return false;
      }
      continue;
    }
    if (isDone) {
      ++skipped_;
      continue;
    }
    out.line = line;
    if (reader_->tooLong())
      out.args =
          makeError("line too long (over " + formatByteSize(kInputLineLimit) +
                    "; an input line may be at most " +
                    formatByteSize(kInputLineLimit) + ")");
    else
      out.args = parseInputLineArgs(reader_->text());
    return true;
  }
  if (!reader_->status()) {
    status_ = reader_->status();
    return false;
  }
  if (!done_.empty() && *done_.rbegin() > reader_->number())
    status_ = makeError(
        pastTheEnd(outputName_, *done_.rbegin(), name_, reader_->number()));
  return false;
}

Expected<ProgramArgs> parseInputLineArgs(std::string_view text) {
  Expected<ProgramArgs> args = parseProgramArgsJson(text);
  if (args)
    return args;
  // parseProgramArgsJson words its messages for `--args`; here the subject
  // is the line (the record says which).
  std::string message = args.error().message;
  if (message.starts_with("--args value of "))
    message.replace(0, 6, "the");
  else if (message.starts_with("--args "))
    message.replace(0, 6, "the line");
  return makeError(abbreviate(message, kMaxLineErrorBytes));
}

} // namespace sgl::runtime
