//===- SchemaRun.cpp - One schema through the MaskBench method ------------===//
#include "bench/maskbench/SchemaRun.h"

#include "bench/ThreadClock.h"
#include "bench/maskbench/IsolatedRun.h"
#include "runtime/constraints/JsonSchema.h"
#include "runtime/support/MessageText.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <random>
#include <stdexcept>

namespace sgl::bench {

using namespace runtime::constraints;

namespace {

/// No budget binds: MaskBench's masks are those of an unbounded gen.
constexpr uint32_t kNoBudget = UINT32_MAX;

bool hasBit(std::span<const uint64_t> mask, int32_t token) {
  auto word = static_cast<size_t>(token) / 64;
  return word < mask.size() && (mask[word] >> (token % 64)) & 1;
}

/// The FNV-1a hash of a schema's name: each schema samples its own
/// positions, whatever else the run holds (--filter).
uint64_t nameHash(const std::string &name) {
  uint64_t hash = 0xcbf29ce484222325ull;
  for (char c : name)
    hash = (hash ^ static_cast<unsigned char>(c)) * 0x100000001b3ull;
  return hash;
}

/// A uniform sample of the masks a schema's run computes, kept with the
/// text before each (reservoir sampling: the count is not known ahead, as
/// a refused token ends its instance early).
class MaskSample {
public:
  MaskSample(int32_t size, uint64_t seed) : size_(size), rng_(seed) {}

