//===- Diagnostics.h - clang-style error reporting --------------*- C++ -*-===//
//
// Every front-end error goes through a DiagnosticEngine, which prints
//
//   file.sgl:3:7: error: use of undeclared name 'qq'
//     "Hello {qq}"
//             ^~
//
// and counts errors so the driver can exit 1 after reporting all of them.
// Whatever a source file holds, what it prints stays readable and bounded:
// messages are single lines with control characters escaped, the source
// line is a window around the caret (SourceSnippet.h), and after
// errorLimit() errors it prints one fatal line and reports nothing more.
//
//===----------------------------------------------------------------------===//
#ifndef SGL_COMPILER_DIAGNOSTICS_H
#define SGL_COMPILER_DIAGNOSTICS_H

#include "compiler/SourceLocation.h"

#include <iosfwd>
#include <string>
#include <string_view>

namespace sgl::compiler {

enum class Severity { Error, Warning, Note };

/// `text` from a source file (a name, a token, a literal) in single quotes
/// for a message: control characters escaped, cut after a few dozen bytes.
std::string quoteSource(std::string_view text);

class DiagnosticEngine {
public:
  /// Errors reported before the engine stops, unless setErrorLimit changes
  /// it (as clang's -ferror-limit).
  static constexpr unsigned kDefaultErrorLimit = 20;

  DiagnosticEngine(const SourceManager &sources, std::ostream &out)
      : sources_(sources), out_(out) {}

  /// Reports `message` at `range`; the caret goes under range.begin and the
  /// underline runs to range.end when both are on the same line. Once the
  /// error limit is reached, does nothing.
  void report(Severity severity, SourceRange range, const std::string &message);
  void error(SourceRange range, const std::string &message) {
    report(Severity::Error, range, message);
  }
  void warning(SourceRange range, const std::string &message) {
    report(Severity::Warning, range, message);
  }
  void note(SourceRange range, const std::string &message) {
    report(Severity::Note, range, message);
  }

  /// Reports at most `limit` errors (0: no limit). The first error past the
  /// limit prints "fatal error: too many errors emitted, stopping now
  /// [--error-limit=N]" instead, and from then on nothing is reported.
  void setErrorLimit(unsigned limit) { errorLimit_ = limit; }
  unsigned errorLimit() const { return errorLimit_; }
  /// True once an error past the limit was dropped: callers stop looking
  /// for more, since nothing more will be shown.
  bool errorLimitReached() const { return limitReached_; }

  /// Errors reported (those dropped past the limit are not counted).
  unsigned errorCount() const { return errors_; }
  bool hasErrors() const { return errors_ != 0; }
  unsigned warningCount() const { return warnings_; }

  /// The files locations refer to, for checks that read source text.
  const SourceManager &sources() const { return sources_; }

private:
  const SourceManager &sources_;
  std::ostream &out_;
  unsigned errors_ = 0;
  unsigned warnings_ = 0;
  unsigned errorLimit_ = kDefaultErrorLimit;
  bool limitReached_ = false;
};

} // namespace sgl::compiler

#endif // SGL_COMPILER_DIAGNOSTICS_H
