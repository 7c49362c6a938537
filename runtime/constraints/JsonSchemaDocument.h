//===- JsonSchemaDocument.h - A parsed schema and its subschemas -*- C++
//-*-===//
//
// The schema text parsed once (size and nesting checked before), its
// subschemas numbered as the walk meets them, each with the JSON pointer
// messages name it by (equal subschemas share a number and the pointer
// of the first met, unless a nested `$id` changes what references in them
// mean), and `$ref`s resolved to them: "#", "#/json/pointer"
// (with ~0, ~1 and %XX unescaped), "#anchor" ($anchor, or a draft-4 `id`
// of "#anchor"), and URIs whose base is an `$id`/`id` of the document.
// Anything else is remote, which the grammar cannot fetch: an error.
//
//===----------------------------------------------------------------------===//
#ifndef SGL_RUNTIME_CONSTRAINTS_JSONSCHEMADOCUMENT_H
#define SGL_RUNTIME_CONSTRAINTS_JSONSCHEMADOCUMENT_H

#include "runtime/support/Expected.h"

#include <nlohmann/json.hpp>

#include <cstdint>
#include <deque>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace sgl::runtime::constraints {

using Json = nlohmann::ordered_json;

/// "<pointer>: <what>", the root's pointer written "/".
Error schemaError(std::string_view pointer, std::string_view what);

/// `token` escaped for a JSON pointer (~ as ~0, / as ~1).
std::string pointerToken(std::string_view token);

class SchemaDocument {
public:
  /// Parses `text`: errors for more than `maxBytes`, JSON nested deeper
  /// than `maxNesting`, and invalid JSON.
  static Expected<std::unique_ptr<SchemaDocument>>
  parse(std::string_view text, size_t maxBytes, uint32_t maxNesting);

  static constexpr int32_t kRoot = 0;

  const Json &json(int32_t node) const { return *nodes_[node].json; }
  const std::string &pointer(int32_t node) const {
    return nodes_[node].pointer;
  }
  int32_t numNodes() const { return static_cast<int32_t>(nodes_.size()); }

  /// The node of `value`, a part of node `parent` under `path` (one or
  /// more pointer tokens, each starting with '/').
  int32_t child(int32_t parent, const Json &value, std::string_view path);

  /// The node `ref`, the `$ref` of node `from`, names.
  Expected<int32_t> resolveRef(int32_t from, std::string_view ref);

  /// A schema the compiler wrote (a negation, JsonSchemaNegation.h), kept
  /// for as long as the document; messages name it by `pointer`.
  int32_t addSynthetic(Json schema, std::string pointer);
  /// Whether `node` was written by the compiler, so that its internal
  /// keywords ("$sgl-...") count.
  bool isSynthetic(int32_t node) const { return nodes_[node].synthetic; }

private:
  struct Node {
    const Json *json;
    std::string pointer;
    bool synthetic = false;
  };

  SchemaDocument() = default;
  int32_t nodeFor(const Json &value, std::string pointer);
  /// Walks a "/a/b" pointer (unescaped per token) from node `base`.
  Expected<int32_t> followPointer(int32_t base, std::string_view pointer,
                                  std::string_view ref);
  void indexIds();
  /// The innermost schema at or above `node` whose `$id`/`id` sets a new
  /// base URI: what "#/..." in `node` is relative to.
  int32_t resourceOf(int32_t node);

  Json root_;
  std::deque<Json> synthetic_; ///< stable addresses
  std::vector<Node> nodes_;
  std::unordered_map<const Json *, int32_t> ids_;
  /// Nodes by a hash of their content (sameContent() tells equal ones);
  /// synthetic nodes hash apart from user schemas.
  std::unordered_multimap<uint64_t, int32_t> byContent_;
  /// The node of content `value` (synthetic or not) met before, or -1.
  int32_t knownContent(const Json &value, uint64_t hash, bool synthetic) const;
  bool idsIndexed_ = false;
  /// Some schema below the root has a base-changing `$id`/`id`: its
  /// "#/..." references resolve from it, so equal text may mean
  /// different things and subschemas are not merged by content.
  bool nestedIds_ = false;
  /// `$id`/`id` URIs (without a trailing '#') and `$anchor` names ("#a").
  std::unordered_map<std::string, int32_t> named_;
};

} // namespace sgl::runtime::constraints

#endif // SGL_RUNTIME_CONSTRAINTS_JSONSCHEMADOCUMENT_H
