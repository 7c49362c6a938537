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

namespace {

/// One candidate token. `weight` is 1 while top-k counts tokens, then its
/// probability.
struct Candidate {
  float logit;
  int32_t id;
  double weight;
};

/// "Most likely first", a total order: higher logit, then lower id.
class MoreLikely {
public:
  explicit MoreLikely(SamplingCost *cost) : cost_(cost) {}
  bool operator()(const Candidate &a, const Candidate &b) const {
    if (cost_)
      ++cost_->comparisons;
    return a.logit > b.logit || (a.logit == b.logit && a.id < b.id);
  }

private:
  SamplingCost *cost_;
};

/// Walking `items` most likely first and summing their weights, the first
/// one at which the sum reaches `target` (inclusive: sum >= target) or
/// passes it (sum > target); the least likely one when the sum never does.
/// A quickselect that keeps only the side holding the crossing, so it costs
/// O(items) expected; it partitions in place with median-of-three pivots
/// (reordering `items`) by its own rules, so the result and the rounding of
/// its sums do not depend on the standard library. Past a depth limit the
/// rest is sorted, which bounds the worst case by O(n log n).
Candidate findCrossing(std::span<Candidate> items, double target,
                       bool inclusive, const MoreLikely &moreLikely) {
  assert(!items.empty() && "no candidates");
  auto crosses = [&](double sum) {
    return inclusive ? sum >= target : sum > target;
  };
  int depthLeft = 8;
  for (size_t n = items.size(); n > 1; n >>= 1)
    depthLeft += 2;
  double before = 0.0; // weight of the candidates ranked above [lo, hi)
  size_t lo = 0, hi = items.size();
  while (true) {
    const size_t n = hi - lo;
    if (n <= 16 || depthLeft-- == 0) {
      std::sort(items.begin() + lo, items.begin() + hi, moreLikely);
      for (size_t i = lo; i < hi; ++i) {
        before += items[i].weight;
        if (crosses(before))
          return items[i];
      }
      return items[hi - 1];
    }
    const Candidate &a = items[lo], &b = items[lo + n / 2], &c = items[hi - 1];
    const Candidate pivot =
        moreLikely(a, b) ? (moreLikely(b, c) ? b : (moreLikely(a, c) ? c : a))
                         : (moreLikely(a, c) ? a : (moreLikely(b, c) ? c : b));
    // [lo, mid): more likely than the pivot; then the pivot; then the rest.
    size_t mid = lo;
    double aboveWeight = 0.0;
    for (size_t i = lo; i < hi; ++i)
      if (moreLikely(items[i], pivot)) {
        aboveWeight += items[i].weight;
        std::swap(items[i], items[mid++]);
      }
    if (mid > lo && crosses(before + aboveWeight)) {
      hi = mid;
      continue;
    }
    before += aboveWeight;
    before += pivot.weight;
    size_t at = mid;
    while (items[at].id != pivot.id)
      ++at;
    std::swap(items[at], items[mid]);
    if (crosses(before) || mid + 1 == hi)
      return pivot;
    lo = mid + 1;
  }
}

/// top-k up to this keeps the k best with a bounded heap (O(n log k) at
/// worst, about n comparisons on real logits), which leaves them sorted; a
/// larger k selects in O(n).
constexpr size_t kHeapTopK = 1024;
/// A candidate set up to this size is sorted before top-p; a larger one is
/// cut by weighted selection.
constexpr size_t kSortedTopP = 1024;

/// Filters unusable logits: NaN and -inf never; when any logit is +inf, only
/// the +inf ones (they make every finite one impossible).
template <typename F> bool forEachUsable(std::span<const float> logits, F f) {
  const float inf = std::numeric_limits<float>::infinity();
  bool anyInfinite = false;
  for (float l : logits)
    anyInfinite |= l == inf;
  for (size_t i = 0; i < logits.size(); ++i) {
    float l = logits[i];
    if (std::isnan(l) || l == -inf || (anyInfinite && l != inf))
      continue;
    f(l, static_cast<int32_t>(i));
  }
  return anyInfinite;
}

/// exp((logit - max) / T): at most 1, and exactly 1 for the largest logit,
/// so no temperature, however small or large, gives inf or NaN.
double weightOf(double logit, double maxLogit, double temperature,
                bool anyInfinite) {
  return anyInfinite ? 1.0 : std::exp((logit - maxLogit) / temperature);
}

/// Without top-k and top-p: every usable id that min-p keeps, in id order,
/// and its weight; returns their sum (probability = weight / sum).
double unfiltered(std::span<const float> logits, const SamplingParams &params,
                  std::vector<int32_t> &ids, std::vector<double> &weights) {
  double maxLogit = -std::numeric_limits<double>::infinity();
  ids.reserve(logits.size());
  bool anyInfinite = forEachUsable(logits, [&](float l, int32_t id) {
    ids.push_back(id);
    maxLogit = std::max(maxLogit, static_cast<double>(l));
  });
  weights.resize(ids.size());
  // A weight is the token's probability over the most likely one's, which
  // is what min-p bounds.
  const bool minP = params.minP > 0;
  size_t kept = 0;
  double sum = 0.0;
  for (size_t i = 0; i < ids.size(); ++i) {
    const double weight =
        weightOf(logits[ids[i]], maxLogit, params.temperature, anyInfinite);
    if (minP && !(weight >= params.minP))
      continue;
    ids[kept] = ids[i];
    weights[kept++] = weight;
    sum += weight;
  }
  ids.resize(kept);
  weights.resize(kept);
  return sum;
}

/// forEachUsable less the tokens min-p drops: those whose probability is
/// below min_p times the largest (whose weight, probability over the
/// largest, is below min_p).
template <typename F>
bool forEachKept(std::span<const float> logits, const SamplingParams &params,
                 F f) {
  if (!(params.minP > 0))
    return forEachUsable(logits, f);
  double maxLogit = -std::numeric_limits<double>::infinity();
  const bool anyInfinite = forEachUsable(logits, [&](float l, int32_t) {
    maxLogit = std::max(maxLogit, static_cast<double>(l));
  });
  forEachUsable(logits, [&](float l, int32_t id) {
    if (weightOf(l, maxLogit, params.temperature, anyInfinite) >= params.minP)
      f(l, id);
  });
  return anyInfinite;
}

/// How filtered() leaves its candidates. A draw walks them in id order
/// when no top-k/top-p applies, else most likely first.
enum class Order {
  Id,     ///< no filter applied: walk in id order
  Sorted, ///< most likely first
  Ranked, ///< to be walked most likely first, but stored unsorted
};

/// min-p, top-k and top-p: the candidates left, with their final
/// probabilities as weights, and in which order they are.
std::vector<Candidate> filtered(std::span<const float> logits,
                                const SamplingParams &params,
                                const MoreLikely &moreLikely, Order &order) {
  std::vector<Candidate> out;
  order = Order::Id;
  bool sorted = false;
  bool anyInfinite = false;
  const size_t k = params.topK;
  if (k > 0 && k <= kHeapTopK) {
    // The k most likely through a bounded heap whose top is the least
    // likely kept: one comparison for most tokens, and no copy of the
    // vocabulary.
    size_t usable = 0;
    out.reserve(k);
    anyInfinite = forEachKept(logits, params, [&](float l, int32_t id) {
      const Candidate c{l, id, 1.0};
      if (++usable <= k) {
        out.push_back(c);
        if (usable == k)
          std::make_heap(out.begin(), out.end(), moreLikely);
      } else if (moreLikely(c, out.front())) {
        std::pop_heap(out.begin(), out.end(), moreLikely);
        out.back() = c;
        std::push_heap(out.begin(), out.end(), moreLikely);
      }
    });
    if (usable > k) {
      std::sort_heap(out.begin(), out.end(), moreLikely);
      sorted = true;
    } else if (usable == k) {
      // top-k keeps everything and is off: back to id order.
      std::sort(
          out.begin(), out.end(),
          [](const Candidate &a, const Candidate &b) { return a.id < b.id; });
    }
  } else {
    out.reserve(logits.size());
    anyInfinite = forEachKept(logits, params, [&](float l, int32_t id) {
      out.push_back({l, id, 1.0});
    });
  }
  if (out.empty())
    return out;
  // Keeps `last` and every candidate more likely than it, in their order.
  auto keepUpTo = [&](const Candidate &last) {
    size_t kept = 0;
    for (const Candidate &c : out)
      if (c.id == last.id || moreLikely(c, last))
        out[kept++] = c;
    out.resize(kept);
  };

  const bool topP = params.topP < 1.0f;
  bool ranked = sorted || topP;
  // top-k at or above the candidate count is off.
  if (k > kHeapTopK && k < out.size()) {
    // The k-th most likely (unique under the total order) bounds the rest.
    keepUpTo(findCrossing(out, static_cast<double>(k), /*inclusive=*/true,
                          moreLikely));
    ranked = true;
  }
  if (topP && !sorted && out.size() <= kSortedTopP) {
    std::sort(out.begin(), out.end(), moreLikely);
    sorted = true;
  }
  order = sorted ? Order::Sorted : ranked ? Order::Ranked : Order::Id;

  const double temperature = params.temperature;
  double maxLogit = -std::numeric_limits<double>::infinity();
  for (const Candidate &c : out)
    maxLogit = std::max(maxLogit, static_cast<double>(c.logit));
  double sum = 0.0;
  for (Candidate &c : out) {
    c.weight = weightOf(c.logit, maxLogit, temperature, anyInfinite);
    sum += c.weight;
  }
  for (Candidate &c : out)
    c.weight /= sum;
  if (!topP)
    return out;

  // Smallest most-likely-first prefix whose mass reaches top_p.
  double kept = 0.0;
  if (sorted) {
    size_t n = 0;
    while (n < out.size()) {
      kept += out[n++].weight;
      if (kept >= params.topP)
        break;
    }
    out.resize(n);
  } else {
    keepUpTo(findCrossing(out, params.topP, /*inclusive=*/true, moreLikely));
    for (const Candidate &c : out)
      kept += c.weight;
  }
  for (Candidate &c : out)
    c.weight /= kept;
  return out;
}

} // namespace

