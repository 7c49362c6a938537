//===- JsonSchemaDisjoint.cpp - When no value satisfies two schemas -------===//
//
// oneOf asks for exactly one valid branch, which a grammar cannot count in
// general; when no two branches can hold at once it is just anyOf. The
// proofs here are the ones real schemas rely on: different types, enum or
// const values that the other branch refuses, number ranges or string and
// array lengths that do not meet, and objects that require a property
// whose schemas in the two branches are themselves disjoint (a
// discriminator), or that one branch forbids.
//
// Each proof uses only what holds for the real validator: a string that
// misses our format or pattern language (a subset of the real one) may
// still be valid, so check() calls that no refusal; facts stricter than
// the validator (SchemaFacts::stricterTypes) prove nothing.
//
//===----------------------------------------------------------------------===//
#include "runtime/constraints/JsonSchemaCompiler.h"

namespace sgl::runtime::constraints {

namespace {

constexpr uint32_t kMaxProofDepth = 4;

/// Whether [lower, upper] ranges of two schemas do not meet.
bool rangesApart(const SchemaFacts &a, const SchemaFacts &b) {
  auto below = [](const std::optional<NumberBound> &upper,
                  const std::optional<NumberBound> &lower) {
    if (!upper || !lower)
      return false;
    return upper->value < lower->value ||
           (upper->value == lower->value &&
            (upper->exclusive || lower->exclusive));
  };
  return below(a.upper, b.lower) || below(b.upper, a.lower);
}

} // namespace

Expected<bool> SchemaCompiler::disjoint(const SchemaFacts &a,
                                        const SchemaFacts &b, uint32_t depth) {
  // Facts stricter than the validator may refuse what it allows.
  if (a.stricterTypes != 0 || b.stricterTypes != 0)
    return false;
  uint8_t shared = a.types & b.types;
  if (shared == 0)
    return true;
  if (depth > kMaxProofDepth)
    return false;
  // Every value one side allows is refused by the other.
  for (auto [values, owner, other] :
       {std::tuple(&a.values, &a, &b), std::tuple(&b.values, &b, &a)}) {
    if (!*values)
      continue;
    bool apart = true;
    for (const Json *v : **values) {
      Expected<Verdict> mine = check(*v, *owner, 0);
      if (!mine)
        return mine.error();
      if (*mine == Verdict::Invalid)
        continue;
      Expected<Verdict> theirs = check(*v, *other, 0);
      if (!theirs)
        return theirs.error();
      if (*theirs != Verdict::Invalid) {
        apart = false;
        break;
      }
    }
    if (apart)
      return true;
  }
  // Otherwise type by type.
  for (uint8_t type = 1; type != 0 && type <= kObjectType; type <<= 1) {
    if (!(shared & type))
      continue;
    bool apart = false;
    if (type & kNumberType) {
      apart = rangesApart(a, b);
    } else if (type == kStringType) {
      apart = a.maxLength < b.minLength || b.maxLength < a.minLength;
    } else if (type == kArrayType) {
      apart = a.maxItems < b.minItems || b.maxItems < a.minItems;
    } else if (type == kObjectType) {
      for (auto [one, two] : {std::pair(&a, &b), std::pair(&b, &a)}) {
        for (const std::string &name : one->required) {
          Expected<std::vector<int32_t>> mineSeeds = memberSeeds(*one, name);
          Expected<std::vector<int32_t>> theirSeeds = memberSeeds(*two, name);
          if (!mineSeeds || !theirSeeds)
            return false;
          Expected<SchemaFacts> mine = gatherer_.gather(*mineSeeds);
          Expected<SchemaFacts> theirs = gatherer_.gather(*theirSeeds);
          if (!mine || !theirs)
            return false;
          bool forbidden =
              std::find(two->forbidden.begin(), two->forbidden.end(), name) !=
              two->forbidden.end();
          if (forbidden || (theirs->types == 0 && theirs->stricterTypes == 0)) {
            apart = true;
            break;
          }
          bool bothRequire =
              std::find(two->required.begin(), two->required.end(), name) !=
              two->required.end();
          if (!bothRequire)
            continue;
          Expected<bool> membersApart = disjoint(*mine, *theirs, depth + 1);
          if (!membersApart)
            return membersApart;
          if (*membersApart) {
            apart = true;
            break;
          }
        }
        if (apart)
          break;
      }
    }
    if (!apart)
      return false;
  }
  return true;
}

} // namespace sgl::runtime::constraints
