//===- ASTBuilder.cpp - ANTLR parse tree to AST ---------------------------===//

#include "compiler/parse/ASTBuilder.h"

#include <cerrno>
#include <cmath>
#include <cstdlib>

namespace sgl::compiler::parse {

using antlr::SGL;

void ASTBuilder::build(SGL::FileContext *file, Module &module) {
  for (SGL::ImportDeclContext *decl : file->importDecl()) {
    ImportDecl import;
    import.range = map_.rangeOf(decl);
    import.pathRange = map_.rangeOf(decl->path);
    StringLiteral path = buildString(decl->path);
    // An interpolating path is reported by the import loader.
    import.path = path.isConstant() ? path.constantText() : "";
    module.imports.push_back(std::move(import));
  }
  for (SGL::ProgramDeclContext *decl : file->programDecl())
    module.programs.push_back(buildProgram(decl));
  for (SGL::TypeDeclContext *decl : file->typeDecl()) {
    TypeDecl type;
    type.name = decl->name->getText();
    type.nameRange = map_.rangeOf(decl->name);
    type.range = map_.rangeOf(decl);
    type.record.kind = TypeExpr::Kind::Record;
    type.record.range = type.range;
    if (SGL::TypeFieldListContext *fields = decl->typeFieldList())
      type.record.fields = buildFields(fields);
    module.types.push_back(std::move(type));
  }
}

std::vector<TypeField> ASTBuilder::buildFields(SGL::TypeFieldListContext *ctx) {
  std::vector<TypeField> fields;
  for (SGL::TypeFieldContext *f : ctx->typeField()) {
    TypeField field;
    field.name = f->name->getText();
    field.optional = f->optional != nullptr;
    field.range = map_.rangeOf(f->name);
    field.type = buildGenType(f->genType());
    fields.push_back(std::move(field));
  }
  return fields;
}

TypeExpr ASTBuilder::buildGenType(SGL::GenTypeContext *ctx) {
  std::vector<SGL::TypeAtomContext *> atoms = ctx->typeAtom();
  if (atoms.size() == 1)
    return buildTypeAtom(atoms[0]);
  // A union: Sema accepts one of string literals only.
  TypeExpr type;
  type.kind = TypeExpr::Kind::Literals;
  type.range = map_.rangeOf(ctx);
  for (SGL::TypeAtomContext *atom : atoms)
    type.element.push_back(buildTypeAtom(atom));
  return type;
}

TypeExpr ASTBuilder::buildTypeAtom(SGL::TypeAtomContext *ctx) {
  TypeExpr type;
  type.range = map_.rangeOf(ctx);
  if (auto *named = dynamic_cast<SGL::NamedTypeAtomContext *>(ctx)) {
    type.kind = TypeExpr::Kind::Named;
    type.name = named->name->getText();
    if (SGL::OptionListContext *options = named->optionList())
      type.bounds = buildOptions(options);
  } else if (auto *literal = dynamic_cast<SGL::LiteralTypeAtomContext *>(ctx)) {
    type.kind = TypeExpr::Kind::Literals;
    StringLiteral text = buildString(literal->stringLit());
    if (!text.isConstant())
      diags_.error(text.range, "a type's string must be constant");
    type.literals.push_back(text.constantText());
  } else if (auto *list = dynamic_cast<SGL::ListTypeAtomContext *>(ctx)) {
    type.kind = TypeExpr::Kind::List;
    type.element.push_back(buildGenType(list->genType()));
    if (SGL::OptionListContext *options = list->optionList())
      type.bounds = buildOptions(options);
  } else if (auto *record = dynamic_cast<SGL::RecordTypeAtomContext *>(ctx)) {
    type.kind = TypeExpr::Kind::Record;
    if (SGL::TypeFieldListContext *fields = record->typeFieldList())
      type.fields = buildFields(fields);
  }
  return type;
}

std::vector<GenOption> ASTBuilder::buildOptions(SGL::OptionListContext *ctx) {
  std::vector<GenOption> options;
  for (SGL::OptionContext *o : ctx->option()) {
    GenOption option;
    option.name = o->name->getText();
    option.nameRange = map_.rangeOf(o->name);
    option.value = buildOptionValue(o->optionValue());
    options.push_back(std::move(option));
  }
  return options;
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
      param.range = map_.rangeOf(p->name);
      param.typeRef = buildTypeRef(p->typeExpr());
      if (p->defaultValue)
        param.defaultValue.push_back(buildExpr(p->defaultValue));
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
  if (auto *append = dynamic_cast<SGL::AppendStmtContext *>(ctx)) {
    auto stmt = std::make_unique<AppendStmt>();
    stmt->value = buildValueRef(append->valueRef());
    stmt->range = stmt->value.range;
    return stmt;
  }
  if (auto *ifStmt = dynamic_cast<SGL::IfStmtContext *>(ctx))
    return buildIf(ifStmt);
  if (auto *forStmt = dynamic_cast<SGL::ForStmtContext *>(ctx))
    return buildFor(forStmt);
  if (auto *fork = dynamic_cast<SGL::ForkStmtContext *>(ctx))
    return buildFork(fork);
  if (auto *call = dynamic_cast<SGL::CallStmtContext *>(ctx))
    return buildCall(call);
  if (dynamic_cast<SGL::BreakStmtContext *>(ctx)) {
    auto stmt = std::make_unique<BreakStmt>();
    stmt->range = map_.rangeOf(ctx);
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

std::unique_ptr<Stmt> ASTBuilder::buildIf(SGL::IfStmtContext *ctx) {
  auto stmt = std::make_unique<IfStmt>();
  stmt->range = map_.rangeOf(ctx);
  // `expr()` and `block()` pair up in order; a final extra block is the
  // plain `else`.
  std::vector<SGL::ExprContext *> conditions = ctx->expr();
  std::vector<SGL::BlockContext *> blocks = ctx->block();
  for (size_t i = 0; i < conditions.size(); ++i)
    stmt->arms.push_back({buildExpr(conditions[i]), buildBlock(blocks.at(i))});
  if (ctx->elseBlock)
    stmt->elseBody = buildBlock(ctx->elseBlock);
  return stmt;
}

std::unique_ptr<Stmt> ASTBuilder::buildFor(SGL::ForStmtContext *ctx) {
  auto stmt = std::make_unique<ForStmt>();
  stmt->range = map_.rangeOf(ctx);
  stmt->var = ctx->var->getText();
  stmt->varRange = map_.rangeOf(ctx->var);
  std::vector<SGL::ExprContext *> exprs = ctx->expr();
  stmt->iterable = buildExpr(exprs.at(0));
  if (ctx->end)
    stmt->rangeEnd.push_back(buildExpr(ctx->end));
  stmt->body = buildBlock(ctx->block());
  return stmt;
}

std::unique_ptr<Stmt> ASTBuilder::buildFork(SGL::ForkStmtContext *ctx) {
  auto stmt = std::make_unique<ForkStmt>();
  stmt->range = map_.rangeOf(ctx);
  stmt->name = ctx->name->getText();
  stmt->nameRange = map_.rangeOf(ctx->name);
  stmt->count = buildExpr(ctx->count);
  if (ctx->var) {
    stmt->var = ctx->var->getText();
    stmt->varRange = map_.rangeOf(ctx->var);
  }
  stmt->body = buildBlock(ctx->block());
  return stmt;
}

std::unique_ptr<Stmt> ASTBuilder::buildCall(SGL::CallStmtContext *ctx) {
  auto stmt = std::make_unique<CallStmt>();
  stmt->range = map_.rangeOf(ctx);
  stmt->name = ctx->name->getText();
  stmt->nameRange = map_.rangeOf(ctx->name);
  stmt->callee = ctx->callee->getText();
  stmt->calleeRange = map_.rangeOf(ctx->callee);
  if (SGL::CallArgListContext *list = ctx->callArgList())
    for (SGL::CallArgContext *a : list->callArg()) {
      CallArg arg;
      if (a->name) {
        arg.name = a->name->getText();
        arg.nameRange = map_.rangeOf(a->name);
      }
      arg.value = buildExpr(a->expr());
      stmt->args.push_back(std::move(arg));
    }
  return stmt;
}

TypeRef ASTBuilder::buildTypeRef(SGL::TypeExprContext *ctx) {
  TypeRef ref;
  ref.range = map_.rangeOf(ctx);
  while (auto *list = dynamic_cast<SGL::ListTypeContext *>(ctx)) {
    ++ref.listDepth;
    ctx = list->typeExpr();
  }
  auto *named = dynamic_cast<SGL::NamedTypeContext *>(ctx);
  ref.name = named->name->getText();
  ref.nameRange = map_.rangeOf(named->name);
  return ref;
}

namespace {

Expr makeBinary(Expr::Op op, Expr left, Expr right, SourceRange range,
                SourceRange opRange) {
  Expr expr;
  expr.kind = Expr::Kind::Binary;
  expr.op = op;
  expr.range = range;
  expr.opRange = opRange;
  expr.operands.push_back(std::move(left));
  expr.operands.push_back(std::move(right));
  return expr;
}

Expr::Op compareOp(size_t tokenType) {
  switch (tokenType) {
  case SGL::EQ:
    return Expr::Op::Eq;
  case SGL::NE:
    return Expr::Op::Ne;
  case SGL::LT:
    return Expr::Op::Lt;
  case SGL::LE:
    return Expr::Op::Le;
  case SGL::GT:
    return Expr::Op::Gt;
  default:
    return Expr::Op::Ge;
  }
}

Expr::Op arithmeticOp(size_t tokenType) {
  switch (tokenType) {
  case SGL::PLUS:
    return Expr::Op::Add;
  case SGL::MINUS:
    return Expr::Op::Sub;
  case SGL::STAR:
    return Expr::Op::Mul;
  case SGL::SLASH:
    return Expr::Op::Div;
  default:
    return Expr::Op::Mod;
  }
}

} // namespace

Expr ASTBuilder::buildExpr(SGL::ExprContext *ctx) {
  SourceRange range = map_.rangeOf(ctx);
  if (auto *compare = dynamic_cast<SGL::CompareExprContext *>(ctx))
    return makeBinary(
        compareOp(compare->op->getType()), buildAdditive(compare->left),
        buildAdditive(compare->right), range, map_.rangeOf(compare->op));
  if (auto *in = dynamic_cast<SGL::InExprContext *>(ctx))
    return makeBinary(Expr::Op::In, buildAdditive(in->left),
                      buildAdditive(in->right), range,
                      map_.rangeOf(in->IN()->getSymbol()));
  if (auto *plain = dynamic_cast<SGL::PlainExprContext *>(ctx))
    return buildAdditive(plain->additive());
  if (auto *notExpr = dynamic_cast<SGL::NotExprContext *>(ctx)) {
    Expr expr;
    expr.kind = Expr::Kind::Not;
    expr.range = range;
    expr.opRange = map_.rangeOf(notExpr->NOT()->getSymbol());
    expr.operands.push_back(buildExpr(notExpr->expr()));
    return expr;
  }
  if (auto *andExpr = dynamic_cast<SGL::AndExprContext *>(ctx))
    return makeBinary(Expr::Op::And, buildExpr(andExpr->left),
                      buildExpr(andExpr->right), range,
                      map_.rangeOf(andExpr->AND()->getSymbol()));
  auto *orExpr = dynamic_cast<SGL::OrExprContext *>(ctx);
  return makeBinary(Expr::Op::Or, buildExpr(orExpr->left),
                    buildExpr(orExpr->right), range,
                    map_.rangeOf(orExpr->OR()->getSymbol()));
}

Expr ASTBuilder::buildAdditive(SGL::AdditiveContext *ctx) {
  SourceRange range = map_.rangeOf(ctx);
  if (auto *neg = dynamic_cast<SGL::NegExprContext *>(ctx)) {
    Expr expr;
    expr.kind = Expr::Kind::Neg;
    expr.range = range;
    expr.opRange = map_.rangeOf(neg->MINUS()->getSymbol());
    expr.operands.push_back(buildAdditive(neg->additive()));
    return expr;
  }
  if (auto *mul = dynamic_cast<SGL::MulExprContext *>(ctx))
    return makeBinary(arithmeticOp(mul->op->getType()),
                      buildAdditive(mul->left), buildAdditive(mul->right),
                      range, map_.rangeOf(mul->op));
  if (auto *add = dynamic_cast<SGL::AddExprContext *>(ctx))
    return makeBinary(arithmeticOp(add->op->getType()),
                      buildAdditive(add->left), buildAdditive(add->right),
                      range, map_.rangeOf(add->op));
  auto *operand = dynamic_cast<SGL::PostfixOperandContext *>(ctx);
  return buildPostfix(operand->postfixExpr());
}

Expr ASTBuilder::buildPostfix(SGL::PostfixExprContext *ctx) {
  SourceRange range = map_.rangeOf(ctx);
  if (auto *field = dynamic_cast<SGL::FieldExprContext *>(ctx)) {
    Expr expr;
    expr.kind = Expr::Kind::Field;
    expr.name = field->field->getText();
    expr.range = range;
    expr.opRange = map_.rangeOf(field->field);
    expr.operands.push_back(buildPostfix(field->postfixExpr()));
    return expr;
  }
  if (auto *index = dynamic_cast<SGL::IndexExprContext *>(ctx)) {
    Expr expr;
    expr.kind = Expr::Kind::Index;
    expr.range = range;
    expr.opRange = map_.rangeOf(index->LBRACK()->getSymbol());
    expr.operands.push_back(buildPostfix(index->postfixExpr()));
    expr.operands.push_back(buildExpr(index->index));
    return expr;
  }
  auto *primary = dynamic_cast<SGL::PrimaryExprContext *>(ctx);
  return buildPrimary(primary->primary());
}

Expr ASTBuilder::buildValueRef(SGL::ValueRefContext *ctx) {
  // `a.b[i]` is a postfix chain read left to right.
  std::vector<antlr4::tree::ParseTree *> children = ctx->children;
  Expr expr;
  expr.kind = Expr::Kind::Name;
  expr.name = children[0]->getText();
  expr.range = map_.rangeOf(ctx->IDENT(0)->getSymbol());
  for (size_t i = 1; i < children.size(); ++i) {
    auto *token = dynamic_cast<antlr4::tree::TerminalNode *>(children[i]);
    if (!token)
      continue;
    Expr outer;
    outer.range = {expr.range.begin, expr.range.end};
    if (token->getSymbol()->getType() == SGL::DOT) {
      auto *field = dynamic_cast<antlr4::tree::TerminalNode *>(children[++i]);
      outer.kind = Expr::Kind::Field;
      outer.name = field->getText();
      outer.opRange = map_.rangeOf(field->getSymbol());
      outer.range.end = outer.opRange.end;
    } else if (token->getSymbol()->getType() == SGL::LBRACK) {
      auto *index = dynamic_cast<SGL::ExprContext *>(children[++i]);
      auto *close = dynamic_cast<antlr4::tree::TerminalNode *>(children[++i]);
      outer.kind = Expr::Kind::Index;
      outer.opRange = map_.rangeOf(token->getSymbol());
      outer.range.end = map_.rangeOf(close->getSymbol()).end;
      outer.operands.push_back(std::move(expr));
      outer.operands.push_back(buildExpr(index));
      expr = std::move(outer);
      continue;
    } else {
      continue;
    }
    outer.operands.push_back(std::move(expr));
    expr = std::move(outer);
  }
  return expr;
}

Expr ASTBuilder::buildPrimary(SGL::PrimaryContext *ctx) {
  Expr expr;
  expr.range = map_.rangeOf(ctx);
  if (auto *name = dynamic_cast<SGL::NameExprContext *>(ctx)) {
    expr.kind = Expr::Kind::Name;
    expr.name = name->name->getText();
  } else if (auto *call = dynamic_cast<SGL::CallExprContext *>(ctx)) {
    expr.kind = Expr::Kind::Call;
    expr.name = call->callee->getText();
    expr.opRange = map_.rangeOf(call->callee);
    for (SGL::ExprContext *arg : call->expr())
      expr.operands.push_back(buildExpr(arg));
  } else if (auto *integer = dynamic_cast<SGL::IntLiteralContext *>(ctx)) {
    expr.kind = Expr::Kind::Int;
    std::optional<int64_t> value =
        parseInteger(integer->INT()->getSymbol(), expr.range);
    expr.integer = value.value_or(0);
    if (!value)
      expr.type = Type::of(Type::Kind::Error);
  } else if (auto *number = dynamic_cast<SGL::FloatLiteralContext *>(ctx)) {
    expr.kind = Expr::Kind::Float;
    std::optional<double> value =
        parseFloat(number->FLOAT()->getSymbol(), expr.range);
    expr.number = value.value_or(0);
  } else if (auto *string = dynamic_cast<SGL::StringExprContext *>(ctx)) {
    expr.kind = Expr::Kind::String;
    expr.string = buildString(string->stringLit());
  } else if (auto *boolean = dynamic_cast<SGL::BoolLiteralContext *>(ctx)) {
    expr.kind = Expr::Kind::Bool;
    expr.boolean = boolean->value->getType() == SGL::TRUE;
  } else if (auto *list = dynamic_cast<SGL::ListExprContext *>(ctx)) {
    expr.kind = Expr::Kind::List;
    for (SGL::ExprContext *item : list->expr())
      expr.operands.push_back(buildExpr(item));
  } else if (auto *paren = dynamic_cast<SGL::ParenExprContext *>(ctx)) {
    Expr inner = buildExpr(paren->expr());
    inner.range = expr.range;
    return inner;
  }
  return expr;
}

std::optional<int64_t> ASTBuilder::parseInteger(antlr4::Token *token,
                                                SourceRange range) {
  std::string text = token->getText();
  errno = 0;
  int64_t value = std::strtoll(text.c_str(), nullptr, 10);
  if (errno == ERANGE) {
    diags_.error(range,
                 "integer literal " + quoteSource(text) + " is too large");
    return std::nullopt;
  }
  return value;
}

std::optional<double> ASTBuilder::parseFloat(antlr4::Token *token,
                                             SourceRange range) {
  std::string text = token->getText();
  errno = 0;
  double value = std::strtod(text.c_str(), nullptr);
  // Underflow gives 0 or a denormal, which later checks judge; an overflow
  // to infinity is no number at all.
  if (errno == ERANGE && std::isinf(value)) {
    diags_.error(range,
                 "number literal " + quoteSource(text) + " is too large");
    return std::nullopt;
  }
  return value;
}

std::unique_ptr<Stmt> ASTBuilder::buildGen(SGL::GenStmtContext *ctx) {
  auto stmt = std::make_unique<GenStmt>();
  stmt->name = ctx->name->getText();
  stmt->nameRange = map_.rangeOf(ctx->name);
  stmt->range = map_.rangeOf(ctx);
  if (SGL::GenTypeContext *type = ctx->genType())
    stmt->type.push_back(buildGenType(type));
  if (SGL::OptionListContext *options = ctx->optionList())
    stmt->options = buildOptions(options);
  return stmt;
}

std::unique_ptr<Stmt> ASTBuilder::buildSelect(SGL::SelectStmtContext *ctx) {
  auto stmt = std::make_unique<SelectStmt>();
  stmt->name = ctx->name->getText();
  stmt->nameRange = map_.rangeOf(ctx->name);
  stmt->range = map_.rangeOf(ctx);
  stmt->choices = buildStringList(ctx->choiceList()->stringLit());
  stmt->choicesRange = map_.rangeOf(ctx->choiceList());
  if (SGL::OptionListContext *options = ctx->optionList())
    stmt->options = buildOptions(options);
  return stmt;
}

OptionValue ASTBuilder::buildOptionValue(SGL::OptionValueContext *ctx) {
  OptionValue value;
  value.range = map_.rangeOf(ctx);
  if (dynamic_cast<SGL::IntValueContext *>(ctx)) {
    value.kind = OptionValue::Kind::Integer;
    // The sign is its own token; `-9223372036854775808` still fits.
    std::string text = ctx->getText();
    errno = 0;
    value.integer = std::strtoll(text.c_str(), nullptr, 10);
    if (errno == ERANGE) {
      diags_.error(value.range,
                   "integer literal " + quoteSource(text) + " is too large");
      value.invalid = true;
    }
  } else if (auto *number = dynamic_cast<SGL::FloatValueContext *>(ctx)) {
    value.kind = OptionValue::Kind::Float;
    std::optional<double> parsed =
        parseFloat(number->FLOAT()->getSymbol(), value.range);
    value.number = number->MINUS() ? -parsed.value_or(0) : parsed.value_or(0);
    value.invalid = !parsed;
  } else if (auto *string = dynamic_cast<SGL::StringValueContext *>(ctx)) {
    value.kind = OptionValue::Kind::String;
    value.string = buildString(string->stringLit());
  } else if (auto *list = dynamic_cast<SGL::ListValueContext *>(ctx)) {
    value.kind = OptionValue::Kind::StringList;
    value.list = buildStringList(list->stringLit());
  } else if (auto *name = dynamic_cast<SGL::NameValueContext *>(ctx)) {
    value.kind = OptionValue::Kind::Name;
    value.name = name->IDENT()->getText();
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
      piece.expr.push_back(buildExpr(interp->expr()));
      piece.range = range;
      literal.pieces.push_back(std::move(piece));
    }
  }
  return literal;
}

} // namespace sgl::compiler::parse
