//===- ASTBuilder.cpp - ANTLR parse tree to AST ---------------------------===//

#include "compiler/parse/ASTBuilder.h"

#include <cerrno>
#include <cmath>
#include <cstdlib>

namespace sgl::compiler::parse {

using antlr::SGL;

void ASTBuilder::build(SGL::FileContext *file, Module &module) {
  for (SGL::ProgramDeclContext *decl : file->programDecl())
    module.programs.push_back(buildProgram(decl));
}

Program ASTBuilder::buildProgram(SGL::ProgramDeclContext *ctx) {
  Program program;
  program.name = ctx->name->getText();
  program.nameRange = map_.rangeOf(ctx->name);
  program.range = map_.rangeOf(ctx);
  if (SGL::ParamListContext *params = ctx->paramList()) {
    for (SGL::ParamContext *p : params->param()) {
      Param param;
      param.name = p->name->getText();
      param.type = p->type->getText();
      param.range = map_.rangeOf(p->name);
      param.typeRange = map_.rangeOf(p->type);
      program.params.push_back(std::move(param));
    }
  }
  program.body = buildBlock(ctx->block());
  return program;
}

StmtList ASTBuilder::buildBlock(SGL::BlockContext *ctx) {
  StmtList body;
  for (SGL::StmtContext *stmt : ctx->stmt())
    if (auto built = buildStmt(stmt))
      body.push_back(std::move(built));
  return body;
}

std::unique_ptr<Stmt> ASTBuilder::buildStmt(SGL::StmtContext *ctx) {
  if (auto *text = dynamic_cast<SGL::TextStmtContext *>(ctx)) {
    auto stmt = std::make_unique<TextStmt>();
    stmt->text = buildString(text->stringLit());
    stmt->range = stmt->text.range;
    return stmt;
  }
  if (auto *ref = dynamic_cast<SGL::RefStmtContext *>(ctx)) {
    auto stmt = std::make_unique<RefStmt>();
    stmt->ref.name = ref->IDENT()->getText();
    stmt->ref.range = map_.rangeOf(ref->IDENT()->getSymbol());
    stmt->range = stmt->ref.range;
    return stmt;
  }
  if (auto *gen = dynamic_cast<SGL::GenStmtContext *>(ctx))
    return buildGen(gen);
  if (auto *select = dynamic_cast<SGL::SelectStmtContext *>(ctx))
    return buildSelect(select);
  if (auto *role = dynamic_cast<SGL::RoleStmtContext *>(ctx)) {
    auto stmt = std::make_unique<RoleStmt>();
    switch (role->role->getType()) {
    case SGL::SYSTEM:
      stmt->role = Role::System;
      break;
    case SGL::ASSISTANT:
      stmt->role = Role::Assistant;
      break;
    default:
      stmt->role = Role::User;
      break;
    }
    stmt->keywordRange = map_.rangeOf(role->role);
    stmt->range = map_.rangeOf(role);
    stmt->body = buildBlock(role->block());
    return stmt;
  }
  return nullptr;
}

std::unique_ptr<Stmt> ASTBuilder::buildGen(SGL::GenStmtContext *ctx) {
  auto stmt = std::make_unique<GenStmt>();
  stmt->name = ctx->name->getText();
  stmt->nameRange = map_.rangeOf(ctx->name);
  stmt->range = map_.rangeOf(ctx);
  if (SGL::OptionListContext *options = ctx->optionList()) {
    for (SGL::OptionContext *o : options->option()) {
      GenOption option;
      option.name = o->name->getText();
      option.nameRange = map_.rangeOf(o->name);
      option.value = buildOptionValue(o->optionValue());
      stmt->options.push_back(std::move(option));
    }
  }
  return stmt;
}

std::unique_ptr<Stmt> ASTBuilder::buildSelect(SGL::SelectStmtContext *ctx) {
  auto stmt = std::make_unique<SelectStmt>();
  stmt->name = ctx->name->getText();
  stmt->nameRange = map_.rangeOf(ctx->name);
  stmt->range = map_.rangeOf(ctx);
  stmt->choices = buildStringList(ctx->choiceList()->stringLit());
  stmt->choicesRange = map_.rangeOf(ctx->choiceList());
  return stmt;
}

OptionValue ASTBuilder::buildOptionValue(SGL::OptionValueContext *ctx) {
  OptionValue value;
  value.range = map_.rangeOf(ctx);
  if (auto *integer = dynamic_cast<SGL::IntValueContext *>(ctx)) {
    value.kind = OptionValue::Kind::Integer;
    std::string text = integer->INT()->getText();
    errno = 0;
    value.integer = std::strtoll(text.c_str(), nullptr, 10);
    if (errno == ERANGE) {
      diags_.error(value.range,
                   "integer literal " + quoteSource(text) + " is too large");
      value.invalid = true;
    }
  } else if (auto *number = dynamic_cast<SGL::FloatValueContext *>(ctx)) {
    value.kind = OptionValue::Kind::Float;
    std::string text = number->FLOAT()->getText();
    errno = 0;
    value.number = std::strtod(text.c_str(), nullptr);
    // Underflow gives 0 or a denormal, which the option checks judge; an
    // overflow to infinity is no number at all.
    if (errno == ERANGE && std::isinf(value.number)) {
      diags_.error(value.range,
                   "number literal " + quoteSource(text) + " is too large");
      value.invalid = true;
    }
  } else if (auto *string = dynamic_cast<SGL::StringValueContext *>(ctx)) {
    value.kind = OptionValue::Kind::String;
    value.string = buildString(string->stringLit());
  } else if (auto *list = dynamic_cast<SGL::ListValueContext *>(ctx)) {
    value.kind = OptionValue::Kind::StringList;
    value.list = buildStringList(list->stringLit());
  }
  return value;
}

std::vector<StringLiteral>
ASTBuilder::buildStringList(const std::vector<SGL::StringLitContext *> &items) {
  std::vector<StringLiteral> list;
  for (SGL::StringLitContext *item : items)
    list.push_back(buildString(item));
  return list;
}

void ASTBuilder::appendLiteral(StringLiteral &literal, const std::string &text,
                               SourceRange range) {
  if (!literal.pieces.empty() &&
      literal.pieces.back().kind == TextPiece::Kind::Literal) {
    literal.pieces.back().text += text;
    literal.pieces.back().range.end = range.end;
    return;
  }
  TextPiece piece;
  piece.kind = TextPiece::Kind::Literal;
  piece.text = text;
  piece.range = range;
  literal.pieces.push_back(std::move(piece));
}

std::string ASTBuilder::decodeEscape(antlr4::Token *token) {
  std::string text = token->getText();
  char c = text.size() > 1 ? text[1] : '\\';
  switch (c) {
  case 'n':
    return "\n";
  case 't':
    return "\t";
  case 'r':
    return "\r";
  case '0':
    return std::string(1, '\0');
  case '\\':
  case '"':
  case '\'':
    return std::string(1, c);
  default:
    diags_.error(map_.rangeOf(token),
                 "unknown escape sequence " + quoteSource(text) +
                     "; valid escapes are \\n \\t \\r \\0 \\\\ \\\" \\'");
    return text;
  }
}

StringLiteral ASTBuilder::buildString(SGL::StringLitContext *ctx) {
  StringLiteral literal;
  literal.range = map_.rangeOf(ctx);
  if (auto *raw = dynamic_cast<SGL::RawStringContext *>(ctx)) {
    literal.raw = true;
    std::string text = raw->RAW_STRING()->getText();
    // Strip the leading `r"` and the closing `"`.
    appendLiteral(literal, std::string(text.begin() + 2, text.end() - 1),
                  literal.range);
    return literal;
  }
  auto *quotedString = dynamic_cast<SGL::QuotedStringContext *>(ctx);
  for (SGL::StrPartContext *part : quotedString->strPart()) {
    SourceRange range = map_.rangeOf(part);
    if (auto *text = dynamic_cast<SGL::StrTextContext *>(part))
      appendLiteral(literal, text->getText(), range);
    else if (auto *escape = dynamic_cast<SGL::StrEscapeContext *>(part))
      appendLiteral(literal, decodeEscape(escape->STR_ESCAPE()->getSymbol()),
                    range);
    else if (dynamic_cast<SGL::StrLBraceContext *>(part))
      appendLiteral(literal, "{", range);
    else if (dynamic_cast<SGL::StrRBraceContext *>(part))
      appendLiteral(literal, "}", range);
    else if (auto *interp = dynamic_cast<SGL::StrInterpContext *>(part)) {
      TextPiece piece;
      piece.kind = TextPiece::Kind::Interpolation;
      piece.ref.name = interp->IDENT_I()->getText();
      piece.ref.range = map_.rangeOf(interp->IDENT_I()->getSymbol());
      piece.range = range;
      literal.pieces.push_back(std::move(piece));
    }
  }
  return literal;
}

} // namespace sgl::compiler::parse
