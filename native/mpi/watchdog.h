// The watchdog of a distributed job: a thread that notices when this rank has waited in one MPI
// call longer than a timeout (another rank died unnoticed, hangs in JS, is stopped, or loops) and
// then ends the job instead of leaving every rank waiting forever. ops.cc marks each MPI call in
// flight (InFlight); the thread reads that mark, writes one line to stderr naming the rank and what
// it waited in, and calls _exit(kWatchdogExitCode). It never calls MPI itself: under
// MPI_THREAD_SERIALIZED another thread is inside MPI at that moment, so MPI_Abort would be a second
// concurrent MPI call. A process that exits without MPI_Finalize makes mpirun kill the whole job.
#pragma once

#include <cstddef>
#include <cstdint>

namespace nntrain::mpi {

// The exit code of a process the watchdog ends (as timeout(1)).
constexpr int kWatchdogExitCode = 124;

// Starting MPI (MPI_Init_thread) is given at least this long whatever the timeout: it waits for
// the job's slowest process to start.
constexpr double kStartTimeoutFloorSeconds = 60;

// What an MPI call in flight is waiting in, for the watchdog's message.
enum class Waiting : int {
  kNone = 0,
  kStart,      // MPI_Init_thread / MPI_Comm_dup
  kGradients,  // the table's float all-reduce: a training step's gradients
  kSums,       // the table's double all-reduce from a training chunk: its loss and metric sums
  kIntegers,   // the table's integer all-reduce from a training chunk: its abort flag
  kBroadcast,
  kBarrier,
  kFinalize,
};

// Marks an MPI call in flight from construction to destruction: atomic stores only (no allocation,
// no lock), so it may wrap every call of a training step. `count` is the elements or bytes moved.
// A label set on this thread with LabelScope names the call instead of `what`.
class InFlight {
 public:
  InFlight(Waiting what, int64_t count);
  ~InFlight();
  InFlight(const InFlight&) = delete;
  InFlight& operator=(const InFlight&) = delete;
};

// Names the MPI calls this thread makes while it lives (the JS thread's collectives: "the
// agreement at the start of a fit", ...). `label` is an index from intern_label().
class LabelScope {
 public:
  explicit LabelScope(int label);
  ~LabelScope();
  LabelScope(const LabelScope&) = delete;
  LabelScope& operator=(const LabelScope&) = delete;

 private:
  int previous_;
};

// A stable index for `text` (at most kMaxLabels distinct ones; later ones get -1, i.e. no label).
// Call from one thread only (the JS thread).
int intern_label(const char* text, size_t length);
constexpr int kMaxLabels = 64;

// Sets the timeout in seconds (0 disables; negative or non-finite values are ignored) and starts
// the thread the first time it is positive. `rank` names this process in the message (-1: not
// known yet, e.g. before MPI started).
void set_watchdog(double seconds);
void set_watchdog_rank(int rank);
double watchdog_timeout();

}  // namespace nntrain::mpi
