//===- ModelBench.cpp - CPU prefill/decode speed against the machine's roofline
//===//
//
//   sgl-model-bench --model DIR [--threads N] [--prompt 128] [--gen 128]
//   [--reps 3]
//
// Measures, in one run and with one thread pool size, repetition by
// repetition:
//   - pp<N>: prefill of N tokens, right after the sgemm FLOP/s (OpenBLAS,
//     the largest matmul shape of that prefill);
//   - tg<N>: greedy decode of N tokens, right after the read bandwidth (a
//     multi-threaded streaming sum);
// and prints tokens/s with the ratio to the roofline of the same repetition
// (a shared machine's ceilings drift between seconds): decode reads
// every matmul weight once per token (bytes / bandwidth), prefill does
// 2 FLOPs per layer weight per token plus one LM head (FLOPs / sgemm FLOP/s).
// Output is a Markdown table in the style of llama-bench, or CSV/JSON.
//
//===----------------------------------------------------------------------===//

#include "bench/model-bench/Roofline.h"
#include "runtime/model/LlamaModel.h"
#include "runtime/model/SequenceRunner.h"
#include "runtime/support/CommandLine.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <iostream>
#include <numeric>
#include <thread>

using namespace sgl;
using namespace sgl::runtime;

namespace {

using Clock = std::chrono::steady_clock;

struct Sample {
  std::string test;        // "pp128", "tg128"
  std::string bound;       // "bandwidth" or "sgemm"
  std::vector<double> tps; // tokens/s per repetition
  std::vector<double>
      rooflineTps;             // what the roofline allowed in that repetition
  std::vector<double> ceiling; // bytes/s or FLOP/s measured in that repetition
  /// Batched decode: achieved FLOP/s over measured sgemm FLOP/s.
  std::vector<double> sgemmFraction;

