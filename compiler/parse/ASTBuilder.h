//===- ASTBuilder.h - ANTLR parse tree to AST -------------------*- C++ -*-===//
#ifndef SGL_COMPILER_PARSE_ASTBUILDER_H
#define SGL_COMPILER_PARSE_ASTBUILDER_H

#include "compiler/AST.h"
#include "compiler/Diagnostics.h"
#include "compiler/parse/SourceMap.h"

#include "SGL.h"

namespace sgl::compiler::parse {

/// Builds AST nodes from a syntactically valid parse tree. Lexical problems
/// the grammar lets through (unknown escapes) are reported to `diags`.
class ASTBuilder {
public:
  ASTBuilder(const SourceMap &map, DiagnosticEngine &diags)
      : map_(map), diags_(diags) {}

  void build(antlr::SGL::FileContext *file, Module &module);

private:
  Program buildProgram(antlr::SGL::ProgramDeclContext *ctx);
  StmtList buildBlock(antlr::SGL::BlockContext *ctx);
  std::unique_ptr<Stmt> buildStmt(antlr::SGL::StmtContext *ctx);
  std::unique_ptr<Stmt> buildGen(antlr::SGL::GenStmtContext *ctx);
  std::unique_ptr<Stmt> buildIf(antlr::SGL::IfStmtContext *ctx);
  std::unique_ptr<Stmt> buildFor(antlr::SGL::ForStmtContext *ctx);
  std::unique_ptr<Stmt> buildFork(antlr::SGL::ForkStmtContext *ctx);
  std::unique_ptr<Stmt> buildCall(antlr::SGL::CallStmtContext *ctx);
  TypeRef buildTypeRef(antlr::SGL::TypeExprContext *ctx);
  std::vector<TypeField> buildFields(antlr::SGL::TypeFieldListContext *ctx);
  TypeExpr buildGenType(antlr::SGL::GenTypeContext *ctx);
  TypeExpr buildTypeAtom(antlr::SGL::TypeAtomContext *ctx);
  std::vector<GenOption> buildOptions(antlr::SGL::OptionListContext *ctx);
  Expr buildExpr(antlr::SGL::ExprContext *ctx);
  Expr buildAdditive(antlr::SGL::AdditiveContext *ctx);
  Expr buildPostfix(antlr::SGL::PostfixExprContext *ctx);
  Expr buildPrimary(antlr::SGL::PrimaryContext *ctx);
  Expr buildValueRef(antlr::SGL::ValueRefContext *ctx);
  /// A literal's value, or nullopt after reporting it too large.
  std::optional<int64_t> parseInteger(antlr4::Token *token, SourceRange range);
  std::optional<double> parseFloat(antlr4::Token *token, SourceRange range);
  std::unique_ptr<Stmt> buildSelect(antlr::SGL::SelectStmtContext *ctx);
  OptionValue buildOptionValue(antlr::SGL::OptionValueContext *ctx);
  std::vector<StringLiteral>
  buildStringList(const std::vector<antlr::SGL::StringLitContext *> &items);
  StringLiteral buildString(antlr::SGL::StringLitContext *ctx);
  /// Appends decoded literal text to the last literal piece (or starts one).
  void appendLiteral(StringLiteral &literal, const std::string &text,
                     SourceRange range);
  std::string decodeEscape(antlr4::Token *token);

  const SourceMap &map_;
  DiagnosticEngine &diags_;
};

} // namespace sgl::compiler::parse

#endif // SGL_COMPILER_PARSE_ASTBUILDER_H
