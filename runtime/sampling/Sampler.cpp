//===- Sampler.cpp - Next-token choice from logits ------------------------===//
#include "runtime/sampling/Sampler.h"

#include <algorithm>
#include <cassert>
#include <cmath>
#include <limits>

namespace sgl::runtime {

int32_t argmax(std::span<const float> logits) {
  int32_t best = -1;
  for (size_t i = 0; i < logits.size(); ++i) {
    if (std::isnan(logits[i]))
      continue;
    if (best < 0 || logits[i] > logits[best])
      best = static_cast<int32_t>(i);
  }
  return best;
}

std::vector<double> logSoftmax(std::span<const float> logits) {
  std::vector<double> out(logits.size());
  if (logits.empty())
    return out;
  double maxLogit = -std::numeric_limits<double>::infinity();
  for (float l : logits)
    maxLogit = std::max(maxLogit, static_cast<double>(l));
  double sum = 0.0;
  for (float l : logits)
    sum += std::exp(static_cast<double>(l) - maxLogit);
  const double logSum = maxLogit + std::log(sum);
  for (size_t i = 0; i < logits.size(); ++i)
    out[i] = static_cast<double>(logits[i]) - logSum;
  return out;
}

Distribution buildDistribution(std::span<const float> logits,
                               const SamplingParams &params) {
  assert(params.temperature > 0 && "greedy sampling needs no distribution");
  Distribution dist;
  const float inf = std::numeric_limits<float>::infinity();
  // Candidates: every id with a usable logit. An infinite logit makes all
  // finite ones impossible, so only the infinite ones stay.
  bool anyInfinite = false;
  for (float l : logits)
    anyInfinite |= l == inf;
  for (size_t i = 0; i < logits.size(); ++i) {
    float l = logits[i];
    if (std::isnan(l) || l == -inf || (anyInfinite && l != inf))
      continue;
    dist.ids.push_back(static_cast<int32_t>(i));
  }
  if (dist.ids.empty())
    return dist;

  auto moreLikely = [&](int32_t a, int32_t b) {
    return logits[a] > logits[b] || (logits[a] == logits[b] && a < b);
  };
  // Without top-k/top-p the full vocabulary stays in id order: sorting 128k
  // entries per step would cost more than the draw it serves.
  if (params.topK > 0 && params.topK < dist.ids.size()) {
    std::partial_sort(dist.ids.begin(), dist.ids.begin() + params.topK,
                      dist.ids.end(), moreLikely);
    dist.ids.resize(params.topK);
  } else if (params.topP < 1.0f) {
    std::sort(dist.ids.begin(), dist.ids.end(), moreLikely);
  }

  const double temperature = params.temperature;
  double maxLogit = -std::numeric_limits<double>::infinity();
  for (int32_t id : dist.ids)
    maxLogit = std::max(maxLogit, static_cast<double>(logits[id]));
  dist.probs.resize(dist.ids.size());
  double sum = 0.0;
  for (size_t i = 0; i < dist.ids.size(); ++i) {
    double l = logits[dist.ids[i]];
    double p = anyInfinite ? 1.0 : std::exp((l - maxLogit) / temperature);
    dist.probs[i] = p;
    sum += p;
  }
  for (double &p : dist.probs)
    p /= sum;

  if (params.topP < 1.0f) {
    // Smallest most-likely-first prefix whose mass reaches top_p.
    const double topP = params.topP;
    double cumulative = 0.0;
    size_t keep = 0;
    while (keep < dist.probs.size()) {
      cumulative += dist.probs[keep++];
      if (cumulative >= topP)
        break;
    }
    dist.ids.resize(keep);
    dist.probs.resize(keep);
    for (double &p : dist.probs)
      p /= cumulative;
  }
  return dist;
}

int32_t drawFrom(const Distribution &dist, Rng &rng) {
  assert(!dist.ids.empty() && "drawing from an empty distribution");
  const double u = rng.uniform();
  double cumulative = 0.0;
  for (size_t i = 0; i < dist.ids.size(); ++i) {
    cumulative += dist.probs[i];
    if (u < cumulative)
      return dist.ids[i];
  }
  return dist.ids.back(); // u landed in the rounding slack at the top
}

int32_t sampleToken(std::span<const float> logits, const SamplingParams &params,
                    Rng &rng) {
  if (!(params.temperature > 0.0f))
    return argmax(logits);
  Distribution dist = buildDistribution(logits, params);
  if (dist.ids.empty())
    return argmax(logits);
  return drawFrom(dist, rng);
}

} // namespace sgl::runtime
