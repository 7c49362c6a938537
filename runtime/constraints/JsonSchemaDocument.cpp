//===- JsonSchemaDocument.cpp - A parsed schema and its subschemas --------===//
#include "runtime/constraints/JsonSchemaDocument.h"

#include "runtime/support/HashMix.h"
#include "runtime/support/MessageText.h"

#include <bit>
#include <functional>
#include <utility>

namespace sgl::runtime::constraints {

namespace {

/// How deep arrays and objects nest in `text`, strings skipped; stops
/// counting past `limit`.
uint32_t nestingDepth(std::string_view text, uint32_t limit) {
  uint32_t depth = 0, deepest = 0;
  bool inString = false;
  for (size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (inString) {
      if (c == '\\')
        ++i;
      else if (c == '"')
        inString = false;
      continue;
    }
    if (c == '"') {
      inString = true;
    } else if (c == '[' || c == '{') {
      deepest = std::max(deepest, ++depth);
      if (deepest > limit)
        return deepest;
    } else if ((c == ']' || c == '}') && depth > 0) {
      --depth;
    }
  }
  return deepest;
}

int hexValue(char c) {
  if (c >= '0' && c <= '9')
    return c - '0';
  if (c >= 'a' && c <= 'f')
    return c - 'a' + 10;
  if (c >= 'A' && c <= 'F')
    return c - 'A' + 10;
  return -1;
}

/// `text` with %XX escapes decoded (a URI fragment).
std::string percentDecoded(std::string_view text) {
  std::string out;
  for (size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '%' && i + 2 < text.size() && hexValue(text[i + 1]) >= 0 &&
        hexValue(text[i + 2]) >= 0) {
      out +=
          static_cast<char>(hexValue(text[i + 1]) * 16 + hexValue(text[i + 2]));
      i += 2;
    } else {
      out += text[i];
    }
  }
  return out;
}

/// Keeps nlohmann's message of the first syntax error; builds nothing.
struct ParseErrorRecorder : nlohmann::json_sax<Json> {
  std::string message = "syntax error";

  bool null() override { return true; }
  bool boolean(bool) override { return true; }
  bool number_integer(number_integer_t) override { return true; }
  bool number_unsigned(number_unsigned_t) override { return true; }
  bool number_float(number_float_t, const string_t &) override { return true; }
  bool string(string_t &) override { return true; }
  bool binary(binary_t &) override { return true; }
  bool start_object(std::size_t) override { return true; }
  bool key(string_t &) override { return true; }
  bool end_object() override { return true; }
  bool start_array(std::size_t) override { return true; }
  bool end_array() override { return true; }
  bool parse_error(std::size_t, const std::string &,
                   const nlohmann::detail::exception &error) override {
    message = error.what();
    return false;
  }
};

/// A string `$id` / `id` that sets a base URI (not a "#name" anchor).
bool setsBase(const Json &value) {
  if (!value.is_object())
    return false;
  for (const char *key : {"$id", "id"}) {
    auto it = value.find(key);
    if (it != value.end() && it->is_string() &&
        !it->get_ref<const std::string &>().starts_with("#") &&
        !it->get_ref<const std::string &>().empty())
      return true;
  }
  return false;
}

/// Whether a value below the top of `root` sets a base URI.
bool hasNestedBase(const Json &root) {
  std::vector<const Json *> stack;
  for (const auto &[key, item] : root.items())
    stack.push_back(&item);
  while (!stack.empty()) {
    const Json *value = stack.back();
    stack.pop_back();
    if (setsBase(*value))
      return true;
    if (value->is_object() || value->is_array())
      for (const auto &[key, item] : value->items())
        stack.push_back(&item);
  }
  return false;
}

/// A URI without its fragment and a trailing '#'.
std::string withoutFragment(std::string_view uri) {
  return std::string(uri.substr(0, uri.find('#')));
}

} // namespace

Error schemaError(std::string_view pointer, std::string_view what) {
  return makeError((pointer.empty() ? std::string("/") : std::string(pointer)) +
                   ": " + std::string(what));
}

