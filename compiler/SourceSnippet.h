//===- SourceSnippet.h - The source line under a diagnostic -----*- C++ -*-===//
//
// A diagnostic quotes the line it points into, with a caret under the
// column:
//
//   ...aaaaaaaa @ aaaaaaaa...
//              ^
//
// Source text is whatever the file holds, so the line is shown as a window
// of at most about kSnippetColumns columns around the caret (with "..." where
// it is cut), and bytes that would garble a terminal are escaped: control
// characters as \n, \r, \x00, ..., bytes that are not UTF-8 as \xff. Tabs
// are kept (the caret line repeats them) so the caret lines up in a
// terminal. Work is bounded by the window, not the line: a diagnostic on a
// 5 MB line costs as much as one on a short line.
//
//===----------------------------------------------------------------------===//
#ifndef SGL_COMPILER_SOURCESNIPPET_H
#define SGL_COMPILER_SOURCESNIPPET_H

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace sgl::compiler {

/// Columns of source text a snippet shows at most, besides the "..." marks.
inline constexpr size_t kSnippetColumns = 120;

struct SourceSnippet {
  /// The (windowed, escaped) source line.
  std::string line;
  /// Spaces (and tabs) up to the caret, '^', then '~' to the range's end.
  std::string caret;
};

/// Renders `line` with a caret under byte column `beginCol` (1-based; one
/// past the end of the line is allowed) and an underline up to, not
/// including, `endCol` (ignored unless greater than `beginCol`). Columns
/// count bytes, as SourceLoc does; the caret is placed by characters, so it
/// stands under the right character on UTF-8 lines too.
SourceSnippet renderSnippet(std::string_view line, uint32_t beginCol,
                            uint32_t endCol,
                            size_t maxColumns = kSnippetColumns);

} // namespace sgl::compiler

#endif // SGL_COMPILER_SOURCESNIPPET_H
