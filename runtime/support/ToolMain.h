//===- ToolMain.h - What every sgl command-line tool does alike -*- C++ -*-===//
//
// One convention for every tool (sglc, sgl-plan, sglrun, sgl-make-tiny-model,
// sgl-model-bench):
//
//   exit 0  success
//   exit 1  error: bad input, a failed run, a failed write
//   exit 2  usage error: unknown option, bad option value, missing argument
//
// Errors are one line on stderr, "TOOL: error: MESSAGE", with control
// characters escaped so that no input can forge or break lines. No
// exception leaves main: `guardedMain` turns one into an error, and checks
// that everything written to standard output arrived.
//
//===----------------------------------------------------------------------===//
#ifndef SGL_RUNTIME_SUPPORT_TOOLMAIN_H
#define SGL_RUNTIME_SUPPORT_TOOLMAIN_H

#include <functional>
#include <string_view>

namespace sgl {

enum ExitCode : int { kExitSuccess = 0, kExitError = 1, kExitUsage = 2 };

/// Prints "TOOL: error: MESSAGE" as one line; returns kExitError.
int reportError(std::string_view tool, std::string_view message);

/// Prints "TOOL: warning: MESSAGE" as one line.
void reportWarning(std::string_view tool, std::string_view message);

/// Prints "TOOL: error: MESSAGE (see 'TOOL --help')"; returns kExitUsage.
int reportUsageError(std::string_view tool, std::string_view message);

/// Runs `body`. An exception escaping it is reported ("out of memory", or
/// "internal error: WHAT") with exit 1; after a successful body, standard
/// output is flushed and a lost write is an error too.
int guardedMain(std::string_view tool, const std::function<int()> &body);

} // namespace sgl

#endif // SGL_RUNTIME_SUPPORT_TOOLMAIN_H