std::string pointerToken(std::string_view token) {
  std::string out;
  for (char c : token) {
    if (c == '~')
      out += "~0";
    else if (c == '/')
      out += "~1";
    else
      out += c;
  }
  return out;
}

Expected<std::unique_ptr<SchemaDocument>>
SchemaDocument::parse(std::string_view text, size_t maxBytes,
                      uint32_t maxNesting) {
  if (text.size() > maxBytes)
    return schemaError("", "schema has " + std::to_string(text.size()) +
                               " bytes, more than the limit of " +
                               std::to_string(maxBytes));
  if (nestingDepth(text, maxNesting) > maxNesting)
    return schemaError("", "schema nests arrays and objects more than " +
                               std::to_string(maxNesting) + " levels deep");
  std::unique_ptr<SchemaDocument> document(new SchemaDocument());
  document->root_ = Json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (document->root_.is_discarded()) {
    // Parse again for nlohmann's description of the first error.
    ParseErrorRecorder recorder;
    Json::sax_parse(text, &recorder);
    std::string why = recorder.message;
    if (size_t at = why.find("parse error"); at != std::string::npos)
      why = why.substr(at);
    return schemaError("", "schema is not valid JSON: " + abbreviate(why, 200));
  }
  if (!document->root_.is_object() && !document->root_.is_boolean())
    return schemaError("", "a schema must be an object or a boolean, not " +
                               std::string(document->root_.type_name()));
  document->nestedIds_ =
      document->root_.is_object() && hasNestedBase(document->root_);
  document->nodeFor(document->root_, "");
  return document;
}

namespace {

/// A hash of `value` that agrees wherever its text (dump()) does: an
/// integer hashes as its value whether signed or not, a fraction apart.
uint64_t contentHash(const Json &value) {
  uint64_t h = static_cast<uint64_t>(value.type());
  switch (value.type()) {
  case Json::value_t::number_unsigned:
  case Json::value_t::number_integer:
    return hashMix(1, value.get<uint64_t>());
  case Json::value_t::number_float:
    return hashMix(2, std::hash<double>()(value.get<double>()));
  case Json::value_t::boolean:
    return hashMix(h, value.get<bool>());
  case Json::value_t::string:
    return hashMix(
        h, std::hash<std::string>()(value.get_ref<const std::string &>()));
  case Json::value_t::array:
    for (const Json &item : value)
      h = hashMix(h, contentHash(item));
    return h;
  case Json::value_t::object:
    for (const auto &[key, item] : value.items())
      h = hashMix(hashMix(h, std::hash<std::string>()(key)), contentHash(item));
    return h;
  default:
    return h;
  }
}

/// Whether `a` and `b` have the same text: members in the same order,
/// integers and fractions apart (1 is not 1.0), as dump() writes them.
bool sameContent(const Json &a, const Json &b) {
  if (a.is_number_integer() && b.is_number_integer()) {
    if (a.is_number_unsigned() == b.is_number_unsigned())
      return a == b;
    const Json &sign = a.is_number_unsigned() ? b : a;
    return sign.get<int64_t>() >= 0 && a.get<uint64_t>() == b.get<uint64_t>();
  }
  if (a.type() != b.type())
    return false;
  switch (a.type()) {
  case Json::value_t::number_float:
    return std::bit_cast<uint64_t>(a.get<double>()) ==
           std::bit_cast<uint64_t>(b.get<double>());
  case Json::value_t::array:
    if (a.size() != b.size())
      return false;
    for (size_t i = 0; i < a.size(); ++i)
      if (!sameContent(a[i], b[i]))
        return false;
    return true;
  case Json::value_t::object: {
    if (a.size() != b.size())
      return false;
    auto left = a.items().begin();
    for (const auto &[key, item] : b.items()) {
      if (left.key() != key || !sameContent(left.value(), item))
        return false;
      ++left;
    }
    return true;
  }
  default:
    return a == b;
  }
}

constexpr uint64_t kSyntheticSalt = 0x5bd1e9955bd1e995ull;

} // namespace

