//===- OutputFile.h - Writing results with every error checked -*- C++ -*-===//
//
// A tool's result goes to a file named by -o or to standard output ("-" or
// no path). A full disk, a closed pipe or /dev/full must be an error with
// the tool's name and the file's, never a silent exit 0, so every write,
// flush and close is checked here.
//
//===----------------------------------------------------------------------===//
#ifndef SGL_RUNTIME_SUPPORT_OUTPUTFILE_H
#define SGL_RUNTIME_SUPPORT_OUTPUTFILE_H

#include "runtime/support/Expected.h"

#include <string>
#include <string_view>

namespace sgl {

/// True for the paths that mean standard output: "" and "-".
inline bool isStdoutPath(std::string_view path) {
  return path.empty() || path == "-";
}

/// Writes `bytes` to `path` (created or truncated), or to standard output
/// for "" and "-", and flushes. Errors name the file: "PATH: cannot write:
/// No space left on device", "<stdout>: cannot write: ...".
Status writeOutput(const std::string &path, std::string_view bytes);

/// Flushes standard output; an error if anything written to it was lost.
Status flushStdout();

} // namespace sgl

#endif // SGL_RUNTIME_SUPPORT_OUTPUTFILE_H
