// The portable blocking loops of the packed GEMM (BLIS's five loops around the micro-kernel):
//   jc over NC columns of C  ->  pc over KC of the k dimension (pack a KC x NC block of op(B))
//   ->  ic over MC rows (pack an MC x KC block of op(A))  ->  jr over NR  ->  ir over MR  ->  ukr.
// Only the micro-kernel and the block sizes differ between variants (PackedGemmConfig).
// Threads: per KC x NC block, packing B and then the C tiles are parallel loops over the pool
// (tasks of whole MR x NR tiles, each with its own packed A); for small m (a batch), or while it
// fits L2, column tasks that pack their own B (or read it in place) and read A in place (or pack it
// once first). Which of these runs, and how C is cut into tasks, is decided by partition.cc. Every
// element of C is computed by one thread with the same values and k order whatever the thread
// count. The bias and activation epilogue is applied with the last KC block (gemm_packed.h).
#include <algorithm>
#include <cstddef>
#include <cstdint>

#include "../../threads/pool.h"
#include "../act/activation.h"
#include "../aligned_vector.h"
#include "gemm_packed.h"
#include "partition.h"

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

GemmBlocking blocking_of(const PackedGemmConfig& cfg) {
  return {cfg.mr, cfg.nr, cfg.mc, cfg.kc, cfg.nc};
}

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
  int kc_max = 0;  // the largest k block
  int kw_max = 0;  // panel_words(kc_max): packed-A buffers hold round_up(MC, MR) x kw_max words
  int jc = 0, nc = 0, pc = 0, kc = 0;
  TaskSplit split;  // the tasks of this block (partition.h)
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

// Task `task` of the block: rows [r0, r1) x columns [c0, c1) of C (tile-aligned, task_tiles) with
// its own packed A. Every C tile is computed by exactly one task with the same packed data,
// micro-kernel call and k order whatever the task layout, so the result does not depend on the
// threads.
void block_task_tiles(const Block& blk, int task);

void block_task(const Block& blk, int task) {
  const PackedGemmConfig& cfg = *blk.cfg;
  if (cfg.task_begin != nullptr) cfg.task_begin();
  block_task_tiles(blk, task);
  if (cfg.task_end != nullptr) cfg.task_end();
}

