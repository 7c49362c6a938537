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
  }
  return "?";
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

} // namespace sgl::runtime::plan
