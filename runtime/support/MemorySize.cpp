//===- MemorySize.cpp - "512M", "4G", "25%" as a byte count ---------------===//
#include "runtime/support/MemorySize.h"

#include "runtime/support/MessageText.h"

#include <cctype>
#include <cmath>
#include <string>

#include <unistd.h>

namespace sgl {

int64_t physicalMemoryBytes() {
  const long pages = ::sysconf(_SC_PHYS_PAGES), size = ::sysconf(_SC_PAGESIZE);
  return pages > 0 && size > 0 ? static_cast<int64_t>(pages) * size : 0;
}

Expected<int64_t> parseMemorySize(std::string_view text,
                                  int64_t physicalBytes) {
  auto bad = [&](const std::string &why) {
    return makeError("invalid memory size " + quoted(text) + ": " + why +
                     " (examples: 512M, 4G, 25%)");
  };
  size_t digits = 0;
  while (digits < text.size() &&
         (std::isdigit(static_cast<unsigned char>(text[digits])) ||
          text[digits] == '.'))
    ++digits;
  if (digits == 0 || digits > 18)
    return bad("expected a number");
  const std::string number(text.substr(0, digits));
  std::string unit(text.substr(digits));
  for (char &c : unit)
    c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  if (number.find('.') != std::string::npos && unit != "%")
    return bad("a byte count is a whole number");
  if (number.find('.') != number.rfind('.') || number.back() == '.')
    return bad("expected a number");
  double value = std::stod(number);
  if (unit == "%") {
    if (value < 1 || value > 100)
      return bad("a percentage of memory is between 1% and 100%");
    if (physicalBytes <= 0)
      return bad("this machine's memory size is unknown");
    return static_cast<int64_t>(std::floor(value / 100 * physicalBytes));
  }
  double scale = 1;
  if (unit == "" || unit == "B")
    scale = 1;
  else if (unit == "K" || unit == "KB" || unit == "KIB")
    scale = 1024.0;
  else if (unit == "M" || unit == "MB" || unit == "MIB")
    scale = 1024.0 * 1024;
  else if (unit == "G" || unit == "GB" || unit == "GIB")
    scale = 1024.0 * 1024 * 1024;
  else
    return bad("unknown unit " + quoted(text.substr(digits)));
  const double bytes = value * scale;
  if (bytes < 1)
    return bad("must be at least 1 byte");
  if (physicalBytes > 0 && bytes > static_cast<double>(physicalBytes))
    return bad("more than this machine's " +
               std::to_string(physicalBytes >> 20) + " MiB of memory");
  return static_cast<int64_t>(bytes);
}

} // namespace sgl
