//===- ToolMain.cpp - What every sgl command-line tool does alike ---------===//
#include "runtime/support/ToolMain.h"

#include "runtime/support/MessageText.h"
#include "runtime/support/OutputFile.h"

#include <cstdio>
#include <exception>
#include <new>
#include <string>

namespace sgl {

namespace {

void printLine(std::string_view tool, std::string_view kind,
               std::string_view message, std::string_view suffix) {
  std::string line(tool);
  line.append(": ").append(kind).append(": ");
  line.append(escapeControlChars(message)).append(suffix);
  line += '\n';
  std::fwrite(line.data(), 1, line.size(), stderr);
  std::fflush(stderr);
}

} // namespace

int reportError(std::string_view tool, std::string_view message) {
  printLine(tool, "error", message, "");
  return kExitError;
}

void reportWarning(std::string_view tool, std::string_view message) {
  printLine(tool, "warning", message, "");
}

int reportUsageError(std::string_view tool, std::string_view message) {
  std::string suffix = " (see '";
  suffix.append(tool).append(" --help')");
  printLine(tool, "error", message, suffix);
  return kExitUsage;
}

int guardedMain(std::string_view tool, const std::function<int()> &body) {
  int status = kExitError;
  try {
    status = body();
  } catch (const std::bad_alloc &) {
    return reportError(tool, "out of memory");
  } catch (const std::exception &error) {
    return reportError(tool, std::string("internal error: ") + error.what());
  } catch (...) {
    return reportError(tool, "internal error: unknown exception");
  }
  if (Status flushed = flushStdout(); !flushed)
    return reportError(tool, flushed.error().message);
  return status;
}

} // namespace sgl
