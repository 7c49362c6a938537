//===- InputFile.cpp - Size-limited reading of files from outside ---------===//
#include "runtime/support/InputFile.h"

#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

namespace sgl {

namespace {

Error tooLarge(const std::string &where, uint64_t size, bool atLeast,
               InputKind kind) {
  return makeError(where + ": file too large (" + (atLeast ? "over " : "") +
                   formatByteSize(size) + "; a " + kind.name +
                   " may be at most " + formatByteSize(kind.maxBytes) + ")");
}

/// Reads `fd` to its end, failing once more than `kind.maxBytes` arrive.
Expected<std::string> readAll(int fd, const std::string &where, InputKind kind,
                              uint64_t expected) {
  std::string text;
  text.reserve(static_cast<size_t>(expected));
  char chunk[64 * 1024];
  for (;;) {
    ssize_t n = ::read(fd, chunk, sizeof chunk);
    if (n < 0) {
      if (errno == EINTR)
        continue;
      return makeError(where + ": cannot read: " + std::strerror(errno));
    }
    if (n == 0)
      return text;
    if (text.size() + static_cast<size_t>(n) > kind.maxBytes)
      return tooLarge(where, kind.maxBytes, /*atLeast=*/true, kind);
    text.append(chunk, static_cast<size_t>(n));
  }
}

} // namespace

const char *fileTypeName(unsigned mode) {
  if (S_ISDIR(mode))
    return "a directory";
  if (S_ISCHR(mode))
    return "a character device";
  if (S_ISBLK(mode))
    return "a block device";
  if (S_ISFIFO(mode))
    return "a FIFO";
  if (S_ISSOCK(mode))
    return "a socket";
  return "not a regular file";
}

std::string formatByteSize(uint64_t bytes) {
  struct Unit {
    uint64_t size;
    const char *name;
  };
  for (Unit unit : {Unit{uint64_t(1) << 30, "GiB"}, Unit{kMiB, "MiB"},
                    Unit{uint64_t(1) << 10, "KiB"}})
    if (bytes >= unit.size && bytes % unit.size == 0)
      return std::to_string(bytes / unit.size) + " " + unit.name;
  return std::to_string(bytes) + (bytes == 1 ? " byte" : " bytes");
}

Expected<std::string> readInputFile(const std::string &path, InputKind kind,
                                    bool allowStdin) {
  if (allowStdin && path == "-")
    return readAll(STDIN_FILENO, "<stdin>", kind, 0);
  if (path.empty())
    return makeError(std::string("an empty path is not a ") + kind.name);

  // Look before opening: opening a FIFO for reading blocks until a writer
  // comes, and a device may never end.
  struct stat st;
  if (::stat(path.c_str(), &st) != 0)
    return makeError(path + ": cannot open: " + std::strerror(errno));
  if (!S_ISREG(st.st_mode))
    return makeError(path + ": is " + fileTypeName(st.st_mode) + ", not a " +
                     kind.name);
  if (static_cast<uint64_t>(st.st_size) > kind.maxBytes)
    return tooLarge(path, static_cast<uint64_t>(st.st_size),
                    /*atLeast=*/false, kind);

  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NONBLOCK);
  if (fd < 0)
    return makeError(path + ": cannot open: " + std::strerror(errno));
  // The path may have been swapped for something else since stat().
  if (::fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
    ::close(fd);
    return makeError(path + ": is not a regular file, not a " + kind.name);
  }
  Expected<std::string> text =
      readAll(fd, path, kind, static_cast<uint64_t>(st.st_size));
  ::close(fd);
  return text;
}

} // namespace sgl
