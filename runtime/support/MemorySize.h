//===- MemorySize.h - "512M", "4G", "25%" as a byte count -------*- C++ -*-===//
#ifndef SGL_RUNTIME_SUPPORT_MEMORYSIZE_H
#define SGL_RUNTIME_SUPPORT_MEMORYSIZE_H

#include "runtime/support/Expected.h"

#include <cstdint>
#include <string_view>

namespace sgl {

/// Parses a memory size: a whole number of bytes with an optional K, M or
/// G suffix (powers of 1024, case-insensitive, an optional trailing B or
/// iB), or a percentage (1% to 100%, decimals allowed) of `physicalBytes`.
/// The result is at least 1 and at most physicalBytes (when that is > 0).
Expected<int64_t> parseMemorySize(std::string_view text, int64_t physicalBytes);

/// The machine's physical memory in bytes (0 if unknown).
int64_t physicalMemoryBytes();

} // namespace sgl

#endif // SGL_RUNTIME_SUPPORT_MEMORYSIZE_H