void block_task_tiles(const Block& blk, int task) {
  const PackedGemmConfig& cfg = *blk.cfg;
  const int mr = cfg.mr, nr = cfg.nr;
  const int kc = blk.kc, nc = blk.nc, jc = blk.jc;
  const int kw = panel_words(cfg, kc);  // words per row of a packed panel (bf16: pairs)
  const ptrdiff_t ldc = blk.n;
  const GemmEpilogue* ep = blk.ep;
  const TaskTiles t = task_tiles(blk.split, blk.m, nc, task);
  const int r0 = t.r0, r1 = t.r1, c0 = t.c0, c1 = t.c1;
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
                   ? t_pack_a.get(static_cast<size_t>(round_up(cfg.mc, mr)) * blk.kw_max)
                   : nullptr;
  const int lda = blk.trans_a ? blk.m : blk.k;
  // op(A)[i, p] = a[i*rs + p*cs] for the direct kernels
  const ptrdiff_t rs = blk.trans_a ? 1 : lda, cs = blk.trans_a ? lda : 1;
  // packed B of columns [c0, c1): the shared block's, or this task's own copy
  const float* pb = blk.pb + static_cast<size_t>(c0) * kw;
  if (blk.own_b && !blk.b_in_place) {
    float* mine = t_pack_b.get(static_cast<size_t>(blk.split.cols_per_task) * kw);
    pack_b(cfg, mine, blk.b, blk.ldb, blk.trans_b, blk.pc, jc + c0, kc, c1 - c0);
    pb = mine;
  }
  // B in place: a last panel of fewer than NR columns (c1 == nc) is packed once for all rows
  const int full_end = c0 + (c1 - c0) / nr * nr;
  const float* edge_panel = nullptr;
  if (blk.b_in_place && full_end < c1) {
    float* mine = t_pack_b.get(static_cast<size_t>(nr) * kw);
    pack_b(cfg, mine, blk.b, blk.ldb, false, blk.pc, jc + full_end, kc, c1 - full_end);
    edge_panel = mine;
  }
  for (int ic = r0; ic < r1; ic += cfg.mc) {
    const int mc = r1 - ic < cfg.mc ? r1 - ic : cfg.mc;
    // ic is a multiple of MR, so the shared panels of rows [ic, ic + mc) start at ic * kw
    const float* pa = own != nullptr ? own
                      : blk.direct_a ? nullptr
                                     : blk.pa_shared + static_cast<size_t>(ic) * kw;
    if (own != nullptr) pack_a(cfg, own, blk.a, lda, blk.trans_a, ic, blk.pc, mc, kc);
    for (int jr = c0; jr < c1; jr += nr) {
      const int n_valid = nc - jr < nr ? nc - jr : nr;
      const int col = jc + jr;
      const float* bp = pb + static_cast<size_t>(jr - c0) * kw;
      ptrdiff_t ldb_tile = nr;
      if (blk.b_in_place) {
        bp = jr < full_end ? blk.b + static_cast<ptrdiff_t>(blk.pc) * blk.ldb + col : edge_panel;
        ldb_tile = jr < full_end ? blk.ldb : nr;
      }
      for (int ir = 0; ir < mc; ir += mr) {
        const int m_valid = mc - ir < mr ? mc - ir : mr;
        const float* ap = pa != nullptr ? pa + static_cast<size_t>(ir) * kw : nullptr;
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

// The loops over one KC x NC block of the product (blk.pc, blk.kc, blk.jc, blk.nc set).

// One thread: pack the block's B, then one task over all of C (A packed per MC block, or read in
// place when `direct`).
void run_block_serial(Block& blk, bool direct) {
  const PackedGemmConfig& cfg = *blk.cfg;
  if (!blk.b_in_place)
    pack_b(cfg, blk.pb, blk.b, blk.ldb, blk.trans_b, blk.pc, blk.jc, blk.kc, blk.nc);
  blk.split = serial_split(blocking_of(cfg), blk.m, blk.nc);
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
  pack_a(cfg, pa + static_cast<size_t>(p0) * cfg.mr * panel_words(cfg, blk.kc), blk.a,
         blk.trans_a ? blk.m : blk.k, blk.trans_a, static_cast<int>(p0) * cfg.mr, blk.pc, rows,
         blk.kc);
}

// Small m (Block::own_b): column tasks over all rows that pack their own B; A is read in place
// (`direct`: one parallel loop) or packed once for all tasks first.
void run_block_column_tasks(Block& blk, ThreadPool* pool, int threads, bool direct) {
  const PackedGemmConfig& cfg = *blk.cfg;
  blk.split = column_task_split(blocking_of(cfg), blk.m, blk.nc, threads);
  blk.own_b = true;
  blk.direct_a = direct;
  blk.pa_shared = nullptr;
  if (!direct) {
    float* pa = t_pack_a_shared.get(static_cast<size_t>(round_up(blk.m, cfg.mr)) * blk.kw_max);
    const int a_panels = (blk.m + cfg.mr - 1) / cfg.mr;
    pool->parallel_for(threads, threads, [&](int i) {
      long p0, p1;
      split_range(a_panels, threads, i, 1, &p0, &p1);
      pack_a_panels(blk, pa, p0, p1);
    });
    blk.pa_shared = pa;
  }
  pool->parallel_for(threads, blk.split.tasks(), [&blk](int task) { block_task(blk, task); });
}

// Larger m: pack B (and A, when the tasks also split columns) in `threads` slices of whole panels,
// then row x column tasks (row_task_split), each packing its own rows of A unless A is shared or
// read in place (`direct`).
void run_block_row_tasks(Block& blk, ThreadPool* pool, int threads, bool direct) {
  const PackedGemmConfig& cfg = *blk.cfg;
  blk.split = row_task_split(blocking_of(cfg), blk.m, blk.nc, threads);
  blk.own_b = false;
  blk.direct_a = direct;
  blk.b_in_place = false;  // the shared packed B serves every task
  float* pa = blk.split.col_tasks > 1 && !direct
                  ? t_pack_a_shared.get(static_cast<size_t>(round_up(blk.m, cfg.mr)) * blk.kw_max)
                  : nullptr;
  const int panels = (blk.nc + cfg.nr - 1) / cfg.nr;
  const int a_panels = (blk.m + cfg.mr - 1) / cfg.mr;
  pool->parallel_for(threads, threads, [&](int i) {
    long p0, p1;
    split_range(panels, threads, i, 1, &p0, &p1);
    if (p1 > p0) {
      const int cols = static_cast<int>(std::min<long>(blk.nc, p1 * cfg.nr) - p0 * cfg.nr);
      pack_b(cfg, blk.pb + static_cast<size_t>(p0) * cfg.nr * panel_words(cfg, blk.kc), blk.b,
             blk.ldb, blk.trans_b, blk.pc, blk.jc + static_cast<int>(p0) * cfg.nr, blk.kc, cols);
    }
    if (pa == nullptr) return;
    split_range(a_panels, threads, i, 1, &p0, &p1);
    pack_a_panels(blk, pa, p0, p1);
  });
  blk.pa_shared = pa;
  pool->parallel_for(threads, blk.split.tasks(), [&blk](int task) { block_task(blk, task); });
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

// Columns [c0, c1) (whole NR tiles from column 0, as the tiles would have them) of a one-row
// product through cfg.gemv: k blocks of kc_step like the tiles' (the first adds the bias, later
// ones accumulate), then the epilogue the tiles apply with the last block (z, the activation per
// tile).
void gemv_columns(const PackedGemmConfig& cfg, int kc_step, float* c, const float* a,
                  const float* b, int n, int k, const GemmEpilogue* ep, int c0, int c1) {
  for (int pc = 0; pc < k; pc += kc_step) {
    const int kc = k - pc < kc_step ? k - pc : kc_step;
    const float* bias = pc == 0 && ep != nullptr && ep->bias != nullptr ? ep->bias + c0 : nullptr;
    cfg.gemv(kc, a + pc, b + static_cast<size_t>(pc) * n + c0, n, c1 - c0, bias, c + c0, pc > 0);
  }
  if (ep == nullptr) return;
  const bool act_here = in_register(ep->act);
  for (int j = c0; j < c1; j++) {
    const float v = c[j];
    if (ep->z != nullptr) ep->z[j] = v;
    if (act_here) c[j] = ukr_act_scalar(v, ep->act, ep->act_param);
  }
  if (act_here || ep->act == kActSoftmax) return;
  for (int j = c0; j < c1; j += cfg.nr) {
    const int w = c1 - j < cfg.nr ? c1 - j : cfg.nr;
    tile_activation(c + j, n, ep->z != nullptr ? ep->z + j : nullptr, 1, w, ep->act, ep->act_param);
  }
}

// One row of C (cfg.gemv; alpha 1, beta 0, neither operand transposed): the columns in `threads`
// slices of whole NR tiles.
void run_gemv(const PackedGemmConfig& cfg, const GemmPlan& plan, float* c, const float* a,
              const float* b, int n, int k, const GemmEpilogue* ep, ThreadPool* pool) {
  const int tiles = (n + cfg.nr - 1) / cfg.nr;
  const int threads = plan.threads < tiles ? plan.threads : tiles;
  auto slice = [&](int i) {
    long t0, t1;
    split_range(tiles, threads, i, 1, &t0, &t1);
    const int c0 = static_cast<int>(t0) * cfg.nr;
    const int c1 = static_cast<int>(std::min<long>(n, t1 * cfg.nr));
    if (c1 > c0) gemv_columns(cfg, plan.kc_step, c, a, b, n, k, ep, c0, c1);
  };
  if (threads <= 1 || pool == nullptr) {
    slice(0);
  } else {
    pool->parallel_for(threads, threads, slice);
  }
}

// The jc and pc loops over KC x NC blocks of the product, each block on the schedule of `plan`.
void gemm_blocks(const PackedGemmConfig& cfg, const GemmPlan& plan, Block& blk, ThreadPool* pool) {
  const int n = blk.n, k = blk.k;
  const bool trans_b = blk.trans_b;
  const int kc_step = plan.kc_step;
  blk.kc_max = plan.kc_max;
  blk.kw_max = panel_words(cfg, plan.kc_max);
  // Sized for the block this call can use: KC x NC (rounded to whole panels)
  blk.pb =
      t_pack_b.get(static_cast<size_t>(round_up(n < cfg.nc ? n : cfg.nc, cfg.nr)) * blk.kw_max);
  blk.ldb = trans_b ? k : n;
  for (int jc = 0; jc < n; jc += cfg.nc) {
    blk.jc = jc;
    blk.nc = n - jc < cfg.nc ? n - jc : cfg.nc;
    for (int pc = 0; pc < k; pc += kc_step) {
      blk.pc = pc;
      blk.kc = k - pc < kc_step ? k - pc : kc_step;
      const int panels = (blk.nc + cfg.nr - 1) / cfg.nr;
      blk.b_in_place = plan.b_in_place;  // row tasks turn it off
      switch (block_schedule(plan, panels)) {
        case BlockSchedule::kSerial:
          run_block_serial(blk, plan.direct_a);
          break;
        case BlockSchedule::kColumnTasks:
          run_block_column_tasks(blk, pool, plan.threads, plan.direct_a);
          break;
        case BlockSchedule::kRowTasks:
          run_block_row_tasks(blk, pool, plan.threads, row_tasks_direct_a(plan));
          break;
      }
    }
  }
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
  GemmProblem pr;
  pr.m = m;
  pr.n = n;
  pr.k = k;
  pr.trans_a = trans_a;
  pr.trans_b = trans_b;
  pr.b_aligned = reinterpret_cast<uintptr_t>(b) % 32 == 0;
  pr.has_direct = cfg.ukr_direct != nullptr;
  pr.pool_threads = pool != nullptr ? pool->threads() : 1;
  const GemmPlan plan = plan_gemm(blocking_of(cfg), pr);
  if (m == 1 && cfg.gemv != nullptr && !trans_a && !trans_b && alpha == 1.0f && beta == 0.0f) {
    run_gemv(cfg, plan, c, a, b, n, k, ep, pool);
  } else {
    gemm_blocks(cfg, plan, blk, pool);
  }
  if (ep != nullptr && ep->act == kActSoftmax) {
    activation_forward(c, ep->z != nullptr ? ep->z : c, m, n, kActSoftmax, ep->act_param);
  }
}

}  // namespace nntrain
