//===- JsonSchemaFacts.h - What schemas together ask of a value -*- C++ -*-===//
//
// An instance at one place must be valid under several schemas at once: a
// subschema, the targets of its `$ref`s, the members of its `allOf`s, and
// the branch taken of each `anyOf`/`oneOf`. The gatherer expands a set of
// such schemas (following `$ref` and `allOf`) and folds their keywords into
// one SchemaFacts: types intersected, bounds tightened, enums intersected,
// the object and array keywords kept per schema for the compiler to join.
// `anyOf`/`oneOf` whose branch is not chosen yet stay open groups.
//
// A keyword the grammar cannot express is recorded with the types it
// constrains: `uniqueItems` matters only if arrays remain possible. Which
// keywords are annotations (skipped) is listed in JsonSchemaFacts.cpp.
//
//===----------------------------------------------------------------------===//
#ifndef SGL_RUNTIME_CONSTRAINTS_JSONSCHEMAFACTS_H
#define SGL_RUNTIME_CONSTRAINTS_JSONSCHEMAFACTS_H

#include "runtime/constraints/JsonNumberRegex.h"
#include "runtime/constraints/JsonSchemaDocument.h"
#include "runtime/support/Expected.h"

#include <cstdint>
#include <limits>
#include <optional>
#include <span>
#include <string>
#include <vector>

namespace sgl::runtime::constraints {

/// JSON types as bits. A number is an integer (integral value) or a
/// fraction; "number" is both.
enum JsonTypeBits : uint8_t {
  kNullType = 1,
  kBooleanType = 2,
  kIntegerType = 4,
  kFractionType = 8,
  kStringType = 16,
  kArrayType = 32,
  kObjectType = 64,
  kNumberType = kIntegerType | kFractionType,
  kAnyType = 127,
};

inline constexpr uint64_t kNoLimit = std::numeric_limits<uint64_t>::max();

struct SchemaFacts {
  uint8_t types = kAnyType;
  /// The expanded schemas that say something, and the chosen branches,
  /// sorted: equal keys, equal languages.
  std::vector<int32_t> key;

  /// enum / const: the values allowed (their intersection), if any.
  std::optional<std::vector<const Json *>> values;
  std::string valuesPointer;
  /// Values a `not` forbids.
  std::vector<const Json *> excludedValues;
  std::string excludedPointer;

  // Strings.
  uint64_t minLength = 0, maxLength = kNoLimit;
  std::string lengthPointer; ///< of the last length keyword
  struct Text {
    std::string text;
    std::string pointer;
  };
  std::vector<Text> patterns;
  std::vector<Text> formats;

  // Numbers.
  std::optional<NumberBound> lower, upper;
  bool integral = false; ///< multipleOf 1

  // Arrays: the schemas with items / prefixItems / additionalItems.
  uint64_t minItems = 0, maxItems = kNoLimit;
  std::string itemsCountPointer;
  std::vector<int32_t> arrayNodes;
  std::string uniqueItemsPointer; ///< uniqueItems: true

  // Objects: the schemas with properties / additionalProperties /
  // patternProperties, and the names required or forbidden.
  std::vector<int32_t> objectNodes;
  std::vector<std::string> required;
  std::vector<std::string> forbidden;
  uint64_t minProperties = 0, maxProperties = kNoLimit;
  std::string propertiesCountPointer;

  /// anyOf / oneOf without a chosen branch.
  struct Group {
    int32_t owner;
    bool exclusive; ///< oneOf
    std::string pointer;
    std::vector<int32_t> branches;
  };
  std::vector<Group> groups;

  /// Keywords the grammar cannot say, and the types they constrain.
  struct Unsupported {
    uint8_t types;
    Error error;
  };
  std::vector<Unsupported> unsupported;

