//===- OutputFile.cpp - Writing results with every error checked ----------===//
#include "runtime/support/OutputFile.h"

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fcntl.h>
#include <unistd.h>

namespace sgl {

namespace {

Error writeError(const std::string &where, int error) {
  return makeError(where + ": cannot write: " + std::strerror(error));
}

} // namespace

Status flushStdout() {
  if (std::fflush(stdout) != 0 || std::ferror(stdout)) {
    int error = errno;
    std::clearerr(stdout);
    return writeError("<stdout>", error ? error : EIO);
  }
  return Status::ok();
}

Status writeOutput(const std::string &path, std::string_view bytes) {
  if (isStdoutPath(path)) {
    if (!bytes.empty() &&
        std::fwrite(bytes.data(), 1, bytes.size(), stdout) != bytes.size())
      return writeError("<stdout>", errno ? errno : EIO);
    return flushStdout();
  }
  int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0666);
  if (fd < 0)
    return makeError(path +
                     ": cannot open for writing: " + std::strerror(errno));
  const char *data = bytes.data();
  size_t left = bytes.size();
  while (left > 0) {
    ssize_t n = ::write(fd, data, left);
    if (n < 0 && errno == EINTR)
      continue;
    if (n <= 0) {
      int error = n < 0 ? errno : EIO;
      ::close(fd);
      return writeError(path, error);
    }
    data += n;
    left -= static_cast<size_t>(n);
  }
  if (::close(fd) != 0)
    return writeError(path, errno);
  return Status::ok();
}

} // namespace sgl
