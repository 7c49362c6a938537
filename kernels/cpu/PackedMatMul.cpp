//===- PackedMatMul.cpp - Batch-invariant matmul on pre-packed weights ----===//
//
// Layout. Panel p holds output features [32p, 32p + 32) for all K inputs,
// k-major: the 32 weights of input k are contiguous (128 bytes fp32, one
// 64-byte line bf16). Features past N are zero. For bf16 the 32 values of
// one k are interleaved so that 32-bit lane i holds feature i in its low
// half and feature 16 + i in its high half: one 512-bit load then widens
// with a shift (features 0..15) and a mask (16..31), no cross-lane shuffle.
//
// Arithmetic. Every output element is one accumulator that starts at +0 and
// takes fma(x[t][k], w[n][k], acc) for k = 0, 1, ..., K - 1. Every micro-
// kernel variant (full MR-row tile, each row-tail size, each edge panel)
// performs exactly that sequence for each of its elements, so where a row
// falls in a tile, how many rows the call has and which thread owns a panel
// change nothing. K is never split: one call of a micro-kernel runs the
// whole chain, so no partial sums are stored and reloaded at all.
//
// Loop order. A thread owns a contiguous range of panels; for a block of
// rows it walks its panels and, inside each, all row tiles. The panel
// (K × 128 bytes ≤ 360 KiB for the shapes we run) stays in L2 across the row
// tiles, and the activations of the row block are re-read from L2/L3 for
// every panel; the weights come from memory once per row block. When a
// panel has several row tiles, each tile software-prefetches its share of
// the next panel into L2, so that panel's DRAM traffic overlaps this one's
// arithmetic instead of stalling the next panel's first tile (worth ~10%
// at 16 rows with cold weights). A lone tile (<= 8 rows) is a plain
// sequential stream, which the hardware prefetcher already keeps ahead of
// (on huge pages: a software prefetch a few KiB ahead measured slower).
//
// Memory-bound rows (decode) need no special path: one row is two FMA
// chains per panel, 128 bytes per 4-cycle FMA latency, well above DRAM.
//
//===----------------------------------------------------------------------===//
#include "kernels/cpu/PackedMatMul.h"

#include <sys/mman.h>

#include <algorithm>
#include <atomic>
#include <cassert>
#include <cstdlib>
#include <list>
#include <mutex>
#include <new>
#include <string_view>
#include <utility>

#if defined(__x86_64__) && defined(__GNUC__) && !defined(__clang__)
#define SGL_PACKED_X86 1
#include <immintrin.h>
#else
#define SGL_PACKED_X86 0
#endif