  std::vector<double> fractions() const {
    std::vector<double> f;
    for (size_t i = 0; i < tps.size(); ++i)
      f.push_back(tps[i] / rooflineTps[i]);
    return f;
  }
};

double mean(const std::vector<double> &v) {
  return std::accumulate(v.begin(), v.end(), 0.0) /
         static_cast<double>(v.size());
}

double stddev(const std::vector<double> &v) {
  if (v.size() < 2)
    return 0;
  double m = mean(v), sum = 0;
  for (double x : v)
    sum += (x - m) * (x - m);
  return std::sqrt(sum / static_cast<double>(v.size() - 1));
}

/// Deterministic prompt tokens spread over the vocabulary.
std::vector<int32_t> promptTokens(int64_t n, int64_t vocab) {
  std::vector<int32_t> tokens(static_cast<size_t>(n));
  for (int64_t i = 0; i < n; ++i)
    tokens[static_cast<size_t>(i)] =
        static_cast<int32_t>((i * 7919 + 13) % vocab);
  return tokens;
}

int32_t argmax(const std::vector<float> &logits) {
  return static_cast<int32_t>(std::max_element(logits.begin(), logits.end()) -
                              logits.begin());
}

Expected<double> timePrefill(LlamaModel &model,
                             const std::vector<int32_t> &prompt) {
  Expected<SequenceRunner> runner =
      SequenceRunner::create(model, static_cast<int64_t>(prompt.size()));
  if (!runner)
    return runner.error();
  auto start = Clock::now();
  Expected<std::vector<float>> logits =
      runner->forward(prompt, 0, LogitsMode::LastToken);
  if (!logits)
    return logits.error();
  double seconds = std::chrono::duration<double>(Clock::now() - start).count();
  return static_cast<double>(prompt.size()) / seconds;
}

Expected<double> timeDecode(LlamaModel &model, int64_t genTokens) {
  Expected<SequenceRunner> runner =
      SequenceRunner::create(model, genTokens + 1);
  if (!runner)
    return runner.error();
  std::vector<int32_t> token = {1};
  // The first step is a 1-token prefill; time the steady decode after it.
  Expected<std::vector<float>> logits = runner->forward(token, 0);
  if (!logits)
    return logits.error();
  auto start = Clock::now();
  for (int64_t i = 0; i < genTokens; ++i) {
    token[0] = argmax(*logits);
    logits = runner->forward(token, runner->length());
    if (!logits)
      return logits.error();
  }
  double seconds = std::chrono::duration<double>(Clock::now() - start).count();
  return static_cast<double>(genTokens) / seconds;
}

/// Aggregate tokens/s of `batch` sequences decoding one token each per
/// step, all in one forward call: the weights are read once per step for
/// the whole batch. Sequences start at different lengths (a 1-token
/// prefill each) and feed back their own argmax.
Expected<double> timeBatchedDecode(LlamaModel &model, int64_t batch,
                                   int64_t genTokens) {
  kernels::Backend &backend = model.backend();
  const int32_t pageSize = 16;
  const int64_t pagesPerSeq = (genTokens + 1 + pageSize) / pageSize;
  if (kernels::BackendStatus s = backend.allocateKV(
          static_cast<int32_t>(batch * pagesPerSeq), pageSize);
      !s)
    return makeError(s.error);
  const int64_t vocab = model.config().vocabSize;
  std::vector<int32_t> next(static_cast<size_t>(batch));
  for (int64_t b = 0; b < batch; ++b)
    next[b] = static_cast<int32_t>((b * 7919 + 1) % vocab);
  std::vector<int32_t> pages(static_cast<size_t>(pagesPerSeq));
  std::vector<float> logits(static_cast<size_t>(batch * vocab));
  auto step = [&](int64_t pos) -> Status {
    kernels::ForwardBatchBuilder builder;
    for (int64_t b = 0; b < batch; ++b) {
      for (int64_t p = 0; p < pagesPerSeq; ++p)
        pages[p] = static_cast<int32_t>(b * pagesPerSeq + p);
      builder.addSequence(std::span<const int32_t>(&next[b], 1), pos, pages,
                          pageSize, /*lastLogits=*/true);
    }
    if (kernels::BackendStatus s = backend.forward(builder.view(), logits); !s)
      return makeError(s.error);
    for (int64_t b = 0; b < batch; ++b)
      next[b] = static_cast<int32_t>(
          std::max_element(logits.begin() + b * vocab,
                           logits.begin() + (b + 1) * vocab) -
          (logits.begin() + b * vocab));
    return Status::ok();
  };
  if (Status s = step(0); !s)
    return s.error();
  auto start = Clock::now();
  for (int64_t i = 1; i <= genTokens; ++i)
    if (Status s = step(i); !s)
      return s.error();
  double seconds = std::chrono::duration<double>(Clock::now() - start).count();
  return static_cast<double>(batch * genTokens) / seconds;
}

void printMarkdown(const std::vector<Sample> &samples, const std::string &model,
                   unsigned threads) {
  std::printf("| %-24s | %7s | %-9s | %18s | %14s | %15s | %-22s | %10s |\n",
              "model", "threads", "test", "t/s", "roofline t/s",
              "% of roofline", "ceiling", "% of sgemm");
  std::printf("| %-24s | %7s | %-9s | %18s | %14s | %15s | %-22s | %10s |\n",
              "---", "---:", "---", "---:", "---:", "---:", "---", "---:");
  for (const Sample &s : samples) {
    char tps[64], fraction[64], ceiling[64];
    std::snprintf(tps, sizeof(tps), "%.1f ± %.1f", mean(s.tps), stddev(s.tps));
    std::snprintf(fraction, sizeof(fraction), "%.1f%% ± %.1f",
                  100 * mean(s.fractions()), 100 * stddev(s.fractions()));
    if (s.bound == "bandwidth")
      std::snprintf(ceiling, sizeof(ceiling), "read %.1f GB/s",
                    mean(s.ceiling) / 1e9);
    else
      std::snprintf(ceiling, sizeof(ceiling), "sgemm %.1f GFLOP/s",
                    mean(s.ceiling) / 1e9);
    char sgemm[32] = "";
    if (!s.sgemmFraction.empty())
      std::snprintf(sgemm, sizeof(sgemm), "%.1f%%",
                    100 * mean(s.sgemmFraction));
    std::printf("| %-24s | %7u | %-9s | %18s | %14.1f | %15s | %-22s | %10s "
                "|\n",
                model.c_str(), threads, s.test.c_str(), tps,
                mean(s.rooflineTps), fraction, ceiling, sgemm);
  }
}

void printStructured(const std::vector<Sample> &samples,
                     const std::string &model, unsigned threads, bool csv) {
  if (csv)
    std::printf("model,threads,test,tps_mean,tps_std,roofline_tps,roofline_"
                "fraction,bound,ceiling\n");
  nlohmann::ordered_json rows = nlohmann::ordered_json::array();
  for (const Sample &s : samples) {
    if (csv) {
      std::printf("%s,%u,%s,%.3f,%.3f,%.3f,%.4f,%s,%.4g\n", model.c_str(),
                  threads, s.test.c_str(), mean(s.tps), stddev(s.tps),
                  mean(s.rooflineTps), mean(s.fractions()), s.bound.c_str(),
                  mean(s.ceiling));
      continue;
    }
    rows.push_back({{"model", model},
                    {"threads", threads},
                    {"test", s.test},
                    {"tps", s.tps},
                    {"roofline_tps", s.rooflineTps},
                    {"roofline_fraction_mean", mean(s.fractions())},
                    {"bound", s.bound},
                    {"ceiling", s.ceiling},
                    {"sgemm_fraction", s.sgemmFraction}});
  }
  if (!csv)
    std::cout << rows.dump(2) << "\n";
}

} // namespace

