// A persistent thread pool, one per addon instance (owned by NntrainAddon, so each worker_thread
// that loads the addon has its own; no globals). Work is a parallel loop over task indices that
// the participating threads claim dynamically: the caller always takes part, and whichever threads
// are actually running do the tasks, so a worker the OS has not scheduled (another model training
// at once, other processes on the cores) delays nothing: nobody waits at a barrier for it.
// One loop runs at a time: a loop that finds the pool busy (another model training concurrently, or
// a nested loop) runs all its tasks serially on the calling thread, so it never waits for the pool
// and never deadlocks; for a short while after that, every loop runs serially (the concurrent
// callers already keep the cores busy). Likewise after a loop whose caller waited long for a thread
// that held a task while the OS ran something else on its core (a host with more runnable threads
// than cores): threads that wait for each other's time slices are slower than one thread. Callers
// make each task's result independent of which thread runs it (GEMM tasks are sets of whole C
// tiles, the optimizer's are contiguous ranges), so results do not depend on the thread count.
#pragma once

#include <atomic>
#include <cstdint>
#include <mutex>
#include <thread>
#include <type_traits>
#include <vector>

#include "split.h"

namespace nntrain {

// The most threads a pool may use (NNTRAIN_THREADS, setThreads).
constexpr int kMaxThreads = 256;

class ThreadPool {
 public:
  // threads >= 1; workers start lazily at the first loop that needs them.
  explicit ThreadPool(int threads);
  ~ThreadPool();
  ThreadPool(const ThreadPool&) = delete;
  ThreadPool& operator=(const ThreadPool&) = delete;

  // The default size: NNTRAIN_THREADS (throws std::invalid_argument unless it is an integer in
  // [1, 256]), else the CPUs this process may run on (sched_getaffinity, else
  // std::thread::hardware_concurrency()) divided by local_ranks(), at least 1.
  static int default_threads();

  // The processes of this MPI job on this host, from the launcher's environment (Open MPI's
  // OMPI_COMM_WORLD_LOCAL_SIZE, MPICH's MPI_LOCALNRANKS); 1 outside a launcher.
  static int local_ranks();

  // Takes effect at the next loop (a running loop keeps its threads). n in [1, 256].
  void set_threads(int n) { threads_.store(n, std::memory_order_relaxed); }
  int threads() const { return threads_.load(std::memory_order_relaxed); }

  // Whether loops now run on their callers alone (a shared pool or a straggler, recently)
  bool serial_for_now() const;

  // Calls fn(i) once for every i in [0, tasks), on up to min(want, threads()) threads (the caller
  // is one of them); returns when all calls returned. fn must not throw.
  template <class F>
  void parallel_for(int want, int tasks, F&& fn) {
    using Fn = std::remove_reference_t<F>;
    run_raw(
        want, tasks, [](void* ctx, int i) { (*static_cast<Fn*>(ctx))(i); }, &fn);
  }

 private:
  using RawFn = void (*)(void* ctx, int task);

  void run_raw(int want, int tasks, RawFn fn, void* ctx);
  void resize_locked(int workers);  // called with region_ held
  void worker_main(unsigned seen);
  void claim_tasks();  // runs tasks of the current loop until none is left

  std::atomic<int> threads_;
  std::mutex region_;  // held by the thread running a loop (try_lock: busy -> serial)
  std::vector<std::thread> workers_;
  uint32_t loop_id_ = 0;  // under region_

  // The current loop. ticket_ = (loop id << 32) | next unclaimed task; a thread reads fn_/ctx_/
  // tasks_ after the ticket and claims a task by CAS on the ticket, so a claim succeeds only on
  // the loop those fields belong to (a loop's fields stay valid until all its tasks are done).
  std::atomic<uint64_t> ticket_{0};
  // The loop id fn_/ctx_/tasks_ belong to (kNoLoop while run_raw rewrites them). A claimer checks
  // it before and after reading them, so it never pairs one loop's ticket with another loop's
  // fields.
  static constexpr uint32_t kNoLoop = 0xffffffffu;
  std::atomic<uint32_t> field_loop_{kNoLoop};
  std::atomic<RawFn> fn_{nullptr};
  std::atomic<void*> ctx_{nullptr};
  std::atomic<int> tasks_{0};
  std::atomic<uint32_t> fp_mode_{0};  // the caller's floating-point mode (fp_mode.h)
  std::atomic<int> done_{0};          // tasks of the current loop finished
  std::atomic<int> seats_{0};         // workers that may still join the current loop
  std::atomic<unsigned> wake_{0};
  std::atomic<bool> stop_{false};
  std::atomic<int64_t> contended_until_{0};  // steady_clock ticks (ns); see pool.cc
};

}  // namespace nntrain
