//===- IsolatedRun.cpp - Pieces of work in a child process ----------------===//
#include "bench/maskbench/IsolatedRun.h"

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <new>
#include <stdexcept>

#include <signal.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

namespace sgl::bench {

namespace {

/// Sanitizers reserve terabytes of address space up front: under them a
/// cap on it would stop every child, so there is none.
#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
constexpr bool kCanCapAddressSpace = false;
#elif defined(__has_feature)
#if __has_feature(address_sanitizer) || __has_feature(thread_sanitizer)
constexpr bool kCanCapAddressSpace = false;
#else
constexpr bool kCanCapAddressSpace = true;
#endif
#else
constexpr bool kCanCapAddressSpace = true;
#endif

/// Exit statuses of the child besides 0 (finished): its message then
/// holds the reason instead of a result.
constexpr uint8_t kChildThrew = 70;
constexpr uint8_t kChildOutOfMemory = 71;

/// The whole of `size` bytes through a stream socket; false when the
/// other end is gone. MSG_NOSIGNAL: a dead child is an outcome, not a
/// SIGPIPE for the parent.
bool sendAll(int fd, const void *data, size_t size) {
  const char *bytes = static_cast<const char *>(data);
  for (size_t done = 0; done < size;) {
    ssize_t n = ::send(fd, bytes + done, size - done, MSG_NOSIGNAL);
    if (n < 0 && errno == EINTR)
      continue;
    if (n <= 0)
      return false;
    done += static_cast<size_t>(n);
  }
  return true;
}

/// Exactly `size` bytes; false at the end of the stream before them.
bool receiveAll(int fd, void *data, size_t size) {
  char *bytes = static_cast<char *>(data);
  for (size_t done = 0; done < size;) {
    ssize_t n = ::read(fd, bytes + done, size - done);
    if (n < 0 && errno == EINTR)
      continue;
    if (n <= 0)
      return false;
    done += static_cast<size_t>(n);
  }
  return true;
}

/// A message of the child: its status, then the length of the text and
/// the text.
bool sendMessage(int fd, uint8_t status, const std::string &text) {
  uint64_t length = text.size();
  return sendAll(fd, &status, 1) && sendAll(fd, &length, sizeof length) &&
         sendAll(fd, text.data(), text.size());
}

/// The child: runs the items it is sent until the parent closes its end.
[[noreturn]] void serve(const IsolatedWorker::Work &work,
                        const IsolationLimits &limits, int fd) {
  if (limits.memoryMiB > 0 && kCanCapAddressSpace) {
    rlimit cap{limits.memoryMiB << 20, limits.memoryMiB << 20};
    setrlimit(RLIMIT_AS, &cap);
  }
  // A signal the child raises must end it where the parent can name it,
  // whatever the parent inherited: an ignored or blocked SIGSEGV (some CI
  // runners start jobs so) or a sanitizer's handler would turn a crash
  // into a finished run or an anonymous exit status. The default action
  // of SIGALRM ends the child too: that is the timeout.
  for (int sig : {SIGSEGV, SIGBUS, SIGFPE, SIGILL, SIGABRT, SIGALRM})
    signal(sig, SIG_DFL);
  sigset_t none;
  sigemptyset(&none);
  sigprocmask(SIG_SETMASK, &none, nullptr);
  for (uint64_t item; receiveAll(fd, &item, sizeof item);) {
    alarm(limits.timeoutSeconds);
    uint8_t status = 0;
    std::string output;
    try {
      output = work(static_cast<size_t>(item));
    } catch (const std::bad_alloc &) {
      output = "out of memory";
      status = kChildOutOfMemory;
    } catch (const std::exception &e) {
      output = std::string("exception: ") + e.what();
      status = kChildThrew;
    } catch (...) {
      output = "exception of an unknown type";
      status = kChildThrew;
    }
    alarm(0);
    // After a failure the child's state is suspect: the next item gets a
    // fresh one.
    if (!sendMessage(fd, status, output) || status != 0)
      _exit(status);
  }
  _exit(0); // no atexit handlers, no flushing the parent's buffers
}

} // namespace

bool canCapAddressSpace() { return kCanCapAddressSpace; }

IsolatedWorker::IsolatedWorker(Work work, IsolationLimits limits)
    : work_(std::move(work)), limits_(limits) {}

IsolatedWorker::~IsolatedWorker() {
  if (child_ >= 0)
    reap(); // the child sees the end of its stream and exits
}

void IsolatedWorker::start() {
  int fds[2];
  if (socketpair(AF_UNIX, SOCK_STREAM, 0, fds) != 0)
    throw std::runtime_error(std::string("socketpair: ") +
                             std::strerror(errno));
  std::fflush(nullptr); // or the child would print the parent's buffers
  pid_t child = fork();
  if (child < 0) {
    int error = errno;
    ::close(fds[0]);
    ::close(fds[1]);
    throw std::runtime_error(std::string("fork: ") + std::strerror(error));
  }
  if (child == 0) {
    ::close(fds[0]);
    serve(work_, limits_, fds[1]);
  }
  ::close(fds[1]);
  child_ = child;
  socket_ = fds[0];
}

IsolatedRun IsolatedWorker::reap() {
  ::close(socket_);
  socket_ = -1;
  int status = 0;
  while (waitpid(child_, &status, 0) < 0 && errno == EINTR) {
  }
  child_ = -1;
  IsolatedRun run;
  if (WIFSIGNALED(status) && WTERMSIG(status) == SIGALRM) {
    run.outcome = IsolatedRun::Outcome::TimedOut;
  } else if (WIFSIGNALED(status)) {
    const char *name = sigabbrev_np(WTERMSIG(status));
    run.why = name ? std::string("SIG") + name
                   : "signal " + std::to_string(WTERMSIG(status));
  } else {
    run.why = "exit status " + std::to_string(WEXITSTATUS(status));
  }
  return run;
}

IsolatedRun IsolatedWorker::run(size_t item) {
  IsolatedRun run;
  if (limits_.inProcess) {
    try {
      run.output = work_(item);
      run.outcome = IsolatedRun::Outcome::Finished;
    } catch (const std::exception &e) {
      run.why = std::string("exception: ") + e.what();
    }
    return run;
  }
  if (child_ < 0)
    start();
  uint64_t request = item;
  uint8_t status = 0;
  uint64_t length = 0;
  if (!sendAll(socket_, &request, sizeof request) ||
      !receiveAll(socket_, &status, 1) ||
      !receiveAll(socket_, &length, sizeof length))
    return reap(); // it died on the item: a signal, the alarm
  std::string text(length, '\0');
  if (!receiveAll(socket_, text.data(), text.size()))
    return reap();
  if (status != 0) {
    reap(); // it exits after a failure
    run.why = std::move(text);
    return run;
  }
  run.outcome = IsolatedRun::Outcome::Finished;
  run.output = std::move(text);
  return run;
}

PausedTimeout::PausedTimeout() : secondsLeft_(alarm(0)) {}

PausedTimeout::~PausedTimeout() {
  if (secondsLeft_ > 0)
    alarm(secondsLeft_);
}

} // namespace sgl::bench