constexpr const char *kTool = "sgl-model-bench";

int run(const std::string &modelDir, unsigned threads, int64_t promptLength,
        int64_t genTokens, int reps, const std::string &format,
        const std::vector<int64_t> &batches);

int main(int argc, char **argv) {
  CLI::App app{"sgl-model-bench: CPU prefill and decode speed against the "
               "machine's roofline"};
  std::string modelDir;
  unsigned threads = std::max(1u, std::thread::hardware_concurrency());
  int64_t promptLength = 128, genTokens = 128;
  int reps = 3;
  std::string format = "md";
  app.add_option("--model", modelDir, "Hugging Face style model folder")
      ->required();
  app.add_option("--threads", threads,
                 "threads for the model and the roofline kernels")
      ->check(CLI::Range(1u, 1024u));
  app.add_option("--prompt", promptLength, "prefill length (pp<N>)")
      ->check(CLI::Range(1, 1 << 16));
  app.add_option("--gen", genTokens, "decoded tokens (tg<N>)")
      ->check(CLI::Range(1, 1 << 16));
  app.add_option("--reps", reps, "repetitions of each test")
      ->check(CLI::Range(1, 100));
  std::vector<int64_t> batches;
  app.add_option("--batch", batches,
                 "also batched decode at these batch sizes (tg<N>b<B>), e.g. "
                 "--batch 1,4,16,64")
      ->delimiter(',')
      ->check(CLI::Range(1, 4096));
  app.add_option("--format", format, "md, csv or json")
      ->check(CLI::IsMember({"md", "csv", "json"}));
  if (std::optional<int> exit = sgl::parseCommandLine(app, argc, argv, kTool))
    return *exit;
  return sgl::guardedMain(kTool, [&] {
    return run(modelDir, threads, promptLength, genTokens, reps, format,
               batches);
  });
}

