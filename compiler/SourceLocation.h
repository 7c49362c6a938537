//===- SourceLocation.h - Positions in .sgl source files --------*- C++ -*-===//
//
// Locations are carried as (file, line, column) so diagnostics and MLIR
// locations can be produced without re-scanning the buffer. Lines and
// columns are 1-based; a column counts bytes, as clang does.
//
//===----------------------------------------------------------------------===//
#ifndef SGL_COMPILER_SOURCELOCATION_H
#define SGL_COMPILER_SOURCELOCATION_H

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace sgl::compiler {

struct SourceLoc {
  uint32_t file = 0;
  uint32_t line = 0; // 0 means "no location"
  uint32_t col = 0;
  bool isValid() const { return line != 0; }
};

/// A half-open range [begin, end) within one file.
struct SourceRange {
  SourceLoc begin;
  SourceLoc end;
};

/// Owns the text of every source file of a compilation.
class SourceManager {
public:
  /// Registers a buffer and returns its file id.
  uint32_t addBuffer(std::string name, std::string contents);
  /// Reads a file from disk ("-": standard input, named "<stdin>"), at most
  /// kSourceFileLimit bytes; returns false with `error` set on failure.
  bool addFile(const std::string &path, uint32_t &fileId, std::string &error);

  uint32_t size() const { return static_cast<uint32_t>(files_.size()); }
  const std::string &name(uint32_t file) const { return files_[file].name; }
  const std::string &contents(uint32_t file) const {
    return files_[file].contents;
  }
  /// The text of a 1-based line without its newline.
  std::string_view lineText(uint32_t file, uint32_t line) const;
  /// Converts a byte offset to a location.
  SourceLoc locForOffset(uint32_t file, uint32_t offset) const;

private:
  struct File {
    std::string name;
    std::string contents;
    std::vector<uint32_t> lineStarts;
  };
  std::vector<File> files_;
};

} // namespace sgl::compiler

#endif // SGL_COMPILER_SOURCELOCATION_H
