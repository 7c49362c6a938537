//===- Imports.cpp - Load the files a .sgl file imports -------------------===//
#include "compiler/Imports.h"

#include "compiler/Parser.h"

#include <filesystem>
#include <optional>
#include <set>
#include <system_error>

namespace sgl::compiler {
namespace {

namespace fs = std::filesystem;

class ImportLoader {
public:
  ImportLoader(Module &module, SourceManager &sources, DiagnosticEngine &diags)
      : module_(module), sources_(sources), diags_(diags) {}

  bool run(uint32_t fileId) {
    const unsigned errorsBefore = diags_.errorCount();
    const std::string &name = sources_.name(fileId);
    const bool stdinFile = name == "<stdin>";
    const fs::path self = stdinFile ? fs::path() : identity(name);
    if (!stdinFile)
      loaded_.insert(self);
    open_.push_back({self, name});
    std::vector<ImportDecl> imports = module_.imports;
    load(imports, stdinFile ? fs::path() : fs::path(name).parent_path());
    open_.pop_back();
    return diags_.errorCount() == errorsBefore;
  }

private:
  struct OpenFile {
    fs::path identity;
    std::string name;
  };

  /// What makes two paths the same file: the canonical path where the file
  /// exists, the normalized absolute path otherwise.
  static fs::path identity(const fs::path &path) {
    std::error_code error;
    fs::path canonical = fs::weakly_canonical(path, error);
    if (!error)
      return canonical;
    return fs::absolute(path, error).lexically_normal();
  }

  void load(const std::vector<ImportDecl> &imports, const fs::path &dir) {
    for (const ImportDecl &import : imports) {
      if (diags_.errorLimitReached())
        return;
      if (import.path.empty()) {
        diags_.error(import.pathRange,
                     "an import path is a non-empty constant string");
        continue;
      }
      const fs::path path = (dir / import.path).lexically_normal();
      const fs::path id = identity(path);
      if (std::optional<size_t> cycle = findOpen(id)) {
        std::string chain;
        for (size_t f = *cycle; f < open_.size(); ++f)
          chain += quoteSource(open_[f].name) + " imports ";
        diags_.error(import.pathRange, "import cycle: " + chain +
                                           quoteSource(open_[*cycle].name));
        continue;
      }
      if (!loaded_.insert(id).second)
        continue;
      uint32_t file = 0;
      std::string error;
      if (path.string() == "-" ||
          !sources_.addFile(path.string(), file, error)) {
        diags_.error(import.pathRange,
                     "cannot import " + quoteSource(import.path) + ": " +
                         (error.empty() ? "not a file" : error));
        continue;
      }
      Module imported;
      if (!parseFile(file, sources_, diags_, imported))
        continue;
      for (Program &program : imported.programs)
        program.imported = true;
      open_.push_back({id, sources_.name(file)});
      load(imported.imports, path.parent_path());
      open_.pop_back();
      for (Program &program : imported.programs)
        module_.programs.push_back(std::move(program));
      for (TypeDecl &type : imported.types)
        module_.types.push_back(std::move(type));
    }
  }

  std::optional<size_t> findOpen(const fs::path &id) const {
    for (size_t f = 0; f < open_.size(); ++f)
      if (!open_[f].identity.empty() && open_[f].identity == id)
        return f;
    return std::nullopt;
  }

  Module &module_;
  SourceManager &sources_;
  DiagnosticEngine &diags_;
  std::set<fs::path> loaded_;
  /// The importing chain, the file compiled first.
  std::vector<OpenFile> open_;
};

} // namespace

bool loadImports(Module &module, uint32_t fileId, SourceManager &sources,
                 DiagnosticEngine &diags) {
  return ImportLoader(module, sources, diags).run(fileId);
}

} // namespace sgl::compiler
