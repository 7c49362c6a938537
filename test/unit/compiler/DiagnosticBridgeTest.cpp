//===- DiagnosticBridgeTest.cpp - MLIR diagnostics never show IR ----------===//
#include "compiler/mlir/DiagnosticBridge.h"

#include "sgl/SGLDialect.h"

#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/MLIRContext.h"
#include "mlir/IR/Verifier.h"
#include "mlir/Parser/Parser.h"

#include <gtest/gtest.h>

#include <sstream>

using namespace sgl::compiler;

namespace {

/// A gen whose temperature is infinite, which the sgl.gen verifier rejects.
constexpr const char *kBadGen = R"mlir(
sgl.program @p args [] {
^bb0(%c0: !sgl.ctx):
  %c1, %s = sgl.gen %c0 {temperature = 0x7FF0000000000000 : f64} : !sgl.str loc("t.sgl":1:15)
  sgl.capture "s", %s : !sgl.str
  sgl.yield %c1
}
)mlir";

TEST(DiagnosticBridgeTest, VerifierErrorsAreSourceLocatedWithoutIR) {
  SourceManager sources;
  sources.addBuffer("t.sgl", "program p() { gen s(temperature: 1) }\n");
  std::ostringstream out;
  DiagnosticEngine diags(sources, out);
  mlir::MLIRContext context;
  context.getOrLoadDialect<sgl::dialect::SGLDialect>();
  mlir::ParserConfig config(&context, /*verifyAfterParse=*/false);
  mlir::OwningOpRef<mlir::ModuleOp> module =
      mlir::parseSourceString<mlir::ModuleOp>(kBadGen, config);
  ASSERT_TRUE(module);
  {
    DiagnosticBridge bridge(context, sources, diags);
    EXPECT_TRUE(mlir::failed(mlir::verify(*module)));
  }
  EXPECT_EQ(
      out.str(),
      "t.sgl:1:15: error: 'sgl.gen' op temperature must be >= 0, got INF\n"
      "program p() { gen s(temperature: 1) }\n"
      "              ^\n");
  EXPECT_EQ(diags.errorCount(), 1u);
  // The context's own settings come back with the bridge gone.
  EXPECT_TRUE(context.shouldPrintOpOnDiagnostic());
}

} // namespace
