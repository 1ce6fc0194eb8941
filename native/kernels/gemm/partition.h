// How one packed GEMM is cut into tasks: pure functions of the shape, the operands' layout, the
// block sizes and the thread count (no threads, no allocation, no state), so the rules are tested
// on their own (test/native/kernels/gemm/partition_test.cc). blocking.cc runs what they return.
// Every rule only regroups whole MR x NR tiles of C, so results never depend on the split; the
// rules decide speed alone. The measurements behind each constant: TUNING.md beside this file.
#pragma once

#include <cstddef>

namespace nntrain {

// The cache blocking of one micro-kernel (PackedGemmConfig without its kernels)
struct GemmBlocking {
  int mr, nr;      // the micro-kernel's tile
  int mc, kc, nc;  // MC a multiple of MR, NC of NR
};

// One call's facts that the split depends on. op(A) is (m,k), op(B) is (k,n) (gemm.h).
struct GemmProblem {
  int m = 0, n = 0, k = 0;  // each >= 1
  bool trans_a = false, trans_b = false;
  bool b_aligned = false;   // B's address is a multiple of 32 bytes
  bool has_direct = false;  // the config has a kernel that reads A in place (UkrDirectFn)
  int pool_threads = 1;     // the pool's threads; 1 without a pool
};

// Each thread of a GEMM gets at least this many flops (threads_for in threads/pool.h): below
// 2x this a GEMM runs on one thread, and t threads need t times it, capped by the pool and by
// C's MR x NR tiles (a thread without a tile only costs a wake-up).
constexpr double kFlopsPerThread = 0.75e6;
// Row tasks: about this many tasks per thread (dynamic claiming balances them), each with at
// least kMinRowTiles row tiles so a packed B panel is reused across rows.
constexpr int kTasksPerThread = 3;
constexpr int kMinRowTiles = 4;
// Column tasks pay while one MC block of packed A and a task's own B fit this much of L2.
constexpr size_t kColumnTaskBytes = 896 * 1024;
// Tiles read B in place for at most this many rows of C.
constexpr int kMaxRowsBInPlace = 64;
// A stored row length (in floats) that is a multiple of this puts every row of a tile in one L1
// set (4 KB apart).
constexpr int kL1SetStrideFloats = 1024;

// The per-call decisions (the same for every KC x NC block of the call)
struct GemmPlan {
  int threads = 1;            // 1, or the pool's threads when the product is big enough
  int kc_step = 0;            // k block: k itself up to 2 KC (one block), else KC
  int kc_max = 0;             // the largest k block (sizes the packed buffers)
  bool column_tasks = false;  // tasks split columns over all rows, each packing its own B
  bool direct_a = false;      // tiles may read A in place (the direct kernel)
  bool one_panel = false;     // n <= NR: one panel of B, every element of A used once
  bool b_in_place = false;    // tiles may read B in place (only with direct_a; not row tasks)
};

GemmPlan plan_gemm(const GemmBlocking& bl, const GemmProblem& pr);

// How one KC x NC block runs
enum class BlockSchedule {
  kSerial,       // one task over all of C on the calling thread
  kColumnTasks,  // tasks of whole B panels over all rows (GemmPlan::column_tasks)
  kRowTasks,     // row x column tasks over one shared packed B
};

// panels: B panels in this block (ceil(nc / NR))
BlockSchedule block_schedule(const GemmPlan& plan, int panels);

// Row tasks read A in place only with one panel of B; row tasks never read B in place.
inline bool row_tasks_direct_a(const GemmPlan& plan) {
  return plan.direct_a && plan.one_panel;
}

// The tasks of one block: task t covers rows [r0, r1) x columns [c0, c1) of the block
// (task_tiles), rows_per_task a multiple of MR and cols_per_task of NR.
struct TaskSplit {
  int rows_per_task = 0, cols_per_task = 0;
  int row_tasks = 1, col_tasks = 1;
  int tasks() const { return row_tasks * col_tasks; }
};

struct TaskTiles {
  int r0, r1, c0, c1;
};

// Task `task` (0 <= task < split.tasks()) of an m x nc block: tile-aligned, clipped to the block.
inline TaskTiles task_tiles(const TaskSplit& split, int m, int nc, int task) {
  const int r0 = task / split.col_tasks * split.rows_per_task;
  const int c0 = task % split.col_tasks * split.cols_per_task;
  const int r1 = m < r0 + split.rows_per_task ? m : r0 + split.rows_per_task;
  const int c1 = nc < c0 + split.cols_per_task ? nc : c0 + split.cols_per_task;
  return {r0, r1, c0, c1};
}

TaskSplit serial_split(const GemmBlocking& bl, int m, int nc);
TaskSplit column_task_split(const GemmBlocking& bl, int m, int nc, int threads);
TaskSplit row_task_split(const GemmBlocking& bl, int m, int nc, int threads);

// Column tasks suit any m while a task's own B (kc rows of its panels) and one MC block of A fit
// kColumnTaskBytes.
bool column_tasks_fit(const GemmBlocking& bl, int nc, int kc, int threads);

// When the last of `tiles` equal tiles is done if they are cut into tasks of `per` tiles (the last
// one shorter) that `threads` equally fast threads claim in order.
long schedule_length(int tiles, int per, int threads);

// Tiles per task in [min_per, max_per] (clamped to [1, tiles]) that finish soonest on `threads`
// threads; among equals, the one whose task count is nearest `target` (then the smaller count).
int balanced_tiles_per_task(int tiles, int min_per, int max_per, int threads, int target);

}  // namespace nntrain
