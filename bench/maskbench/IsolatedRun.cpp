//===- IsolatedRun.cpp - A piece of work in a child process ---------------===//
#include "bench/maskbench/IsolatedRun.h"

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <new>
#include <stdexcept>

#include <signal.h>
#include <sys/resource.h>
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

/// Exit statuses of the child besides 0 (finished): its pipe then holds
/// the reason instead of a result.
constexpr int kChildThrew = 70;
constexpr int kChildOutOfMemory = 71;

void writeAll(int fd, const std::string &text) {
  for (size_t done = 0; done < text.size();) {
    ssize_t n = ::write(fd, text.data() + done, text.size() - done);
    if (n < 0 && errno == EINTR)
      continue;
    if (n <= 0)
      return;
    done += static_cast<size_t>(n);
  }
}

std::string readAll(int fd) {
  std::string text;
  char buffer[1 << 16];
  for (;;) {
    ssize_t n = ::read(fd, buffer, sizeof buffer);
    if (n < 0 && errno == EINTR)
      continue;
    if (n <= 0)
      return text;
    text.append(buffer, static_cast<size_t>(n));
  }
}

[[noreturn]] void runChild(const std::function<std::string()> &work,
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
  alarm(limits.timeoutSeconds);
  int status = 0;
  std::string output;
  try {
    output = work();
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
  writeAll(fd, output);
  ::close(fd);
  _exit(status); // no atexit handlers, no flushing the parent's buffers
}

} // namespace

bool canCapAddressSpace() { return kCanCapAddressSpace; }

IsolatedRun runIsolated(const std::function<std::string()> &work,
                        const IsolationLimits &limits) {
  IsolatedRun run;
  if (limits.inProcess) {
    try {
      run.output = work();
      run.outcome = IsolatedRun::Outcome::Finished;
    } catch (const std::exception &e) {
      run.why = std::string("exception: ") + e.what();
    }
    return run;
  }

  int fds[2];
  if (pipe(fds) != 0)
    throw std::runtime_error(std::string("pipe: ") + std::strerror(errno));
  std::fflush(nullptr); // or the child would print the parent's buffers
  pid_t child = fork();
  if (child < 0)
    throw std::runtime_error(std::string("fork: ") + std::strerror(errno));
  if (child == 0) {
    ::close(fds[0]);
    runChild(work, limits, fds[1]);
  }
  ::close(fds[1]);
  std::string output = readAll(fds[0]);
  ::close(fds[0]);
  int status = 0;
  while (waitpid(child, &status, 0) < 0 && errno == EINTR) {
  }

  if (WIFEXITED(status) && WEXITSTATUS(status) == 0) {
    run.outcome = IsolatedRun::Outcome::Finished;
    run.output = std::move(output);
  } else if (WIFSIGNALED(status) && WTERMSIG(status) == SIGALRM) {
    run.outcome = IsolatedRun::Outcome::TimedOut;
  } else if (WIFSIGNALED(status)) {
    const char *name = sigabbrev_np(WTERMSIG(status));
    run.why = name ? std::string("SIG") + name
                   : "signal " + std::to_string(WTERMSIG(status));
  } else if (WIFEXITED(status) && (WEXITSTATUS(status) == kChildThrew ||
                                   WEXITSTATUS(status) == kChildOutOfMemory)) {
    run.why = std::move(output);
  } else {
    run.why = "exit status " + std::to_string(WEXITSTATUS(status));
  }
  return run;
}

PausedTimeout::PausedTimeout() : secondsLeft_(alarm(0)) {}

PausedTimeout::~PausedTimeout() {
  if (secondsLeft_ > 0)
    alarm(secondsLeft_);
}

} // namespace sgl::bench
