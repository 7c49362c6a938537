//===- LlamaModel.cpp - Llama-family transformer on the CPU ---------------===//
#include "runtime/model/LlamaModel.h"

#include <cmath>
#include <numbers>

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

/// Small 1-D tensors (norms, biases) are widened into an fp32 copy.
Status bindVector(const Checkpoint &ckpt, const std::string &name, int64_t n,
                  std::vector<float> &out) {
  Expected<const TensorRef *> ref = findTensor(ckpt, name, {n});
  if (!ref)
    return ref.error();
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
  if (Status s = model->bind(); !s)
    return s.error();
  return model;
}

Status LlamaModel::bind() {
  const ModelConfig &c = config_;
  const Checkpoint &ckpt = *checkpoint_;
  const int64_t hidden = c.hiddenSize, qDim = c.numHeads * c.headDim,
                kvDim = c.numKVHeads * c.headDim, inter = c.intermediateSize;
  SGL_ASSIGN(embed_, bindMatrix(ckpt, "model.embed_tokens.weight", c.vocabSize,
                                hidden));
  if (c.tieWordEmbeddings)
    lmHead_ = embed_;
  else
    SGL_ASSIGN(lmHead_,
               bindMatrix(ckpt, "lm_head.weight", c.vocabSize, hidden));
  SGL_TRY(bindVector(ckpt, "model.norm.weight", hidden, finalNorm_));
  layers_.resize(static_cast<size_t>(c.numLayers));
  for (int64_t i = 0; i < c.numLayers; ++i) {
    Layer &l = layers_[i];
    const std::string p = "model.layers." + std::to_string(i) + ".";
    SGL_TRY(bindVector(ckpt, p + "input_layernorm.weight", hidden, l.attnNorm));
    SGL_TRY(bindVector(ckpt, p + "post_attention_layernorm.weight", hidden,
                       l.mlpNorm));
    SGL_ASSIGN(l.q,
               bindMatrix(ckpt, p + "self_attn.q_proj.weight", qDim, hidden));
    SGL_ASSIGN(l.k,
               bindMatrix(ckpt, p + "self_attn.k_proj.weight", kvDim, hidden));
    SGL_ASSIGN(l.v,
               bindMatrix(ckpt, p + "self_attn.v_proj.weight", kvDim, hidden));
    SGL_ASSIGN(l.o,
               bindMatrix(ckpt, p + "self_attn.o_proj.weight", hidden, qDim));
    if (c.attentionBias) {
      SGL_TRY(bindVector(ckpt, p + "self_attn.q_proj.bias", qDim, l.qBias));
      SGL_TRY(bindVector(ckpt, p + "self_attn.k_proj.bias", kvDim, l.kBias));
      SGL_TRY(bindVector(ckpt, p + "self_attn.v_proj.bias", kvDim, l.vBias));
    }
    if (c.qkNorm) {
      SGL_TRY(
          bindVector(ckpt, p + "self_attn.q_norm.weight", c.headDim, l.qNorm));
      SGL_TRY(
          bindVector(ckpt, p + "self_attn.k_norm.weight", c.headDim, l.kNorm));
    }
    SGL_ASSIGN(l.gate,
               bindMatrix(ckpt, p + "mlp.gate_proj.weight", inter, hidden));
    SGL_ASSIGN(l.up, bindMatrix(ckpt, p + "mlp.up_proj.weight", inter, hidden));
    SGL_ASSIGN(l.down,
               bindMatrix(ckpt, p + "mlp.down_proj.weight", hidden, inter));
  }
  invFreq_ = ropeInverseFrequencies(c);
  return Status::ok();
}

std::vector<const kernels::MatrixView *> LlamaModel::matmulWeights() const {
  std::vector<const kernels::MatrixView *> weights;
  for (const Layer &layer : layers_)
    for (const kernels::MatrixView *m :
         {&layer.q, &layer.k, &layer.v, &layer.o, &layer.gate, &layer.up, &layer.down})
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
  size_t n = static_cast<size_t>(cache.numLayers * maxLength * cache.kvDim);
  cache.keys.assign(n, 0.0f);
  cache.values.assign(n, 0.0f);
  return cache;
}

void LlamaModel::ropeAngles(int64_t pos, float *cos, float *sin) const {
  for (size_t i = 0; i < invFreq_.size(); ++i) {
    double angle = static_cast<double>(pos) * invFreq_[i];
    cos[i] = static_cast<float>(std::cos(angle));
    sin[i] = static_cast<float>(std::sin(angle));
  }
}

Expected<std::vector<float>>
LlamaModel::forward(std::span<const int32_t> tokens, int64_t startPos,
                    KVCache &cache, LogitsMode mode) {
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

  const int64_t hidden = c.hiddenSize, headDim = c.headDim;
  const int64_t qDim = c.numHeads * headDim, kvDim = c.numKVHeads * headDim;
  const int64_t inter = c.intermediateSize;
  const float eps = static_cast<float>(c.rmsNormEps);
  std::vector<float> x(n * hidden), xn(n * hidden), q(n * qDim), k(n * kvDim),
      v(n * kvDim), attn(n * qDim), proj(n * hidden), gate(n * inter),
      up(n * inter);
  const int64_t half = headDim / 2;
  std::vector<float> cosTable(n * half), sinTable(n * half);
  for (int64_t t = 0; t < n; ++t) {
    kernels::loadRow(embed_, tokens[t], &x[t * hidden]);
    ropeAngles(startPos + t, &cosTable[t * half], &sinTable[t * half]);
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
    kernels::matmul(pool_, xn.data(), n, l.q, q.data());
    kernels::matmul(pool_, xn.data(), n, l.k, k.data());
    kernels::matmul(pool_, xn.data(), n, l.v, v.data());
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
      kernels::applyRope(qt, c.numHeads, headDim, &cosTable[t * half],
                         &sinTable[t * half]);
      kernels::applyRope(kt, c.numKVHeads, headDim, &cosTable[t * half],
                         &sinTable[t * half]);
    }
    std::memcpy(cacheK, k.data(), sizeof(float) * n * kvDim);
    std::memcpy(cacheV, v.data(), sizeof(float) * n * kvDim);
    kernels::attention(pool_, shape, q.data(), cache.layerKeys(li),
                       cache.layerValues(li), attn.data());
    kernels::matmul(pool_, attn.data(), n, l.o, proj.data());
    kernels::addInPlace(x.data(), proj.data(), n * hidden);

    for (int64_t t = 0; t < n; ++t)
      kernels::rmsNorm(&x[t * hidden], l.mlpNorm.data(), hidden, eps,
                       &xn[t * hidden]);
    kernels::matmul(pool_, xn.data(), n, l.gate, gate.data());
    kernels::matmul(pool_, xn.data(), n, l.up, up.data());
    kernels::siluMul(gate.data(), up.data(), gate.data(), n * inter);
    kernels::matmul(pool_, gate.data(), n, l.down, proj.data());
    kernels::addInPlace(x.data(), proj.data(), n * hidden);
  }
  cache.length = startPos + n;

  const int64_t first = mode == LogitsMode::AllTokens ? 0 : n - 1;
  const int64_t rows = n - first;
  for (int64_t t = first; t < n; ++t)
    kernels::rmsNorm(&x[t * hidden], finalNorm_.data(), hidden, eps,
                     &xn[(t - first) * hidden]);
  std::vector<float> logits(static_cast<size_t>(rows * c.vocabSize));
  kernels::matmul(pool_, xn.data(), rows, lmHead_, logits.data());
  return logits;
}

} // namespace sgl::runtime
