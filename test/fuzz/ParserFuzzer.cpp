//===- ParserFuzzer.cpp - Fuzz the .sgl parser and checks -----------------===//
//
// Any byte string must produce either an AST or diagnostics: never a crash,
// a hang or an uncaught exception. The diagnostics themselves must stay
// readable whatever the input: every line bounded, no control characters
// other than tabs, and no more errors than the limit.
//
//===----------------------------------------------------------------------===//

#include "compiler/Parser.h"
#include "compiler/Sema.h"

#include <cstdio>
#include <cstdlib>
#include <sstream>
#include <string_view>

namespace {

/// Longest line diagnostics may print: a bounded message or a source window
/// (about 120 columns, escapes up to 8 bytes each) plus the file name.
constexpr size_t kMaxLineBytes = 2048;

[[noreturn]] void bug(const char *what) {
  std::fprintf(stderr, "ParserFuzzer: %s\n", what);
  std::abort();
}

void checkOutput(std::string_view output) {
  size_t lineStart = 0;
  for (size_t i = 0; i < output.size(); ++i) {
    unsigned char c = static_cast<unsigned char>(output[i]);
    if (c == '\n') {
      if (i - lineStart > kMaxLineBytes)
        bug("a diagnostic line is too long");
      lineStart = i + 1;
    } else if ((c < 0x20 && c != '\t') || c == 0x7f) {
      bug("a diagnostic prints a raw control character");
    }
  }
  if (output.size() - lineStart > kMaxLineBytes)
    bug("a diagnostic line is too long");
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  using namespace sgl::compiler;
  SourceManager sources;
  uint32_t file = sources.addBuffer(
      "fuzz.sgl", std::string(reinterpret_cast<const char *>(data), size));
  std::ostringstream sink;
  DiagnosticEngine diags(sources, sink);
  Module module;
  if (parseFile(file, sources, diags, module))
    checkModule(module, diags);
  (void)dumpAST(module);
  if (diags.errorLimit() != 0 && diags.errorCount() > diags.errorLimit())
    bug("more errors reported than the error limit");
  checkOutput(sink.str());
  return 0;
}
