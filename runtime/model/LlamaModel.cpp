//===- LlamaModel.cpp - Llama-family transformer on the CPU ---------------===//
#include "runtime/model/LlamaModel.h"

#include "kernels/cpu/CpuKernels.h"
#include "kernels/cpu/PagedAttention.h"

#include <algorithm>
#include <cassert>
#include <cmath>
#include <cstdio>
#include <cstring>
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
                       std::unique_ptr<Checkpoint> checkpoint)
    : config_(std::move(config)), checkpoint_(std::move(checkpoint)) {}

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

static kernels::TransformerShape transformerShape(const ModelConfig &c) {
  kernels::TransformerShape shape;
  shape.numLayers = c.numLayers;
  shape.hidden = c.hiddenSize;
  shape.numHeads = c.numHeads;
  shape.numKVHeads = c.numKVHeads;
  shape.headDim = c.headDim;
  shape.intermediate = c.intermediateSize;
  shape.vocab = c.vocabSize;
  shape.rmsNormEps = static_cast<float>(c.rmsNormEps);
  shape.attentionBias = c.attentionBias;
  shape.qkNorm = c.qkNorm;
  shape.ropeInvFreq = ropeInverseFrequencies(c);
  return shape;
}

Expected<std::unique_ptr<LlamaModel>>
LlamaModel::create(ModelConfig config, std::unique_ptr<Checkpoint> checkpoint,
                   unsigned numThreads) {
  std::unique_ptr<LlamaModel> model(
      new LlamaModel(std::move(config), std::move(checkpoint)));
  if (Status s =
          bindWeights(model->config_, *model->checkpoint_, &model->weights_);
      !s)
    return s.error();
  // head_dim is backed by the q_proj shapes checked above.
  model->backend_ = kernels::createCpuBackend(transformerShape(model->config_),
                                              model->weights_, numThreads);
  return model;
}

Status LlamaModel::checkCheckpoint(const ModelConfig &config,
                                   const Checkpoint &checkpoint) {
  return bindWeights(config, checkpoint, nullptr);
}

Status LlamaModel::bindWeights(const ModelConfig &c, const Checkpoint &ckpt,
                               kernels::TransformerWeights *out) {
  // The layer count sizes the layer list; everything else allocated here is
  // a copy of a tensor whose shape was just checked.
  SGL_TRY(checkLayerCount(c, ckpt));
  // Attention keeps a head's accumulator on the stack.
  if (c.headDim > kernels::kMaxAttentionHeadDim)
    return makeError("head_dim is " + std::to_string(c.headDim) +
                     "; the CPU backend's attention supports at most " +
                     std::to_string(kernels::kMaxAttentionHeadDim));
  const bool keep = out != nullptr;
  const int64_t hidden = c.hiddenSize, qDim = c.numHeads * c.headDim,
                kvDim = c.numKVHeads * c.headDim, inter = c.intermediateSize;
  kernels::TransformerWeights w;
  SGL_ASSIGN(w.embed, bindMatrix(ckpt, "model.embed_tokens.weight", c.vocabSize,
                                 hidden));
  if (c.tieWordEmbeddings)
    w.lmHead = w.embed;
  else
    SGL_ASSIGN(w.lmHead,
               bindMatrix(ckpt, "lm_head.weight", c.vocabSize, hidden));
  SGL_TRY(bindVector(ckpt, "model.norm.weight", hidden, w.finalNorm, keep));
  kernels::LayerWeights scratch; // the check-only pass binds every layer here
  if (keep)
    w.layers.resize(static_cast<size_t>(c.numLayers));
  for (int64_t i = 0; i < c.numLayers; ++i) {
    kernels::LayerWeights &l = keep ? w.layers[i] : scratch;
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
  if (keep)
    *out = std::move(w);
  return Status::ok();
}

std::vector<const kernels::MatrixView *> LlamaModel::matmulWeights() const {
  std::vector<const kernels::MatrixView *> weights;
  for (const kernels::LayerWeights &layer : weights_.layers)
    for (const kernels::MatrixView *m : {&layer.q, &layer.k, &layer.v, &layer.o,
                                         &layer.gate, &layer.up, &layer.down})
      weights.push_back(m);
  weights.push_back(&weights_.lmHead);
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

} // namespace sgl::runtime