int32_t SchemaDocument::knownContent(const Json &value, uint64_t hash,
                                     bool synthetic) const {
  auto [from, to] = byContent_.equal_range(hash);
  for (auto it = from; it != to; ++it)
    if (nodes_[it->second].synthetic == synthetic &&
        sameContent(*nodes_[it->second].json, value))
      return it->second;
  return -1;
}

int32_t SchemaDocument::nodeFor(const Json &value, std::string pointer) {
  auto known = ids_.find(&value);
  if (known != ids_.end())
    return known->second;
  if (nestedIds_) {
    int32_t id = static_cast<int32_t>(nodes_.size());
    nodes_.push_back({&value, std::move(pointer)});
    ids_.emplace(&value, id);
    return id;
  }
  // Equal subschemas are one node: their instances are the same (every
  // $ref resolves from the root), so they share results and rules.
  const uint64_t hash = contentHash(value);
  int32_t id = knownContent(value, hash, false);
  if (id < 0) {
    id = static_cast<int32_t>(nodes_.size());
    nodes_.push_back({&value, std::move(pointer)});
    byContent_.emplace(hash, id);
  }
  ids_.emplace(&value, id);
  return id;
}

int32_t SchemaDocument::addSynthetic(Json schema, std::string pointer) {
  // Keyed apart from user schemas, so that equal text never makes a user
  // schema's "$sgl-..." keywords count.
  const uint64_t hash = contentHash(schema) ^ kSyntheticSalt;
  if (int32_t known = knownContent(schema, hash, true); known >= 0)
    return known;
  synthetic_.push_back(std::move(schema));
  int32_t id = static_cast<int32_t>(nodes_.size());
  nodes_.push_back({&synthetic_.back(), std::move(pointer), true});
  byContent_.emplace(hash, id);
  ids_.emplace(&synthetic_.back(), id);
  return id;
}

int32_t SchemaDocument::child(int32_t parent, const Json &value,
                              std::string_view path) {
  std::string pointer = nodes_[parent].pointer + std::string(path);
  // Parts of a compiler-written schema are compiler-written too.
  if (nodes_[parent].synthetic) {
    auto known = ids_.find(&value);
    return known != ids_.end() ? known->second
                               : addSynthetic(value, std::move(pointer));
  }
  return nodeFor(value, std::move(pointer));
}

Expected<int32_t> SchemaDocument::followPointer(int32_t base,
                                                std::string_view pointer,
                                                std::string_view ref) {
  int32_t at = base;
  size_t pos = 0;
  while (pos < pointer.size()) {
    if (pointer[pos] != '/')
      return schemaError(nodes_[base].pointer + "/$ref",
                         "malformed JSON pointer in $ref " + sgl::quoted(ref));
    size_t end = pointer.find('/', pos + 1);
    if (end == std::string_view::npos)
      end = pointer.size();
    std::string token;
    std::string_view raw = pointer.substr(pos + 1, end - pos - 1);
    for (size_t i = 0; i < raw.size(); ++i) {
      if (raw[i] == '~' && i + 1 < raw.size() &&
          (raw[i + 1] == '0' || raw[i + 1] == '1')) {
        token += raw[i + 1] == '0' ? '~' : '/';
        ++i;
      } else {
        token += raw[i];
      }
    }
    const Json &here = json(at);
    const Json *next = nullptr;
    if (here.is_object()) {
      auto it = here.find(token);
      if (it != here.end())
        next = &*it;
    } else if (here.is_array() && !token.empty() &&
               token.find_first_not_of("0123456789") == std::string::npos &&
               token.size() < 10) {
      size_t index = std::stoul(token);
      if (index < here.size())
        next = &here[index];
    }
    if (!next)
      return schemaError("", "$ref " + sgl::quoted(ref) +
                                 " names nothing in the "
                                 "schema");
    at = child(at, *next, std::string("/") + pointerToken(token));
    pos = end;
  }
  return at;
}