  /// Types these facts may be stricter about than the validator, from
  /// keywords the draft that reads them may not have (siblings of `$ref`
  /// before 2019-09, `const` and a lone exclusiveMinimum in draft 3 / 4,
  /// divisibleBy after it) or may read otherwise (both readings of a
  /// boolean exclusiveMinimum where either draft may apply). Right for
  /// the grammar of an instance, which may refuse valid ones, but no proof
  /// that an instance fails them: negations and oneOf do not rely on them.
  uint8_t stricterTypes = 0;
};

/// The drafts whose rules may apply to a schema, as bits. Where they
/// differ on what this front end relies on: draft 3 / 4 spell an integer
/// without ".0" (5.0 is not one) and read a boolean exclusiveMinimum /
/// exclusiveMaximum as a flag of minimum / maximum; before 2020-12,
/// prefixItems is no keyword and `items` holds for every item; some
/// keywords exist in some drafts only (SchemaFacts::stricterTypes).
enum DraftBits : uint8_t {
  kDraft3 = 1,
  kDraft4 = 2,
  kDraft3Or4 = kDraft3 | kDraft4,
  kDraft6To2019 = 4, ///< drafts 6, 7 and 2019-09
  kDraft2020 = 8,    ///< 2020-12, and what Python takes for an unknown one
  kAnyDraft = kDraft3Or4 | kDraft6To2019 | kDraft2020,
};

/// The drafts Python's jsonschema may validate parts of `root` by: the
/// one its `$schema` names (validator_for: none or an unknown URI is the
/// latest), and that of every other `$schema` in it, since a subschema's
/// `$schema` switches the draft for what is validated through it (also
/// across `$ref`), so a schema without one may be read in either.
uint8_t schemaDrafts(const Json &root);

/// The types a float of integral value (5.0, 1e+16) may have under
/// `drafts`: an integer from draft 6 on, a fraction in draft 3 / 4.
inline uint8_t integralFloatTypes(uint8_t drafts) {
  return static_cast<uint8_t>(((drafts & kDraft3Or4) ? kFractionType : 0) |
                              ((drafts & ~kDraft3Or4) ? kIntegerType : 0));
}

class FactsGatherer {
public:
  FactsGatherer(SchemaDocument &document, uint32_t maxDepth,
                size_t maxEnumValues)
      : document_(document), maxDepth_(maxDepth), maxEnumValues_(maxEnumValues),
        drafts_(schemaDrafts(document.json(SchemaDocument::kRoot))) {}

  /// schemaDrafts of the document.
  uint8_t drafts() const { return drafts_; }

  /// The facts of the schemas `seeds` all at once. Errors: malformed
  /// keywords, unresolvable `$ref`s, a `$ref`/`allOf` cycle that never
  /// reaches a value (left recursion), expansion deeper than maxDepth.
  Expected<SchemaFacts> gather(std::span<const int32_t> seeds);

  /// The node a branch stands for: itself, or the target of a `$ref` that
  /// is all it says.
  Expected<int32_t> canonical(int32_t node);

private:
  Status expand(int32_t node, uint32_t depth, SchemaFacts &facts,
                std::vector<int32_t> &visited);
  Status keyword(int32_t node, const std::string &name, const Json &value,
                 SchemaFacts &facts);
  /// The "$sgl-..." keywords of a schema the compiler wrote.
  void internalKeyword(int32_t node, const std::string &name, const Json &value,
                       SchemaFacts &facts);
  /// Errors if `node` is on a cycle of $ref / allOf / anyOf / oneOf / not
  /// edges, which validate the same instance again and again.
  Status checkNoLeftRecursion(int32_t node, uint32_t depth);

  SchemaDocument &document_;
  uint32_t maxDepth_;
  size_t maxEnumValues_;
  uint8_t drafts_;
  enum : uint8_t { kUnvisited, kOnPath, kAcyclic };
  std::vector<uint8_t> cycleState_; ///< per node
};

/// Whether `node`'s keywords constrain anything besides a `$ref`.
bool saysMoreThanRef(const Json &node);

/// JSON Schema equality: numbers by value (1 == 1.0), objects unordered.
bool jsonEqual(const Json &a, const Json &b);

/// The value of a number, exact for integers and doubles.
std::optional<long double> numberValue(const Json &value);

} // namespace sgl::runtime::constraints

#endif // SGL_RUNTIME_CONSTRAINTS_JSONSCHEMAFACTS_H
