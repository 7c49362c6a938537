//===- Diagnostics.cpp - clang-style error reporting ----------------------===//

#include "compiler/Diagnostics.h"

#include <ostream>

namespace sgl::compiler {

namespace {

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

/// Caret line under `line`: tabs are kept so the caret lines up in a terminal.
std::string caretLine(std::string_view line, uint32_t beginCol, uint32_t endCol) {
  std::string caret;
  for (uint32_t i = 1; i < beginCol && i - 1 < line.size(); ++i)
    caret += line[i - 1] == '\t' ? '\t' : ' ';
  caret += '^';
  for (uint32_t col = beginCol + 1; col < endCol && col - 1 < line.size(); ++col)
    caret += '~';
  return caret;
}

} // namespace

void DiagnosticEngine::report(Severity severity, SourceRange range,
                              const std::string &message) {
  if (severity == Severity::Error)
    ++errors_;
  const SourceLoc &begin = range.begin;
  if (!begin.isValid()) {
    out_ << severityName(severity) << ": " << message << "\n";
    return;
  }
  out_ << sources_.name(begin.file) << ":" << begin.line << ":" << begin.col << ": "
       << severityName(severity) << ": " << message << "\n";
  std::string_view line = sources_.lineText(begin.file, begin.line);
  uint32_t endCol = range.end.line == begin.line ? range.end.col : begin.col + 1;
  out_ << line << "\n" << caretLine(line, begin.col, endCol) << "\n";
}

} // namespace sgl::compiler
