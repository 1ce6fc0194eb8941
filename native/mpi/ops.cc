// MPI calls behind the Collective table (see ops.h). OMPI_SKIP_MPICXX is set by binding.gyp: only
// the C API is used.
#include "ops.h"

#include <mpi.h>

#include <algorithm>
#include <atomic>
#include <climits>
#include <cstdint>
#include <cstdlib>

#include "watchdog.h"

namespace nntrain::mpi {
namespace {

MPI_Comm g_comm = MPI_COMM_NULL;
std::atomic<bool> g_active{false};
bool g_started_mpi = false;  // initialize() called MPI_Init_thread, so finalize() ends MPI
Collective g_table;

// MPI counts are int: longer buffers go in pieces of this many elements.
constexpr int64_t kMaxPiece = INT_MAX / 16;

template <typename T>
int allreduce(T* data, int64_t count, MPI_Datatype type, MPI_Op op, Waiting what) {
  if (!g_active.load()) return MPI_ERR_OTHER;
  if (data == nullptr || count < 0) return MPI_ERR_ARG;
  const InFlight in_flight(what, count);
  while (count > 0) {
    const int piece = static_cast<int>(std::min(count, kMaxPiece));
    const int rc = MPI_Allreduce(MPI_IN_PLACE, data, piece, type, op, g_comm);
    if (rc != MPI_SUCCESS) return rc;
    data += piece;
    count -= piece;
  }
  return MPI_SUCCESS;
}

int allreduce_sum_f32(float* data, int64_t count) {
  return allreduce(data, count, MPI_FLOAT, MPI_SUM, Waiting::kGradients);
}

int allreduce_sum_f64(double* data, int64_t count) {
  return allreduce(data, count, MPI_DOUBLE, MPI_SUM, Waiting::kSums);
}

int allreduce_i64(int64_t* data, int64_t count, int op) {
  if (op != kReduceSum && op != kReduceMin && op != kReduceMax) return MPI_ERR_OP;
  const MPI_Op mpi_op = op == kReduceSum ? MPI_SUM : op == kReduceMin ? MPI_MIN : MPI_MAX;
  return allreduce(data, count, MPI_INT64_T, mpi_op, Waiting::kIntegers);
}

int bcast(void* data, int64_t bytes, int root) {
  if (!g_active.load()) return MPI_ERR_OTHER;
  if ((data == nullptr && bytes > 0) || bytes < 0 || root < 0 || root >= g_table.size) {
    return MPI_ERR_ARG;
  }
  const InFlight in_flight(Waiting::kBroadcast, bytes);
  auto* p = static_cast<char*>(data);
  while (bytes > 0) {
    const int piece = static_cast<int>(std::min(bytes, kMaxPiece));
    const int rc = MPI_Bcast(p, piece, MPI_BYTE, root, g_comm);
    if (rc != MPI_SUCCESS) return rc;
    p += piece;
    bytes -= piece;
  }
  return MPI_SUCCESS;
}

int barrier() {
  if (!g_active.load()) return MPI_ERR_OTHER;
  const InFlight in_flight(Waiting::kBarrier, 0);
  return MPI_Barrier(g_comm);
}

// The launcher's rank for the watchdog's message before MPI can say (Open MPI, then MPICH).
int launcher_rank() {
  for (const char* key : {"OMPI_COMM_WORLD_RANK", "PMI_RANK"}) {
    const char* value = std::getenv(key);
    if (value != nullptr && *value != '\0') return std::atoi(value);
  }
  return -1;
}

}  // namespace

std::string initialize(double timeout_seconds) {
  if (g_active.load()) return "";
  // started before MPI_Init_thread, which waits for every rank of the job
  set_watchdog_rank(launcher_rank());
  set_watchdog(timeout_seconds);
  const InFlight in_flight(Waiting::kStart, 0);
  int finalized = 0;
  MPI_Finalized(&finalized);
  if (finalized) return "MPI was already finalized in this process";
  int initialized = 0, provided = 0;
  MPI_Initialized(&initialized);
  if (!initialized) {
    // A rank waiting in a collective busy-polls by default, taking the core from a rank (or this
    // rank's compute threads) that the wait is for whenever the host has more runnable threads than
    // cores; yielding costs little when it has not. A value the user set (mpirun --mca) is kept.
    setenv("OMPI_MCA_mpi_yield_when_idle", "1", 0);
    if (MPI_Init_thread(nullptr, nullptr, MPI_THREAD_SERIALIZED, &provided) != MPI_SUCCESS) {
      return "MPI_Init_thread failed";
    }
    g_started_mpi = true;
  } else {
    MPI_Query_thread(&provided);
  }
  if (provided < MPI_THREAD_SERIALIZED) {
    return "this MPI library does not support MPI_THREAD_SERIALIZED (training runs MPI calls on a "
           "worker thread)";
  }
  if (MPI_Comm_dup(MPI_COMM_WORLD, &g_comm) != MPI_SUCCESS) return "MPI_Comm_dup failed";
  MPI_Comm_rank(g_comm, &g_table.rank);
  set_watchdog_rank(g_table.rank);
  MPI_Comm_size(g_comm, &g_table.size);
  g_table.allreduce_sum_f32 = allreduce_sum_f32;
  g_table.allreduce_sum_f64 = allreduce_sum_f64;
  g_table.allreduce_i64 = allreduce_i64;
  g_table.bcast = bcast;
  g_table.barrier = barrier;
  g_table.abort = abort_job;
  g_active.store(true);
  return "";
}

const Collective& collective() {
  return g_table;
}

bool active() {
  return g_active.load();
}

void finalize() {
  if (!g_active.exchange(false)) return;
  const InFlight in_flight(Waiting::kFinalize, 0);
  MPI_Comm_free(&g_comm);
  if (g_started_mpi) MPI_Finalize();
}

void abort_job(int code) {
  int initialized = 0, finalized = 0;
  MPI_Initialized(&initialized);
  MPI_Finalized(&finalized);
  if (initialized && !finalized) MPI_Abort(MPI_COMM_WORLD, code);
}

std::string library_version() {
  char text[MPI_MAX_LIBRARY_VERSION_STRING] = {};
  int length = 0;
  MPI_Get_library_version(text, &length);
  std::string version(text, static_cast<size_t>(std::max(length, 0)));
  while (!version.empty() && (version.back() == '\n' || version.back() == '\0')) version.pop_back();
  return version;
}

}  // namespace nntrain::mpi
