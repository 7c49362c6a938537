//===- Diagnostics.h - clang-style error reporting --------------*- C++ -*-===//
//
// Every front-end error goes through a DiagnosticEngine, which prints
//
//   file.sgl:3:7: error: use of undeclared name 'qq'
//     "Hello {qq}"
//             ^~
//
// and counts errors so the driver can exit 1 after reporting all of them.
//
//===----------------------------------------------------------------------===//
#ifndef SGL_COMPILER_DIAGNOSTICS_H
#define SGL_COMPILER_DIAGNOSTICS_H

#include "compiler/SourceLocation.h"

#include <iosfwd>
#include <string>

namespace sgl::compiler {

enum class Severity { Error, Warning, Note };

class DiagnosticEngine {
public:
  DiagnosticEngine(const SourceManager &sources, std::ostream &out)
      : sources_(sources), out_(out) {}

  /// Reports `message` at `range`; the caret goes under range.begin and the
  /// underline runs to range.end when both are on the same line.
  void report(Severity severity, SourceRange range, const std::string &message);
  void error(SourceRange range, const std::string &message) {
    report(Severity::Error, range, message);
  }
  void note(SourceRange range, const std::string &message) {
    report(Severity::Note, range, message);
  }

  unsigned errorCount() const { return errors_; }
  bool hasErrors() const { return errors_ != 0; }

private:
  const SourceManager &sources_;
  std::ostream &out_;
  unsigned errors_ = 0;
};

} // namespace sgl::compiler

#endif // SGL_COMPILER_DIAGNOSTICS_H