void SchemaDocument::indexIds() {
  idsIndexed_ = true;
  // Iterative, so that deep documents cannot exhaust the stack.
  std::vector<std::pair<const Json *, std::string>> stack{{&root_, ""}};
  while (!stack.empty()) {
    auto [value, pointer] = std::move(stack.back());
    stack.pop_back();
    if (value->is_object()) {
      for (const char *key : {"$id", "id"}) {
        auto it = value->find(key);
        if (it != value->end() && it->is_string()) {
          const std::string &id = it->get_ref<const std::string &>();
          std::string name = id.starts_with("#") ? id : withoutFragment(id);
          if (!name.empty() && name != "#")
            named_.emplace(name, nodeFor(*value, pointer));
        }
      }
      auto anchor = value->find("$anchor");
      if (anchor != value->end() && anchor->is_string())
        named_.emplace("#" + anchor->get<std::string>(),
                       nodeFor(*value, pointer));
      for (const auto &[key, item] : value->items())
        if (item.is_object() || item.is_array())
          stack.emplace_back(&item, pointer + "/" + pointerToken(key));
    } else if (value->is_array()) {
      for (size_t i = 0; i < value->size(); ++i)
        if ((*value)[i].is_object() || (*value)[i].is_array())
          stack.emplace_back(&(*value)[i], pointer + "/" + std::to_string(i));
    }
  }
}

int32_t SchemaDocument::resourceOf(int32_t node) {
  const std::string &pointer = nodes_[node].pointer;
  const Json *at = &root_;
  int32_t resource = kRoot;
  std::string walked;
  size_t pos = 0;
  while (pos < pointer.size()) {
    size_t end = pointer.find('/', pos + 1);
    if (end == std::string::npos)
      end = pointer.size();
    std::string raw = pointer.substr(pos + 1, end - pos - 1), token;
    for (size_t i = 0; i < raw.size(); ++i) {
      if (raw[i] == '~' && i + 1 < raw.size()) {
        token += raw[i + 1] == '0' ? '~' : '/';
        ++i;
      } else {
        token += raw[i];
      }
    }
    walked += "/" + raw;
    if (at->is_object() && at->contains(token))
      at = &(*at)[token];
    else if (at->is_array() && !token.empty() &&
             token.find_first_not_of("0123456789") == std::string::npos &&
             std::stoul(token) < at->size())
      at = &(*at)[std::stoul(token)];
    else
      break;
    if (setsBase(*at))
      resource = nodeFor(*at, walked);
    pos = end;
  }
  return resource;
}

Expected<int32_t> SchemaDocument::resolveRef(int32_t from,
                                             std::string_view ref) {
  std::string_view fragment;
  int32_t base = kRoot;
  size_t hash = ref.find('#');
  std::string_view uri = ref.substr(0, hash);
  if (hash != std::string_view::npos)
    fragment = ref.substr(hash + 1);
  if (!uri.empty()) {
    if (!idsIndexed_)
      indexIds();
    auto it = named_.find(std::string(uri));
    if (it == named_.end())
      return schemaError(nodes_[from].pointer + "/$ref",
                         "unsupported remote $ref " + sgl::quoted(ref) +
                             " (only references into this schema resolve)");
    base = it->second;
  }
  if (uri.empty() && nestedIds_ && !nodes_[from].synthetic)
    base = resourceOf(from);
  std::string decoded = percentDecoded(fragment);
  if (decoded.empty())
    return base;
  if (decoded[0] == '/') {
    Expected<int32_t> target = followPointer(base, decoded, ref);
    if (!target)
      return schemaError(nodes_[from].pointer + "/$ref",
                         "$ref " + sgl::quoted(ref) +
                             " names nothing in the schema");
    return target;
  }
  if (!idsIndexed_)
    indexIds();
  auto it = named_.find("#" + decoded);
  if (it == named_.end())
    return schemaError(nodes_[from].pointer + "/$ref",
                       "$ref " + sgl::quoted(ref) +
                           " names no anchor of the schema");
  return it->second;
}

} // namespace sgl::runtime::constraints
