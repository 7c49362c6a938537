//===- Diagnostics.cpp - clang-style error reporting ----------------------===//

#include "compiler/Diagnostics.h"
#include "compiler/SourceSnippet.h"

#include "runtime/support/MessageText.h"

#include <ostream>

namespace sgl::compiler {

namespace {

/// Bytes of source text quoteSource() shows before cutting.
constexpr size_t kMaxQuotedBytes = 64;
/// Bytes of a message shown before cutting; messages quote source text
/// through quoteSource(), so only a bug elsewhere (or an MLIR message that
/// prints an attribute) comes near it.
constexpr size_t kMaxMessageBytes = 1024;

const char *severityName(Severity severity) {
  switch (severity) {
  case Severity::Error:
    return "error";
  case Severity::Warning:
    return "warning";
  case Severity::Note:
    return "note";
  }
  return "error";
}

} // namespace

std::string quoteSource(std::string_view text) {
  return sgl::quoted(text, kMaxQuotedBytes);
}

void DiagnosticEngine::report(Severity severity, SourceRange range,
                              const std::string &message) {
  if (limitReached_)
    return;
  if (severity == Severity::Error) {
    if (errorLimit_ != 0 && errors_ >= errorLimit_) {
      limitReached_ = true;
      out_ << "fatal error: too many errors emitted, stopping now "
              "[--error-limit="
           << errorLimit_ << "]\n";
      return;
    }
    ++errors_;
  }
  if (severity == Severity::Warning)
    ++warnings_;
  std::string text = sgl::abbreviate(message, kMaxMessageBytes);
  const SourceLoc &begin = range.begin;
  if (!begin.isValid()) {
    out_ << severityName(severity) << ": " << text << "\n";
    return;
  }
  out_ << sgl::escapeControlChars(sources_.name(begin.file)) << ":"
       << begin.line << ":" << begin.col << ": " << severityName(severity)
       << ": " << text << "\n";
  uint32_t endCol =
      range.end.line == begin.line ? range.end.col : begin.col + 1;
  SourceSnippet snippet = renderSnippet(
      sources_.lineText(begin.file, begin.line), begin.col, endCol);
  out_ << snippet.line << "\n" << snippet.caret << "\n";
}

} // namespace sgl::compiler
