//===- Plan.cpp - In-memory form of a compiled plan -----------------------===//
//
// Lookups and names for the plain structs of Plan.h.
//
//===----------------------------------------------------------------------===//
#include "runtime/plan/Plan.h"

namespace sgl::runtime::plan {

const char *roleName(Role role) {
  switch (role) {
  case Role::System:
    return "system";
  case Role::User:
    return "user";
  case Role::Assistant:
    return "assistant";
  }
  return "?";
}

const char *stepKindName(Step::Kind kind) {
  switch (kind) {
  case Step::Kind::Text:
    return "text";
  case Step::Kind::Append:
    return "append";
  case Step::Kind::RoleBegin:
    return "role_begin";
  case Step::Kind::RoleEnd:
    return "role_end";
  case Step::Kind::Gen:
    return "gen";
  case Step::Kind::Select:
    return "select";
  case Step::Kind::If:
    return "if";
  case Step::Kind::ForEach:
    return "for_each";
  case Step::Kind::ForRange:
    return "for_range";
  case Step::Kind::Break:
    return "break";
  case Step::Kind::Fork:
    return "fork";
  case Step::Kind::Call:
    return "call";
  }
  return "?";
}

const char *selectMethodName(SelectMethod method) {
  switch (method) {
  case SelectMethod::Normalized:
    return "normalized";
  case SelectMethod::Greedy:
    return "greedy";
  case SelectMethod::Unconditional:
    return "unconditional";
  }
  return "?";
}

ValueType ValueType::list(ValueType element) {
  ValueType type;
  type.kind = Kind::List;
  type.element.push_back(std::move(element));
  return type;
}

std::string typeName(const ValueType &type) {
  switch (type.kind) {
  case ValueType::Kind::Str:
    return "str";
  case ValueType::Kind::Int:
    return "int";
  case ValueType::Kind::Number:
    return "number";
  case ValueType::Kind::Bool:
    return "bool";
  case ValueType::Kind::List: {
    // Iterative, so a deep (unverified) type cannot exhaust the stack.
    std::string prefix, suffix;
    const ValueType *t = &type;
    while (t->kind == ValueType::Kind::List && t->element.size() == 1) {
      prefix += "[";
      suffix += "]";
      t = &t->element.front();
    }
    std::string inner = t->kind == ValueType::Kind::List ? "?" : typeName(*t);
    return prefix + inner + suffix;
  }
  case ValueType::Kind::Json:
    return "json";
  }
  return "?";
}

const char *exprKindName(Expr::Kind kind) {
  switch (kind) {
  case Expr::Kind::Literal:
    return "literal";
  case Expr::Kind::Slot:
    return "slot";
  case Expr::Kind::Output:
    return "output";
  case Expr::Kind::List:
    return "list";
  case Expr::Kind::Index:
    return "index";
  case Expr::Kind::Len:
    return "len";
  case Expr::Kind::Neg:
    return "neg";
  case Expr::Kind::Add:
    return "add";
  case Expr::Kind::Sub:
    return "sub";
  case Expr::Kind::Mul:
    return "mul";
  case Expr::Kind::Div:
    return "div";
  case Expr::Kind::Mod:
    return "mod";
  case Expr::Kind::Eq:
    return "eq";
  case Expr::Kind::Ne:
    return "ne";
  case Expr::Kind::Lt:
    return "lt";
  case Expr::Kind::Le:
    return "le";
  case Expr::Kind::Gt:
    return "gt";
  case Expr::Kind::Ge:
    return "ge";
  case Expr::Kind::In:
    return "in";
  case Expr::Kind::And:
    return "and";
  case Expr::Kind::Or:
    return "or";
  case Expr::Kind::Not:
    return "not";
  }
  return "?";
}

int exprArity(Expr::Kind kind) {
  switch (kind) {
  case Expr::Kind::Literal:
  case Expr::Kind::Slot:
  case Expr::Kind::Output:
    return 0;
  case Expr::Kind::List:
    return -1;
  case Expr::Kind::Len:
  case Expr::Kind::Neg:
  case Expr::Kind::Not:
    return 1;
  case Expr::Kind::Index:
  case Expr::Kind::Add:
  case Expr::Kind::Sub:
  case Expr::Kind::Mul:
  case Expr::Kind::Div:
  case Expr::Kind::Mod:
  case Expr::Kind::Eq:
  case Expr::Kind::Ne:
  case Expr::Kind::Lt:
  case Expr::Kind::Le:
  case Expr::Kind::Gt:
  case Expr::Kind::Ge:
  case Expr::Kind::In:
  case Expr::Kind::And:
  case Expr::Kind::Or:
    return 2;
  }
  return 0;
}

const char *constraintKindName(GenConstraint::Kind kind) {
  switch (kind) {
  case GenConstraint::Kind::None:
    return "none";
  case GenConstraint::Kind::Regex:
    return "regex";
  case GenConstraint::Kind::JsonSchema:
    return "json_schema";
  }
  return "?";
}

const Program *Plan::findProgram(const std::string &name) const {
  for (const Program &program : programs)
    if (program.name == name)
      return &program;
  return nullptr;
}

namespace {

/// The name of block `index` of a step of `kind` in a step path.
const char *blockName(Step::Kind kind, size_t index) {
  if (kind == Step::Kind::If)
    return index == 0 ? "then" : "else";
  return "body";
}

/// Appends the path of `site` within `block` to `path`; false when it is
/// not there.
bool findPath(const Block &block, uint32_t site, std::string &path) {
  for (size_t i = 0; i < block.steps.size(); ++i) {
    const Step &step = block.steps[i];
    const size_t mark = path.size();
    path += std::to_string(i);
    if (step.site == site)
      return true;
    for (size_t b = 0; b < step.blocks.size(); ++b) {
      const size_t inner = path.size();
      path.append("/").append(blockName(step.kind, b)).append("/");
      if (findPath(step.blocks[b], site, path))
        return true;
      path.resize(inner);
    }
    path.resize(mark);
  }
  return false;
}

} // namespace

std::string stepPath(const Program &program, uint32_t site) {
  std::string path;
  if (findPath(program.body, site, path))
    return "step " + path;
  return "site " + std::to_string(site);
}

const Step *findStep(const Program &program, uint32_t site) {
  const Step *found = nullptr;
  forEachStep(program.body, [&](const Step &step) {
    if (!found && step.site == site)
      found = &step;
  });
  return found;
}

} // namespace sgl::runtime::plan
