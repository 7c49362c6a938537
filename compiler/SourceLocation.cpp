//===- SourceLocation.cpp - Positions in .sgl source files ----------------===//

#include "compiler/SourceLocation.h"

#include "runtime/support/InputFile.h"

#include <algorithm>

namespace sgl::compiler {

uint32_t SourceManager::addBuffer(std::string name, std::string contents) {
  File file{std::move(name), std::move(contents), {0}};
  for (uint32_t i = 0; i < file.contents.size(); ++i)
    if (file.contents[i] == '\n')
      file.lineStarts.push_back(i + 1);
  files_.push_back(std::move(file));
  return static_cast<uint32_t>(files_.size() - 1);
}

bool SourceManager::addFile(const std::string &path, uint32_t &fileId,
                            std::string &error) {
  Expected<std::string> text = readInputFile(
      path, {".sgl source file", kSourceFileLimit}, /*allowStdin=*/true);
  if (!text) {
    error = text.error().message;
    return false;
  }
  fileId = addBuffer(path == "-" ? "<stdin>" : path, text.take());
  return true;
}

std::string_view SourceManager::lineText(uint32_t file, uint32_t line) const {
  const File &f = files_[file];
  if (line == 0 || line > f.lineStarts.size())
    return {};
  uint32_t begin = f.lineStarts[line - 1];
  uint32_t end = line < f.lineStarts.size()
                     ? f.lineStarts[line] - 1
                     : static_cast<uint32_t>(f.contents.size());
  std::string_view text(f.contents.data() + begin, end - begin);
  if (!text.empty() && text.back() == '\r')
    text.remove_suffix(1);
  return text;
}

SourceLoc SourceManager::locForOffset(uint32_t file, uint32_t offset) const {
  const File &f = files_[file];
  auto next =
      std::upper_bound(f.lineStarts.begin(), f.lineStarts.end(), offset);
  uint32_t line = static_cast<uint32_t>(next - f.lineStarts.begin());
  return SourceLoc{file, line, offset - f.lineStarts[line - 1] + 1};
}

} // namespace sgl::compiler
