// The collectives a distributed training chunk needs, as a table of C function pointers. The main
// addon never links libmpi: the optional MPI addon (native/mpi/, built where mpicc exists) fills
// this table from the real mpi.h and hands it to JS as a type-tagged napi External, which the
// plan's train() accepts (binding/plan_wrap.cc checks the tag and the version before reading it).
// Plain C types only, so both addons share the header without sharing a build.
#pragma once

#include <cstdint>

namespace nntrain {

enum ReduceOp : int { kReduceSum = 0, kReduceMin = 1, kReduceMax = 2 };

// Bump when the struct changes: an MPI addon built from another version is refused, not misread.
constexpr uint32_t kCollectiveVersion = 1;

// The napi type tag of the External holding a Collective (two random 64-bit halves).
constexpr uint64_t kCollectiveTagLower = 0x6e6e747261696e4dULL;  // "nntrainM"
constexpr uint64_t kCollectiveTagUpper = 0x9c3f5a27d1e84b06ULL;

// Every function is a collective over the same communicator: each rank must call the same ones in
// the same order with the same counts. They return 0, or the MPI error code (the default MPI error
// handler aborts the job first). Counts are elements and may exceed INT_MAX (the MPI side splits).
struct Collective {
  uint32_t version = kCollectiveVersion;
  int rank = 0;
  int size = 1;
  int (*allreduce_sum_f32)(float* data, int64_t count) = nullptr;  // in place
  int (*allreduce_sum_f64)(double* data, int64_t count) = nullptr;
  int (*allreduce_i64)(int64_t* data, int64_t count, int op) = nullptr;  // op: ReduceOp
  int (*bcast)(void* data, int64_t bytes, int root) = nullptr;
  int (*barrier)() = nullptr;
  void (*abort)(int code) = nullptr;  // ends every rank of the job
};

}  // namespace nntrain
