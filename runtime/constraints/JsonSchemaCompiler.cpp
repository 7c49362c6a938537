//===- JsonSchemaCompiler.cpp - Schemas to grammar rules ------------------===//
#include "runtime/constraints/JsonSchemaCompiler.h"

#include "runtime/constraints/EcmaPattern.h"
#include "runtime/constraints/JsonFormats.h"
#include "runtime/constraints/JsonNumberRegex.h"
#include "runtime/constraints/JsonSchemaNegation.h"
#include "runtime/constraints/JsonStringRegex.h"
#include "runtime/constraints/RegexCompiler.h"
#include "runtime/support/MessageText.h"

#include <algorithm>
#include <cmath>
#include <functional>
#include <utility>

namespace sgl::runtime::constraints {

namespace {

/// Results larger than this are made rules when needed a second time;
/// results about to be copied, when larger than kTinySize.
constexpr size_t kShareSize = 400;
constexpr size_t kTinySize = 24;
/// Results larger than this are rules from the start, so that no rule's
/// automaton holds too many of them.
constexpr size_t kRuleSize = 1500;
/// Repetition counts up to this are inline; beyond, blocks of kBlock.
constexpr uint64_t kInlineCount = 64;
constexpr uint64_t kBlock = 32;
/// anyOf / oneOf alternatives at one place (their branch counts
/// multiplied), branches tried in all, and tree nodes built in all.
constexpr uint64_t kMaxPlaceAlternatives = 1024;
constexpr uint64_t kMaxAlternatives = 20000;
constexpr uint64_t kMaxTreeNodes = 20'000'000;

uint32_t count32(uint64_t n) { return static_cast<uint32_t>(n); }

} // namespace

size_t treeSize(const RegexNode &node) {
  size_t size = 1;
  for (const RegexNode &child : node.children)
    size += treeSize(child);
  return size;
}

std::string ruleName(const std::string &pointer) {
  return pointer.empty() ? std::string("/") : pointer;
}

SchemaCompiler::SchemaCompiler(SchemaDocument &document,
                               const JsonSchemaOptions &options)
    : document_(document), options_(options),
      layout_{options.compact, options.maxWhitespace},
      gatherer_(document, options.maxDepth, options.maxEnumValues) {
  if (layout_.hasWhitespace()) {
    layout_.whitespaceRule = addRule("whitespace", layout_.whitespaceBody());
    source_.rules[layout_.whitespaceRule].library = true;
  }
  auto budget = std::chrono::duration<double>(options.maxCompileSeconds);
  deadline_ =
      std::chrono::steady_clock::now() +
      std::chrono::duration_cast<std::chrono::steady_clock::duration>(budget);
}

Status SchemaCompiler::checkBudget() {
  if (std::chrono::steady_clock::now() > deadline_)
    return schemaError("", "compiling the schema takes longer than " +
                               std::to_string(options_.maxCompileSeconds) +
                               " s");
  if (treeNodes_ > kMaxTreeNodes)
    return schemaError("", "the schema's grammar grows beyond " +
                               std::to_string(kMaxTreeNodes) + " nodes");
  if (source_.rules.size() > size_t(options_.automaton.maxGrammarRules))
    return schemaError("",
                       "the schema needs more than " +
                           std::to_string(options_.automaton.maxGrammarRules) +
                           " grammar rules");
  return Status::ok();
}

int32_t SchemaCompiler::addRule(std::string name, RegexNode body) {
  source_.rules.push_back({std::move(name), std::move(body)});
  return static_cast<int32_t>(source_.rules.size() - 1);
}

RegexNode SchemaCompiler::anyValue() {
  if (anyRule_ < 0) {
    anyRule_ = addRule("any value", RegexNode::empty(0));
    source_.rules[anyRule_].body = anyJsonValue(layout_, anyRule_);
    source_.rules[anyRule_].library = true;
  }
  return RegexNode::call(anyRule_, 0);
}

Expected<RegexNode>
SchemaCompiler::stringOtherThan(const std::vector<std::string> &excluded,
                                const std::string &pointer) {
  // The trie of the excluded strings is built by recursion as deep as the
  // longest one, and takes NFA states by the character: both are bounded
  // here, before a hostile name can exhaust the stack.
  constexpr size_t kLongest = 1024, kInAll = 32768;
  size_t inAll = 0;
  for (const std::string &text : excluded) {
    if (text.size() > kLongest)
      return schemaError(pointer,
                         "unsupported: a property name or excluded string of " +
                             std::to_string(text.size()) +
                             " bytes, more than the limit of " +
                             std::to_string(kLongest));
    inAll += text.size();
  }
  if (inAll > kInAll)
    return schemaError(pointer, "unsupported: property names or excluded "
                                "strings of " +
                                    std::to_string(inAll) +
                                    " bytes in all, more than the limit of " +
                                    std::to_string(kInAll));
  // The free rest inline, not a call of the content rule: then a mask at
  // any point of the key can take all string-content tokens from the
  // content slice, which cannot look into a rule the key would call.
  return jsonString(
      charsOtherThan(excluded, anyChars(0, RegexNode::kUnbounded)));
}

RegexNode SchemaCompiler::share(RegexNode body, const std::string &name) {
  if (body.kind == RegexNode::Kind::Call || treeSize(body) <= kShareSize)
    return body;
  return RegexNode::call(addRule(name, std::move(body)), 0);
}

RegexNode SchemaCompiler::repeatUnit(const RegexNode &unit, uint64_t min,
                                     uint64_t max, const std::string &name) {
  constexpr uint32_t kUnbounded = RegexNode::kUnbounded;
  // A rule holding `x` kBlock times, one per unit and level.
  auto block = [&](const RegexNode &x, int level) {
    auto key =
        std::make_pair(name, std::make_pair(uint64_t(level), uint64_t(0)));
    auto it = repeatRules_.find(key);
    if (it != repeatRules_.end())
      return it->second;
    RegexNode call = RegexNode::call(
        addRule(name + " block " + std::to_string(level),
                RegexNode::repeat(x, count32(kBlock), count32(kBlock), 0)),
        0);
    repeatRules_.emplace(key, call);
    return call;
  };
  // Exactly n of x; upTo: 0..n of x.
  std::function<RegexNode(const RegexNode &, uint64_t, int)> exactly, upTo;
  exactly = [&](const RegexNode &x, uint64_t n, int level) -> RegexNode {
    if (n <= kInlineCount)
      return RegexNode::repeat(x, count32(n), count32(n), 0);
    return RegexNode::concat(
        {exactly(block(x, level), n / kBlock, level + 1),
         RegexNode::repeat(x, count32(n % kBlock), count32(n % kBlock), 0)},
        0);
  };
  upTo = [&](const RegexNode &x, uint64_t n, int level) -> RegexNode {
    if (n <= kInlineCount)
      return RegexNode::repeat(x, 0, count32(n), 0);
    uint64_t q = n / kBlock, r = n % kBlock;
    RegexNode y = block(x, level);
    return RegexNode::alternate(
        {RegexNode::concat({upTo(y, q - 1, level + 1),
                            RegexNode::repeat(x, 0, count32(kBlock - 1), 0)},
                           0),
         RegexNode::concat(
             {exactly(y, q, level + 1), RegexNode::repeat(x, 0, count32(r), 0)},
             0)},
        0);
  };
  if (max != kNoLimit && max <= kInlineCount)
    return RegexNode::repeat(unit, count32(min), count32(max), 0);
  RegexNode first = exactly(unit, min, 0);
  RegexNode rest = max == kNoLimit ? RegexNode::repeat(unit, 0, kUnbounded, 0)
                                   : upTo(unit, max - min, 0);
  return RegexNode::concat({std::move(first), std::move(rest)}, 0);
}

Expected<GrammarSource> SchemaCompiler::run() {
  Expected<RegexNode> root = value({SchemaDocument::kRoot}, 0);
  if (!root)
    return root.error();
  if (isNothing(*root))
    return schemaError("", "no JSON value is valid under this schema");
  if (root->kind == RegexNode::Kind::Call) {
    source_.root = root->rule;
  } else {
    source_.root = addRule("root", root.take());
  }
  if (Status status = checkBudget(); !status)
    return status.error();
  return std::move(source_);
}

Expected<RegexNode> SchemaCompiler::value(std::vector<int32_t> seeds,
                                          uint32_t depth, bool asRule,
                                          uint64_t combined) {
  if (Status status = checkBudget(); !status)
    return status.error();
  if (depth > options_.maxDepth)
    return schemaError(document_.pointer(seeds.empty() ? 0 : seeds.front()),
                       "subschemas nest deeper than " +
                           std::to_string(options_.maxDepth));
  Expected<SchemaFacts> facts = gatherer_.gather(seeds);
  if (!facts)
    return facts.error();
  if (facts->key.empty())
    return anyValue();
  auto [it, added] = memo_.try_emplace(facts->key);
  if (!added) {
    Memo &memo = it->second;
    if (memo.inProgress || memo.rule >= 0) {
      if (memo.rule < 0)
        memo.rule = addRule(ruleName(document_.pointer(facts->key.front())),
                            RegexNode::empty(0));
      return RegexNode::call(memo.rule, 0);
    }
    if (memo.size > (asRule ? kTinySize : kShareSize)) {
      memo.rule =
          addRule(ruleName(document_.pointer(facts->key.front())), memo.body);
      memo.body = RegexNode();
      return RegexNode::call(memo.rule, 0);
    }
    return memo.body;
  }
  std::vector<int32_t> key = facts->key;
  Expected<RegexNode> body = facts->groups.empty()
                                 ? emit(*facts, depth)
                                 : chooseBranch(seeds, *facts, depth, combined);
  Memo &memo = memo_[key];
  if (!body) {
    memo_.erase(key);
    return body;
  }
  memo.inProgress = false;
  if (memo.rule >= 0) {
    source_.rules[memo.rule].body = body.take();
    return RegexNode::call(memo.rule, 0);
  }
  memo.size = treeSize(*body);
  treeNodes_ += memo.size;
  if ((asRule && memo.size > kTinySize && !isNothing(*body)) ||
      memo.size > kRuleSize) {
    memo.rule = addRule(ruleName(document_.pointer(key.front())), body.take());
    return RegexNode::call(memo.rule, 0);
  }
  memo.body = *body;
  return body;
}

Expected<RegexNode>
SchemaCompiler::chooseBranch(const std::vector<int32_t> &seeds,
                             const SchemaFacts &facts, uint32_t depth,
                             uint64_t combined) {
  const SchemaFacts::Group &group = facts.groups.front();
  alternatives_ += group.branches.size();
  combined *= group.branches.size();
  if (combined > kMaxPlaceAlternatives)
    return schemaError(group.pointer,
                       "anyOf / oneOf at one place combine into more than " +
                           std::to_string(kMaxPlaceAlternatives) +
                           " alternatives");
  if (alternatives_ > kMaxAlternatives)
    return schemaError(group.pointer,
                       "anyOf / oneOf branches number more than " +
                           std::to_string(kMaxAlternatives) + " in all");
  // Per branch, the schemas an instance taking it must satisfy.
  std::vector<std::vector<int32_t>> ways(group.branches.size(), seeds);
  for (size_t i = 0; i < ways.size(); ++i)
    ways[i].push_back(group.branches[i]);
  if (group.exclusive) {
    // oneOf is anyOf when no two branches can both hold; otherwise each
    // branch also gets conditions that fail every other one.
    std::vector<SchemaFacts> branches;
    for (size_t i = 0; i < ways.size(); ++i) {
      Expected<SchemaFacts> branchFacts = gatherer_.gather(ways[i]);
      if (!branchFacts)
        return branchFacts.error();
      // What the schemas around the group say, every branch's grammar
      // holds as written, stricter or not: the proofs below need the
      // branches' own facts exact (SchemaFacts::stricterTypes).
      Expected<SchemaFacts> own =
          gatherer_.gather(std::span<const int32_t>(&group.branches[i], 1));
      if (!own)
        return own.error();
      branchFacts->stricterTypes = own->stricterTypes;
      branches.push_back(branchFacts.take());
    }
    std::vector<std::vector<int32_t>> negations(ways.size());
    for (size_t i = 0; i < branches.size(); ++i)
      for (size_t j = i + 1; j < branches.size(); ++j) {
        Expected<bool> apart = disjoint(branches[i], branches[j], 0);
        if (!apart)
          return apart.error();
        if (*apart)
          continue;
        for (auto [taken, other] : {std::pair(i, j), std::pair(j, i)}) {
          std::string at = group.pointer + "/" + std::to_string(other);
          Expected<Json> negation =
              negationOf(branches[other], branches[taken].required, at,
                         gatherer_, document_);
          if (!negation)
            return negation.error();
          negations[taken].push_back(
              document_.addSynthetic(negation.take(), at));
        }
      }
    for (size_t i = 0; i < ways.size(); ++i)
      ways[i].insert(ways[i].end(), negations[i].begin(), negations[i].end());
  }
  std::vector<RegexNode> trees;
  for (std::vector<int32_t> &way : ways) {
    Expected<RegexNode> tree =
        value(std::move(way), depth + 1, /*asRule=*/false, combined);
    if (!tree)
      return tree;
    if (!isNothing(*tree))
      trees.push_back(tree.take());
  }
  if (trees.empty())
    return nothing();
  return RegexNode::alternate(std::move(trees), 0);
}

Expected<RegexNode> SchemaCompiler::emit(const SchemaFacts &facts,
                                         uint32_t depth) {
  uint8_t types = facts.types;
  if (facts.values) {
    // A value of a type that an unsupported keyword constrains is left
    // out (check()); when that leaves none, the keyword is to blame.
    Expected<RegexNode> values = emitValues(facts);
    if (!values || !isNothing(*values))
      return values;
  }
  for (const SchemaFacts::Unsupported &u : facts.unsupported)
    if (u.types & types)
      return u.error;
  if (types == 0 || facts.values)
    return nothing();
  std::vector<RegexNode> ways;
  auto add = [&](Expected<RegexNode> way) -> Status {
    if (!way)
      return way.error();
    if (!isNothing(*way))
      ways.push_back(way.take());
    return Status::ok();
  };
  auto excluded = [&](const char *literal) {
    Json value = Json::parse(literal);
    for (const Json *v : facts.excludedValues)
      if (jsonEqual(*v, value))
        return true;
    return false;
  };
  if ((types & kNullType) && !excluded("null"))
    ways.push_back(literalText("null"));
  if (types & kBooleanType) {
    if (!excluded("true"))
      ways.push_back(literalText("true"));
    if (!excluded("false"))
      ways.push_back(literalText("false"));
  }
  if (types & kNumberType)
    if (Status s = add(emitNumber(facts)); !s)
      return s.error();
  if (types & kStringType)
    if (Status s = add(emitString(facts)); !s)
      return s.error();
  if (types & kArrayType)
    if (Status s = add(emitArray(facts, depth)); !s)
      return s.error();
  if (types & kObjectType)
    if (Status s = add(emitObject(facts, depth)); !s)
      return s.error();
  if (ways.empty())
    return nothing();
  return RegexNode::alternate(std::move(ways), 0);
}

Expected<RegexNode> SchemaCompiler::emitNumber(const SchemaFacts &facts) {
  for (const Json *v : facts.excludedValues)
    if (v->is_number())
      return schemaError(facts.excludedPointer,
                         "unsupported 'not' of a number value");
  bool integers = (facts.types & kFractionType) == 0 || facts.integral;
  if (!(facts.types & kIntegerType))
    return schemaError(facts.key.empty() ? std::string()
                                         : document_.pointer(facts.key.front()),
                       "unsupported: numbers that must not be integers");
  if (integers) {
    // json.dumps writes an integral float as "N.0": an integer all the same
    // from draft 6 on; in draft 3 / 4 a fraction, allowed or not.
    bool floats = !(integralFloatTypes(gatherer_.drafts()) & ~facts.types);
    return integersWithin(facts.lower, facts.upper, floats);
  }
  return numbersWithin(facts.lower, facts.upper);
}

Expected<RegexNode> SchemaCompiler::emitString(const SchemaFacts &facts) {
  std::vector<std::string> excluded;
  for (const Json *v : facts.excludedValues)
    if (v->is_string())
      excluded.push_back(v->get<std::string>());
  bool lengthBound = facts.minLength > 0 || facts.maxLength != kNoLimit;
  if (facts.patterns.empty() && facts.formats.empty()) {
    if (!excluded.empty()) {
      if (lengthBound)
        return schemaError(facts.excludedPointer,
                           "unsupported: 'not' of strings with a length bound");
      return stringOtherThan(excluded, facts.excludedPointer);
    }
    if (facts.minLength > facts.maxLength)
      return nothing();
    RegexNode character =
        jsonCharOf(CodePointSet::allScalars()); // one spelled character
    return RegexNode::concat({literalText("\""),
                              repeatUnit(character, facts.minLength,
                                         facts.maxLength, "string character"),
                              literalText("\"")},
                             0);
  }
  if (!excluded.empty())
    return schemaError(
        facts.excludedPointer,
        "unsupported: 'not' of strings with a pattern or format");
  // Every pattern and format must hold: their languages intersected
  // (NfaIntersection.h), before the characters are spelled as JSON.
  std::vector<RegexNode> parts;
  for (const auto &pattern : facts.patterns) {
    Expected<RegexNode> content =
        patternLanguage(pattern.text, pattern.pointer);
    if (!content)
      return content;
    parts.push_back(content.take());
  }
  for (const auto &format : facts.formats) {
    Expected<RegexNode> content = formatLanguage(format.text, format.pointer);
    if (!content)
      return content;
    parts.push_back(content.take());
  }
  RegexNode content = RegexNode::intersect(std::move(parts), 0);
  if (lengthBound) {
    if (facts.minLength > facts.maxLength)
      return nothing();
    uint32_t min = static_cast<uint32_t>(
        std::min<uint64_t>(facts.minLength, RegexNode::kUnbounded - 1));
    uint32_t max = facts.maxLength >= RegexNode::kUnbounded
                       ? RegexNode::kUnbounded
                       : static_cast<uint32_t>(facts.maxLength);
    // A bound that one repetition carries is cheaper than a product.
    std::optional<RegexNode> limited = limitLength(content, min, max);
    return jsonString(limited
                          ? *limited
                          : RegexNode::intersect(
                                {std::move(content), anyChars(min, max)}, 0));
  }
  return jsonString(content);
}

Expected<RegexNode>
SchemaCompiler::patternLanguage(const std::string &pattern,
                                const std::string &pointer) {
  auto it = patternTrees_.find(pattern);
  if (it != patternTrees_.end())
    return it->second;
  Expected<RegexNode> tree = ecmaPatternLanguage(pattern, options_.automaton);
  if (!tree)
    return schemaError(pointer, "pattern " + sgl::quoted(pattern) +
                                    ": offset " + tree.error().message);
  patternTrees_.emplace(pattern, *tree);
  return tree;
}

Expected<bool> SchemaCompiler::patternMatches(const std::string &pattern,
                                              const std::string &pointer,
                                              std::string_view text) {
  auto it = patternDfas_.find(pattern);
  if (it == patternDfas_.end()) {
    Expected<RegexNode> tree = patternLanguage(pattern, pointer);
    if (!tree)
      return tree.error();
    Expected<ByteDfa> dfa = compileRegexTree(*tree, options_.automaton);
    if (!dfa)
      return schemaError(pointer, "pattern " + sgl::quoted(pattern) + ": " +
                                      dfa.error().message);
    it = patternDfas_.emplace(pattern, std::make_unique<ByteDfa>(dfa.take()))
             .first;
  }
  return it->second->matches(text);
}

Expected<RegexNode> SchemaCompiler::formatLanguage(const std::string &format,
                                                   const std::string &pointer) {
  auto it = formatTrees_.find(format);
  if (it != formatTrees_.end())
    return it->second;
  Expected<RegexNode> tree = jsonFormatLanguage(format, options_.automaton);
  if (!tree)
    return schemaError(pointer, tree.error().message);
  formatTrees_.emplace(format, *tree);
  return tree;
}

Expected<bool> SchemaCompiler::formatMatches(const std::string &format,
                                             const std::string &pointer,
                                             std::string_view text) {
  auto it = formatDfas_.find(format);
  if (it == formatDfas_.end()) {
    Expected<RegexNode> tree = formatLanguage(format, pointer);
    if (!tree)
      return tree.error();
    Expected<ByteDfa> dfa = compileRegexTree(*tree, options_.automaton);
    if (!dfa)
      return schemaError(pointer, dfa.error().message);
    it = formatDfas_.emplace(format, std::make_unique<ByteDfa>(dfa.take()))
             .first;
  }
  return it->second->matches(text);
}

} // namespace sgl::runtime::constraints
