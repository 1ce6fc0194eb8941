// The pool's straggler rule: a loop whose caller waits long for a task another thread holds makes
// the following loops run on their caller alone for a while (pool.cc, kContendedNs), and the pool
// goes back to its threads afterwards.
#include "threads/pool.h"

#include <doctest/doctest.h>

#include <atomic>
#include <chrono>
#include <thread>

namespace nntrain {
namespace {

using std::chrono::milliseconds;

// Two tasks that wait until both have started (so two threads hold them); the one not on the
// caller's thread then sleeps `sleep`. Returns whether both started in time.
bool run_with_straggler(ThreadPool& pool, milliseconds sleep) {
  const std::thread::id caller = std::this_thread::get_id();
  std::atomic<int> started{0};
  std::atomic<bool> both{true};
  pool.parallel_for(2, 2, [&](int) {
    started.fetch_add(1);
    const auto give_up = std::chrono::steady_clock::now() + std::chrono::seconds(2);
    while (started.load() < 2) {
      if (std::chrono::steady_clock::now() > give_up) {
        both.store(false);
        return;
      }
      std::this_thread::yield();
    }
    if (std::this_thread::get_id() != caller) std::this_thread::sleep_for(sleep);
  });
  return both.load();
}

// The distinct threads that ran `tasks` trivial tasks
int threads_used(ThreadPool& pool, int tasks) {
  std::atomic<int> other{0};
  const std::thread::id caller = std::this_thread::get_id();
  pool.parallel_for(2, tasks, [&](int) {
    if (std::this_thread::get_id() != caller) other.fetch_add(1);
    std::this_thread::sleep_for(std::chrono::microseconds(200));
  });
  return other.load() > 0 ? 2 : 1;
}

}  // namespace

TEST_CASE("ThreadPool: a straggling task sends loops to the caller for a while, then back") {
  ThreadPool pool(2);
  REQUIRE(run_with_straggler(pool, milliseconds(0)));  // starts the worker
  std::this_thread::sleep_for(milliseconds(60));       // whatever that loop's timing was
  CHECK_FALSE(pool.serial_for_now());
  // far longer than the caller's own share, even on a busy host
  REQUIRE(run_with_straggler(pool, milliseconds(100)));
  CHECK(pool.serial_for_now());
  CHECK(threads_used(pool, 8) == 1);
  std::this_thread::sleep_for(milliseconds(60));  // past kContendedNs (50 ms)
  CHECK_FALSE(pool.serial_for_now());
  // the worker may be asleep: over many tasks it joins
  int used = 1;
  for (int i = 0; i < 20 && used == 1; i++) used = threads_used(pool, 64);
  CHECK(used == 2);
}

}  // namespace nntrain