int run(const std::string &modelDir, unsigned threads, int64_t promptLength,
        int64_t genTokens, int reps, const std::string &format,
        const std::vector<int64_t> &batches) {
  Expected<std::unique_ptr<LlamaModel>> loaded =
      LlamaModel::load(modelDir, threads);
  if (!loaded) {
    return sgl::reportError(kTool, loaded.error().message);
  }
  LlamaModel &model = **loaded;
  const ModelConfig &config = model.config();
  if (promptLength + 1 > config.maxPositions ||
      genTokens + 1 > config.maxPositions) {
    return sgl::reportError(kTool, "--prompt/--gen exceed the model's " +
                                       std::to_string(config.maxPositions) +
                                       " positions");
  }

  bench::RooflineMeter meter(threads, promptLength, config.hiddenSize,
                             config.intermediateSize);
  double weightBytes = static_cast<double>(model.matmulWeightBytes());
  // Prefill runs every layer for every token but the LM head only for the
  // last one (its logits are all a prefill returns).
  double layerElements = static_cast<double>(model.matmulWeightElements() -
                                             model.lmHeadElements());
  double prefillFlops =
      2.0 * (layerElements * static_cast<double>(promptLength) +
             static_cast<double>(model.lmHeadElements()));

  std::vector<int32_t> prompt = promptTokens(promptLength, config.vocabSize);
  Sample prefill{"pp" + std::to_string(promptLength), "sgemm", {}, {}, {}, {}};
  Sample decode{"tg" + std::to_string(genTokens), "bandwidth", {}, {}, {}, {}};
  // Repetition -1 is untimed: it warms the page cache and the thread pools.
  for (int rep = -1; rep < reps; ++rep) {
    double flops = meter.sgemmFlops();
    Expected<double> pp = timePrefill(model, prompt);
    double bandwidth = meter.readBandwidth();
    Expected<double> tg = timeDecode(model, genTokens);
    if (!pp || !tg) {
      return sgl::reportError(kTool, (!pp ? pp.error() : tg.error()).message);
    }
    if (rep < 0)
      continue;
    prefill.tps.push_back(*pp);
    prefill.ceiling.push_back(flops);
    prefill.rooflineTps.push_back(flops / prefillFlops *
                                  static_cast<double>(promptLength));
    decode.tps.push_back(*tg);
    decode.ceiling.push_back(bandwidth);
    decode.rooflineTps.push_back(bandwidth / weightBytes);
  }

  char name[96];
  std::snprintf(
      name, sizeof(name), "%lldL h%lld v%lld %s",
      static_cast<long long>(config.numLayers),
      static_cast<long long>(config.hiddenSize),
      static_cast<long long>(config.vocabSize),
      weightBytes / static_cast<double>(model.matmulWeightElements()) < 3
          ? "bf16"
          : "f32");
  std::vector<Sample> samples = {prefill, decode};
  // Batched decode: the roofline is the lower of reading the weights once
  // per step and doing 2 FLOPs per weight per sequence at the sgemm speed
  // of the prefill shape (sgemm's own speed at `batch` rows is lower: the
  // machine's matmul ceiling is what a batch should approach).
  for (int64_t batch : batches) {
    Sample s{"tg" + std::to_string(genTokens) + "b" + std::to_string(batch),
             "",
             {},
             {},
             {},
             {}};
    const double stepFlops =
        2.0 * static_cast<double>(model.matmulWeightElements());
    for (int rep = -1; rep < reps; ++rep) {
      double flops = meter.sgemmFlops();
      double bandwidth = meter.readBandwidth();
      Expected<double> tps = timeBatchedDecode(model, batch, genTokens);
      if (!tps)
        return sgl::reportError(kTool, tps.error().message);
      if (rep < 0)
        continue;
      const double byBandwidth =
          bandwidth / weightBytes * static_cast<double>(batch);
      const double bySgemm = flops / stepFlops;
      s.bound = byBandwidth < bySgemm ? "bandwidth" : "sgemm";
      s.tps.push_back(*tps);
      s.rooflineTps.push_back(std::min(byBandwidth, bySgemm));
      s.ceiling.push_back(byBandwidth < bySgemm ? bandwidth : flops);
      s.sgemmFraction.push_back(*tps * stepFlops / flops);
    }
    samples.push_back(s);
  }
  if (format == "md")
    printMarkdown(samples, name, threads);
  else
    printStructured(samples, name, threads, format == "csv");
  return 0;
}
