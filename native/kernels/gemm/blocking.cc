// The portable blocking loops of the packed GEMM (BLIS's five loops around the micro-kernel):
//   jc over NC columns of C  ->  pc over KC of the k dimension (pack a KC x NC block of op(B))
//   ->  ic over MC rows (pack an MC x KC block of op(A))  ->  jr over NR  ->  ir over MR  ->  ukr.
// Only the micro-kernel and the block sizes differ between variants (PackedGemmConfig).
// Threads: per KC x NC block, packing B and then the C tiles are parallel loops over the pool
// (tasks of whole MR x NR tiles, each with its own packed A); for small m (a batch), or while it
// fits L2, column tasks that pack their own B (or read it in place) and read A in place (or pack it
// once first). Every element of C is computed by one thread with the same values and k order
// whatever the thread count. The bias and activation epilogue is applied with the last KC block
// (gemm_packed.h).
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdlib>

#include "../../threads/pool.h"
#include "../act/activation.h"
#include "../aligned_vector.h"
#include "gemm_packed.h"

namespace nntrain {
namespace {

// One 64-byte aligned float buffer that only grows, without keeping its contents (a vector would
// copy and zero them): in steady state (same config, one variant per process) it is allocated once
// per thread and never again.
class PackBuffer {
 public:
  PackBuffer() = default;
  PackBuffer(const PackBuffer&) = delete;
  PackBuffer& operator=(const PackBuffer&) = delete;
  ~PackBuffer() { alloc_.deallocate(data_, capacity_); }

  float* get(size_t floats) {
    if (floats > capacity_) {
      float* p = alloc_.allocate(floats);
      alloc_.deallocate(data_, capacity_);
      data_ = p;
      capacity_ = floats;
    }
    return data_;
  }

