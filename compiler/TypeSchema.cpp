//===- TypeSchema.cpp - Types of typed gens as JSON Schemas ---------------===//

#include "compiler/TypeSchema.h"

#include <nlohmann/json.hpp>

#include <set>

namespace sgl::compiler {

namespace {

using Json = nlohmann::ordered_json;

bool isBuiltin(const std::string &name) {
  return name == "str" || name == "int" || name == "number" || name == "bool";
}

/// The bounds a type takes: lengths for strings and lists, values for
/// numbers, none for the rest.
std::vector<std::string> boundsOf(const TypeExpr &type) {
  if (type.kind == TypeExpr::Kind::List ||
      (type.kind == TypeExpr::Kind::Named && type.name == "str"))
    return {"min_len", "max_len"};
  if (type.kind == TypeExpr::Kind::Named &&
      (type.name == "int" || type.name == "number"))
    return {"min", "max"};
  return {};
}

/// A bound of some type: one that is not this type's is an error, not a
/// gen option.
bool isBoundName(const std::string &name) {
  return name == "min" || name == "max" || name == "min_len" ||
         name == "max_len";
}

bool isBound(const TypeExpr &type, const std::string &name) {
  for (const std::string &bound : boundsOf(type))
    if (bound == name)
      return true;
  return false;
}

const GenOption *findBound(const TypeExpr &type, const char *name) {
  for (const GenOption &bound : type.bounds)
    if (bound.name == name)
      return &bound;
  return nullptr;
}

Json boundValue(const OptionValue &value) {
  return value.kind == OptionValue::Kind::Integer ? Json(value.integer)
                                                  : Json(value.number);
}

double asDouble(const OptionValue &value) {
  return value.kind == OptionValue::Kind::Integer
             ? static_cast<double>(value.integer)
             : value.number;
}

std::string typeSpelling(const TypeExpr &type) {
  switch (type.kind) {
  case TypeExpr::Kind::Named:
    return type.name;
  case TypeExpr::Kind::List:
    return "[" + typeSpelling(type.element[0]) + "]";
  case TypeExpr::Kind::Record:
    return "{...}";
  case TypeExpr::Kind::Literals:
    break;
  }
  return "a string literal";
}

/// The schema of a checked type; `used` collects the declarations it names.
Json schemaJson(const TypeExpr &type, std::set<std::string> &used) {
  switch (type.kind) {
  case TypeExpr::Kind::Literals: {
    Json values = Json::array();
    if (type.element.empty())
      values.push_back(type.literals.front());
    for (const TypeExpr &literal : type.element)
      values.push_back(literal.literals.front());
    return {{"enum", values}};
  }
  case TypeExpr::Kind::List: {
    Json schema = {{"type", "array"},
                   {"items", schemaJson(type.element[0], used)}};
    if (const GenOption *min = findBound(type, "min_len"))
      schema["minItems"] = boundValue(min->value);
    if (const GenOption *max = findBound(type, "max_len"))
      schema["maxItems"] = boundValue(max->value);
    return schema;
  }
  case TypeExpr::Kind::Record: {
    Json properties = Json::object(), required = Json::array();
    for (const TypeField &field : type.fields) {
      properties[field.name] = schemaJson(field.type, used);
      if (!field.optional)
        required.push_back(field.name);
    }
    return {{"type", "object"},
            {"properties", properties},
            {"required", required},
            {"additionalProperties", false}};
  }
  case TypeExpr::Kind::Named:
    break;
  }
  if (type.name == "str") {
    Json schema = {{"type", "string"}};
    if (const GenOption *min = findBound(type, "min_len"))
      schema["minLength"] = boundValue(min->value);
    if (const GenOption *max = findBound(type, "max_len"))
      schema["maxLength"] = boundValue(max->value);
    return schema;
  }
  if (type.name == "int" || type.name == "number") {
    Json schema = {{"type", type.name == "int" ? "integer" : "number"}};
    if (const GenOption *min = findBound(type, "min"))
      schema["minimum"] = boundValue(min->value);
    if (const GenOption *max = findBound(type, "max"))
      schema["maximum"] = boundValue(max->value);
    return schema;
  }
  if (type.name == "bool")
    return {{"type", "boolean"}};
  used.insert(type.name);
  return {{"$ref", "#/$defs/" + type.name}};
}

} // namespace

TypeTable::TypeTable(const Module &module, DiagnosticEngine &diags)
    : diags_(diags) {
  for (const TypeDecl &decl : module.types) {
    if (isBuiltin(decl.name)) {
      diags_.error(decl.nameRange, "type " + quoteSource(decl.name) +
                                       " is built in; choose another name");
      continue;
    }
    auto [it, inserted] = decls_.emplace(decl.name, &decl);
    if (!inserted) {
      diags_.error(decl.nameRange,
                   "redefinition of type " + quoteSource(decl.name));
      diags_.note(it->second->nameRange, "previous definition is here");
    }
  }
  for (const TypeDecl &decl : module.types)
    if (!diags_.errorLimitReached())
      checkFields(decl.record.fields);
}

bool TypeTable::checkFields(const std::vector<TypeField> &fields) const {
  bool ok = true;
  std::map<std::string, SourceRange> seen;
  for (const TypeField &field : fields) {
    auto [it, inserted] = seen.emplace(field.name, field.range);
    if (!inserted) {
      diags_.error(field.range, "duplicate field " + quoteSource(field.name));
      diags_.note(it->second, "previous field is here");
      ok = false;
    }
    ok = check(field.type) && ok;
  }
  return ok;
}

bool TypeTable::checkBounds(const TypeExpr &type) const {
  bool ok = true;
  std::map<std::string, const GenOption *> seen;
  for (const GenOption &bound : type.bounds) {
    if (!isBound(type, bound.name)) {
      std::vector<std::string> names = boundsOf(type);
      diags_.error(bound.nameRange,
                   quoteSource(bound.name) + " is not a bound of " +
                       quoteSource(typeSpelling(type)) +
                       (names.empty() ? std::string("; it takes none")
                                      : "; its bounds are " + names[0] +
                                            " and " + names[1]));
      ok = false;
      continue;
    }
    if (!seen.emplace(bound.name, &bound).second) {
      diags_.error(bound.nameRange,
                   "duplicate bound " + quoteSource(bound.name));
      ok = false;
      continue;
    }
    const OptionValue &value = bound.value;
    const bool lengths = bound.name == "min_len" || bound.name == "max_len";
    const bool integer = lengths || type.name == "int";
    if (value.invalid) {
      ok = false;
    } else if (value.kind != OptionValue::Kind::Integer &&
               (integer || value.kind != OptionValue::Kind::Float)) {
      diags_.error(value.range, "bound " + quoteSource(bound.name) +
                                    " must be " +
                                    (integer ? "an integer" : "a number") +
                                    ", not " + value.kindName());
      ok = false;
    } else if (lengths && value.integer < 0) {
      diags_.error(value.range,
                   "bound " + quoteSource(bound.name) + " must be >= 0");
      ok = false;
    }
  }
  const bool lengths = isBound(type, "min_len");
  const GenOption *min = findBound(type, lengths ? "min_len" : "min");
  const GenOption *max = findBound(type, lengths ? "max_len" : "max");
  if (ok && min && max && asDouble(min->value) > asDouble(max->value)) {
    diags_.error(max->value.range, "bound " + quoteSource(max->name) +
                                       " is below " + quoteSource(min->name));
    ok = false;
  }
  return ok;
}

bool TypeTable::check(const TypeExpr &type) const {
  if (diags_.errorLimitReached())
    return false;
  bool ok = checkBounds(type);
  switch (type.kind) {
  case TypeExpr::Kind::Named:
    if (!isBuiltin(type.name) && !decls_.count(type.name)) {
      diags_.error(type.range, "unknown type " + quoteSource(type.name) +
                                   "; types are str, int, number, bool, string "
                                   "literals, [T], { fields } and the 'type' "
                                   "declarations of the file and its imports");
      return false;
    }
    return ok;
  case TypeExpr::Kind::Literals:
    for (const TypeExpr &alternative : type.element)
      if (alternative.kind != TypeExpr::Kind::Literals) {
        diags_.error(alternative.range,
                     "a union is of string literals (\"a\" | \"b\"), not " +
                         quoteSource(typeSpelling(alternative)));
        ok = false;
      }
    return ok;
  case TypeExpr::Kind::List:
    return check(type.element[0]) && ok;
  case TypeExpr::Kind::Record:
    return checkFields(type.fields) && ok;
  }
  return ok;
}

bool TypeTable::checkGenType(GenStmt &gen) const {
  TypeExpr &type = gen.type.front();
  // Options after the outermost type that are not its bounds are the
  // gen's own: `gen x: Character(max_tokens: 200)`.
  std::vector<GenOption> bounds;
  std::vector<GenOption> options;
  for (GenOption &option : type.bounds)
    (isBoundName(option.name) ? bounds : options).push_back(std::move(option));
  type.bounds = std::move(bounds);
  options.insert(options.end(), std::make_move_iterator(gen.options.begin()),
                 std::make_move_iterator(gen.options.end()));
  gen.options = std::move(options);
  return check(type);
}

std::string TypeTable::schemaOf(const TypeExpr &type) const {
  std::set<std::string> used;
  Json schema = schemaJson(type, used);
  // Declarations reached from the ones used, until no new one appears.
  Json defs = Json::object();
  std::set<std::string> done;
  while (done.size() < used.size()) {
    for (const std::string &name : std::set<std::string>(used)) {
      if (!done.insert(name).second)
        continue;
      defs[name] = schemaJson(decls_.at(name)->record, used);
    }
  }
  if (!defs.empty())
    schema["$defs"] = defs;
  return schema.dump();
}

std::optional<Type> TypeTable::fieldType(const TypeExpr &record,
                                         const std::string &name) const {
  for (const TypeField &field : record.fields)
    if (field.name == name)
      return valueType(field.type);
  return std::nullopt;
}

Type TypeTable::valueType(const TypeExpr &type) const {
  switch (type.kind) {
  case TypeExpr::Kind::Literals:
    return Type::of(Type::Kind::Str);
  case TypeExpr::Kind::List:
    return Type::list(valueType(type.element[0]));
  case TypeExpr::Kind::Record:
    return Type{Type::Kind::Json, {}, &type};
  case TypeExpr::Kind::Named:
    break;
  }
  if (auto it = decls_.find(type.name); it != decls_.end())
    return Type{Type::Kind::Json, {}, &it->second->record};
  if (type.name == "str")
    return Type::of(Type::Kind::Str);
  if (type.name == "int")
    return Type::of(Type::Kind::Int);
  if (type.name == "number")
    return Type::of(Type::Kind::Number);
  if (type.name == "bool")
    return Type::of(Type::Kind::Bool);
  return Type::of(Type::Kind::Json);
}

} // namespace sgl::compiler
