//===- JsonSchemaCompiler.h - Schemas to grammar rules ----------*- C++ -*-===//
//
// The walk behind jsonSchemaToGrammar. `value(seeds)` is the grammar of an
// instance valid under every schema in `seeds`: it gathers their facts
// (JsonSchemaFacts.h), chooses a branch of each open anyOf / oneOf by
// trying them all, and emits the tree of each JSON type still allowed. The
// pieces live in files of their own: strings and numbers here, arrays and
// objects in JsonSchemaContainers.cpp, enum / const values in
// JsonSchemaValues.cpp, oneOf disjointness in JsonSchemaDisjoint.cpp.
//
// Results are memoized by the facts' key. A key met again while it is
// still being built is a recursion (through an array or object, since
// same-place cycles are refused): it becomes a grammar rule reached by Call
// nodes. A finished result that is large and needed again becomes a rule
// too, so DFAs stay small; small ones are copied inline.
//
//===----------------------------------------------------------------------===//
#ifndef SGL_RUNTIME_CONSTRAINTS_JSONSCHEMACOMPILER_H
#define SGL_RUNTIME_CONSTRAINTS_JSONSCHEMACOMPILER_H

#include "runtime/constraints/ByteDfa.h"
#include "runtime/constraints/Grammar.h"
#include "runtime/constraints/JsonSchema.h"
#include "runtime/constraints/JsonSchemaDocument.h"
#include "runtime/constraints/JsonSchemaFacts.h"
#include "runtime/constraints/JsonTokens.h"

#include <chrono>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

namespace sgl::runtime::constraints {

/// Whether an instance satisfies a schema's facts, as far as can be told.
enum class Verdict { Valid, Invalid, Unknown };

class SchemaCompiler {
public:
  SchemaCompiler(SchemaDocument &document, const JsonSchemaOptions &options);

  /// The whole grammar, rooted at the document's root schema.
  Expected<GrammarSource> run();

private:
  /// `asRule`: the result is wanted as a call when it is not tiny (it is
  /// about to be copied).
  /// `combined`: the anyOf / oneOf alternatives that led here at this
  /// place, multiplied.
  Expected<RegexNode> value(std::vector<int32_t> seeds, uint32_t depth,
                            bool asRule = false, uint64_t combined = 1);
  Expected<RegexNode> chooseBranch(const std::vector<int32_t> &seeds,
                                   const SchemaFacts &facts, uint32_t depth,
                                   uint64_t combined);
  Expected<RegexNode> emit(const SchemaFacts &facts, uint32_t depth);
  Expected<RegexNode> emitString(const SchemaFacts &facts);
  Expected<RegexNode> emitNumber(const SchemaFacts &facts);
  Expected<RegexNode> emitArray(const SchemaFacts &facts, uint32_t depth);
  Expected<RegexNode> emitObject(const SchemaFacts &facts, uint32_t depth);
  Expected<RegexNode> emitValues(const SchemaFacts &facts);

  struct Member {
    std::string name;
    RegexNode value;
    bool required;
  };
  /// "{" members "}" from the member trees ("key": value) in order and
  /// the extra member, if extra keys are allowed.
  RegexNode assembleObject(std::vector<RegexNode> &trees,
                           const std::vector<Member> &members,
                           size_t firstRequired, std::optional<RegexNode> extra,
                           const SchemaFacts &facts);

  /// The schemas a member named `name` of an object must satisfy, from
  /// the object schemas of `facts` (properties, patternProperties,
  /// additionalProperties, which may be the schema `false`).
  Expected<std::vector<int32_t>> memberSeeds(const SchemaFacts &facts,
                                             const std::string &name);

  /// The spelling of a JSON value, with gaps where the layout allows.
  RegexNode spellValue(const Json &value) const;
  /// Whether `value` satisfies `facts` (keyword by keyword).
  Expected<Verdict> check(const Json &value, const SchemaFacts &facts,
                          uint32_t depth);
  /// Whether no instance satisfies both `a` and `b`, provably.
  Expected<bool> disjoint(const SchemaFacts &a, const SchemaFacts &b,
                          uint32_t depth);

  /// A pattern's language (decoded characters); errors name `pointer`.
  Expected<RegexNode> patternLanguage(const std::string &pattern,
                                      const std::string &pointer);
  /// Whether the string `text` is in a pattern's language.
  Expected<bool> patternMatches(const std::string &pattern,
                                const std::string &pointer,
                                std::string_view text);
  /// A format's language (decoded characters); errors name `pointer`.
  Expected<RegexNode> formatLanguage(const std::string &format,
                                     const std::string &pointer);
  Expected<bool> formatMatches(const std::string &format,
                               const std::string &pointer,
                               std::string_view text);

  /// X{min,max} for a unit X, with large counts built from rules of
  /// blocks so that no DFA has to count far. The block rules are reused
  /// by `name`: calls with one name must pass one unit.
  RegexNode repeatUnit(const RegexNode &unit, uint64_t min, uint64_t max,
                       const std::string &name);
  /// Call of the rule that matches any JSON value.
  RegexNode anyValue();
  /// A spelled string that is none of `excluded` (property names, or
  /// values a 'not' excludes); an error at `pointer` when they are too
  /// long for the trie that tells them apart.
  Expected<RegexNode> stringOtherThan(const std::vector<std::string> &excluded,
                                      const std::string &pointer);
  /// `body` itself, or a call of a new rule holding it when large.
  RegexNode share(RegexNode body, const std::string &name);
  int32_t addRule(std::string name, RegexNode body);
  Status checkBudget();

  SchemaDocument &document_;
  const JsonSchemaOptions &options_;
  JsonLayout layout_;
  FactsGatherer gatherer_;
  GrammarSource source_;

  struct Memo {
    bool inProgress = true;
    int32_t rule = -1; ///< once it is (or will be) a rule
    RegexNode body;    ///< when done and inline
    size_t size = 0;
  };
  std::map<std::vector<int32_t>, Memo> memo_;
  int32_t anyRule_ = -1;
  std::map<std::string, RegexNode> patternTrees_, formatTrees_;
  std::map<std::string, std::unique_ptr<ByteDfa>> patternDfas_, formatDfas_;
  std::map<std::pair<std::string, std::pair<uint64_t, uint64_t>>, RegexNode>
      repeatRules_;
  std::chrono::steady_clock::time_point deadline_;
  uint64_t unitCount_ = 0;    ///< array item units named so far
  uint64_t alternatives_ = 0; ///< anyOf / oneOf branches tried
  uint64_t treeNodes_ = 0;    ///< nodes of all results built
};

/// Nodes of a tree, for deciding what to share.
size_t treeSize(const RegexNode &node);

/// The name of a rule for the schema at `pointer`: the pointer, "/" for
/// the root (whose pointer is empty).
std::string ruleName(const std::string &pointer);

} // namespace sgl::runtime::constraints

#endif // SGL_RUNTIME_CONSTRAINTS_JSONSCHEMACOMPILER_H