 private:
  CacheLineAllocator<float> alloc_;
  float* data_ = nullptr;
  size_t capacity_ = 0;
};

// Per thread (callers and pool workers alike): packed A is private to the thread that packs it;
// the caller's packed B is shared with the team of its region.
thread_local PackBuffer t_pack_a;         // MC x KC, for L2
thread_local PackBuffer t_pack_b;         // KC x NC, for L3
thread_local PackBuffer t_pack_a_shared;  // m x KC for small m (see Block::pa_shared)

// C = beta * C, for the cases with nothing to accumulate (beta == 0 overwrites NaNs)
void scale_c(float* c, size_t count, float beta) {
  if (beta == 0.0f) {
    for (size_t i = 0; i < count; i++) c[i] = 0.0f;
  } else if (beta != 1.0f) {
    for (size_t i = 0; i < count; i++) c[i] *= beta;
  }
}

int round_up(int x, int step) {
  return (x + step - 1) / step * step;
}

// Below this many flops a GEMM runs on one thread: a parallel loop costs a few microseconds (wake,
// claims, the join), more than a second thread saves on e.g. (128x128)(128x10) = 0.3 MFLOP. On the
// 2-core Zen 4 (GEMM sweeps at 1 and 2 threads) 2 MFLOP shapes gained 1.2-1.35x when
// the other core was idle and 8 MFLOP ones ~2x; 1.5 MFLOP is about where it stops paying.
constexpr double kMinParallelFlops = 1.5e6;

// Applies what the micro-kernels do not: activations other than relu/leakyRelu/linear, per tile
// (rows of n_valid floats at c), from z when it holds the pre-activation, else in place.
void tile_activation(float* c, ptrdiff_t ldc, const float* z, int m_valid, int n_valid, int act,
                     double param) {
  for (int i = 0; i < m_valid; i++) {
    float* crow = c + i * ldc;
    activation_forward(crow, z != nullptr ? z + i * ldc : crow, 1, n_valid, act, param);
  }
}

bool in_register(int act) {
  return act == kActLinear || act == kActRelu || act == kActLeakyRelu;
}

// One KC x NC block of the product, shared by the threads of its parallel loops
struct Block {
  const PackedGemmConfig* cfg = nullptr;
  float* c = nullptr;
  const float* a = nullptr;
  const float* b = nullptr;
  int m = 0, n = 0, k = 0;
  bool trans_a = false, trans_b = false;
  float alpha = 1.0f, beta = 0.0f;
  const GemmEpilogue* ep = nullptr;
  float* pb = nullptr;  // packed B of this block, shared
  // Packed A of all m rows of this k block, shared by the tasks when they split columns (each
  // task would otherwise pack the same rows again); null: every task packs its own rows.
  const float* pa_shared = nullptr;
  int kc_max = 0;  // packed-A buffers hold round_up(MC, MR) x kc_max
  int jc = 0, nc = 0, pc = 0, kc = 0;
  int rows_per_task = 0, cols_per_task = 0;  // multiples of MR and NR
  int col_tasks = 1;
  // Small m (column tasks over all rows): each task packs its own columns of B into its thread's
  // buffer right before using them, instead of a shared packed B from a separate parallel loop.
  bool own_b = false;
  int ldb = 0;
  // With own_b, when the config has a direct kernel: tiles read A in place (no packed A at all)
  bool direct_a = false;
  // Set by gemm_packed (only with direct_a): tiles read B's full panels in place
  // too (only a last panel of fewer than NR columns is packed), so small-m GEMMs copy neither
  // operand
  bool b_in_place = false;
};

// Task `task` of the block: rows [r0, r1) x columns [c0, c1) of C (tile-aligned) with its own
// packed A. Every C tile is computed by exactly one task with the same packed data, micro-kernel
// call and k order whatever the task layout, so the result does not depend on the threads.
void block_task(const Block& blk, int task) {
  const PackedGemmConfig& cfg = *blk.cfg;
  const int mr = cfg.mr, nr = cfg.nr;
  const int kc = blk.kc, nc = blk.nc, jc = blk.jc;
  const ptrdiff_t ldc = blk.n;
  const GemmEpilogue* ep = blk.ep;
  const int r0 = task / blk.col_tasks * blk.rows_per_task;
  const int r1 = std::min(blk.m, r0 + blk.rows_per_task);
  const int c0 = task % blk.col_tasks * blk.cols_per_task;
  const int c1 = std::min(nc, c0 + blk.cols_per_task);
  const bool first = blk.pc == 0, last = blk.pc + kc >= blk.k;
  const bool pass_act = ep != nullptr && !in_register(ep->act) && ep->act != kActSoftmax;
  // the first k block applies the caller's beta (or the bias), later ones accumulate
  const float beta_pc = first ? blk.beta : 1.0f;
  UkrEpilogue uep{nullptr, nullptr, ldc, kActLinear, 0.0};
  bool use_ep = false;
  if (ep != nullptr) {
    if (first && ep->bias != nullptr) use_ep = true;
    if (last) {
      use_ep = true;
      uep.act = in_register(ep->act) ? ep->act : kActLinear;
      uep.act_param = ep->act_param;
    }
  }
  float* own = blk.pa_shared == nullptr && !blk.direct_a
                   ? t_pack_a.get(static_cast<size_t>(round_up(cfg.mc, mr)) * blk.kc_max)
                   : nullptr;
  const int lda = blk.trans_a ? blk.m : blk.k;
  // op(A)[i, p] = a[i*rs + p*cs] for the direct kernels
  const ptrdiff_t rs = blk.trans_a ? 1 : lda, cs = blk.trans_a ? lda : 1;
  // packed B of columns [c0, c1): the shared block's, or this task's own copy
  const float* pb = blk.pb + static_cast<size_t>(c0) * kc;
  if (blk.own_b && !blk.b_in_place) {
    float* mine = t_pack_b.get(static_cast<size_t>(blk.cols_per_task) * kc);
    pack_b(cfg, mine, blk.b, blk.ldb, blk.trans_b, blk.pc, jc + c0, kc, c1 - c0);
    pb = mine;
  }
  // B in place: a last panel of fewer than NR columns (c1 == nc) is packed once for all rows
  const int full_end = c0 + (c1 - c0) / nr * nr;
  const float* edge_panel = nullptr;
  if (blk.b_in_place && full_end < c1) {
    float* mine = t_pack_b.get(static_cast<size_t>(nr) * kc);
    pack_b(cfg, mine, blk.b, blk.ldb, false, blk.pc, jc + full_end, kc, c1 - full_end);
    edge_panel = mine;
  }
  for (int ic = r0; ic < r1; ic += cfg.mc) {
    const int mc = r1 - ic < cfg.mc ? r1 - ic : cfg.mc;
    // ic is a multiple of MR, so the shared panels of rows [ic, ic + mc) start at ic * kc
    const float* pa = own != nullptr ? own
                      : blk.direct_a ? nullptr
                                     : blk.pa_shared + static_cast<size_t>(ic) * kc;
    if (own != nullptr) pack_a(cfg, own, blk.a, lda, blk.trans_a, ic, blk.pc, mc, kc);
    for (int jr = c0; jr < c1; jr += nr) {
      const int n_valid = nc - jr < nr ? nc - jr : nr;
      const int col = jc + jr;
      const float* bp = pb + static_cast<size_t>(jr - c0) * kc;
      ptrdiff_t ldb_tile = nr;
      if (blk.b_in_place) {
        bp = jr < full_end ? blk.b + static_cast<ptrdiff_t>(blk.pc) * blk.ldb + col : edge_panel;
        ldb_tile = jr < full_end ? blk.ldb : nr;
      }
      for (int ir = 0; ir < mc; ir += mr) {
        const int m_valid = mc - ir < mr ? mc - ir : mr;
        const float* ap = pa != nullptr ? pa + static_cast<size_t>(ir) * kc : nullptr;
        const size_t row = static_cast<size_t>(ic + ir);
        float* cp = blk.c + row * ldc + col;
        const UkrEpilogue* tile_ep = nullptr;
        if (use_ep) {
          uep.bias = first && ep->bias != nullptr ? ep->bias + col : nullptr;
          uep.z = last && ep->z != nullptr ? ep->z + row * ldc + col : nullptr;
          tile_ep = &uep;
        }
        if (blk.direct_a) {
          const float* a_in = blk.a + static_cast<ptrdiff_t>(row) * rs + blk.pc * cs;
          ukr_direct_tile(cfg, kc, a_in, rs, cs, bp, ldb_tile, blk.alpha, beta_pc, cp, ldc, m_valid,
                          n_valid, tile_ep);
        } else if (m_valid == mr && n_valid == nr) {
          cfg.ukr(kc, ap, bp, blk.alpha, beta_pc, cp, ldc, tile_ep);
        } else {
          ukr_edge_tile(cfg, kc, ap, bp, blk.alpha, beta_pc, cp, ldc, m_valid, n_valid, tile_ep);
        }
        if (last && pass_act) {
          tile_activation(cp, ldc, uep.z, m_valid, n_valid, ep->act, ep->act_param);
        }
      }
    }
  }
}

// Splits the block's C into about kTasksPerThread tasks per thread (dynamic claiming balances
// them). A task packs its own rows of A and streams its columns of the shared packed B once per
// MR rows, so tasks keep at least kMinRowTiles row tiles (B reuse) and split columns when there are
// too few rows (small batches).
constexpr int kTasksPerThread = 3;
constexpr int kMinRowTiles = 4;

// When the last of `tiles` equal tiles is done if they are cut into tasks of `per` tiles (the last
// one shorter) that `threads` equally fast threads claim in order: whole rounds of `threads` tasks,
// then a last round that is one full task long unless it holds only the short last task.
long schedule_length(int tiles, int per, int threads) {
  const int tasks = (tiles + per - 1) / per;
  const int rounds = (tasks + threads - 1) / threads;
  const int in_last_round = tasks - (rounds - 1) * threads;
  const int last_task = tiles - (tasks - 1) * per;
  return static_cast<long>(rounds - 1) * per + (in_last_round == 1 ? last_task : per);
}

// Tiles per task in [min_per, max_per] that finish soonest on `threads` threads; among equals,
// the one whose task count is nearest `target` (then the smaller count). A fixed "about target
// tasks" cut can leave one thread a whole task more: 1024 rows in 8 tasks of 24 tiles (7 full and
// one of 3) take 4 full tasks on one thread and 3 on the other, 11% longer than even halves.
int balanced_tiles_per_task(int tiles, int min_per, int max_per, int threads, int target) {
  max_per = std::max(1, std::min(max_per, tiles));
  min_per = std::max(1, std::min(min_per, max_per));
  // the task count of `per` tiles per task, and its distance from target
  const auto count = [tiles](int per) { return (tiles + per - 1) / per; };
  const auto gap = [&](int per) { return std::abs(count(per) - target); };
  int best = max_per;
  long best_len = schedule_length(tiles, best, threads);
  for (int per = min_per; per < max_per; per++) {
    const long len = schedule_length(tiles, per, threads);
    const bool tie = len == best_len;
    if (len < best_len || (tie && gap(per) < gap(best)) ||
        (tie && gap(per) == gap(best) && count(per) < count(best))) {
      best = per;
      best_len = len;
    }
  }
  return best;
}

void plan_tasks(Block& blk, int threads) {
  const PackedGemmConfig& cfg = *blk.cfg;
  const int row_tiles = (blk.m + cfg.mr - 1) / cfg.mr;
  const int col_tiles = (blk.nc + cfg.nr - 1) / cfg.nr;
  const int target = threads * kTasksPerThread;
  // at most one MC block per task
  const int tiles_per =
      balanced_tiles_per_task(row_tiles, kMinRowTiles, cfg.mc / cfg.mr, threads, target);
  blk.rows_per_task = tiles_per * cfg.mr;
  const int row_count = (row_tiles + tiles_per - 1) / tiles_per;
  int col_tiles_per = col_tiles;
  if (row_count < target) {
    // too few row tasks: split the columns too, balanced over the threads each row task leaves
    const int col_target = (target + row_count - 1) / row_count;
    const int col_threads = std::max(1, (threads + row_count - 1) / row_count);
    col_tiles_per = balanced_tiles_per_task(col_tiles, 1, col_tiles, col_threads, col_target);
  }
  blk.col_tasks = (col_tiles + col_tiles_per - 1) / col_tiles_per;
  blk.cols_per_task = col_tiles_per * cfg.nr;
}

// Column tasks (Block::own_b): B panels per task for `nc` columns, about kTasksPerThread tasks
// per thread
int column_tiles_per_task(const PackedGemmConfig& cfg, int nc, int threads) {
  const int col_tiles = (nc + cfg.nr - 1) / cfg.nr;
  return balanced_tiles_per_task(col_tiles, 1, col_tiles, threads, threads * kTasksPerThread);
}

// Column tasks suit any m while one MC block of A and a task's own B stay in L2 together: the
// task then reads each block of A once for all its columns. Over ~7/8 of Zen 4's 1 MB L2 they lose
// to row tasks (2 threads, GFLOP/s, row -> column tasks: 768^2 152-168 -> 172 at 835 KB, 2048 x 256
// x 784 157-165 -> 172-174 at 600 KB; 1024^2 154-167 -> 144-150 and 1024 x 512 x 1024 154-167 ->
// 132 at 1.1-1.3 MB).
constexpr size_t kColumnTaskBytes = 896 * 1024;

bool column_tasks_fit(const PackedGemmConfig& cfg, int nc, int kc, int threads) {
  const size_t b_cols = static_cast<size_t>(column_tiles_per_task(cfg, nc, threads)) * cfg.nr;
  return (cfg.mc + b_cols) * kc * sizeof(float) <= kColumnTaskBytes;
}

// Tiles read B (stored (k,n)) in place for up to this many rows of C, when its panel rows are
// 32-byte aligned (else every other load splits across two lines) and not 4 KB apart (one L1 set):
// packing B then costs more than its contiguous panels save (2 threads, best of 3 alternating,
// GFLOP/s: 32x128x256 132 -> 147, 64x128x256 143 -> 150, 16x256x784 102 -> 114-122; at 1 thread
// 32x128x256 72 -> 77-80). Past ~64 rows the strided panel, re-read for every row tile, loses
// (96x256x784 167 -> 155, 512x256x784 175 -> 158).
constexpr int kMaxRowsBInPlace = 64;

// Column tasks: one per slice of whole B panels, over all rows (see Block::own_b)
void plan_column_tasks(Block& blk, int threads) {
  const PackedGemmConfig& cfg = *blk.cfg;
  const int col_tiles = (blk.nc + cfg.nr - 1) / cfg.nr;
  const int per = column_tiles_per_task(cfg, blk.nc, threads);
  blk.col_tasks = (col_tiles + per - 1) / per;
  blk.cols_per_task = per * cfg.nr;
  blk.rows_per_task = round_up(blk.m, cfg.mr);
}

// The loops over one KC x NC block of the product (blk.pc, blk.kc, blk.jc, blk.nc set).

// One thread: pack the block's B, then one task over all of C (A packed per MC block, or read in
// place when `direct`).
void run_block_serial(Block& blk, bool direct) {
  const PackedGemmConfig& cfg = *blk.cfg;
  if (!blk.b_in_place)
    pack_b(cfg, blk.pb, blk.b, blk.ldb, blk.trans_b, blk.pc, blk.jc, blk.kc, blk.nc);
  blk.rows_per_task = round_up(blk.m, cfg.mr);
  blk.cols_per_task = round_up(blk.nc, cfg.nr);
  blk.col_tasks = 1;
  blk.own_b = false;
  blk.direct_a = direct;
  blk.pa_shared = nullptr;
  block_task(blk, 0);
}

// Packs panels [p0, p1) of all m rows of this k block of op(A) into pa (the shared packed A).
void pack_a_panels(const Block& blk, float* pa, long p0, long p1) {
  const PackedGemmConfig& cfg = *blk.cfg;
  if (p1 <= p0) return;
  const int rows = static_cast<int>(std::min<long>(blk.m, p1 * cfg.mr) - p0 * cfg.mr);
  pack_a(cfg, pa + static_cast<size_t>(p0) * cfg.mr * blk.kc, blk.a, blk.trans_a ? blk.m : blk.k,
         blk.trans_a, static_cast<int>(p0) * cfg.mr, blk.pc, rows, blk.kc);
}

// Small m (Block::own_b): column tasks over all rows that pack their own B; A is read in place
// (`direct`: one parallel loop) or packed once for all tasks first.
void run_block_column_tasks(Block& blk, ThreadPool* pool, int threads, bool direct) {
  const PackedGemmConfig& cfg = *blk.cfg;
  plan_column_tasks(blk, threads);
  blk.own_b = true;
  blk.direct_a = direct;
  blk.pa_shared = nullptr;
  if (!direct) {
    float* pa = t_pack_a_shared.get(static_cast<size_t>(round_up(blk.m, cfg.mr)) * blk.kc_max);
    const int a_panels = (blk.m + cfg.mr - 1) / cfg.mr;
    pool->parallel_for(threads, threads, [&](int i) {
      long p0, p1;
      split_range(a_panels, threads, i, 1, &p0, &p1);
      pack_a_panels(blk, pa, p0, p1);
    });
    blk.pa_shared = pa;
  }
  pool->parallel_for(threads, blk.col_tasks, [&blk](int task) { block_task(blk, task); });
}

// Larger m: pack B (and A, when the tasks also split columns) in `threads` slices of whole panels,
// then row x column tasks (plan_tasks), each packing its own rows of A unless A is shared or read
// in place (`direct`).
void run_block_row_tasks(Block& blk, ThreadPool* pool, int threads, bool direct) {
  const PackedGemmConfig& cfg = *blk.cfg;
  plan_tasks(blk, threads);
  blk.own_b = false;
  blk.direct_a = direct;
  blk.b_in_place = false;  // the shared packed B serves every task
  float* pa = blk.col_tasks > 1 && !direct
                  ? t_pack_a_shared.get(static_cast<size_t>(round_up(blk.m, cfg.mr)) * blk.kc_max)
                  : nullptr;
  const int panels = (blk.nc + cfg.nr - 1) / cfg.nr;
  const int a_panels = (blk.m + cfg.mr - 1) / cfg.mr;
  pool->parallel_for(threads, threads, [&](int i) {
    long p0, p1;
    split_range(panels, threads, i, 1, &p0, &p1);
    if (p1 > p0) {
      const int cols = static_cast<int>(std::min<long>(blk.nc, p1 * cfg.nr) - p0 * cfg.nr);
      pack_b(cfg, blk.pb + static_cast<size_t>(p0) * cfg.nr * blk.kc, blk.b, blk.ldb, blk.trans_b,
             blk.pc, blk.jc + static_cast<int>(p0) * cfg.nr, blk.kc, cols);
    }
    if (pa == nullptr) return;
    split_range(a_panels, threads, i, 1, &p0, &p1);
    pack_a_panels(blk, pa, p0, p1);
  });
  blk.pa_shared = pa;
  const int row_tasks = (blk.m + blk.rows_per_task - 1) / blk.rows_per_task;
  pool->parallel_for(threads, row_tasks * blk.col_tasks,
                     [&blk](int task) { block_task(blk, task); });
}

// C = beta * C or the bias, then the epilogue, when there is no product to accumulate
void epilogue_without_product(float* c, int m, int n, float beta, const GemmEpilogue& ep) {
  for (int i = 0; i < m; i++) {
    float* crow = c + static_cast<size_t>(i) * n;
    float* zrow = ep.z != nullptr ? ep.z + static_cast<size_t>(i) * n : nullptr;
    for (int j = 0; j < n; j++) {
      const float v = ep.bias != nullptr ? ep.bias[j] : (beta == 0.0f ? 0.0f : beta * crow[j]);
      if (zrow != nullptr) zrow[j] = v;
      crow[j] = v;
    }
  }
  if (ep.act != kActLinear)
    activation_forward(c, ep.z != nullptr ? ep.z : c, m, n, ep.act, ep.act_param);
}

}  // namespace

// c is (m,n); a is (m,k) or (k,m) when trans_a; b is (k,n) or (n,k) when trans_b
void gemm_packed(const PackedGemmConfig& cfg, float* c, const float* a, const float* b, int m,
                 int n, int k, bool trans_a, bool trans_b, float alpha, float beta,
                 const GemmEpilogue* ep, ThreadPool* pool) {
  if (m == 0 || n == 0) return;
  if (k == 0 || alpha == 0.0f) {
    if (ep != nullptr) {
      epilogue_without_product(c, m, n, beta, *ep);
    } else {
      scale_c(c, static_cast<size_t>(m) * n, beta);
    }
    return;
  }
  Block blk;
  blk.cfg = &cfg;
  blk.c = c;
  blk.a = a;
  blk.b = b;
  blk.m = m;
  blk.n = n;
  blk.k = k;
  blk.trans_a = trans_a;
  blk.trans_b = trans_b;
  blk.alpha = alpha;
  blk.beta = beta;
  blk.ep = ep;
  // k up to 2 KC runs as one k block: a second, short block would cost one more pass over C
  // and one more pair of parallel regions for little cache benefit (784 = 512 + 272 at KC 512;
  // 1024 in one block: 1024^3 146 -> 149 GFLOP/s on 2 threads, best of 3 alternating)
  const int kc_step = k <= 2 * cfg.kc ? k : cfg.kc;
  blk.kc_max = k < kc_step ? k : kc_step;
  // Sized for the block this call can use: KC x NC (rounded to whole panels)
  blk.pb =
      t_pack_b.get(static_cast<size_t>(round_up(n < cfg.nc ? n : cfg.nc, cfg.nr)) * blk.kc_max);
  const double flops = 2.0 * m * n * k;
  const int threads = pool != nullptr && flops >= kMinParallelFlops ? pool->threads() : 1;
  blk.ldb = trans_b ? k : n;
  // A read in place unless its stored rows are a multiple of 4 KB apart: the six rows of a tile
  // would then share one L1 set (m x n x k = 128x1024x1024: 145 GFLOP/s packed, 127 in place).
  const int lda = trans_a ? m : k;
  const bool a_rows_spread = lda % 1024 != 0;
  // Small m (a batch of rows times the weights): column tasks over all rows, each packing its own
  // B (Block::own_b), so its panels stay in the cache of the core that uses them for every row
  // tile (a shared packed B is mostly packed by the other core). A is read in place, or packed once
  // before the tasks (run_block_column_tasks). m x n x k = 128x128x256 on 2 threads, best of 3:
  // 107 GFLOP/s shared B, 120 own B, 164 own B with A in place.
  // Larger m too while a task's B and a block of A fit L2 (column_tasks_fit) and A is read in place
  // along its rows: 512x128x256 124 -> 167-173 GFLOP/s, 512x256x128 ABᵀ 138-143 -> 159-168,
  // 512x256x784 155 -> 173-175. Not for AᵀB: in place, each k step of a tile touches a new line of
  // A (784x256x512 164 -> 150), and with A packed first column tasks gain nothing on row tasks.
  const bool own_b_mode =
      m <= 2 * cfg.mc || (cfg.ukr_direct != nullptr && !trans_a && a_rows_spread &&
                          column_tasks_fit(cfg, n < cfg.nc ? n : cfg.nc, blk.kc_max, threads));
  // With one panel of B (n <= NR, an output layer) every element of op(A) is used once, so packing
  // A would copy as many floats as the product reads: read in place whatever the stride
  // (128x10x1024: 26 -> 47 GFLOP/s on one thread, 31 -> 66 on two; 1024x10x128 AᵀB on two: 54 ->
  // 63).
  const bool one_panel = n <= cfg.nr;
  const bool direct_ok = cfg.ukr_direct != nullptr && (one_panel || (own_b_mode && a_rows_spread));
  // B in place (kMaxRowsBInPlace) only with A in place; row tasks pack B anyway (below)
  const bool b_in_place = direct_ok && m <= kMaxRowsBInPlace && !trans_b && blk.ldb % 1024 != 0 &&
                          blk.ldb % 8 == 0 && reinterpret_cast<uintptr_t>(b) % 32 == 0;
  for (int jc = 0; jc < n; jc += cfg.nc) {
    blk.jc = jc;
    blk.nc = n - jc < cfg.nc ? n - jc : cfg.nc;
    for (int pc = 0; pc < k; pc += kc_step) {
      blk.pc = pc;
      blk.kc = k - pc < kc_step ? k - pc : kc_step;
      const int panels = (blk.nc + cfg.nr - 1) / cfg.nr;
      blk.b_in_place = b_in_place;  // row tasks turn it off
      if (threads <= 1) {
        run_block_serial(blk, direct_ok);
      } else if (own_b_mode && panels > 1) {
        run_block_column_tasks(blk, pool, threads, direct_ok);
      } else {
        run_block_row_tasks(blk, pool, threads, direct_ok && one_panel);
      }
    }
  }
  if (ep != nullptr && ep->act == kActSoftmax) {
    activation_forward(c, ep->z != nullptr ? ep->z : c, m, n, kActSoftmax, ep->act_param);
  }
}

}  // namespace nntrain
