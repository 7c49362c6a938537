//===- LlamaModel.cpp - Llama-family transformer on the CPU ---------------===//
#include "runtime/model/LlamaModel.h"

#include <algorithm>
#include <cassert>
#include <cmath>
#include <cstdio>
#include <limits>
#include <new>
#include <numbers>
#include <set>

#include <unistd.h>

namespace sgl::runtime {

namespace {

using kernels::MatrixView;

std::string shapeString(const std::vector<int64_t> &shape) {
  TensorRef ref;
  ref.shape = shape;
  return ref.shapeString();
}

/// Finds `name` and checks its dtype and shape.
Expected<const TensorRef *> findTensor(const Checkpoint &ckpt,
                                       const std::string &name,
                                       const std::vector<int64_t> &shape) {
  const TensorRef *ref = ckpt.find(name);
  if (!ref)
    return makeError("checkpoint has no tensor '" + name + "'");
  if (ref->dtype != DType::F32 && ref->dtype != DType::BF16)
    return makeError("tensor '" + name + "' has dtype " +
                     std::string(dtypeName(ref->dtype)) +
                     "; only F32 and BF16 weights are supported");
  if (ref->shape != shape)
    return makeError("tensor '" + name + "' has shape " + ref->shapeString() +
                     ", expected " + shapeString(shape));
  return ref;
}

Expected<MatrixView> bindMatrix(const Checkpoint &ckpt, const std::string &name,
                                int64_t rows, int64_t cols) {
  Expected<const TensorRef *> ref = findTensor(ckpt, name, {rows, cols});
  if (!ref)
    return ref.error();
  MatrixView view;
  view.data = (*ref)->data;
  view.type = (*ref)->dtype == DType::BF16 ? kernels::WeightType::BF16
                                           : kernels::WeightType::F32;
  view.rows = rows;
  view.cols = cols;
  return view;
}

/// Small 1-D tensors (norms, biases) are widened into an fp32 copy; with
/// `keep` false only checked.
Status bindVector(const Checkpoint &ckpt, const std::string &name, int64_t n,
                  std::vector<float> &out, bool keep) {
  Expected<const TensorRef *> ref = findTensor(ckpt, name, {n});
  if (!ref)
    return ref.error();
  if (!keep)
    return Status::ok();
  out.resize(static_cast<size_t>(n));
  if ((*ref)->dtype == DType::F32)
    std::memcpy(out.data(), (*ref)->data, sizeof(float) * n);
  else
    kernels::convertBF16ToF32(static_cast<const uint16_t *>((*ref)->data),
                              out.data(), n);
  return Status::ok();
}

#define SGL_ASSIGN(lhs, expr)                                                  \
  do {                                                                         \
    auto _v = (expr);                                                          \
    if (!_v)                                                                   \
      return _v.error();                                                       \
    lhs = *_v;                                                                 \
  } while (false)

#define SGL_TRY(expr)                                                          \
  do {                                                                         \
    if (::sgl::Status _s = (expr); !_s)                                        \
      return _s.error();                                                       \
  } while (false)

/// num_hidden_layers must equal the layers the checkpoint has tensors for,
/// before anything is sized by it.
Status checkLayerCount(const ModelConfig &c, const Checkpoint &ckpt) {
  constexpr std::string_view kPrefix = "model.layers.";
  std::set<int64_t> present;
  for (const std::string &name : ckpt.names()) {
    if (name.rfind(kPrefix, 0) != 0)
      continue;
    size_t end = name.find('.', kPrefix.size());
    std::string_view digits =
        std::string_view(name).substr(kPrefix.size(), end - kPrefix.size());
    if (digits.empty() || digits.size() > 9 ||
        digits.find_first_not_of("0123456789") != std::string_view::npos)
      continue;
    present.insert(std::stoll(std::string(digits)));
  }
  const int64_t count = static_cast<int64_t>(present.size());
  if (count == c.numLayers)
    return Status::ok();
  std::string has = "no model.layers.N tensors";
  if (count == 1)
    has = "tensors for 1 layer (model.layers." +
          std::to_string(*present.begin()) + ")";
  else if (count > 1)
    has = "tensors for " + std::to_string(count) + " layers (model.layers." +
          std::to_string(*present.begin()) + " to model.layers." +
          std::to_string(*present.rbegin()) + ")";
  return makeError("num_hidden_layers is " + std::to_string(c.numLayers) +
                   " but the checkpoint has " + has);
}

/// The product of `factors` (all >= 0), or -1 when it leaves int64.
int64_t checkedProduct(std::initializer_list<int64_t> factors) {
  int64_t out = 1;
  for (int64_t f : factors) {
    if (f != 0 && out > std::numeric_limits<int64_t>::max() / f)
      return -1;
    out *= f;
  }
  return out;
}

std::string gibString(double bytes) {
  char buf[64];
  std::snprintf(buf, sizeof(buf), "%.1f GiB", bytes / double(1 << 30));
  return buf;
}

/// log softmax(row)[target] in double, summed as logSoftmax() sums.
double logProbOf(const float *row, int64_t vocab, int32_t target) {
  double maxLogit = -std::numeric_limits<double>::infinity();
  for (int64_t i = 0; i < vocab; ++i)
    maxLogit = std::max(maxLogit, static_cast<double>(row[i]));
  double sum = 0.0;
  for (int64_t i = 0; i < vocab; ++i)
    sum += std::exp(static_cast<double>(row[i]) - maxLogit);
  return static_cast<double>(row[target]) - (maxLogit + std::log(sum));
}

} // namespace

std::vector<double> ropeInverseFrequencies(const ModelConfig &config) {
  const int64_t half = config.headDim / 2;
  std::vector<double> invFreq(static_cast<size_t>(half));
  for (int64_t i = 0; i < half; ++i)
    invFreq[i] = 1.0 / std::pow(config.ropeTheta,
                                static_cast<double>(2 * i) / config.headDim);
  const RopeScaling &s = config.ropeScaling;
  if (!s.enabled)
    return invFreq;
  const double lowFreqWavelen = s.originalMaxPositions / s.lowFreqFactor;
  const double highFreqWavelen = s.originalMaxPositions / s.highFreqFactor;
  for (double &f : invFreq) {
    double wavelen = 2.0 * std::numbers::pi / f;
    if (wavelen < highFreqWavelen)
      continue;
    if (wavelen > lowFreqWavelen) {
      f /= s.factor;
      continue;
    }
    double smooth = (s.originalMaxPositions / wavelen - s.lowFreqFactor) /
                    (s.highFreqFactor - s.lowFreqFactor);
    f = (1.0 - smooth) * f / s.factor + smooth * f;
  }
  return invFreq;
}

LlamaModel::LlamaModel(ModelConfig config,
                       std::unique_ptr<Checkpoint> checkpoint,
                       unsigned numThreads)
    : config_(std::move(config)), checkpoint_(std::move(checkpoint)),
      pool_(numThreads) {}

Expected<std::unique_ptr<LlamaModel>> LlamaModel::load(const std::string &dir,
                                                       unsigned numThreads) {
  Expected<ModelConfig> config = ModelConfig::load(dir);
  if (!config)
    return config.error();
  Expected<std::unique_ptr<Checkpoint>> ckpt = Checkpoint::open(dir);
  if (!ckpt)
    return ckpt.error();
  return create(config.take(), ckpt.take(), numThreads);
}

Expected<std::unique_ptr<LlamaModel>>
LlamaModel::create(ModelConfig config, std::unique_ptr<Checkpoint> checkpoint,
                   unsigned numThreads) {
  std::unique_ptr<LlamaModel> model(
      new LlamaModel(std::move(config), std::move(checkpoint), numThreads));
  if (Status s = bindWeights(model->config_, *model->checkpoint_, model.get());
      !s)
    return s.error();
  return model;
}

Status LlamaModel::checkCheckpoint(const ModelConfig &config,
                                   const Checkpoint &checkpoint) {
  return bindWeights(config, checkpoint, nullptr);
}

Status LlamaModel::bindWeights(const ModelConfig &c, const Checkpoint &ckpt,
                               LlamaModel *model) {
  // The layer count sizes layers_; everything else allocated here is a copy
  // of a tensor whose shape was just checked.
  SGL_TRY(checkLayerCount(c, ckpt));
  const bool keep = model != nullptr;
  const int64_t hidden = c.hiddenSize, qDim = c.numHeads * c.headDim,
                kvDim = c.numKVHeads * c.headDim, inter = c.intermediateSize;
  MatrixView embed, lmHead;
  std::vector<float> finalNorm;
  SGL_ASSIGN(embed, bindMatrix(ckpt, "model.embed_tokens.weight", c.vocabSize,
                               hidden));
  if (c.tieWordEmbeddings)
    lmHead = embed;
  else
    SGL_ASSIGN(lmHead, bindMatrix(ckpt, "lm_head.weight", c.vocabSize, hidden));
  SGL_TRY(bindVector(ckpt, "model.norm.weight", hidden, finalNorm, keep));
  Layer scratch; // the check-only pass binds every layer into this one
  if (keep)
    model->layers_.resize(static_cast<size_t>(c.numLayers));
  for (int64_t i = 0; i < c.numLayers; ++i) {
    Layer &l = keep ? model->layers_[i] : scratch;
    const std::string p = "model.layers." + std::to_string(i) + ".";
    SGL_TRY(bindVector(ckpt, p + "input_layernorm.weight", hidden, l.attnNorm,
                       keep));
    SGL_TRY(bindVector(ckpt, p + "post_attention_layernorm.weight", hidden,
                       l.mlpNorm, keep));
    SGL_ASSIGN(l.q,
               bindMatrix(ckpt, p + "self_attn.q_proj.weight", qDim, hidden));
    SGL_ASSIGN(l.k,
               bindMatrix(ckpt, p + "self_attn.k_proj.weight", kvDim, hidden));
    SGL_ASSIGN(l.v,
               bindMatrix(ckpt, p + "self_attn.v_proj.weight", kvDim, hidden));
    SGL_ASSIGN(l.o,
               bindMatrix(ckpt, p + "self_attn.o_proj.weight", hidden, qDim));
    if (c.attentionBias) {
      SGL_TRY(
          bindVector(ckpt, p + "self_attn.q_proj.bias", qDim, l.qBias, keep));
      SGL_TRY(
          bindVector(ckpt, p + "self_attn.k_proj.bias", kvDim, l.kBias, keep));
      SGL_TRY(
          bindVector(ckpt, p + "self_attn.v_proj.bias", kvDim, l.vBias, keep));
    }
    if (c.qkNorm) {
      SGL_TRY(bindVector(ckpt, p + "self_attn.q_norm.weight", c.headDim,
                         l.qNorm, keep));
      SGL_TRY(bindVector(ckpt, p + "self_attn.k_norm.weight", c.headDim,
                         l.kNorm, keep));
    }
    SGL_ASSIGN(l.gate,
               bindMatrix(ckpt, p + "mlp.gate_proj.weight", inter, hidden));
    SGL_ASSIGN(l.up, bindMatrix(ckpt, p + "mlp.up_proj.weight", inter, hidden));
    SGL_ASSIGN(l.down,
               bindMatrix(ckpt, p + "mlp.down_proj.weight", hidden, inter));
  }
  if (!keep)
    return Status::ok();
  model->embed_ = embed;
  model->lmHead_ = lmHead;
  model->finalNorm_ = std::move(finalNorm);
  // head_dim is backed by the q_proj shapes checked above.
  model->invFreq_ = ropeInverseFrequencies(c);
  return Status::ok();
}

std::vector<const kernels::MatrixView *> LlamaModel::matmulWeights() const {
  std::vector<const kernels::MatrixView *> weights;
  for (const Layer &layer : layers_)
    for (const kernels::MatrixView *m : {&layer.q, &layer.k, &layer.v, &layer.o,
                                         &layer.gate, &layer.up, &layer.down})
      weights.push_back(m);
  weights.push_back(&lmHead_);
  return weights;
}

int64_t LlamaModel::matmulWeightElements() const {
  int64_t total = 0;
  for (const kernels::MatrixView *m : matmulWeights())
    total += m->rows * m->cols;
  return total;
}

int64_t LlamaModel::matmulWeightBytes() const {
  int64_t total = 0;
  for (const kernels::MatrixView *m : matmulWeights())
    total += m->rows * m->cols * (m->type == kernels::WeightType::BF16 ? 2 : 4);
  return total;
}

KVCache LlamaModel::makeCache(int64_t maxLength) const {
  KVCache cache;
  cache.numLayers = config_.numLayers;
  cache.maxLength = maxLength;
  cache.kvDim = config_.numKVHeads * config_.headDim;
  assert(kvCacheBytes(maxLength) >= 0 && "KV cache size overflows");
  size_t n = static_cast<size_t>(cache.numLayers * maxLength * cache.kvDim);
  cache.keys.assign(n, 0.0f);
  cache.values.assign(n, 0.0f);
  return cache;
}

int64_t LlamaModel::kvCacheBytes(int64_t positions) const {
  return checkedProduct({2, static_cast<int64_t>(sizeof(float)),
                         config_.numLayers, positions,
                         config_.numKVHeads * config_.headDim});
}

Expected<KVCache> LlamaModel::allocateCache(int64_t maxLength) const {
  const int64_t bytes = kvCacheBytes(maxLength);
  const double physical = static_cast<double>(::sysconf(_SC_PHYS_PAGES)) *
                          static_cast<double>(::sysconf(_SC_PAGESIZE));
  auto tooLarge = [&](const std::string &why) {
    return makeError(
        "the KV cache for " + std::to_string(maxLength) + " positions needs " +
        (bytes < 0 ? std::string("more than 8 EiB") : gibString(bytes)) + " (" +
        std::to_string(config_.numLayers) + " layers x " +
        std::to_string(config_.numKVHeads * config_.headDim) +
        " key/value floats per position, twice), " + why);
  };
  if (bytes < 0 || (physical > 0 && static_cast<double>(bytes) > physical))
    return tooLarge("more than this machine's " + gibString(physical) +
                    " of memory");
  try {
    return makeCache(maxLength);
  } catch (const std::bad_alloc &) {
    return tooLarge("and could not be allocated");
  }
}

void LlamaModel::ropeAngles(int64_t pos, float *cos, float *sin) const {
  for (size_t i = 0; i < invFreq_.size(); ++i) {
    double angle = static_cast<double>(pos) * invFreq_[i];
    cos[i] = static_cast<float>(std::cos(angle));
    sin[i] = static_cast<float>(std::sin(angle));
  }
}

Status LlamaModel::checkForward(std::span<const int32_t> tokens,
                                int64_t startPos, const KVCache &cache) const {
  const ModelConfig &c = config_;
  const int64_t n = static_cast<int64_t>(tokens.size());
  if (n == 0)
    return makeError("forward() needs at least one token");
  if (cache.numLayers != c.numLayers || cache.kvDim != c.numKVHeads * c.headDim)
    return makeError("KV cache was not made for this model");
  if (startPos < 0 || startPos > cache.length)
    return makeError("forward() at position " + std::to_string(startPos) +
                     " but the KV cache holds only " +
                     std::to_string(cache.length) + " positions");
  if (startPos + n > cache.maxLength)
    return makeError("sequence of " + std::to_string(startPos + n) +
                     " positions does not fit the KV cache (" +
                     std::to_string(cache.maxLength) + ")");
  for (int32_t t : tokens)
    if (t < 0 || t >= c.vocabSize)
      return makeError("token id " + std::to_string(t) +
                       " is outside the vocabulary (size " +
                       std::to_string(c.vocabSize) + ")");
  return Status::ok();
}

void LlamaModel::runLayers(std::span<const int32_t> tokens, int64_t startPos,
                           KVCache &cache, Scratch &s) {
  const ModelConfig &c = config_;
  const int64_t n = static_cast<int64_t>(tokens.size());
  assert(n > 0 && n <= kForwardChunk && "runLayers takes one chunk");
  const int64_t hidden = c.hiddenSize, headDim = c.headDim;
  const int64_t qDim = c.numHeads * headDim, kvDim = c.numKVHeads * headDim;
  const int64_t inter = c.intermediateSize;
  const int64_t half = headDim / 2;
  const float eps = static_cast<float>(c.rmsNormEps);
  auto fit = [](std::vector<float> &v, int64_t size) {
    if (static_cast<int64_t>(v.size()) < size)
      v.resize(static_cast<size_t>(size));
  };
  fit(s.x, n * hidden);
  fit(s.xn, n * hidden);
  fit(s.q, n * qDim);
  fit(s.attn, n * qDim);
  fit(s.k, n * kvDim);
  fit(s.v, n * kvDim);
  fit(s.proj, n * hidden);
  fit(s.gate, n * inter);
  fit(s.up, n * inter);
  fit(s.cos, n * half);
  fit(s.sin, n * half);
  float *x = s.x.data(), *xn = s.xn.data(), *q = s.q.data(), *k = s.k.data(),
        *v = s.v.data(), *attn = s.attn.data(), *proj = s.proj.data(),
        *gate = s.gate.data(), *up = s.up.data();
  for (int64_t t = 0; t < n; ++t) {
    kernels::loadRow(embed_, tokens[t], &x[t * hidden]);
    ropeAngles(startPos + t, &s.cos[t * half], &s.sin[t * half]);
  }

  kernels::AttentionShape shape;
  shape.numTokens = n;
  shape.startPos = startPos;
  shape.numHeads = c.numHeads;
  shape.numKVHeads = c.numKVHeads;
  shape.headDim = headDim;
  shape.scale =
      static_cast<float>(1.0 / std::sqrt(static_cast<double>(headDim)));

  for (int64_t li = 0; li < c.numLayers; ++li) {
    const Layer &l = layers_[li];
    for (int64_t t = 0; t < n; ++t)
      kernels::rmsNorm(&x[t * hidden], l.attnNorm.data(), hidden, eps,
                       &xn[t * hidden]);
    kernels::matmul(pool_, xn, n, l.q, q);
    kernels::matmul(pool_, xn, n, l.k, k);
    kernels::matmul(pool_, xn, n, l.v, v);
    float *cacheK = cache.layerKeys(li) + startPos * kvDim;
    float *cacheV = cache.layerValues(li) + startPos * kvDim;
    for (int64_t t = 0; t < n; ++t) {
      float *qt = &q[t * qDim], *kt = &k[t * kvDim], *vt = &v[t * kvDim];
      if (c.attentionBias) {
        kernels::addInPlace(qt, l.qBias.data(), qDim);
        kernels::addInPlace(kt, l.kBias.data(), kvDim);
        kernels::addInPlace(vt, l.vBias.data(), kvDim);
      }
      if (c.qkNorm) {
        for (int64_t h = 0; h < c.numHeads; ++h)
          kernels::rmsNorm(qt + h * headDim, l.qNorm.data(), headDim, eps,
                           qt + h * headDim);
        for (int64_t h = 0; h < c.numKVHeads; ++h)
          kernels::rmsNorm(kt + h * headDim, l.kNorm.data(), headDim, eps,
                           kt + h * headDim);
      }
      kernels::applyRope(qt, c.numHeads, headDim, &s.cos[t * half],
                         &s.sin[t * half]);
      kernels::applyRope(kt, c.numKVHeads, headDim, &s.cos[t * half],
                         &s.sin[t * half]);
    }
    std::memcpy(cacheK, k, sizeof(float) * n * kvDim);
    std::memcpy(cacheV, v, sizeof(float) * n * kvDim);
    kernels::attention(pool_, shape, q, cache.layerKeys(li),
                       cache.layerValues(li), attn);
    kernels::matmul(pool_, attn, n, l.o, proj);
    kernels::addInPlace(x, proj, n * hidden);

    for (int64_t t = 0; t < n; ++t)
      kernels::rmsNorm(&x[t * hidden], l.mlpNorm.data(), hidden, eps,
                       &xn[t * hidden]);
    kernels::matmul(pool_, xn, n, l.gate, gate);
    kernels::matmul(pool_, xn, n, l.up, up);
    kernels::siluMul(gate, up, gate, n * inter);
    kernels::matmul(pool_, gate, n, l.down, proj);
    kernels::addInPlace(x, proj, n * hidden);
  }
}

Expected<std::vector<float>>
LlamaModel::forward(std::span<const int32_t> tokens, int64_t startPos,
                    KVCache &cache, LogitsMode mode) {
  SGL_TRY(checkForward(tokens, startPos, cache));
  const int64_t n = static_cast<int64_t>(tokens.size());
  const int64_t hidden = config_.hiddenSize, vocab = config_.vocabSize;
  const float eps = static_cast<float>(config_.rmsNormEps);
  const bool all = mode == LogitsMode::AllTokens;
  std::vector<float> logits(static_cast<size_t>((all ? n : 1) * vocab));
  Scratch s;
  for (int64_t c0 = 0; c0 < n; c0 += kForwardChunk) {
    const int64_t m = std::min(kForwardChunk, n - c0);
    runLayers(tokens.subspan(c0, m), startPos + c0, cache, s);
    if (!all && c0 + m < n)
      continue;
    // The LM head: every row of the chunk, or only the prompt's last.
    const int64_t first = all ? 0 : m - 1;
    for (int64_t t = first; t < m; ++t)
      kernels::rmsNorm(&s.x[t * hidden], finalNorm_.data(), hidden, eps,
                       &s.xn[(t - first) * hidden]);
    kernels::matmul(pool_, s.xn.data(), m - first, lmHead_,
                    logits.data() + (all ? c0 * vocab : 0));
  }
  cache.length = startPos + n;
  return logits;
}

Expected<std::vector<double>>
LlamaModel::tokenLogProbs(std::span<const int32_t> tokens, int64_t startPos,
                          KVCache &cache, std::span<const int32_t> targets,
                          std::vector<float> *lastLogits) {
  SGL_TRY(checkForward(tokens, startPos, cache));
  const int64_t n = static_cast<int64_t>(tokens.size());
  const int64_t hidden = config_.hiddenSize, vocab = config_.vocabSize;
  if (targets.size() != tokens.size())
    return makeError("tokenLogProbs() needs one target per token (" +
                     std::to_string(tokens.size()) + " tokens, " +
                     std::to_string(targets.size()) + " targets)");
  for (int32_t t : targets)
    if (t >= vocab)
      return makeError("target token id " + std::to_string(t) +
                       " is outside the vocabulary (size " +
                       std::to_string(vocab) + ")");
  const float eps = static_cast<float>(config_.rmsNormEps);
  std::vector<double> out(static_cast<size_t>(n), 0.0);
  std::vector<float> normed(static_cast<size_t>(kLogitRowsChunk * hidden));
  std::vector<float> rows;
  std::vector<int64_t> pending; // chunk rows waiting for the LM head
  Scratch s;
  for (int64_t c0 = 0; c0 < n; c0 += kForwardChunk) {
    const int64_t m = std::min(kForwardChunk, n - c0);
    runLayers(tokens.subspan(c0, m), startPos + c0, cache, s);
    auto flush = [&] {
      const int64_t r = static_cast<int64_t>(pending.size());
      if (r == 0)
        return;
      if (static_cast<int64_t>(rows.size()) < r * vocab)
        rows.resize(static_cast<size_t>(r * vocab));
      kernels::matmul(pool_, normed.data(), r, lmHead_, rows.data());
      for (int64_t j = 0; j < r; ++j) {
        const int64_t t = c0 + pending[j];
        const float *row = rows.data() + j * vocab;
        if (targets[t] >= 0)
          out[t] = logProbOf(row, vocab, targets[t]);
        if (lastLogits && t == n - 1)
          lastLogits->assign(row, row + vocab);
      }
      pending.clear();
    };
    for (int64_t t = 0; t < m; ++t) {
      const bool last = lastLogits && c0 + t == n - 1;
      if (targets[c0 + t] < 0 && !last)
        continue;
      kernels::rmsNorm(&s.x[t * hidden], finalNorm_.data(), hidden, eps,
                       &normed[pending.size() * hidden]);
      pending.push_back(t);
      if (static_cast<int64_t>(pending.size()) == kLogitRowsChunk)
        flush();
    }
    flush();
  }
  cache.length = startPos + n;
  return out;
}

} // namespace sgl::runtime
