// The task-splitting rules of the packed GEMM (partition.h); TUNING.md has the measurements.
#include "partition.h"

#include <algorithm>
#include <cstdlib>

#include "../../threads/split.h"

namespace nntrain {
namespace {

int round_up(int x, int step) {
  return (x + step - 1) / step * step;
}

// Column tasks: B panels per task for `nc` columns, about kTasksPerThread tasks per thread
int column_tiles_per_task(const GemmBlocking& bl, int nc, int threads) {
  const int col_tiles = (nc + bl.nr - 1) / bl.nr;
  return balanced_tiles_per_task(col_tiles, 1, col_tiles, threads, threads * kTasksPerThread);
}

}  // namespace

long schedule_length(int tiles, int per, int threads) {
  // whole rounds of `threads` tasks, then a last round that is one full task long unless it holds
  // only the short last task
  const int tasks = (tiles + per - 1) / per;
  const int rounds = (tasks + threads - 1) / threads;
  const int in_last_round = tasks - (rounds - 1) * threads;
  const int last_task = tiles - (tasks - 1) * per;
  return static_cast<long>(rounds - 1) * per + (in_last_round == 1 ? last_task : per);
}

// A fixed "about target tasks" cut can leave one thread a whole task more: 1024 rows in 8 tasks of
// 24 tiles (7 full and one of 3) take 4 full tasks on one thread and 3 on the other, 11% longer
// than even halves.
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

bool column_tasks_fit(const GemmBlocking& bl, int nc, int kc, int threads) {
  const size_t b_cols = static_cast<size_t>(column_tiles_per_task(bl, nc, threads)) * bl.nr;
  return (bl.mc + b_cols) * kc * sizeof(float) <= kColumnTaskBytes;
}

TaskSplit serial_split(const GemmBlocking& bl, int m, int nc) {
  TaskSplit s;
  s.rows_per_task = round_up(m, bl.mr);
  s.cols_per_task = round_up(nc, bl.nr);
  return s;
}

// One task per slice of whole B panels, over all rows
TaskSplit column_task_split(const GemmBlocking& bl, int m, int nc, int threads) {
  const int col_tiles = (nc + bl.nr - 1) / bl.nr;
  const int per = column_tiles_per_task(bl, nc, threads);
  TaskSplit s;
  s.col_tasks = (col_tiles + per - 1) / per;
  s.cols_per_task = per * bl.nr;
  s.rows_per_task = round_up(m, bl.mr);
  return s;
}

// About kTasksPerThread tasks per thread, at most one MC block of rows each; with too few row
// tasks (small batches) the columns are split too, balanced over the threads each row task leaves.
TaskSplit row_task_split(const GemmBlocking& bl, int m, int nc, int threads) {
  const int row_tiles = (m + bl.mr - 1) / bl.mr;
  const int col_tiles = (nc + bl.nr - 1) / bl.nr;
  const int target = threads * kTasksPerThread;
  const int tiles_per =
      balanced_tiles_per_task(row_tiles, kMinRowTiles, bl.mc / bl.mr, threads, target);
  TaskSplit s;
  s.rows_per_task = tiles_per * bl.mr;
  s.row_tasks = (row_tiles + tiles_per - 1) / tiles_per;
  int col_tiles_per = col_tiles;
  if (s.row_tasks < target) {
    const int col_target = (target + s.row_tasks - 1) / s.row_tasks;
    const int col_threads = std::max(1, (threads + s.row_tasks - 1) / s.row_tasks);
    col_tiles_per = balanced_tiles_per_task(col_tiles, 1, col_tiles, col_threads, col_target);
  }
  s.col_tasks = (col_tiles + col_tiles_per - 1) / col_tiles_per;
  s.cols_per_task = col_tiles_per * bl.nr;
  return s;
}

GemmPlan plan_gemm(const GemmBlocking& bl, const GemmProblem& pr) {
  GemmPlan plan;
  // k up to 2 KC runs as one k block: a second, short block would cost one more pass over C and
  // one more pair of parallel regions for little cache benefit
  plan.kc_step = pr.k <= 2 * bl.kc ? pr.k : bl.kc;
  plan.kc_max = pr.k < plan.kc_step ? pr.k : plan.kc_step;
  const double flops = 2.0 * pr.m * pr.n * pr.k;
  const double tiles =
      static_cast<double>((pr.m + bl.mr - 1) / bl.mr) * ((pr.n + bl.nr - 1) / bl.nr);
  plan.threads = std::min(threads_for(flops, kFlopsPerThread, pr.pool_threads),
                          static_cast<int>(std::min(tiles, 1e6)));
  const int ldb = pr.trans_b ? pr.k : pr.n;
  const int lda = pr.trans_a ? pr.m : pr.k;
  // A's stored rows not a multiple of 4 KB apart (else the rows of a tile share one L1 set)
  const bool a_rows_spread = lda % kL1SetStrideFloats != 0;
  // Small m (a batch times the weights): column tasks over all rows, each packing its own B so its
  // panels stay in the cache of the core that uses them. Larger m too while a task's B and a block
  // of A fit L2 and A is read in place along its rows (not AᵀB: in place, each k step of a tile
  // touches a new line of A).
  plan.column_tasks = pr.m <= 2 * bl.mc || (pr.has_direct && !pr.trans_a && a_rows_spread &&
                                            column_tasks_fit(bl, pr.n < bl.nc ? pr.n : bl.nc,
                                                             plan.kc_max, plan.threads));
  // With one panel of B every element of op(A) is used once: packing A would copy as many floats
  // as the product reads, so read it in place whatever the stride
  plan.one_panel = pr.n <= bl.nr;
  plan.direct_a = pr.has_direct && (plan.one_panel || (plan.column_tasks && a_rows_spread));
  // B in place only with A in place, for few rows, and when its panel rows are 32-byte aligned
  // and not 4 KB apart
  plan.b_in_place = plan.direct_a && pr.m <= kMaxRowsBInPlace && !pr.trans_b &&
                    ldb % kL1SetStrideFloats != 0 && ldb % 8 == 0 && pr.b_aligned;
  return plan;
}

BlockSchedule block_schedule(const GemmPlan& plan, int panels) {
  if (plan.threads <= 1) return BlockSchedule::kSerial;
  if (plan.column_tasks && panels > 1) return BlockSchedule::kColumnTasks;
  return BlockSchedule::kRowTasks;
}

}  // namespace nntrain
