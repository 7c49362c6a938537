//===- Normalizer.cpp - tokenizer.json normalizers ------------------------===//
//
// Unicode normalization forms through utf8proc_map.
//
//===----------------------------------------------------------------------===//
#include "runtime/tokenizer/Normalizer.h"

#include "runtime/tokenizer/JsonInput.h"

#include <nlohmann/json.hpp>
#include <utf8proc.h>

#include <algorithm>
#include <cstdlib>

namespace sgl::runtime {

namespace {

Status collect(const nlohmann::json &config,
               std::vector<Normalizer::Form> &forms) {
  if (config.is_null())
    return Status::ok();
  const nlohmann::json &typeValue = member(config, "type");
  if (!typeValue.is_string())
    return makeError("normalizer has no 'type'");
  const std::string &type = typeValue.get_ref<const std::string &>();
  if (type == "Sequence") {
    const nlohmann::json &list = member(config, "normalizers");
    if (!list.is_array())
      return makeError("normalizer Sequence has no 'normalizers' array");
    for (const auto &item : list)
      if (Status status = collect(item, forms); !status)
        return status;
    return Status::ok();
  }
  if (forms.size() >= Normalizer::kMaxForms)
    return makeError("normalizer has more than " +
                     std::to_string(Normalizer::kMaxForms) + " steps");
  if (type == "NFC")
    forms.push_back(Normalizer::Form::NFC);
  else if (type == "NFD")
    forms.push_back(Normalizer::Form::NFD);
  else if (type == "NFKC")
    forms.push_back(Normalizer::Form::NFKC);
  else if (type == "NFKD")
    forms.push_back(Normalizer::Form::NFKD);
  else
    return makeError("unsupported normalizer type " + singleQuoted(type));
  return Status::ok();
}

int utf8procOptions(Normalizer::Form form) {
  switch (form) {
  case Normalizer::Form::NFC:
    return UTF8PROC_STABLE | UTF8PROC_COMPOSE;
  case Normalizer::Form::NFD:
    return UTF8PROC_STABLE | UTF8PROC_DECOMPOSE;
  case Normalizer::Form::NFKC:
    return UTF8PROC_STABLE | UTF8PROC_COMPOSE | UTF8PROC_COMPAT;
  case Normalizer::Form::NFKD:
    return UTF8PROC_STABLE | UTF8PROC_DECOMPOSE | UTF8PROC_COMPAT;
  }
  return UTF8PROC_STABLE;
}

} // namespace

Expected<Normalizer> Normalizer::fromJson(const nlohmann::json &config) {
  Normalizer normalizer;
  if (Status status = collect(config, normalizer.forms_); !status)
    return status.error();
  return normalizer;
}

std::string Normalizer::normalize(std::string_view text) const {
  std::string current(text);
  // ASCII is invariant under every normalization form.
  if (forms_.empty() || std::all_of(current.begin(), current.end(), [](char c) {
        return static_cast<unsigned char>(c) < 0x80;
      }))
    return current;
  for (Form form : forms_) {
    utf8proc_uint8_t *mapped = nullptr;
    utf8proc_ssize_t length =
        utf8proc_map(reinterpret_cast<const utf8proc_uint8_t *>(current.data()),
                     static_cast<utf8proc_ssize_t>(current.size()), &mapped,
                     static_cast<utf8proc_option_t>(utf8procOptions(form)));
    // Input is validated UTF-8, so a failure means out of memory; keep the
    // text unnormalized rather than dropping it.
    if (length >= 0)
      current.assign(reinterpret_cast<const char *>(mapped),
                     static_cast<size_t>(length));
    std::free(mapped);
  }
  return current;
}

} // namespace sgl::runtime