  bool enabled() const { return size_ > 0; }
  void offer(std::string_view prefix, std::span<const uint64_t> mask) {
    int64_t slot =
        seen_ < size_
            ? seen_
            : static_cast<int64_t>(rng_() % static_cast<uint64_t>(seen_ + 1));
    ++seen_;
    if (slot >= size_)
      return;
    if (slot == static_cast<int64_t>(kept_.size()))
      kept_.emplace_back();
    kept_[slot].prefix.assign(prefix);
    kept_[slot].mask.assign(mask.begin(), mask.end());
  }
  MaskComparison compare(const Constraint &constraint,
                         const ConstraintVocabulary &vocabulary) const {
    MaskComparison total;
    for (const Kept &kept : kept_)
      total.add(
          compareWithReference(constraint, vocabulary, kept.prefix, kept.mask));
    return total;
  }

private:
  struct Kept {
    std::string prefix;
    std::vector<uint64_t> mask;
  };
  int64_t size_;
  int64_t seen_ = 0;
  std::mt19937_64 rng_;
  std::vector<Kept> kept_;
};

/// Records instance `index`'s verdict.
void score(SchemaResult &result, size_t index, bool valid, bool accepted,
           const std::string &why) {
  if (accepted == valid) {
    ++result.instancesCorrect;
    return;
  }
  (valid ? result.validationErrors : result.invalidationErrors)++;
  if (result.detail.empty())
    result.detail = "instance " + std::to_string(index) +
                    (valid ? " (valid) " : " (invalid) accepted") + why;
}

void classify(SchemaResult &result) {
  result.status = result.invalidationErrors > 0
                      ? SchemaStatus::InvalidationError
                  : result.validationErrors > 0 ? SchemaStatus::ValidationError
                                                : SchemaStatus::Passing;
}

void checkTexts(const Constraint &constraint, const BenchSchema &schema,
                SchemaResult &result) {
  for (size_t i = 0; i < schema.instances.size(); ++i) {
    const BenchInstance &instance = schema.instances[i];
    ConstraintCheck check = constraint.check(instance.text);
    score(result, i, instance.valid, check.accepted,
          instance.valid
              ? "rejected at byte " + std::to_string(check.errorOffset)
              : "");
  }
}

/// Step 2 of the method for one instance; true when every token and the
/// EOS were allowed and the end is accepting.
bool followMasks(ConstraintMasks &masks, std::span<const int32_t> tokens,
                 MaskSample &sample, SchemaResult &result, std::string &why) {
  const ConstraintVocabulary &vocabulary = masks.vocabulary();
  ConstraintMatcher matcher(masks);
  std::string prefix; // the bytes so far, for the reference
  for (size_t j = 0; j <= tokens.size(); ++j) {
    bool isEos = j == tokens.size();
    int32_t token = isEos ? vocabulary.eosIds.front() : tokens[j];
    double start = 1e6 * threadSeconds();
    std::span<const uint64_t> mask = matcher.allowedTokens(kNoBudget);
    result.maskMicros.push_back(
        static_cast<float>(1e6 * threadSeconds() - start));
    if (sample.enabled())
      sample.offer(prefix, mask);
    std::string where = isEos ? "EOS after " + std::to_string(j) + " tokens"
                              : "token " + std::to_string(j) + " of " +
                                    std::to_string(tokens.size()) + " (id " +
                                    std::to_string(token) + " " +
                                    sgl::quoted(vocabulary.tokenBytes[token]) +
                                    ")";
    if (!hasBit(mask, token)) {
      why = where + " refused";
      return false;
    }
    if (!matcher.accept(token)) {
      ++result.acceptDisagreements;
      why = where + " allowed by the mask but refused by accept()";
      return false;
    }
    ++result.tokens;
    if (!isEos && sample.enabled())
      prefix += vocabulary.tokenBytes[token];
  }
  if (!matcher.accepting()) {
    why = "EOS taken but the matcher is not accepting";
    return false;
  }
  return true;
}

void followAllMasks(std::shared_ptr<const Constraint> constraint,
                    const BenchSchema &schema, const SchemaRunOptions &options,
                    double start, SchemaResult &result) {
  ConstraintMasks masks(std::move(constraint), *options.vocabulary);
  result.ttfmMicros = 1e6 * threadSeconds() - start;

  std::vector<std::vector<int32_t>> tokens;
  for (const BenchInstance &instance : schema.instances) {
    // Data: a "<|eot_id|>" inside a string is spelt, not the token.
    runtime::TextRun run{instance.text, /*allowSpecial=*/false};
    Expected<std::vector<int32_t>> ids =
        options.tokenizer->tryEncodeRuns({&run, 1});
    if (!ids)
      throw std::runtime_error("tokenizing an instance: " +
                               ids.error().message);
    tokens.push_back(ids.take());
  }
  MaskSample sample(options.verifyMasks, options.seed ^ nameHash(schema.name));
  for (size_t i = 0; i < schema.instances.size(); ++i) {
    std::string why;
    bool accepted = followMasks(masks, tokens[i], sample, result, why);
    score(result, i, schema.instances[i].valid, accepted,
          schema.instances[i].valid ? why : "");
  }
  if (sample.enabled()) {
    PausedTimeout paused; // the reference is no part of the benchmark
    result.verified = sample.compare(masks.constraint(), *options.vocabulary);
  }
  ConstraintMasks::Stats stats = masks.stats();
  result.masksBuilt = stats.masksBuilt;
  result.masksCached = stats.masksCached;
}

} // namespace

const char *statusName(SchemaStatus status) {
  switch (status) {
  case SchemaStatus::Passing:
    return "passing";
  case SchemaStatus::CompileError:
    return "compile error";
  case SchemaStatus::Crash:
    return "crash";
  case SchemaStatus::Timeout:
    return "timeout";
  case SchemaStatus::ValidationError:
    return "validation error";
  case SchemaStatus::InvalidationError:
    return "invalidation error";
  }
  return "unknown";
}

SchemaResult runSchema(const BenchSchema &schema,
                       const SchemaRunOptions &options) {
  SchemaResult result;
  result.name = schema.name;
  result.file = schema.file;
  result.instances = static_cast<int32_t>(schema.instances.size());
  double start = 1e6 * threadSeconds();
  Expected<std::shared_ptr<Constraint>> constraint =
      compileJsonSchema(schema.schemaText);
  if (!constraint) {
    result.status = SchemaStatus::CompileError;
    result.detail = constraint.error().message;
    return result;
  }
  if (options.tokenizer) {
    followAllMasks(*constraint, schema, options, start, result);
  } else {
    result.ttfmMicros = 1e6 * threadSeconds() - start;
    checkTexts(**constraint, schema, result);
  }
  classify(result);
  return result;
}

nlohmann::ordered_json resultToJson(const SchemaResult &r, bool withSamples) {
  nlohmann::ordered_json json = {
      {"name", r.name},
      {"file", r.file},
      {"status", statusName(r.status)},
      {"detail", r.detail},
      {"instances", r.instances},
      {"instances_correct", r.instancesCorrect},
      {"validation_errors", r.validationErrors},
      {"invalidation_errors", r.invalidationErrors},
      {"ttfm_us", r.ttfmMicros},
      {"tokens", r.tokens},
      {"masks", r.maskMicros.size()},
      {"slowest_mask_us",
       r.maskMicros.empty()
           ? 0.0f
           : *std::max_element(r.maskMicros.begin(), r.maskMicros.end())},
      {"accept_disagreements", r.acceptDisagreements},
      {"masks_built", r.masksBuilt},
      {"masks_cached", r.masksCached},
      {"verified_masks", r.verified.masks},
      {"over_constrained_tokens", r.verified.overConstrainedTokens},
      {"over_constrained_masks", r.verified.overConstrainedMasks},
      {"under_constrained_tokens", r.verified.underConstrainedTokens},
      {"under_constrained_masks", r.verified.underConstrainedMasks},
      {"first_mask_difference", r.verified.firstDifference},
  };
  if (withSamples)
    json["mask_us"] = r.maskMicros;
  return json;
}

SchemaResult resultFromJson(const nlohmann::ordered_json &json) {
  SchemaResult r;
  r.name = json.at("name").get<std::string>();
  r.file = json.at("file").get<std::string>();
  std::string status = json.at("status").get<std::string>();
  for (SchemaStatus s :
       {SchemaStatus::Passing, SchemaStatus::CompileError, SchemaStatus::Crash,
        SchemaStatus::Timeout, SchemaStatus::ValidationError,
        SchemaStatus::InvalidationError})
    if (status == statusName(s))
      r.status = s;
  r.detail = json.at("detail").get<std::string>();
  r.instances = json.at("instances").get<int32_t>();
  r.instancesCorrect = json.at("instances_correct").get<int32_t>();
  r.validationErrors = json.at("validation_errors").get<int32_t>();
  r.invalidationErrors = json.at("invalidation_errors").get<int32_t>();
  r.ttfmMicros = json.at("ttfm_us").get<double>();
  r.tokens = json.at("tokens").get<int64_t>();
  r.acceptDisagreements = json.at("accept_disagreements").get<int64_t>();
  r.masksBuilt = json.at("masks_built").get<int64_t>();
  r.masksCached = json.at("masks_cached").get<int64_t>();
  r.verified.masks = json.at("verified_masks").get<int64_t>();
  r.verified.overConstrainedTokens =
      json.at("over_constrained_tokens").get<int64_t>();
  r.verified.overConstrainedMasks =
      json.at("over_constrained_masks").get<int64_t>();
  r.verified.underConstrainedTokens =
      json.at("under_constrained_tokens").get<int64_t>();
  r.verified.underConstrainedMasks =
      json.at("under_constrained_masks").get<int64_t>();
  r.verified.firstDifference =
      json.at("first_mask_difference").get<std::string>();
  if (json.contains("mask_us"))
    r.maskMicros = json["mask_us"].get<std::vector<float>>();
  return r;
}

} // namespace sgl::bench
