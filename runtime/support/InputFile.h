//===- InputFile.h - Size-limited reading of files from outside -*- C++ -*-===//
//
// Every file a tool reads comes from its user and may be anything: a
// directory, /dev/zero, a FIFO, a link to a device, or just far too big.
// `readInputFile` reads a regular file (or standard input, for "-") whole,
// refusing anything that is not a regular file and anything larger than the
// limit for its kind, before reserving memory for it:
//
//   Expected<std::string> text =
//       readInputFile(path, {"tokenizer.json", kTokenizerJsonLimit});
//
// Errors start with the path, as the rest of a tool's messages about a file:
// "PATH: file too large (300 MiB; a tokenizer.json may be at most 256 MiB)",
// "PATH: is a directory, not a tokenizer.json", "PATH: cannot open: ...".
//
//===----------------------------------------------------------------------===//
#ifndef SGL_RUNTIME_SUPPORT_INPUTFILE_H
#define SGL_RUNTIME_SUPPORT_INPUTFILE_H

#include "runtime/support/Expected.h"

#include <cstdint>
#include <string>

namespace sgl {

constexpr uint64_t kMiB = uint64_t(1) << 20;

/// Limits per kind of input, chosen so that real inputs fit with room:
/// a 262k-vocabulary tokenizer.json is about 35 MB, the largest shard
/// index about 100 KB, the largest real chat template about 20 KB.
constexpr uint64_t kSourceFileLimit = 64 * kMiB;     // .sgl source
constexpr uint64_t kPlanFileLimit = 256 * kMiB;      // .sglp plan
constexpr uint64_t kTokenizerJsonLimit = 256 * kMiB; // tokenizer.json
constexpr uint64_t kModelJsonLimit = 64 * kMiB;      // config.json & co.

/// What a file is for (used in messages) and how large it may be.
struct InputKind {
  const char *name; // "tokenizer.json", ".sgl source", "plan", ...
  uint64_t maxBytes;
};

/// Reads `path` whole: a regular file, or standard input when `path` is "-"
/// and `allowStdin`. Directories, devices, FIFOs and sockets are refused;
/// so is anything over `kind.maxBytes`, checked before memory is reserved
/// (and again while reading, for files that grow or streams).
Expected<std::string> readInputFile(const std::string &path, InputKind kind,
                                    bool allowStdin = false);

/// "256 MiB", "64 KiB", "12 bytes": a size as a person reads it.
std::string formatByteSize(uint64_t bytes);

/// What a file that is not a regular one is ("a directory", "a FIFO",
/// ...), for messages like "PATH: is a FIFO, not a plan". `mode` is
/// stat's st_mode.
const char *fileTypeName(unsigned mode);

} // namespace sgl

#endif // SGL_RUNTIME_SUPPORT_INPUTFILE_H
