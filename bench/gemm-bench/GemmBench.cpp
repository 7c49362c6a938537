//===- GemmBench.cpp - Batch-invariant packed matmul vs OpenBLAS sgemm ----===//
//
//   sgl-gemm-bench [--threads 2] [--reps 5] [--rows 1,4,16,64,128]
//                  [--dtype f32,bf16] [--cold-mib 256] [--format md|csv|json]
//
// For each 350M-Llama matmul shape (q/o, k/v, gate/up, down, lm_head), each
// row count and each weight type, measures in every repetition, one right
// after the other and with the same thread count:
//   - matmulPacked (kernels/cpu/PackedMatMul.h) on the packed weights;
//   - OpenBLAS sgemm on the same shape (bf16: on the weights widened to
//     fp32, which is what MatMul.cpp's prefill path multiplies);
//   - the machine's multi-threaded read bandwidth (RooflineMeter).
// It prints GFLOP/s of both, the ratio ours/sgemm (the cost of batch
// invariance) and, for rows <= 4, the fraction of the read bandwidth our
// kernel reaches streaming the weights (W bytes / time; bf16 counts 2 bytes
// per weight, so bf16 is judged against its own roofline).
//
// Weights are cold as in a real forward pass (a 350M model is far larger
// than the caches): each call uses the next of enough copies of the matrix
// to fill --cold-mib, for us and for sgemm alike.
//
// OpenBLAS's idle workers spin for 2^OPENBLAS_THREAD_TIMEOUT cycles (2^28,
// ~0.1 s, by default) and would steal a core from the kernel measured next;
// the tool re-executes itself with OPENBLAS_THREAD_TIMEOUT=17 (~50 µs, the
// same spin window as sgl's ThreadPool) unless the variable is already set.
//
//===----------------------------------------------------------------------===//

#include "bench/model-bench/Roofline.h"
#include "kernels/cpu/PackedMatMul.h"
#include "runtime/support/CommandLine.h"

#include <cblas.h>
#include <nlohmann/json.hpp>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <iostream>
#include <memory>
#include <numeric>
#include <random>
#include <string>
#include <vector>

using namespace sgl;
using namespace sgl::kernels;

namespace {

using Clock = std::chrono::steady_clock;
constexpr const char *kTool = "sgl-gemm-bench";

/// One weight shape of the 350M Llama and how often a layer runs it.
struct Shape {
  const char *name;
  int64_t k, n;
  int perLayer; // matrices of this shape per decoder layer (0: LM head)
};

constexpr Shape kShapes[] = {
    {"q/o", 1024, 1024, 2},       {"k/v", 1024, 256, 2},
    {"gate/up", 1024, 2816, 2},   {"down", 2816, 1024, 1},
    {"lm_head", 1024, 128256, 0},
};

struct Result {
  std::string shape;
  int64_t k = 0, n = 0, rows = 0;
  int perLayer = 0;
  std::string dtype;
  std::vector<double> ours, sgemm, bandwidth; // FLOP/s, FLOP/s, bytes/s
  double weightBytes = 0;

