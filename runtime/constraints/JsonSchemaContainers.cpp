//===- JsonSchemaContainers.cpp - Arrays and objects of a schema ----------===//
//
// Arrays: positions covered by prefixItems (or draft-4 array `items`) get
// their own schemas, the rest `items` (or additionalItems); minItems and
// maxItems bound the count.
//
// Objects: members in a fixed order, the one the schemas declare them in
// (properties, then required names no schema declares); required members
// must appear, optional ones may be left out. Keys that no schema declares
// ("extra" members, where additionalProperties allows them) come after the
// declared ones, and an extra key is never a declared name, so a declared
// member cannot slip in a second time under another schema. With
// patternProperties, extra keys must match one of the patterns (keys
// matching none are refused even where additionalProperties would allow
// them: that needs the complement of a pattern), and their values satisfy
// every pattern's schema, and the schema of every declared name the
// pattern matches, so a key that could be two things is valid as both.
//
//===----------------------------------------------------------------------===//
#include "runtime/constraints/JsonSchemaCompiler.h"

#include "runtime/constraints/JsonStringRegex.h"
#include "runtime/support/MessageText.h"

#include <algorithm>
#include <utility>

namespace sgl::runtime::constraints {

namespace {

constexpr uint32_t kUnbounded = RegexNode::kUnbounded;

RegexNode optional(RegexNode node) {
  return RegexNode::repeat(std::move(node), 0, 1, 0);
}

/// Member copies an object's tree may hold before its members are split
/// into chunk rules, and the members of a chunk.
constexpr size_t kInlineCopies = 48;
constexpr size_t kChunk = 6;
/// An extra member larger than this is a rule.
constexpr size_t kTinyMember = 24;

/// Whether Python's re surely agrees that `pattern` does not find a match
/// in `name` when our language says so (it is a subset of Python's): for
/// printable ASCII names (no \w / \d / \s beyond ASCII, no newline for '$'
/// or '.') and patterns without "[]" or "[^]", which ECMA-262 reads as the
/// empty and the full class and Python as the start of a class with ']'.
bool missIsSure(const std::string &pattern, const std::string &name) {
  for (char c : name)
    if (c < 0x20 || c > 0x7e)
      return false;
  return pattern.find("[]") == std::string::npos &&
         pattern.find("[^]") == std::string::npos;
}

} // namespace

Expected<std::vector<int32_t>>
SchemaCompiler::memberSeeds(const SchemaFacts &facts, const std::string &name) {
  std::vector<int32_t> seeds;
  std::string token = pointerToken(name);
  for (int32_t node : facts.objectNodes) {
    const Json &json = document_.json(node);
    bool matched = false;
    if (auto props = json.find("properties");
        props != json.end() && props->is_object()) {
      if (auto it = props->find(name); it != props->end()) {
        seeds.push_back(document_.child(node, *it, "/properties/" + token));
        matched = true;
      }
    }
    if (auto patterns = json.find("patternProperties");
        patterns != json.end() && patterns->is_object()) {
      for (const auto &[pattern, schema] : patterns->items()) {
        std::string at = document_.pointer(node) + "/patternProperties/" +
                         pointerToken(pattern);
        Expected<bool> hit = patternMatches(pattern, at, name);
        if (!hit)
          return hit.error();
        if (!*hit && !missIsSure(pattern, name))
          return schemaError(at, "unsupported: whether the pattern matches "
                                 "the property name " +
                                     sgl::quoted(name) +
                                     " (Python's re may read it otherwise)");
        if (*hit) {
          seeds.push_back(document_.child(
              node, schema, "/patternProperties/" + pointerToken(pattern)));
          matched = true;
        }
      }
    }
    if (!matched)
      if (auto extra = json.find("additionalProperties"); extra != json.end())
        seeds.push_back(document_.child(node, *extra, "/additionalProperties"));
  }
  return seeds;
}

Expected<RegexNode> SchemaCompiler::emitObject(const SchemaFacts &facts,
                                               uint32_t depth) {
  for (const Json *v : facts.excludedValues)
    if (v->is_object())
      return schemaError(facts.excludedPointer,
                         "unsupported: 'not' of an object value");
  // Declared names, in order.
  std::vector<std::string> names;
  auto declare = [&](const std::string &name) {
    if (std::find(names.begin(), names.end(), name) == names.end())
      names.push_back(name);
  };
  for (int32_t node : facts.objectNodes) {
    const Json &json = document_.json(node);
    if (auto props = json.find("properties");
        props != json.end() && props->is_object())
      for (const auto &[name, schema] : props->items())
        declare(name);
  }
  for (const std::string &name : facts.required)
    declare(name);
  auto isRequired = [&](const std::string &name) {
    return std::find(facts.required.begin(), facts.required.end(), name) !=
           facts.required.end();
  };
  auto isForbidden = [&](const std::string &name) {
    return std::find(facts.forbidden.begin(), facts.forbidden.end(), name) !=
           facts.forbidden.end();
  };
  for (const std::string &name : facts.forbidden)
    declare(name);

  std::vector<Member> members;
  bool sawRequired = false;
  for (const std::string &name : names) {
    bool required = isRequired(name);
    if (isForbidden(name)) {
      if (required)
        return nothing();
      continue;
    }
    Expected<std::vector<int32_t>> seeds = memberSeeds(facts, name);
    if (!seeds)
      return seeds.error();
    // Values of optional members before the first required one are
    // copied into several alternatives: calls keep those copies small.
    Expected<RegexNode> value =
        this->value(std::move(*seeds), depth + 1, /*asRule=*/!sawRequired);
    if (!value)
      return value;
    if (isNothing(*value)) {
      if (required)
        return nothing();
      continue;
    }
    sawRequired = sawRequired || required;
    members.push_back({name, value.take(), required});
  }

  // Extra members.
  std::vector<int32_t> patternNodes;
  for (int32_t node : facts.objectNodes) {
    const Json &json = document_.json(node);
    if (auto p = json.find("patternProperties");
        p != json.end() && p->is_object() && !p->empty())
      patternNodes.push_back(node);
  }
  std::vector<int32_t> additional;
  for (int32_t node : facts.objectNodes) {
    const Json &json = document_.json(node);
    if (auto extra = json.find("additionalProperties"); extra != json.end())
      additional.push_back(
          document_.child(node, *extra, "/additionalProperties"));
  }
  std::vector<RegexNode> extras;
  if (patternNodes.size() > 1)
    return schemaError(document_.pointer(patternNodes[1]) +
                           "/patternProperties",
                       "unsupported: patternProperties in two schemas that "
                       "apply together");
  if (patternNodes.empty()) {
    Expected<RegexNode> value = additional.empty()
                                    ? Expected<RegexNode>(anyValue())
                                    : this->value(additional, depth + 1);
    if (!value)
      return value;
    if (!isNothing(*value)) {
      Expected<RegexNode> key = stringOtherThan(
          names, facts.key.empty() ? std::string()
                                   : document_.pointer(facts.key.front()));
      if (!key)
        return key;
      extras.push_back(RegexNode::concat(
          {key.take(), layout_.separator(':'), value.take()}, 0));
    }
  } else {
    int32_t owner = patternNodes.front();
    const Json &patterns = document_.json(owner)["patternProperties"];
    std::vector<int32_t> everyPattern;
    for (const auto &[pattern, schema] : patterns.items())
      everyPattern.push_back(document_.child(
          owner, schema, "/patternProperties/" + pointerToken(pattern)));
    for (const auto &[pattern, schema] : patterns.items()) {
      std::string at = document_.pointer(owner) + "/patternProperties/" +
                       pointerToken(pattern);
      std::vector<int32_t> seeds = everyPattern;
      for (int32_t node : facts.objectNodes)
        if (node != owner)
          if (auto extra = document_.json(node).find("additionalProperties");
              extra != document_.json(node).end())
            seeds.push_back(
                document_.child(node, *extra, "/additionalProperties"));
      for (const std::string &name : names) {
        Expected<bool> hit = patternMatches(pattern, at, name);
        if (!hit)
          return hit.error();
        if (!*hit)
          continue;
        if (isForbidden(name))
          return schemaError(at, "unsupported: a pattern that matches the "
                                 "forbidden name " +
                                     sgl::quoted(name));
        Expected<std::vector<int32_t>> more = memberSeeds(facts, name);
        if (!more)
          return more.error();
        seeds.insert(seeds.end(), more->begin(), more->end());
      }
      Expected<RegexNode> key = patternLanguage(pattern, at);
      if (!key)
        return key;
      Expected<RegexNode> value = this->value(std::move(seeds), depth + 1);
      if (!value)
        return value;
      if (!isNothing(*value))
        extras.push_back(RegexNode::concat(
            {jsonString(*key), layout_.separator(':'), value.take()}, 0));
    }
  }

  // Member trees: "key": value.
  std::vector<RegexNode> trees;
  size_t firstRequired = members.size();
  for (size_t i = 0; i < members.size(); ++i) {
    if (members[i].required && firstRequired == members.size())
      firstRequired = i;
    trees.push_back(
        RegexNode::concat({jsonStringLiteral(members[i].name),
                           layout_.separator(':'), std::move(members[i].value)},
                          0));
  }
  std::optional<RegexNode> extra;
  if (!extras.empty()) {
    // Written after every member: a rule unless tiny.
    extra = RegexNode::alternate(std::move(extras), 0);
    if (treeSize(*extra) > kTinyMember)
      extra = RegexNode::call(
          addRule((facts.key.empty()
                       ? std::string("object")
                       : ruleName(document_.pointer(facts.key.front()))) +
                      " extra member",
                  std::move(*extra)),
          0);
  }
  // Fewer members can be written than minProperties asks for.
  if (!extra && facts.minProperties > members.size())
    return nothing();
  size_t requiredCount = static_cast<size_t>(
      std::count_if(members.begin(), members.end(),
                    [](const Member &m) { return m.required; }));
  bool boundedAbove = facts.maxProperties < members.size() ||
                      (extra && facts.maxProperties != kNoLimit);
  if ((facts.minProperties > std::max<size_t>(requiredCount, 1) &&
       facts.minProperties <= facts.maxProperties) ||
      (boundedAbove && facts.maxProperties > 1 &&
       facts.maxProperties >= requiredCount))
    return schemaError(facts.propertiesCountPointer,
                       "unsupported: minProperties / maxProperties beyond "
                       "what the required members imply (only 'at least "
                       "one' and 'at most one' are expressible)");
  return assembleObject(trees, members, firstRequired, std::move(extra), facts);
}

RegexNode SchemaCompiler::assembleObject(std::vector<RegexNode> &trees,
                                         const std::vector<Member> &members,
                                         size_t firstRequired,
                                         std::optional<RegexNode> extra,
                                         const SchemaFacts &facts) {
  const size_t n = trees.size();
  // minProperties / maxProperties: the cases a fixed order can say.
  size_t requiredCount = 0;
  for (const Member &member : members)
    requiredCount += member.required;
  const uint64_t most = facts.maxProperties, least = facts.minProperties;
  if (most < requiredCount || least > most)
    return nothing();
  if (most < n || (extra && most != kNoLimit)) {
    // At most `most` members, and fewer than could be written: only 0 or 1.
    std::vector<RegexNode> ones;
    if (most == 1 && requiredCount == 1) {
      for (size_t k = 0; k < n; ++k)
        if (members[k].required)
          ones.push_back(trees[k]);
    } else if (most == 1) {
      ones.insert(ones.end(), trees.begin(), trees.end());
      if (extra)
        ones.push_back(*extra);
    }
    std::vector<RegexNode> ways;
    if (least == 0 && requiredCount == 0)
      ways.push_back(RegexNode::concat(
          {literalText("{"), layout_.gap(), literalText("}")}, 0));
    if (!ones.empty())
      ways.push_back(
          RegexNode::concat({literalText("{"), layout_.gap(),
                             RegexNode::alternate(std::move(ones), 0),
                             layout_.gap(), literalText("}")},
                            0));
    if (most > 1)
      return nothing(); // marked unsupported by the caller
    return ways.empty() ? nothing() : RegexNode::alternate(std::move(ways), 0);
  }
  auto comma = [&](const RegexNode &tree) {
    return RegexNode::concat({layout_.separator(','), tree}, 0);
  };
  auto slot = [&](size_t j) {
    return members[j].required ? comma(trees[j]) : optional(comma(trees[j]));
  };
  auto extras = [&] {
    return RegexNode::repeat(comma(*extra), 0, kUnbounded, 0);
  };
  // Each possible first member is followed by the rest: members written
  // once per start. Past a few starts, the rest goes in chunks of
  // kChunk members, each a rule that calls the next.
  bool chunked = (firstRequired + 1) * n > kInlineCopies;
  std::string where = facts.key.empty()
                          ? std::string("object")
                          : ruleName(document_.pointer(facts.key.front()));
  std::vector<RegexNode> chunkCalls((n + kChunk - 1) / kChunk + 1);
  auto restFrom = [&](size_t i) -> RegexNode {
    // Members i.. after one was written, when i is a chunk boundary.
    if (i >= n)
      return extra ? extras() : RegexNode::empty(0);
    return chunkCalls[i / kChunk];
  };
  if (chunked)
    for (size_t c = chunkCalls.size() - 1; c-- > 0;) {
      size_t begin = c * kChunk;
      if (begin >= n)
        continue;
      std::vector<RegexNode> parts;
      for (size_t j = begin; j < std::min(n, begin + kChunk); ++j)
        parts.push_back(slot(j));
      parts.push_back(restFrom(begin + kChunk));
      chunkCalls[c] = RegexNode::call(
          addRule(where + " members " + std::to_string(begin) + "..",
                  RegexNode::concat(std::move(parts), 0)),
          0);
    }
  auto suffix = [&](size_t i) {
    std::vector<RegexNode> parts;
    size_t end = chunked ? std::min(n, (i + kChunk - 1) / kChunk * kChunk) : n;
    if (chunked && i % kChunk == 0)
      end = i;
    for (size_t j = i; j < end; ++j)
      parts.push_back(slot(j));
    parts.push_back(chunked ? restFrom(end)
                            : (extra ? extras() : RegexNode::empty(0)));
    return RegexNode::concat(std::move(parts), 0);
  };
  std::vector<RegexNode> starts; // by the first member written
  for (size_t k = 0; k < n && k <= firstRequired; ++k)
    starts.push_back(RegexNode::concat({trees[k], suffix(k + 1)}, 0));
  if (firstRequired == n && extra)
    starts.push_back(RegexNode::concat({*extra, extras()}, 0));
  if (starts.empty()) // no member can be written
    return least > 0
               ? nothing()
               : RegexNode::concat(
                     {literalText("{"), layout_.gap(), literalText("}")}, 0);
  RegexNode body = RegexNode::concat(
      {RegexNode::alternate(std::move(starts), 0), layout_.gap()}, 0);
  // minProperties 1 without a required member: the body is not optional.
  if (firstRequired == n && least == 0)
    body = optional(std::move(body));
  return RegexNode::concat(
      {literalText("{"), layout_.gap(), std::move(body), literalText("}")}, 0);
}

Expected<RegexNode> SchemaCompiler::emitArray(const SchemaFacts &facts,
                                              uint32_t depth) {
  for (const Json *v : facts.excludedValues)
    if (v->is_array())
      return schemaError(facts.excludedPointer,
                         "unsupported: 'not' of an array value");
  uint64_t minItems = facts.minItems, maxItems = facts.maxItems;
  if (minItems > maxItems)
    return nothing();
  if (!facts.uniqueItemsPointer.empty() && maxItems > 1)
    return schemaError(facts.uniqueItemsPointer,
                       "unsupported keyword 'uniqueItems'");
  // Per schema: the schemas of the leading positions, and of the rest.
  struct Layout {
    int32_t node;
    std::vector<int32_t> leading;
    int32_t rest = -1;
  };
  std::vector<Layout> layouts;
  size_t leadingCount = 0;
  for (int32_t node : facts.arrayNodes) {
    const Json &json = document_.json(node);
    Layout layout{node, {}, -1};
    auto prefix = json.find("prefixItems");
    auto items = json.find("items");
    // `items` as drafts before 2020-12 read it.
    auto readItems = [&](Layout &into) {
      if (items != json.end() && items->is_array()) {
        for (size_t i = 0; i < items->size(); ++i)
          into.leading.push_back(document_.child(
              node, (*items)[i], "/items/" + std::to_string(i)));
        if (auto more = json.find("additionalItems"); more != json.end())
          into.rest = document_.child(node, *more, "/additionalItems");
      } else if (items != json.end()) {
        into.rest = document_.child(node, *items, "/items");
      }
    };
    if (prefix != json.end() && prefix->is_array()) {
      for (size_t i = 0; i < prefix->size(); ++i)
        layout.leading.push_back(document_.child(
            node, (*prefix)[i], "/prefixItems/" + std::to_string(i)));
      if (items != json.end() && !items->is_array())
        layout.rest = document_.child(node, *items, "/items");
      if (items != json.end() &&
          (gatherer_.drafts() & (kDraft3Or4 | kDraft6To2019))) {
        // Before 2020-12 prefixItems is no keyword: `items` holds as there.
        Layout older{node, {}, -1};
        readItems(older);
        leadingCount = std::max(leadingCount, older.leading.size());
        layouts.push_back(std::move(older));
      }
    } else {
      readItems(layout);
    }
    leadingCount = std::max(leadingCount, layout.leading.size());
    layouts.push_back(std::move(layout));
  }
  auto seedsAt = [&](size_t position) {
    std::vector<int32_t> seeds;
    for (const Layout &layout : layouts) {
      if (position < layout.leading.size())
        seeds.push_back(layout.leading[position]);
      else if (layout.rest >= 0)
        seeds.push_back(layout.rest);
    }
    return seeds;
  };

  std::vector<RegexNode> leading;
  for (size_t i = 0; i < leadingCount && i < maxItems; ++i) {
    Expected<RegexNode> item = value(seedsAt(i), depth + 1);
    if (!item)
      return item;
    if (isNothing(*item)) {
      if (i < minItems)
        return nothing();
      maxItems = i;
      break;
    }
    leading.push_back(item.take());
  }
  size_t fixed = leading.size();
  std::optional<RegexNode> rest;
  if (maxItems > fixed && fixed == leadingCount) {
    Expected<RegexNode> item = value(seedsAt(leadingCount), depth + 1);
    if (!item)
      return item;
    if (!isNothing(*item))
      rest = item.take();
  }
  if (!rest)
    maxItems = std::min<uint64_t>(maxItems, fixed);
  if (minItems > maxItems)
    return nothing();

  auto comma = [&](const RegexNode &tree) {
    return RegexNode::concat({layout_.separator(','), tree}, 0);
  };
  std::string where = facts.arrayNodes.empty()
                          ? std::string("array")
                          : document_.pointer(facts.arrayNodes.front());
  // The items after the leading ones: count from restMin to restMax. Their
  // block rules (repeatUnit) are this array's own: the name says which.
  RegexNode tail = RegexNode::empty(0);
  std::string unitName =
      ruleName(where) + " items #" + std::to_string(++unitCount_);
  if (rest && maxItems > fixed) {
    uint64_t restMin = minItems > fixed ? minItems - fixed : 0;
    uint64_t restMax = maxItems == kNoLimit ? kNoLimit : maxItems - fixed;
    RegexNode item = restMax == 1 ? *rest : share(*rest, where + "/items");
    if (fixed > 0) {
      tail = repeatUnit(comma(item), restMin, restMax, unitName);
    } else {
      // The first item has no comma before it.
      RegexNode more =
          repeatUnit(comma(item), restMin > 0 ? restMin - 1 : 0,
                     restMax == kNoLimit ? kNoLimit : restMax - 1, unitName);
      // Optional as a whole below, when minItems is 0.
      tail = RegexNode::concat({item, std::move(more)}, 0);
    }
  }
  RegexNode items = std::move(tail);
  for (size_t i = fixed; i-- > 0;) {
    RegexNode next = std::move(items);
    if (i + 1 < fixed) {
      next = comma(next);
      if (i + 1 >= minItems)
        next = optional(std::move(next));
    }
    items = RegexNode::concat({std::move(leading[i]), std::move(next)}, 0);
  }
  if (maxItems == 0)
    return RegexNode::concat(
        {literalText("["), layout_.gap(), literalText("]")}, 0);
  RegexNode body = RegexNode::concat({std::move(items), layout_.gap()}, 0);
  if (minItems == 0)
    body = optional(std::move(body));
  // "[" gap (items gap)? "]": one gap when there are no items.
  return RegexNode::concat(
      {literalText("["), layout_.gap(), std::move(body), literalText("]")}, 0);
}

} // namespace sgl::runtime::constraints
