// The GEMM task-splitting rules (native/kernels/gemm/partition.h): every split covers each output
// tile exactly once, stays tile-aligned and balanced, and each shape class gets the schedule
// TUNING.md measured for it.
#include "kernels/gemm/partition.h"

#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <vector>

#include "threads/split.h"

namespace nntrain {
namespace {

// The blockings of the three packed variants (ukr_avx2_6x16.cc, ukr_avx512_12x32.cc, ukr_ref.cc)
constexpr GemmBlocking kAvx2{6, 16, 144, 512, 4096};
constexpr GemmBlocking kAvx512{12, 32, 192, 256, 4096};
constexpr GemmBlocking kPortable{4, 8, 128, 256, 2048};
constexpr GemmBlocking kBlockings[] = {kAvx2, kAvx512, kPortable};

// Makespan of tasks of `per` tiles (the last shorter) claimed in order by `threads` equally fast
// threads, by simulation: an independent oracle for schedule_length.
long simulate(int tiles, int per, int threads) {
  std::vector<long> busy(static_cast<size_t>(threads), 0);
  for (int start = 0; start < tiles; start += per) {
    auto next = std::min_element(busy.begin(), busy.end());
    *next += std::min(per, tiles - start);
  }
  return *std::max_element(busy.begin(), busy.end());
}

// Checks that the tasks of `split` cover every (row tile, column tile) of an m x nc block exactly
// once with tile-aligned, non-empty ranges (counted first, checked once: the sweep is large).
void check_cover(const GemmBlocking& bl, const TaskSplit& split, int m, int nc) {
  const int row_tiles = (m + bl.mr - 1) / bl.mr, col_tiles = (nc + bl.nr - 1) / bl.nr;
  std::vector<int> hits(static_cast<size_t>(row_tiles) * col_tiles, 0);
  REQUIRE(split.tasks() >= 1);
  REQUIRE(split.rows_per_task % bl.mr == 0);
  REQUIRE(split.cols_per_task % bl.nr == 0);
  int bad_ranges = 0;
  for (int t = 0; t < split.tasks(); t++) {
    const TaskTiles tt = task_tiles(split, m, nc, t);
    if (tt.r0 >= tt.r1 || tt.c0 >= tt.c1 || tt.r1 > m || tt.c1 > nc || tt.r0 % bl.mr != 0 ||
        tt.c0 % bl.nr != 0) {
      bad_ranges++;
      continue;
    }
    for (int r = tt.r0 / bl.mr; r * bl.mr < tt.r1; r++) {
      for (int c = tt.c0 / bl.nr; c * bl.nr < tt.c1; c++) {
        hits[static_cast<size_t>(r) * col_tiles + c]++;
      }
    }
  }
  REQUIRE(bad_ranges == 0);
  REQUIRE(std::count(hits.begin(), hits.end(), 1) == static_cast<long>(hits.size()));
}

GemmProblem problem(int m, int n, int k, int threads) {
  GemmProblem pr;
  pr.m = m;
  pr.n = n;
  pr.k = k;
  pr.b_aligned = true;
  pr.has_direct = true;
  pr.pool_threads = threads;
  return pr;
}

const int kSizes[] = {1,   2,   3,   5,   6,   7,   12,  13,  31,   32,   33,
                      63,  64,  65,  100, 127, 128, 129, 143, 144,  145,  255,
                      256, 257, 288, 289, 511, 512, 577, 784, 1000, 1024, 2048};

}  // namespace

TEST_CASE("schedule_length matches a simulation of threads claiming tasks in order") {
  for (int tiles = 1; tiles <= 80; tiles++) {
    for (int threads = 1; threads <= 16; threads++) {
      for (int per = 1; per <= tiles; per++) {
        INFO("tiles ", tiles, " per ", per, " threads ", threads);
        REQUIRE(schedule_length(tiles, per, threads) == simulate(tiles, per, threads));
      }
    }
  }
}

TEST_CASE("balanced_tiles_per_task picks a fastest cut within its bounds") {
  for (int tiles = 1; tiles <= 120; tiles++) {
    for (int threads = 1; threads <= 16; threads++) {
      for (const auto& [lo, hi] : {std::pair{1, tiles}, std::pair{4, 24}, std::pair{1, 3}}) {
        const int target = threads * kTasksPerThread;
        const int per = balanced_tiles_per_task(tiles, lo, hi, threads, target);
        const int max_per = std::max(1, std::min(hi, tiles));
        const int min_per = std::max(1, std::min(lo, max_per));
        INFO("tiles ", tiles, " threads ", threads, " range ", lo, "..", hi, " -> ", per);
        REQUIRE(per >= min_per);
        REQUIRE(per <= max_per);
        long best = simulate(tiles, max_per, threads);
        for (int p = min_per; p <= max_per; p++) best = std::min(best, simulate(tiles, p, threads));
        REQUIRE(simulate(tiles, per, threads) == best);
      }
    }
  }
}

TEST_CASE("balanced_tiles_per_task: the uneven cut the rule exists for") {
  // 171 row tiles (1024 rows of 6) on 2 threads, at most 24 per task: 8 tasks of 24 leave one
  // thread four full tasks; the rule finds a cut whose two halves finish together
  const int per = balanced_tiles_per_task(171, kMinRowTiles, 24, 2, 6);
  CHECK(schedule_length(171, per, 2) == 86);
  CHECK(schedule_length(171, 24, 2) == 96);
  // among equally fast cuts, the task count nearest the target
  CHECK(balanced_tiles_per_task(64, 1, 64, 2, 6) == 16);
  // one thread: one task of everything is as fast as any cut and nearest a target of 1
  CHECK(balanced_tiles_per_task(10, 1, 10, 1, 1) == 10);
}

TEST_CASE("every split covers each output tile exactly once, for 1..16 threads") {
  for (const GemmBlocking& bl : kBlockings) {
    for (int m : kSizes) {
      for (int nc : kSizes) {
        if (nc > bl.nc) continue;
        INFO("mr ", bl.mr, " nr ", bl.nr, " m ", m, " nc ", nc);
        check_cover(bl, serial_split(bl, m, nc), m, nc);
        CHECK(serial_split(bl, m, nc).tasks() == 1);
        for (int threads = 1; threads <= 16; threads++) {
          INFO("threads ", threads);
          const TaskSplit cols = column_task_split(bl, m, nc, threads);
          check_cover(bl, cols, m, nc);
          CHECK(cols.row_tasks == 1);  // column tasks run over all rows
          const TaskSplit rows = row_task_split(bl, m, nc, threads);
          check_cover(bl, rows, m, nc);
          CHECK(rows.rows_per_task <= bl.mc);  // at most one MC block of A per task
        }
      }
    }
  }
}

TEST_CASE("row tasks are balanced over the threads") {
  for (const GemmBlocking& bl : kBlockings) {
    for (int m : kSizes) {
      for (int threads = 1; threads <= 16; threads++) {
        const TaskSplit s = row_task_split(bl, m, 256, threads);
        const int row_tiles = (m + bl.mr - 1) / bl.mr;
        const int per = s.rows_per_task / bl.mr;
        INFO("mr ", bl.mr, " m ", m, " threads ", threads, " per ", per);
        long best = simulate(row_tiles, std::min(bl.mc / bl.mr, row_tiles), threads);
        for (int p = std::min(kMinRowTiles, row_tiles); p <= std::min(bl.mc / bl.mr, row_tiles);
             p++) {
          best = std::min(best, simulate(row_tiles, p, threads));
        }
        CHECK(simulate(row_tiles, per, threads) == best);
        // enough tasks for every thread: columns are split when rows alone are too few
        if (s.row_tasks < threads && 256 / bl.nr >= threads) CHECK(s.tasks() >= threads);
      }
    }
  }
}

TEST_CASE("column tasks over 16 panels finish in ceil(16 / threads) panel times") {
  for (const GemmBlocking& bl : kBlockings) {
    for (int threads = 1; threads <= 16; threads++) {
      const TaskSplit s = column_task_split(bl, 128, bl.nr * 16, threads);
      INFO("nr ", bl.nr, " threads ", threads);
      const long ideal = (16 + threads - 1) / threads;  // one panel per task reaches it
      CHECK(schedule_length(16, s.cols_per_task / bl.nr, threads) == ideal);
      CHECK(s.col_tasks >= threads);  // ties go to the task count nearest 3 per thread
    }
  }
}

TEST_CASE("plan_gemm: threads and k blocks") {
  // under 2 kFlopsPerThread: one thread whatever the pool
  const GemmPlan small = plan_gemm(kAvx2, problem(128, 10, 128, 8));
  CHECK(small.threads == 1);
  CHECK(block_schedule(small, 1) == BlockSchedule::kSerial);
  for (int threads = 1; threads <= 16; threads++) {
    CHECK(plan_gemm(kAvx2, problem(512, 512, 512, threads)).threads == threads);
  }
  CHECK(plan_gemm(kAvx2, problem(512, 512, 512, 0)).threads == 1);
  // t threads need t x kFlopsPerThread: 128x128x128 (4.2 MFLOP) uses 5 of 16
  CHECK(plan_gemm(kAvx2, problem(128, 128, 128, 16)).threads == 5);
  CHECK(plan_gemm(kAvx2, problem(128, 128, 128, 2)).threads == 2);
  // 1.6 MFLOP: two threads, as on 2 cores before the rule
  CHECK(plan_gemm(kAvx2, problem(4, 256, 784, 16)).threads == 2);
  // never more threads than C has tiles: a 6x16 C is one of kAvx2's tiles
  CHECK(plan_gemm(kAvx2, problem(6, 16, 100000, 16)).threads == 1);
  CHECK(threads_for(1e9, 1.0, 256) == 256);
  CHECK(threads_for(3.9, 1.0, 8) == 3);
  CHECK(threads_for(1.9, 1.0, 8) == 1);
  CHECK(threads_for(NAN, 1.0, 8) == 1);
  // k up to 2 KC is one block; beyond, KC
  CHECK(plan_gemm(kAvx2, problem(64, 64, 1024, 2)).kc_step == 1024);
  CHECK(plan_gemm(kAvx2, problem(64, 64, 1025, 2)).kc_step == 512);
  CHECK(plan_gemm(kAvx2, problem(64, 64, 1025, 2)).kc_max == 512);
  CHECK(plan_gemm(kAvx2, problem(64, 64, 7, 2)).kc_max == 7);
}

TEST_CASE("plan_gemm: small m splits columns and reads A in place") {
  for (int m : {4, 7, 32, 128, 288}) {  // up to 2 MC rows (m = 4: 1.6 MFLOP)
    INFO("m ", m);
    const GemmPlan p = plan_gemm(kAvx2, problem(m, 256, 784, 2));
    CHECK(p.column_tasks);
    CHECK(p.direct_a);
    CHECK(block_schedule(p, 16) == BlockSchedule::kColumnTasks);
    // a single B panel runs as row tasks, A still in place
    CHECK(block_schedule(p, 1) == BlockSchedule::kRowTasks);
  }
  // A's rows 4 KB apart (k = 1024): column tasks still, but A packed
  const GemmPlan spread = plan_gemm(kAvx2, problem(128, 1024, 1024, 2));
  CHECK(spread.column_tasks);
  CHECK_FALSE(spread.direct_a);
  // no direct kernel (avx512, portable): column tasks with A packed
  const GemmPlan no_direct = plan_gemm(kAvx512, [] {
    GemmProblem pr = problem(128, 256, 784, 2);
    pr.has_direct = false;
    return pr;
  }());
  CHECK(no_direct.column_tasks);
  CHECK_FALSE(no_direct.direct_a);
  CHECK_FALSE(no_direct.b_in_place);
}

TEST_CASE("plan_gemm: larger m takes column tasks only while they fit L2") {
  // the shapes TUNING.md measured on 2 threads with the avx2 blocking
  CHECK(plan_gemm(kAvx2, problem(768, 768, 768, 2)).column_tasks);   // 835 KB
  CHECK(plan_gemm(kAvx2, problem(2048, 256, 784, 2)).column_tasks);  // 600 KB
  CHECK(plan_gemm(kAvx2, problem(512, 256, 784, 2)).column_tasks);
  CHECK_FALSE(plan_gemm(kAvx2, problem(1024, 1024, 1024, 2)).column_tasks);  // 1.6 MB
  CHECK_FALSE(plan_gemm(kAvx2, problem(1024, 512, 1024, 2)).column_tasks);
  CHECK(column_tasks_fit(kAvx2, 768, 768, 2));
  CHECK_FALSE(column_tasks_fit(kAvx2, 1024, 1024, 2));
  // AᵀB never does (in place, each k step of a tile touches a new line of A)
  GemmProblem at_b = problem(784, 256, 512, 2);
  at_b.trans_a = true;
  const GemmPlan p = plan_gemm(kAvx2, at_b);
  CHECK_FALSE(p.column_tasks);
  CHECK_FALSE(p.direct_a);
  CHECK(block_schedule(p, 16) == BlockSchedule::kRowTasks);
  CHECK_FALSE(row_tasks_direct_a(p));
  // nor without a direct kernel
  GemmProblem packed = problem(512, 256, 784, 2);
  packed.has_direct = false;
  CHECK_FALSE(plan_gemm(kAvx2, packed).column_tasks);
}

TEST_CASE("plan_gemm: one panel of B reads A in place whatever its stride") {
  for (bool trans_a : {false, true}) {
    GemmProblem pr = problem(1024, 10, 1024, 2);  // lda = 1024: rows 4 KB apart
    pr.trans_a = trans_a;
    const GemmPlan p = plan_gemm(kAvx2, pr);
    INFO("trans_a ", trans_a);
    CHECK(p.one_panel);
    CHECK(p.direct_a);
    CHECK(row_tasks_direct_a(p));
    CHECK(block_schedule(p, 1) == BlockSchedule::kRowTasks);
  }
  CHECK_FALSE(plan_gemm(kAvx2, problem(1024, 17, 1024, 2)).one_panel);
}

TEST_CASE("plan_gemm: B in place only for few rows, aligned, well-spread rows") {
  CHECK(plan_gemm(kAvx2, problem(32, 128, 256, 2)).b_in_place);
  CHECK(plan_gemm(kAvx2, problem(64, 128, 256, 2)).b_in_place);
  CHECK_FALSE(plan_gemm(kAvx2, problem(65, 128, 256, 2)).b_in_place);   // past kMaxRowsBInPlace
  CHECK_FALSE(plan_gemm(kAvx2, problem(32, 1024, 256, 2)).b_in_place);  // rows 4 KB apart
  CHECK_FALSE(plan_gemm(kAvx2, problem(32, 100, 256, 2)).b_in_place);   // rows not 32-byte aligned
  GemmProblem unaligned = problem(32, 128, 256, 2);
  unaligned.b_aligned = false;
  CHECK_FALSE(plan_gemm(kAvx2, unaligned).b_in_place);
  GemmProblem trans_b = problem(32, 128, 256, 2);
  trans_b.trans_b = true;
  CHECK_FALSE(plan_gemm(kAvx2, trans_b).b_in_place);
  // and never without A in place
  CHECK_FALSE(plan_gemm(kAvx2, problem(32, 128, 1024, 2)).b_in_place);
}

}  // namespace nntrain
