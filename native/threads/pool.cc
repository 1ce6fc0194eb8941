// ThreadPool: workers sleep on a wake counter (spinning briefly first), join a loop if a seat is
// left, and claim tasks from the loop's ticket until none is left; the caller claims tasks too and
// then waits only for tasks already claimed. See pool.h for the contract.
#include "pool.h"

#include <chrono>
#include <cstdlib>
#include <stdexcept>
#include <string>

#include "fp_mode.h"

#if defined(__linux__)
#include <sched.h>
#endif
#if defined(__x86_64__)
#include <immintrin.h>
#endif

namespace nntrain {
namespace {

// A worker spins this long after a loop before it sleeps: the loops of one training step follow
// each other within microseconds, and waking a sleeping thread costs tens of microseconds.
constexpr auto kSpinTime = std::chrono::microseconds(200);
// After a loop found the pool busy (several models training at once in this instance), every
// loop runs on its caller's thread alone for this long: the callers already keep the cores busy,
// and a loop that holds the pool while the others run serially would only oversubscribe them
// (measured: kernels/gemm/TUNING.md).
constexpr int64_t kContendedNs = 50'000'000;
// The caller spins this many pauses for claimed tasks to finish before it sleeps.
constexpr int kSpinPauses = 4000;
// A loop whose caller, out of tasks, waits longer than this and longer than twice its own share
// had a straggler: a thread that held a task while the OS ran something else on its core (a host
// with more runnable threads than cores). Loops then run on their caller alone for kContendedNs,
// as when the pool is shared: one thread beats threads that wait for each other's time slices.
constexpr int64_t kStragglerNs = 1'000'000;

int64_t now_ns() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(
             std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

inline void cpu_relax() {
#if defined(__x86_64__)
  _mm_pause();
#endif
}

}  // namespace

ThreadPool::ThreadPool(int threads) : threads_(threads) {}

ThreadPool::~ThreadPool() {
  std::lock_guard<std::mutex> lock(region_);  // waits for a running loop
  resize_locked(0);
}

int ThreadPool::default_threads() {
  const char* env = std::getenv("NNTRAIN_THREADS");
  if (env != nullptr && env[0] != '\0') {
    char* end = nullptr;
    const long n = std::strtol(env, &end, 10);
    if (*end != '\0' || n < 1 || n > kMaxThreads) {
      throw std::invalid_argument(std::string("NNTRAIN_THREADS must be an integer in [1, ") +
                                  std::to_string(kMaxThreads) + "] but is '" + env + "'");
    }
    return static_cast<int>(n);
  }
  int cpus = 0;
#if defined(__linux__)
  cpu_set_t set;
  CPU_ZERO(&set);
  if (sched_getaffinity(0, sizeof(set), &set) == 0) cpus = CPU_COUNT(&set);
#endif
  if (cpus < 1) cpus = static_cast<int>(std::thread::hardware_concurrency());
  // Ranks of one MPI job on this host share its cores: a pool per rank as wide as all of them
  // oversubscribes them (spinning workers descheduled in turn stall every step's all-reduce).
  const int ranks = local_ranks();
  cpus = cpus / (ranks > 1 ? ranks : 1);
  return cpus < 1 ? 1 : (cpus < kMaxThreads ? cpus : kMaxThreads);
}

int ThreadPool::local_ranks() {
  for (const char* key : {"OMPI_COMM_WORLD_LOCAL_SIZE", "MPI_LOCALNRANKS"}) {
    const char* env = std::getenv(key);
    if (env == nullptr || env[0] == '\0') continue;
    char* end = nullptr;
    const long n = std::strtol(env, &end, 10);
    if (*end == '\0' && n >= 1 && n <= 1 << 20) return static_cast<int>(n);
  }
  return 1;
}

void ThreadPool::resize_locked(int workers) {
  if (static_cast<size_t>(workers) == workers_.size()) return;
  if (!workers_.empty()) {
    stop_.store(true, std::memory_order_release);
    wake_.fetch_add(1, std::memory_order_acq_rel);
    wake_.notify_all();
    for (std::thread& t : workers_) t.join();
    workers_.clear();
    stop_.store(false, std::memory_order_release);
  }
  // read here, not in the new thread, so a loop started right after cannot be missed
  const unsigned seen = wake_.load(std::memory_order_acquire);
  workers_.reserve(workers);
  for (int i = 0; i < workers; i++) workers_.emplace_back([this, seen] { worker_main(seen); });
}

void ThreadPool::claim_tasks() {
  for (;;) {
    const uint64_t w = ticket_.load(std::memory_order_seq_cst);
    const uint32_t loop = static_cast<uint32_t>(w >> 32);
    // Fields of another loop (a newer one being published, whose wake-up is still to come): leave.
    if (field_loop_.load(std::memory_order_seq_cst) != loop) return;
    const RawFn fn = fn_.load(std::memory_order_seq_cst);
    void* ctx = ctx_.load(std::memory_order_seq_cst);
    const int tasks = tasks_.load(std::memory_order_seq_cst);
    const uint32_t mode = fp_mode_.load(std::memory_order_seq_cst);
    if (field_loop_.load(std::memory_order_seq_cst) != loop) return;  // rewritten while we read
    const int task = static_cast<int>(w & 0xffffffffu);
    if (task >= tasks) return;
    uint64_t expected = w;
    if (!ticket_.compare_exchange_strong(expected, w + 1, std::memory_order_seq_cst)) {
      continue;  // another claim, or a newer loop
    }
    // The CAS succeeded on this loop's ticket with a task left, so the loop is not finished and
    // its fields (checked above) cannot have changed. Tasks run in the caller's floating-point
    // mode, so a denormal gives the same result on every thread.
    set_fp_mode(mode);
    fn(ctx, task);
    if (done_.fetch_add(1, std::memory_order_acq_rel) + 1 == tasks) done_.notify_all();
  }
}

void ThreadPool::run_raw(int want, int tasks, RawFn fn, void* ctx) {
  if (tasks <= 0) return;
  const int total = threads();
  int n = want < total ? want : total;
  if (n > tasks) n = tasks;
  if (n > 1) {
    const int64_t now = now_ns();
    if (now < contended_until_.load(std::memory_order_relaxed)) {
      n = 1;  // shared recently: every caller keeps to its own thread for a while
    } else if (!region_.try_lock()) {
      contended_until_.store(now + kContendedNs, std::memory_order_relaxed);
      n = 1;
    }
  }
  if (n <= 1) {
    for (int i = 0; i < tasks; i++) fn(ctx, i);
    return;
  }
  std::lock_guard<std::mutex> lock(region_, std::adopt_lock);
  try {
    resize_locked(total - 1);
  } catch (const std::exception&) {
    // fewer workers than asked (thread creation failed): the tasks still all run
  }
  // Publish: invalidate the fields, rewrite them, tag them with the new loop id, then the ticket.
  field_loop_.store(kNoLoop, std::memory_order_seq_cst);
  fn_.store(fn, std::memory_order_seq_cst);
  ctx_.store(ctx, std::memory_order_seq_cst);
  tasks_.store(tasks, std::memory_order_seq_cst);
  fp_mode_.store(fp_mode(), std::memory_order_seq_cst);
  done_.store(0, std::memory_order_seq_cst);
  seats_.store(n - 1, std::memory_order_seq_cst);
  loop_id_ = loop_id_ + 1 == kNoLoop ? 0 : loop_id_ + 1;
  field_loop_.store(loop_id_, std::memory_order_seq_cst);
  ticket_.store(static_cast<uint64_t>(loop_id_) << 32, std::memory_order_seq_cst);
  const int64_t start = now_ns();
  wake_.fetch_add(1, std::memory_order_release);
  wake_.notify_all();
  claim_tasks();
  const int64_t claimed = now_ns();
  // every task is claimed now; wait for the ones other threads are still running
  for (int spins = 0;; spins++) {
    const int finished = done_.load(std::memory_order_acquire);
    if (finished >= tasks) break;
    if (spins < kSpinPauses) {
      cpu_relax();
    } else {
      done_.wait(finished, std::memory_order_acquire);
    }
  }
  const int64_t end = now_ns();
  if (end - claimed > kStragglerNs && end - claimed > 2 * (claimed - start)) {
    contended_until_.store(end + kContendedNs, std::memory_order_relaxed);
  }
}

bool ThreadPool::serial_for_now() const {
  return now_ns() < contended_until_.load(std::memory_order_relaxed);
}

void ThreadPool::worker_main(unsigned seen) {
  for (;;) {
    unsigned g = wake_.load(std::memory_order_acquire);
    if (g == seen) {
      const auto until = std::chrono::steady_clock::now() + kSpinTime;
      for (int spins = 1; (g = wake_.load(std::memory_order_acquire)) == seen; spins++) {
        cpu_relax();
        if ((spins & 255) == 0 && std::chrono::steady_clock::now() > until) {
          wake_.wait(seen, std::memory_order_acquire);
        }
      }
    }
    seen = g;
    if (stop_.load(std::memory_order_acquire)) return;
    if (seats_.fetch_sub(1, std::memory_order_acq_rel) > 0) claim_tasks();
  }
}

}  // namespace nntrain