Distribution buildDistribution(std::span<const float> logits,
                               const SamplingParams &params,
                               SamplingCost *cost) {
  assert(params.temperature > 0 && "greedy sampling needs no distribution");
  Distribution dist;
  if (!(params.topK > 0) && !(params.topP < 1.0f)) {
    // No top-k/top-p: the full vocabulary stays in id order (sorting 128k
    // entries per step would cost more than the draw it serves).
    double sum = unfiltered(logits, params, dist.ids, dist.probs);
    for (double &p : dist.probs)
      p /= sum;
    return dist;
  }
  MoreLikely moreLikely(cost);
  Order order = Order::Id;
  std::vector<Candidate> kept = filtered(logits, params, moreLikely, order);
  if (order == Order::Ranked)
    std::sort(kept.begin(), kept.end(), moreLikely);
  dist.ids.reserve(kept.size());
  dist.probs.reserve(kept.size());
  for (const Candidate &c : kept) {
    dist.ids.push_back(c.id);
    dist.probs.push_back(c.weight);
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
  // u landed in the rounding slack at the top: the last possible token.
  for (size_t i = dist.ids.size(); i-- > 0;)
    if (dist.probs[i] > 0)
      return dist.ids[i];
  return dist.ids.back();
}

int32_t sampleToken(std::span<const float> logits, const SamplingParams &params,
                    Rng &rng, SamplingCost *cost) {
  if (!(params.temperature > 0.0f))
    return argmax(logits);
  if (!(params.topK > 0) && !(params.topP < 1.0f)) {
    // As drawFrom(buildDistribution(...)), without the copies.
    std::vector<int32_t> ids;
    std::vector<double> weights;
    const double sum = unfiltered(logits, params, ids, weights);
    if (ids.empty())
      return argmax(logits);
    const double u = rng.uniform();
    double cumulative = 0.0;
    for (size_t i = 0; i < ids.size(); ++i) {
      cumulative += weights[i] / sum;
      if (u < cumulative)
        return ids[i];
    }
    for (size_t i = ids.size(); i-- > 0;)
      if (weights[i] > 0)
        return ids[i];
    return ids.back();
  }
  MoreLikely moreLikely(cost);
  Order order = Order::Id;
  std::vector<Candidate> kept = filtered(logits, params, moreLikely, order);
  if (kept.empty())
    return argmax(logits);
  const double u = rng.uniform();
  if (order != Order::Ranked) {
    // Walk them in the order buildDistribution lists them.
    double cumulative = 0.0;
    for (const Candidate &c : kept) {
      cumulative += c.weight;
      if (u < cumulative)
        return c.id;
    }
    for (size_t i = kept.size(); i-- > 0;)
      if (kept[i].weight > 0)
        return kept[i].id;
    return kept.back().id;
  }
  // Most likely first without sorting. Tokens of probability 0 (underflow
  // at a tiny temperature) are never drawn, not even from rounding slack.
  std::erase_if(kept, [](const Candidate &c) { return !(c.weight > 0); });
  if (kept.empty())
    return argmax(logits);
  return findCrossing(kept, u, /*inclusive=*/false, moreLikely).id;
}

int64_t applyTokenMask(std::span<float> logits, const TokenMask &mask) {
  int64_t allowed = 0;
  for (size_t i = 0; i < logits.size(); ++i) {
    if (mask.allows(static_cast<int32_t>(i)))
      ++allowed;
    else
      logits[i] = -std::numeric_limits<float>::infinity();
  }
  return allowed;
}

int32_t sampleMaskedToken(std::span<float> logits, const TokenMask &mask,
                          const SamplingParams &params, Rng &rng) {
  if (applyTokenMask(logits, mask) == 0)
    return -1;
  const int32_t id = sampleToken(logits, params, rng);
  return id >= 0 && mask.allows(id) ? id : -1;
}

} // namespace sgl::runtime
