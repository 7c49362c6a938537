//===- ParserFuzzer.cpp - Fuzz the .sgl parser and checks -----------------===//
//
// Any byte string must produce either an AST or diagnostics: never a crash,
// a hang or an uncaught exception.
//
//===----------------------------------------------------------------------===//

#include "compiler/Parser.h"
#include "compiler/Sema.h"

#include <sstream>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  using namespace sgl::compiler;
  SourceManager sources;
  uint32_t file =
      sources.addBuffer("fuzz.sgl", std::string(reinterpret_cast<const char *>(data), size));
  std::ostringstream sink;
  DiagnosticEngine diags(sources, sink);
  Module module;
  if (parseFile(file, sources, diags, module))
    checkModule(module, diags);
  (void)dumpAST(module);
  return 0;
}