  double flops() const { return 2.0 * double(rows) * double(k) * double(n); }
  std::vector<double> ratios() const {
    std::vector<double> r;
    for (size_t i = 0; i < ours.size(); ++i)
      r.push_back(ours[i] / sgemm[i]);
    return r;
  }
  /// Fraction of the read bandwidth our kernel reaches streaming W.
  std::vector<double> bandwidthFractions() const {
    std::vector<double> f;
    for (size_t i = 0; i < ours.size(); ++i)
      f.push_back(weightBytes / (flops() / ours[i]) / bandwidth[i]);
    return f;
  }
};

double mean(const std::vector<double> &v) {
  return std::accumulate(v.begin(), v.end(), 0.0) / double(v.size());
}

double stddev(const std::vector<double> &v) {
  if (v.size() < 2)
    return 0;
  double m = mean(v), sum = 0;
  for (double x : v)
    sum += (x - m) * (x - m);
  return std::sqrt(sum / double(v.size() - 1));
}

std::vector<float> randomFloats(size_t n, uint32_t seed) {
  std::mt19937 rng(seed);
  std::uniform_real_distribution<float> dist(-1.0f, 1.0f);
  std::vector<float> v(n);
  for (float &x : v)
    x = dist(rng);
  return v;
}

/// Seconds per call of `fn(i)` (i counts calls, to rotate over copies):
/// one untimed call, then as many as fill `minSeconds`.
template <typename Fn> double secondsPerCall(Fn &&fn, double minSeconds) {
  int64_t call = 0;
  fn(call++);
  int64_t timed = 0;
  auto start = Clock::now();
  double elapsed = 0;
  do {
    fn(call++);
    ++timed;
    elapsed = std::chrono::duration<double>(Clock::now() - start).count();
  } while (elapsed < minSeconds);
  return elapsed / double(timed);
}

/// The weights of one (shape, dtype) in every form the two kernels need.
struct Operands {
  std::vector<PackedMatrix> packed;        // ours, one per copy
  std::vector<std::vector<float>> widened; // sgemm, one per copy
};

Operands makeOperands(const Shape &s, WeightType type, int64_t coldBytes,
                      ThreadPool &pool) {
  const size_t elements = size_t(s.n) * size_t(s.k);
  std::vector<float> f32 = randomFloats(elements, uint32_t(s.n * 31 + s.k));
  std::vector<uint16_t> bf16;
  if (type == WeightType::BF16) {
    bf16.resize(elements);
    for (size_t i = 0; i < elements; ++i) {
      uint32_t bits;
      std::memcpy(&bits, &f32[i], sizeof(bits));
      bf16[i] = uint16_t(bits >> 16);
      f32[i] = bf16ToF32(bf16[i]); // sgemm multiplies the same values
    }
  }
  MatrixView view{type == WeightType::F32
                      ? static_cast<const void *>(f32.data())
                      : static_cast<const void *>(bf16.data()),
                  type, s.n, s.k};
  Operands ops;
  const double ourBytes =
      double(elements) * (type == WeightType::F32 ? 4.0 : 2.0);
  const int64_t ourCopies =
      std::max<int64_t>(1, int64_t(std::ceil(double(coldBytes) / ourBytes)));
  const int64_t sgemmCopies = std::max<int64_t>(
      1, int64_t(std::ceil(double(coldBytes) / (double(elements) * 4.0))));
  for (int64_t i = 0; i < ourCopies; ++i)
    ops.packed.push_back(PackedMatrix::pack(view, pool));
  for (int64_t i = 0; i + 1 < sgemmCopies; ++i)
    ops.widened.push_back(f32);
  ops.widened.push_back(std::move(f32));
  return ops;
}

std::string meanStd(const std::vector<double> &v, double scale,
                    const char *unit = "") {
  char buf[64];
  std::snprintf(buf, sizeof(buf), "%.1f%s ± %.1f", mean(v) * scale, unit,
                stddev(v) * scale);
  return buf;
}

/// FLOP-weighted ours/sgemm over the layer shapes at one row count: the
/// ratio of the time sgemm would spend on a whole decoder layer to ours.
double layerMixRatio(const std::vector<Result> &results, int64_t rows,
                     const std::string &dtype, bool &found) {
  double oursSeconds = 0, sgemmSeconds = 0;
  int shapes = 0;
  for (const Result &r : results) {
    if (r.rows != rows || r.dtype != dtype || r.perLayer == 0)
      continue;
    oursSeconds += r.perLayer * r.flops() / mean(r.ours);
    sgemmSeconds += r.perLayer * r.flops() / mean(r.sgemm);
    ++shapes;
  }
  found = shapes == 4;
  return found ? sgemmSeconds / oursSeconds : 0;
}

void printSummary(const std::vector<Result> &results,
                  const std::vector<std::string> &dtypes, bool markdown) {
  bool first = true;
  for (const std::string &dtype : dtypes)
    for (int64_t rows : {64, 128}) {
      bool found = false;
      double ratio = layerMixRatio(results, rows, dtype, found);
      if (!found)
        continue;
      // Markdown: a blank line ends the table; CSV: a comment line.
      std::printf("%s%sinvariance cost, 350M layer mix (FLOP-weighted), %s, "
                  "%lld rows: ours/sgemm = %.3f (%s %.1f%%)\n",
                  markdown && first ? "\n" : "", markdown ? "" : "# ",
                  dtype.c_str(), (long long)rows, ratio,
                  ratio < 1 ? "cost" : "no cost, faster by",
                  100 * std::fabs(1 - ratio));
      first = false;
    }
}

void printMarkdown(const std::vector<Result> &results, unsigned threads) {
  std::printf("| %-7s | %5s | %6s | %-5s | %4s | %7s | %14s | %14s | %14s | "
              "%11s | %11s | %13s |\n",
              "shape", "K", "N", "dtype", "rows", "threads", "ours GFLOP/s",
              "sgemm GFLOP/s", "ours/sgemm", "ours GB/s", "read GB/s",
              "% read BW");
  std::printf("| %-7s | %5s | %6s | %-5s | %4s | %7s | %14s | %14s | %14s | "
              "%11s | %11s | %13s |\n",
              "---", "---:", "---:", "---",
              "---:", "---:", "---:", "---:", "---:", "---:", "---:", "---:");
  for (const Result &r : results) {
    // Only decode-like rows are bandwidth bound; the rest is compute.
    std::string ourBw = "-", readBw = "-", fraction = "-";
    if (r.rows <= 4) {
      std::vector<double> bytesPerSecond;
      for (double f : r.ours)
        bytesPerSecond.push_back(r.weightBytes / (r.flops() / f));
      ourBw = meanStd(bytesPerSecond, 1e-9);
      readBw = meanStd(r.bandwidth, 1e-9);
      fraction = meanStd(r.bandwidthFractions(), 100, "%");
    }
    std::printf("| %-7s | %5lld | %6lld | %-5s | %4lld | %7u | %14s | %14s | "
                "%14s | %11s | %11s | %13s |\n",
                r.shape.c_str(), (long long)r.k, (long long)r.n,
                r.dtype.c_str(), (long long)r.rows, threads,
                meanStd(r.ours, 1e-9).c_str(), meanStd(r.sgemm, 1e-9).c_str(),
                meanStd(r.ratios(), 100, "%").c_str(), ourBw.c_str(),
                readBw.c_str(), fraction.c_str());
  }
}

void printStructured(const std::vector<Result> &results, unsigned threads,
                     const std::vector<std::string> &dtypes, bool csv) {
  if (csv)
    std::printf("shape,k,n,dtype,rows,threads,ours_gflops_mean,ours_gflops_"
                "std,sgemm_gflops_mean,sgemm_gflops_std,ratio_mean,ratio_std,"
                "read_bw_gbs_mean,read_bw_fraction_mean\n");
  nlohmann::ordered_json rows = nlohmann::ordered_json::array();
  for (const Result &r : results) {
    if (csv) {
      std::printf("%s,%lld,%lld,%s,%lld,%u,%.3f,%.3f,%.3f,%.3f,%.4f,%.4f,%.3f,"
                  "%.4f\n",
                  r.shape.c_str(), (long long)r.k, (long long)r.n,
                  r.dtype.c_str(), (long long)r.rows, threads,
                  mean(r.ours) * 1e-9, stddev(r.ours) * 1e-9,
                  mean(r.sgemm) * 1e-9, stddev(r.sgemm) * 1e-9,
                  mean(r.ratios()), stddev(r.ratios()),
                  mean(r.bandwidth) * 1e-9, mean(r.bandwidthFractions()));
      continue;
    }
    rows.push_back(
        {{"shape", r.shape},
         {"k", r.k},
         {"n", r.n},
         {"dtype", r.dtype},
         {"rows", r.rows},
         {"threads", threads},
         {"ours_flops", r.ours},
         {"sgemm_flops", r.sgemm},
         {"ratio_mean", mean(r.ratios())},
         {"read_bandwidth", r.bandwidth},
         {"read_bandwidth_fraction_mean", mean(r.bandwidthFractions())}});
  }
  if (csv) {
    printSummary(results, dtypes, false);
    return;
  }
  nlohmann::ordered_json out = {{"isa", packedMatMulIsa()},
                                {"results", rows},
                                {"layer_mix", nlohmann::ordered_json::array()}};
  for (const std::string &dtype : dtypes)
    for (int64_t n : {64, 128}) {
      bool found = false;
      double ratio = layerMixRatio(results, n, dtype, found);
      if (found)
        out["layer_mix"].push_back(
            {{"dtype", dtype}, {"rows", n}, {"ours_over_sgemm", ratio}});
    }
  std::cout << out.dump(2) << "\n";
}

int run(unsigned threads, int reps, const std::vector<int64_t> &rowCounts,
        const std::vector<std::string> &dtypes,
        const std::vector<std::string> &shapes, int64_t coldMiB,
        const std::string &format) {
  openblas_set_num_threads(int(threads));
  ThreadPool pool(threads);
  // Only its read bandwidth is used; the sgemm operands are 1 × 1.
  bench::RooflineMeter meter(threads, 1, 1, 1);
  const int64_t coldBytes = coldMiB << 20;
  const int64_t maxRows = *std::max_element(rowCounts.begin(), rowCounts.end());

  std::vector<Result> results;
  for (const Shape &s : kShapes) {
    if (!shapes.empty() &&
        std::find(shapes.begin(), shapes.end(), s.name) == shapes.end())
      continue;
    std::vector<float> x = randomFloats(size_t(maxRows * s.k), 7);
    std::vector<float> y(size_t(maxRows * s.n));
    for (const std::string &dtype : dtypes) {
      const WeightType type =
          dtype == "bf16" ? WeightType::BF16 : WeightType::F32;
      Operands ops = makeOperands(s, type, coldBytes, pool);
      const size_t first = results.size();
      for (int64_t rows : rowCounts) {
        Result r;
        r.shape = s.name;
        r.k = s.k;
        r.n = s.n;
        r.rows = rows;
        r.perLayer = s.perLayer;
        r.dtype = dtype;
        r.weightBytes = double(s.n * s.k) * (type == WeightType::F32 ? 4 : 2);
        results.push_back(std::move(r));
      }
      // Repetition -1 is untimed: it faults in every copy and warms both
      // libraries' thread pools.
      for (int rep = -1; rep < reps; ++rep) {
        for (size_t i = first; i < results.size(); ++i) {
          Result &r = results[i];
          const int64_t rows = r.rows;
          const double minSeconds = rep < 0 ? 0.0 : 0.02;
          double ours = secondsPerCall(
              [&](int64_t call) {
                matmulPacked(pool, x.data(), rows,
                             ops.packed[size_t(call) % ops.packed.size()],
                             y.data());
              },
              minSeconds);
          double sgemm = secondsPerCall(
              [&](int64_t call) {
                const float *w =
                    ops.widened[size_t(call) % ops.widened.size()].data();
                cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, int(rows),
                            int(s.n), int(s.k), 1.0f, x.data(), int(s.k), w,
                            int(s.k), 0.0f, y.data(), int(s.n));
              },
              minSeconds);
          if (rep < 0)
            continue;
          r.ours.push_back(r.flops() / ours);
          r.sgemm.push_back(r.flops() / sgemm);
        }
        if (rep < 0)
          continue;
        // Once per repetition of this (shape, dtype): the memory-bound rows
        // are judged against the bandwidth of the same moment.
        double bandwidth = meter.readBandwidth();
        for (size_t i = first; i < results.size(); ++i)
          results[i].bandwidth.push_back(bandwidth);
      }
    }
  }

