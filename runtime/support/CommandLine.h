//===- CommandLine.h - CLI11 parsing with the tools' conventions -*- C++
//-*-===//
//
// Included only by tools' main files: it pulls in CLI11.
//
// `parseCommandLine` reports usage errors as one "TOOL: error: ..." line and
// exit 2 (see ToolMain.h). `UnsignedIn(lo, hi)` checks a number option as
// written: plain decimal digits in [lo, hi], so "-1" never wraps around to
// 2^64-1 and an out-of-range value is refused rather than clamped.
//
//===----------------------------------------------------------------------===//
#ifndef SGL_RUNTIME_SUPPORT_COMMANDLINE_H
#define SGL_RUNTIME_SUPPORT_COMMANDLINE_H

#include "runtime/support/ToolMain.h"

#include <CLI/CLI.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace sgl {

/// Parses argv into `app`. nullopt: go on; otherwise the exit code (0 after
/// --help, kExitUsage after a reported usage error).
inline std::optional<int> parseCommandLine(CLI::App &app, int argc, char **argv,
                                           std::string_view tool) {
  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp &e) {
    return app.exit(e);
  } catch (const CLI::CallForAllHelp &e) {
    return app.exit(e);
  } catch (const CLI::ParseError &e) {
    return reportUsageError(tool, e.what());
  }
  return std::nullopt;
}

/// A validator for unsigned options: decimal digits only, value in
/// [lo, hi].
class UnsignedIn : public CLI::Validator {
public:
  UnsignedIn(uint64_t lo, uint64_t hi) {
    name_ = "UINT in [" + std::to_string(lo) + ", " + std::to_string(hi) + "]";
    func_ = [lo, hi](std::string &text) -> std::string {
      std::string range = " (expected a whole number from " +
                          std::to_string(lo) + " to " + std::to_string(hi) +
                          ")";
      if (text.empty() || text.size() > 20 ||
          text.find_first_not_of("0123456789") != std::string::npos)
        return "'" + text + "' is not a whole number" + range;
      uint64_t value = 0;
      for (char c : text) {
        uint64_t digit = static_cast<uint64_t>(c - '0');
        if (value > (UINT64_MAX - digit) / 10)
          return "'" + text + "' is too large" + range;
        value = value * 10 + digit;
      }
      if (value < lo || value > hi)
        return "'" + text + "' is out of range" + range;
      return std::string();
    };
  }
};

} // namespace sgl

#endif // SGL_RUNTIME_SUPPORT_COMMANDLINE_H
