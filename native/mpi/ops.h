// MPI itself, behind plain functions: start and end the process's MPI, and the Collective table
// (../train/collective.h) the main addon's training chunk calls. The only code that includes mpi.h.
#pragma once

#include <string>

#include "../train/collective.h"

namespace nntrain::mpi {

// Starts MPI (MPI_Init_thread asking for MPI_THREAD_SERIALIZED: JS calls collectives on its own
// thread, a training chunk on a libuv worker, never both at once) unless something else already
// did, and duplicates MPI_COMM_WORLD for nntrain's traffic. Returns "" or why it cannot be used.
// Calling it again returns "" without doing anything. The watchdog (watchdog.h) starts first with
// `timeout_seconds` (0: off), so a rank that never starts MPI is noticed too.
std::string initialize(double timeout_seconds);

// The table over the duplicated communicator (rank and size filled in by initialize()). Its
// functions return an error code instead of calling MPI once finalize() ran.
const Collective& collective();

bool active();

// Frees the communicator and calls MPI_Finalize when initialize() started MPI. Collective: every
// rank must call it. Later calls do nothing.
void finalize();

// MPI_Abort over MPI_COMM_WORLD: ends every rank of the job with `code` (does not return while
// MPI is active; returns when it is not).
void abort_job(int code);

// MPI_Get_library_version, e.g. "Open MPI v4.1.4, ...".
std::string library_version();

}  // namespace nntrain::mpi
