// The watchdog thread (see watchdog.h). State shared with the MPI-calling threads is a handful of
// atomics; the thread polls them a few times per timeout.
#include "watchdog.h"

#include <unistd.h>

#include <algorithm>
#include <array>
#include <atomic>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>
#include <thread>

namespace nntrain::mpi {
namespace {

using Clock = std::chrono::steady_clock;

std::atomic<int64_t> g_since_ns{0};  // start of the call in flight, 0 when none
std::atomic<int> g_what{0};
std::atomic<int64_t> g_count{0};
std::atomic<int> g_label{-1};
std::atomic<double> g_timeout{0};
std::atomic<int> g_rank{-1};
std::atomic<bool> g_thread_started{false};
thread_local int t_label = -1;

// Labels are written once, before their index is published, and never changed.
std::array<std::string, kMaxLabels> g_labels;
std::atomic<int> g_label_count{0};

int64_t now_ns() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(Clock::now().time_since_epoch())
      .count();
}

const char* describe(Waiting what) {
  switch (what) {
    case Waiting::kStart:
      return "starting MPI (MPI_Init_thread, MPI_Comm_dup)";
    case Waiting::kGradients:
      return "the gradient all-reduce of a training step";
    case Waiting::kSums:
      return "the all-reduce of a training chunk's loss and metric sums";
    case Waiting::kIntegers:
      return "the all-reduce of a training chunk's abort flag";
    case Waiting::kBroadcast:
      return "a broadcast";
    case Waiting::kBarrier:
      return "a barrier";
    case Waiting::kFinalize:
      return "MPI_Finalize";
    case Waiting::kNone:
      break;
  }
  return "an MPI call";
}

// Formats into a stack buffer and writes with write(2): the other threads may hold any lock.
[[noreturn]] void end_job(double waited, double timeout) {
  const int label = g_label.load();
  const char* what = label >= 0 && label < g_label_count.load() ? g_labels[label].c_str()
                                                                : describe(Waiting(g_what.load()));
  char rank[32];
  if (g_rank.load() >= 0) {
    std::snprintf(rank, sizeof rank, "rank %d", g_rank.load());
  } else {
    std::snprintf(rank, sizeof rank, "pid %ld", static_cast<long>(getpid()));
  }
  char amount[64] = "";
  const long long count = static_cast<long long>(g_count.load());
  if (count > 0) {
    const bool bytes = Waiting(g_what.load()) == Waiting::kBroadcast;
    std::snprintf(amount, sizeof amount, " (%lld %s)", count, bytes ? "bytes" : "values");
  }
  char line[1024];
  const int n = std::snprintf(
      line, sizeof line,
      "nntrain: %s: no progress for %.0f s in %s%s; another rank has stopped, hangs or died "
      "unnoticed. Aborting the job (exit code %d). The limit is %g s (NNTRAIN_MPI_TIMEOUT, or "
      "fit's distributedTimeout; 0 disables it).\n",
      rank, waited, what, amount, kWatchdogExitCode, timeout);
  if (n > 0) {
    const size_t length = std::min(static_cast<size_t>(n), sizeof line - 1);
    [[maybe_unused]] const ssize_t written = write(STDERR_FILENO, line, length);
  }
  _exit(kWatchdogExitCode);
}

void watch() {
  for (;;) {
    const double timeout = g_timeout.load();
    // a few looks per timeout, at most one per second, at least one per 50 ms
    const double poll = timeout > 0 ? std::clamp(timeout / 8, 0.05, 1.0) : 1.0;
    std::this_thread::sleep_for(std::chrono::duration<double>(poll));
    const int64_t since = g_since_ns.load();
    if (timeout <= 0 || since == 0) continue;
    const double waited = static_cast<double>(now_ns() - since) / 1e9;
    // starting MPI waits until every rank of the job has started, and their start times differ
    // by however long a loaded or large machine takes to launch a process
    const double limit = Waiting(g_what.load()) == Waiting::kStart
                             ? std::max(timeout, kStartTimeoutFloorSeconds)
                             : timeout;
    if (waited > limit && g_since_ns.load() == since) end_job(waited, limit);
  }
}

}  // namespace

InFlight::InFlight(Waiting what, int64_t count) {
  g_what.store(static_cast<int>(what));
  g_count.store(count);
  g_label.store(t_label);
  g_since_ns.store(std::max<int64_t>(now_ns(), 1));
}

InFlight::~InFlight() {
  g_since_ns.store(0);
}

LabelScope::LabelScope(int label) : previous_(t_label) {
  t_label = label;
}

LabelScope::~LabelScope() {
  t_label = previous_;
}

int intern_label(const char* text, size_t length) {
  const std::string_view wanted(text, length);
  const int count = g_label_count.load();
  for (int i = 0; i < count; i++) {
    if (g_labels[i] == wanted) return i;
  }
  if (count >= kMaxLabels) return -1;
  g_labels[count].assign(wanted);
  g_label_count.store(count + 1);
  return count;
}

void set_watchdog(double seconds) {
  if (!std::isfinite(seconds) || seconds < 0) return;
  g_timeout.store(seconds);
  if (seconds > 0 && !g_thread_started.exchange(true)) {
    // detached: it holds no resources, and a joinable thread would abort the process at exit
    std::thread(watch).detach();
  }
}

void set_watchdog_rank(int rank) {
  g_rank.store(rank);
}

double watchdog_timeout() {
  return g_timeout.load();
}

}  // namespace nntrain::mpi