namespace sgl::kernels {

namespace {

constexpr int64_t kNR = PackedMatrix::kPanelWidth;
static_assert(kNR == 32, "the micro-kernels are written for 32-wide panels");

/// Rows the activations are blocked by: each thread streams its panels once
/// per block, so larger blocks mean fewer weight passes but activations
/// spilling out of L2/L3. 256 rows keep the activations of the largest
/// layer (K = 2816) at 2.9 MB; one block covers every decode and most
/// prefill chunks, so the weights are read once.
constexpr int64_t kRowBlock = 256;

/// Position of feature j (0 <= j < 32) inside one k-group of a bf16 panel.
constexpr int64_t bf16Slot(int64_t j) {
  return j < 16 ? 2 * j : 2 * (j - 16) + 1;
}

/// How a thread's share of one matmulPacked call is described to the
/// ISA-specific drivers.
struct Job {
  const float *x;
  int64_t xStride;
  int64_t numRows;
  const PackedMatrix *w;
  float *y;
  int64_t yStride;
};

using Driver = void (*)(const Job &job, int64_t p0, int64_t p1);

/// Lines of the next panel a tile should pull into L2 while it computes, so
/// that a panel's DRAM traffic overlaps the row tiles of the one before.
struct Prefetch {
  const char *begin = nullptr;
  int64_t lines = 0; // <= K, spread evenly over the tile's k loop
};

/// 32-bit lanes holding two bf16 each.
typedef uint32_t V8U __attribute__((vector_size(32)));
typedef uint32_t V16U __attribute__((vector_size(64)));

/// Runs `tile` for every row tile of [r0, r1) in the panel, routing the
/// edge panel through a 32-wide scratch tile so the kernels always store
/// full vectors. `Tile<M>::run(x, xs, panel, K, y, ys, prefetch)` computes
/// M rows. With several tiles, each prefetches its share of `next` (null:
/// none); a single tile is a plain stream the hardware prefetcher handles.
template <int MR, template <int> class Tile>
inline void runPanel(const Job &job, const void *panel, const char *next,
                     size_t panelBytes, int64_t n0, int64_t r0, int64_t r1) {
  const int64_t k = job.w->cols();
  const int64_t ncols = std::min(kNR, job.w->rows() - n0);
  const int64_t tiles = (r1 - r0 + MR - 1) / MR;
  const int64_t lines = next && tiles > 1 ? int64_t(panelBytes / 64) : 0;
  int64_t tile = 0;
  alignas(64) float scratch[MR * kNR];
  auto one = [&]<int M>(int64_t r) {
    const float *x = job.x + r * job.xStride;
    float *y = job.y + r * job.yStride + n0;
    const int64_t l0 = lines * tile / tiles, l1 = lines * (tile + 1) / tiles;
    ++tile;
    const Prefetch pf{next + 64 * l0, l1 - l0};
    if (ncols == kNR) {
      Tile<M>::run(x, job.xStride, panel, k, y, job.yStride, pf);
      return;
    }
    Tile<M>::run(x, job.xStride, panel, k, scratch, kNR, pf);
    for (int i = 0; i < M; ++i)
      std::copy(scratch + i * kNR, scratch + i * kNR + ncols,
                y + i * job.yStride);
  };
  int64_t r = r0;
  for (; r + MR <= r1; r += MR)
    one.template operator()<MR>(r);
  // The row tail: same per-element sequence, fewer rows per tile.
  switch (r1 - r) {
#define SGL_TAIL(M)                                                            \
  case M:                                                                      \
    if constexpr (M < MR)                                                      \
      one.template operator()<M>(r);                                           \
    break;
    SGL_TAIL(1)
    SGL_TAIL(2)
    SGL_TAIL(3)
    SGL_TAIL(4)
    SGL_TAIL(5)
    SGL_TAIL(6)
    SGL_TAIL(7)
    SGL_TAIL(8)
    SGL_TAIL(9)
    SGL_TAIL(10)
    SGL_TAIL(11)
#undef SGL_TAIL
  default:
    assert(r == r1 && "row tail longer than the tile");
    break;
  }
}

/// Walks the panels [p0, p1) for every row block.
template <int MR, template <int> class Tile>
inline void runPanels(const Job &job, int64_t p0, int64_t p1) {
  static_assert(MR <= 12, "runPanel's tail switch covers MR <= 12");
  const size_t panelBytes =
      static_cast<size_t>(job.w->cols()) * kNR *
      (job.w->type() == WeightType::F32 ? sizeof(float) : sizeof(uint16_t));
  for (int64_t r0 = 0; r0 < job.numRows; r0 += kRowBlock) {
    const int64_t r1 = std::min(job.numRows, r0 + kRowBlock);
    const char *panel = static_cast<const char *>(job.w->panel(p0));
    for (int64_t p = p0; p < p1; ++p, panel += panelBytes)
      runPanel<MR, Tile>(job, panel, p + 1 < p1 ? panel + panelBytes : nullptr,
                         panelBytes, p * kNR, r0, r1);
  }
}

//===----------------------------------------------------------------------===//
// Baseline x86-64 (and non-x86): plain loops the compiler vectorizes across
// the 32 features, in the same k order for every row. Baseline x86-64 has
// no FMA, so this is a rounded multiply then an add; where the target has
// FMA the compiler may fuse them, the same way for every row.
//===----------------------------------------------------------------------===//

template <bool BF16> struct GenericTile {
  template <int M> struct Tile {
    static void run(const float *x, int64_t xs, const void *panel, int64_t k,
                    float *y, int64_t ys, Prefetch) {
      for (int i = 0; i < M; ++i) {
        float acc[kNR] = {};
        const float *xr = x + i * xs;
        for (int64_t kk = 0; kk < k; ++kk) {
          const float a = xr[kk];
          if constexpr (BF16) {
            const uint16_t *b = static_cast<const uint16_t *>(panel) + kk * kNR;
            for (int64_t j = 0; j < kNR; ++j)
              acc[j] = acc[j] + a * bf16ToF32(b[bf16Slot(j)]);
          } else {
            const float *b = static_cast<const float *>(panel) + kk * kNR;
            for (int64_t j = 0; j < kNR; ++j)
              acc[j] = acc[j] + a * b[j];
          }
        }
        std::copy(acc, acc + kNR, y + i * ys);
      }
    }
  };
};

void driveGenericF32(const Job &job, int64_t p0, int64_t p1) {
  runPanels<1, GenericTile<false>::Tile>(job, p0, p1);
}
void driveGenericBF16(const Job &job, int64_t p0, int64_t p1) {
  runPanels<1, GenericTile<true>::Tile>(job, p0, p1);
}

#if SGL_PACKED_X86

//===----------------------------------------------------------------------===//
// AVX2 + FMA: 6 rows × 16 features (two ymm) per tile, the 32-wide panel in
// two halves; 12 accumulators, 2 weight vectors and a broadcast fit the 16
// ymm registers.
//===----------------------------------------------------------------------===//
#pragma GCC push_options
#pragma GCC target("avx2,fma,bmi,bmi2,f16c,popcnt,lzcnt")

template <bool BF16> struct Avx2Tile {
  template <int M> struct Tile {
    static void run(const float *x, int64_t xs, const void *panel, int64_t k,
                    float *y, int64_t ys, Prefetch) {
      for (int half = 0; half < 2; ++half) {
        __m256 acc0[M], acc1[M];
        for (int i = 0; i < M; ++i)
          acc0[i] = acc1[i] = _mm256_setzero_ps();
#pragma GCC unroll 2
        for (int64_t kk = 0; kk < k; ++kk) {
          __m256 b0, b1;
          if constexpr (BF16) {
            // Lanes 8h..8h+7: features 8h+i (low) and 16+8h+i (high).
            V8U v;
            std::memcpy(
                &v, static_cast<const uint16_t *>(panel) + kk * kNR + 16 * half,
                sizeof(v));
            b0 = reinterpret_cast<__m256>(v << 16);
            b1 = reinterpret_cast<__m256>(v & 0xFFFF0000u);
          } else {
            const float *b =
                static_cast<const float *>(panel) + kk * kNR + 16 * half;
            b0 = _mm256_load_ps(b);
            b1 = _mm256_load_ps(b + 8);
          }
          for (int i = 0; i < M; ++i) {
            __m256 a = _mm256_broadcast_ss(x + i * xs + kk);
            acc0[i] = _mm256_fmadd_ps(a, b0, acc0[i]);
            acc1[i] = _mm256_fmadd_ps(a, b1, acc1[i]);
          }
        }
        // bf16 halves cover features {8h..8h+7} and {16+8h..}; fp32 halves
        // cover 16h..16h+15.
        const int64_t c0 = BF16 ? 8 * half : 16 * half;
        const int64_t c1 = BF16 ? 16 + 8 * half : 16 * half + 8;
        for (int i = 0; i < M; ++i) {
          _mm256_storeu_ps(y + i * ys + c0, acc0[i]);
          _mm256_storeu_ps(y + i * ys + c1, acc1[i]);
        }
      }
    }
  };
};

void driveAvx2F32(const Job &job, int64_t p0, int64_t p1) {
  runPanels<6, Avx2Tile<false>::Tile>(job, p0, p1);
}
void driveAvx2BF16(const Job &job, int64_t p0, int64_t p1) {
  runPanels<6, Avx2Tile<true>::Tile>(job, p0, p1);
}

#pragma GCC pop_options

//===----------------------------------------------------------------------===//
// AVX-512: 8 rows × 32 features (two zmm) per tile: 16 accumulators, the
// activation broadcast folded into the FMA's memory operand.
//===----------------------------------------------------------------------===//
#pragma GCC push_options
#pragma GCC target("avx512f,avx512vl,avx512bw,avx512dq,avx2,fma,bmi,bmi2,"     \
                   "f16c,popcnt,lzcnt")

template <bool BF16> struct Avx512Tile {
  template <int M> struct Tile {
    static void run(const float *x, int64_t xs, const void *panel, int64_t k,
                    float *y, int64_t ys, Prefetch pf) {
      __m512 acc0[M], acc1[M];
      for (int i = 0; i < M; ++i)
        acc0[i] = acc1[i] = _mm512_setzero_ps();
      // One prefetch every `every` k steps (scalar work the FP pipes never
      // see); pf.lines <= k, so all of them are issued.
      const int64_t every = pf.lines > 0 ? k / pf.lines : k + 1;
      const char *pfNext = pf.begin;
      const char *pfEnd = pf.begin + 64 * pf.lines;
      int64_t countdown = every;
#pragma GCC unroll 4
      for (int64_t kk = 0; kk < k; ++kk) {
        if (--countdown == 0) {
          countdown = every;
          if (pfNext < pfEnd) {
            _mm_prefetch(pfNext, _MM_HINT_T1);
            pfNext += 64;
          }
        }
        __m512 b0, b1;
        if constexpr (BF16) {
          // Vector-extension shift/and (the intrinsics trip a GCC 12
          // -Wmaybe-uninitialized false positive).
          V16U v;
          std::memcpy(&v, static_cast<const uint16_t *>(panel) + kk * kNR,
                      sizeof(v));
          b0 = reinterpret_cast<__m512>(v << 16);
          b1 = reinterpret_cast<__m512>(v & 0xFFFF0000u);
        } else {
          const float *b = static_cast<const float *>(panel) + kk * kNR;
          b0 = _mm512_load_ps(b);
          b1 = _mm512_load_ps(b + 16);
        }
        for (int i = 0; i < M; ++i) {
          __m512 a = _mm512_set1_ps(x[i * xs + kk]);
          acc0[i] = _mm512_fmadd_ps(a, b0, acc0[i]);
          acc1[i] = _mm512_fmadd_ps(a, b1, acc1[i]);
        }
      }
      for (int i = 0; i < M; ++i) {
        _mm512_storeu_ps(y + i * ys, acc0[i]);
        _mm512_storeu_ps(y + i * ys + 16, acc1[i]);
      }
    }
  };
};

void driveAvx512F32(const Job &job, int64_t p0, int64_t p1) {
  runPanels<8, Avx512Tile<false>::Tile>(job, p0, p1);
}
void driveAvx512BF16(const Job &job, int64_t p0, int64_t p1) {
  runPanels<8, Avx512Tile<true>::Tile>(job, p0, p1);
}

#pragma GCC pop_options

#endif // SGL_PACKED_X86

enum class Isa { Generic, Avx2, Avx512 };

Isa detectIsa() {
#if SGL_PACKED_X86
  __builtin_cpu_init();
  if (__builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512vl") &&
      __builtin_cpu_supports("avx512bw") && __builtin_cpu_supports("avx512dq"))
    return Isa::Avx512;
  if (__builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma"))
    return Isa::Avx2;
#endif
  return Isa::Generic;
}

/// Chosen once per process so every call (and every thread) takes the same
/// arithmetic; only tests override it.
std::atomic<Isa> &isaSlot() {
  static std::atomic<Isa> chosen{detectIsa()};
  return chosen;
}

Isa isa() { return isaSlot().load(std::memory_order_relaxed); }

Driver driverFor(WeightType type) {
  const bool bf16 = type == WeightType::BF16;
  switch (isa()) {
#if SGL_PACKED_X86
  case Isa::Avx512:
    return bf16 ? driveAvx512BF16 : driveAvx512F32;
  case Isa::Avx2:
    return bf16 ? driveAvx2BF16 : driveAvx2F32;
#endif
  default:
    return bf16 ? driveGenericBF16 : driveGenericF32;
  }
}

size_t elementSize(WeightType type) {
  return type == WeightType::F32 ? sizeof(float) : sizeof(uint16_t);
}

//===----------------------------------------------------------------------===//
// Where packed weights live: 2 MiB-aligned anonymous mappings with
// transparent huge pages requested. A k/v matrix (0.5–1 MiB) alone could
// never get a huge page, and on 4 KiB pages the weight stream pays a TLB
// walk and a hardware-prefetcher restart every 4 KiB (decode of such a
// matrix measured ~50% of read bandwidth instead of ~90%). So matrices up
// to kSmallBytes are bump-allocated from shared 64 MiB chunks; a chunk is
// unmapped when its last matrix goes. Untouched tails cost address space
// only, never memory.
//===----------------------------------------------------------------------===//

constexpr size_t kHugePage = size_t{2} << 20;
constexpr size_t kChunkBytes = size_t{64} << 20;
constexpr size_t kSmallBytes = size_t{16} << 20;

size_t roundUp(size_t v, size_t to) { return (v + to - 1) / to * to; }

/// A 2 MiB-aligned mapping of `bytes` (a multiple of 2 MiB).
char *mapHuge(size_t bytes) {
  void *p = mmap(nullptr, bytes + kHugePage, PROT_READ | PROT_WRITE,
                 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (p == MAP_FAILED)
    throw std::bad_alloc();
  char *raw = static_cast<char *>(p);
  char *aligned = reinterpret_cast<char *>(
      roundUp(reinterpret_cast<uintptr_t>(raw), kHugePage));
  if (aligned > raw)
    munmap(raw, size_t(aligned - raw));
  munmap(aligned + bytes, size_t(raw + kHugePage - aligned));
  madvise(aligned, bytes, MADV_HUGEPAGE); // a hint; fine if refused
  return aligned;
}

class PackedArena {
public:
  static PackedArena &get() {
    // Leaked: a PackedMatrix with static storage may outlive any static.
    static PackedArena *arena = new PackedArena;
    return *arena;
  }

  /// Fresh, zero-filled, 64-byte aligned memory (never reused before its
  /// whole mapping is released, so padding is zero without a memset).
  void *allocate(size_t bytes) {
    bytes = roundUp(bytes, 64);
    std::lock_guard<std::mutex> lock(mutex_);
    if (bytes > kSmallBytes) {
      size_t size = roundUp(bytes, kHugePage);
      chunks_.push_back({mapHuge(size), size, size, 1});
      return chunks_.back().base;
    }
    if (!current_ || current_->size - current_->used < bytes) {
      chunks_.push_back({mapHuge(kChunkBytes), kChunkBytes, 0, 0});
      current_ = &chunks_.back();
    }
    char *p = current_->base + current_->used;
    current_->used += bytes;
    ++current_->live;
    return p;
  }

  void release(void *p) {
    std::lock_guard<std::mutex> lock(mutex_);
    for (auto it = chunks_.begin(); it != chunks_.end(); ++it) {
      char *c = static_cast<char *>(p);
      if (c < it->base || c >= it->base + it->size)
        continue;
      if (--it->live == 0) {
        munmap(it->base, it->size);
        if (current_ == &*it)
          current_ = nullptr;
        chunks_.erase(it);
      }
      return;
    }
    assert(false && "released memory the arena does not own");
  }

private:
  struct Chunk {
    char *base;
    size_t size, used, live;
  };
  std::mutex mutex_;
  std::list<Chunk> chunks_; // stable addresses for current_
  Chunk *current_ = nullptr;
};

} // namespace

PackedMatrix::~PackedMatrix() {
  if (data_)
    PackedArena::get().release(data_);
}

PackedMatrix::PackedMatrix(PackedMatrix &&other) noexcept
    : data_(std::exchange(other.data_, nullptr)),
      bytes_(std::exchange(other.bytes_, 0)),
      rows_(std::exchange(other.rows_, 0)),
      cols_(std::exchange(other.cols_, 0)), type_(other.type_) {}

PackedMatrix &PackedMatrix::operator=(PackedMatrix &&other) noexcept {
  if (this != &other) {
    this->~PackedMatrix();
    data_ = std::exchange(other.data_, nullptr);
    bytes_ = std::exchange(other.bytes_, 0);
    rows_ = std::exchange(other.rows_, 0);
    cols_ = std::exchange(other.cols_, 0);
    type_ = other.type_;
  }
  return *this;
}

const void *PackedMatrix::panel(int64_t p) const {
  assert(p >= 0 && p <= numPanels() && "panel out of range");
  return static_cast<const char *>(data_) + static_cast<size_t>(p) *
                                                static_cast<size_t>(cols_) *
                                                kNR * elementSize(type_);
}

PackedMatrix PackedMatrix::pack(const MatrixView &w, ThreadPool &pool) {
  PackedMatrix m;
  m.rows_ = w.rows;
  m.cols_ = w.cols;
  m.type_ = w.type;
  const int64_t panels = m.numPanels();
  m.bytes_ = static_cast<size_t>(panels) * static_cast<size_t>(w.cols) * kNR *
             elementSize(w.type);
  if (m.bytes_ == 0)
    return m;
  m.data_ = PackedArena::get().allocate(m.bytes_);

  const int64_t n = w.rows, k = w.cols;
  pool.parallelFor(panels, [&](int64_t p0, int64_t p1) {
    for (int64_t pi = p0; pi < p1; ++pi) {
      // Row by row of the source (contiguous reads), scattered with stride
      // 32 into the panel, which fits in L2.
      // Padding features stay zero: the arena hands out fresh memory.
      void *dst = static_cast<char *>(m.data_) + static_cast<size_t>(pi) *
                                                     static_cast<size_t>(k) *
                                                     kNR * elementSize(w.type);
      for (int64_t j = 0; j < kNR && pi * kNR + j < n; ++j) {
        const int64_t row = pi * kNR + j;
        if (w.type == WeightType::F32) {
          float *d = static_cast<float *>(dst) + j;
          const float *src = static_cast<const float *>(w.data) + row * k;
          for (int64_t kk = 0; kk < k; ++kk)
            d[kk * kNR] = src[kk];
        } else {
          uint16_t *d = static_cast<uint16_t *>(dst) + bf16Slot(j);
          const uint16_t *src = static_cast<const uint16_t *>(w.data) + row * k;
          for (int64_t kk = 0; kk < k; ++kk)
            d[kk * kNR] = src[kk];
        }
      }
    }
  });
  return m;
}

void matmulPacked(ThreadPool &pool, const float *x, int64_t numRows,
                  const PackedMatrix &w, float *y, int64_t xStride,
                  int64_t yStride) {
  if (numRows <= 0 || w.rows() <= 0)
    return;
  Job job{x, xStride ? xStride : w.cols(), numRows, &w,
          y, yStride ? yStride : w.rows()};
  if (w.cols() == 0) {
    for (int64_t r = 0; r < numRows; ++r)
      std::fill(y + r * job.yStride, y + r * job.yStride + w.rows(), 0.0f);
    return;
  }
  const Driver drive = driverFor(w.type());
  pool.parallelFor(w.numPanels(),
                   [&](int64_t p0, int64_t p1) { drive(job, p0, p1); });
}

bool setPackedMatMulIsaForTesting(const char *name) {
  const std::string_view want = name;
  const Isa best = detectIsa();
  Isa next;
  if (want == "generic")
    next = Isa::Generic;
  else if (want == "avx2" && best != Isa::Generic)
    next = Isa::Avx2;
  else if (want == "avx512" && best == Isa::Avx512)
    next = Isa::Avx512;
  else
    return false;
  isaSlot().store(next, std::memory_order_relaxed);
  return true;
}

const char *packedMatMulIsa() {
  switch (isa()) {
  case Isa::Avx512:
    return "avx512";
  case Isa::Avx2:
    return "avx2";
  default:
    return "generic";
  }
}

} // namespace sgl::kernels