  if (format == "md") {
    // The load average says whether other processes shared the cores.
    double load[1] = {0};
    getloadavg(load, 1);
    std::printf("isa %s, %u threads, %d reps, weights cold over %lld MiB, "
                "load average %.2f, OpenBLAS %s\n\n",
                packedMatMulIsa(), threads, reps, (long long)coldMiB, load[0],
                openblas_get_config());
    printMarkdown(results, threads);
    printSummary(results, dtypes, true);
  } else {
    printStructured(results, threads, dtypes, format == "csv");
  }
  return 0;
}

} // namespace

int main(int argc, char **argv) {
  // See the file comment: OpenBLAS reads this when the library loads, so
  // the only way to set it is before exec.
  if (!std::getenv("OPENBLAS_THREAD_TIMEOUT")) {
    setenv("OPENBLAS_THREAD_TIMEOUT", "17", 1);
    execv("/proc/self/exe", argv);
    // exec failed: carry on with OpenBLAS's default spin.
  }
  CLI::App app{"sgl-gemm-bench: batch-invariant packed matmul against "
               "OpenBLAS sgemm and the read bandwidth"};
  unsigned threads = 2;
  int reps = 5;
  int64_t coldMiB = 256;
  std::vector<int64_t> rows = {1, 4, 16, 64, 128};
  std::vector<std::string> dtypes = {"f32", "bf16"};
  std::vector<std::string> shapes;
  std::string format = "md";
  app.add_option("--threads", threads, "threads for both kernels")
      ->check(CLI::Range(1u, 1024u));
  app.add_option("--reps", reps, "repetitions of each measurement")
      ->check(CLI::Range(1, 100));
  app.add_option("--rows", rows, "activation row counts")
      ->delimiter(',')
      ->check(CLI::Range(int64_t{1}, int64_t{1} << 16));
  app.add_option("--dtype", dtypes, "weight types: f32, bf16")
      ->delimiter(',')
      ->check(CLI::IsMember({"f32", "bf16"}));
  app.add_option("--shape", shapes,
                 "only these shapes: q/o, k/v, gate/up, down, lm_head")
      ->delimiter(',');
  app.add_option("--cold-mib", coldMiB,
                 "rotate weight copies over this many MiB (0: hot weights)")
      ->check(CLI::Range(int64_t{0}, int64_t{1} << 16));
  app.add_option("--format", format, "md, csv or json")
      ->check(CLI::IsMember({"md", "csv", "json"}));
  if (std::optional<int> exit = sgl::parseCommandLine(app, argc, argv, kTool))
    return *exit;
  return sgl::guardedMain(kTool, [&] {
    return run(threads, reps, rows, dtypes, shapes, coldMiB, format);
  });
}
