//===- Plan.h - In-memory form of a compiled plan ---------------*- C++ -*-===//
//
// A plan is the one contract between sglc and sglrun. On disk it is a
// FlatBuffers buffer (Plan.fbs) with file identifier "SGLP" and a format
// version; in memory it is these plain structs, which PlanWriter serializes
// and PlanReader fills after verifying a buffer.
//
// A program is a straight-line list of steps over numbered string slots:
// slots [0, args.size()) hold the arguments, each gen/select writes one more
// slot, and captures name the slots that form the program's JSON output.
//
//===----------------------------------------------------------------------===//
#ifndef SGL_RUNTIME_PLAN_PLAN_H
#define SGL_RUNTIME_PLAN_PLAN_H

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace sgl::runtime::plan {

/// Format version written by this build. A reader accepts exactly this major
/// version and any minor version up to kMinorVersion.
inline constexpr uint16_t kMajorVersion = 1;
inline constexpr uint16_t kMinorVersion = 1;
/// FlatBuffers file identifier (bytes 4..8 of the file).
inline constexpr const char kFileIdentifier[] = "SGLP";

enum class Role : uint8_t { System = 0, User = 1, Assistant = 2 };

/// "system", "user" or "assistant" ("?" for an out-of-range value).
const char *roleName(Role role);

/// Where a step came from in the .sgl source, for runtime error messages.
struct SourceLocation {
  std::string file;
  uint32_t line = 0;
  uint32_t col = 0;

  bool operator==(const SourceLocation &) const = default;
};

/// What a gen's output must match (format 1.1): a regular expression or a
/// JSON Schema, as the compiler checked it; the runtime compiles it again
/// when it loads the plan.
struct GenConstraint {
  enum class Kind : uint8_t {
    None,       ///< unconstrained
    Regex,      ///< `text` is the pattern (docs/constraints.md)
    JsonSchema, ///< `text` is the schema's JSON text
  };
  Kind kind = Kind::None;
  std::string text;

  bool operator==(const GenConstraint &) const = default;
};

/// "regex", "json_schema" or "none": the names of the JSON rendering and
/// of messages.
const char *constraintKindName(GenConstraint::Kind kind);

struct GenParams {
  std::optional<uint32_t> maxTokens;
  std::vector<std::string> stop;
  std::optional<float> temperature;
  std::optional<float> topP;
  std::optional<uint32_t> topK;
  std::optional<uint64_t> seed;
  GenConstraint constraint;

  bool operator==(const GenParams &) const = default;
};

struct Step {
  enum class Kind : uint8_t {
    Text,      ///< append `text`
    Append,    ///< append the value of `slot`
    RoleBegin, ///< open a chat message of `role`
    RoleEnd,   ///< close the chat message of `role`
    Gen,       ///< generate into `slot` with `gen`
    Select,    ///< choose one of `choices` into `slot`
  };
  Kind kind = Kind::Text;
  std::string text;
  uint32_t slot = 0;
  Role role = Role::User;
  GenParams gen;
  std::vector<std::string> choices;
  SourceLocation loc;

  bool operator==(const Step &) const = default;
};

/// "text", "append", "role_begin", "role_end", "gen" or "select": the
/// names used by the JSON rendering and in error messages.
const char *stepKindName(Step::Kind kind);

struct Capture {
  std::string name;
  uint32_t slot = 0;

  bool operator==(const Capture &) const = default;
};

struct Program {
  std::string name;
  std::vector<std::string> args;
  /// Total number of slots: args.size() + one per gen/select.
  uint32_t numSlots = 0;
  std::vector<Step> steps;
  std::vector<Capture> captures;

  bool operator==(const Program &) const = default;
};

struct Plan {
  uint16_t majorVersion = kMajorVersion;
  uint16_t minorVersion = kMinorVersion;
  /// Free-form producer string, e.g. "sglc 0.1".
  std::string producer;
  std::vector<Program> programs;

  /// Finds a program by name; nullptr when absent.
  const Program *findProgram(const std::string &name) const;

  bool operator==(const Plan &) const = default;
};

} // namespace sgl::runtime::plan

#endif // SGL_RUNTIME_PLAN_PLAN_H
