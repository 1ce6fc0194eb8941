// RowBuffer (see row_buffer.h).
#include "row_buffer.h"

#include <cstdlib>

#if defined(__linux__)
#include <sys/mman.h>
#endif

namespace nntrain::csv {
namespace {

#if defined(__linux__)
size_t mapped_bytes(int64_t floats) {
  const size_t page = 4096;
  return (static_cast<size_t>(floats) * sizeof(float) + page - 1) & ~(page - 1);
}
#endif

}  // namespace

bool RowBuffer::reserve(int64_t floats) {
  if (floats <= capacity_) return true;
  if (static_cast<uint64_t>(floats) > (SIZE_MAX / 2) / sizeof(float)) return false;
#if defined(__linux__)
  void* p = data_ == nullptr
                ? mmap(nullptr, mapped_bytes(floats), PROT_READ | PROT_WRITE,
                       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0)
                : mremap(data_, mapped_bytes(capacity_), mapped_bytes(floats), MREMAP_MAYMOVE);
  if (p == MAP_FAILED) return false;
#else
  void* p = std::realloc(data_, static_cast<size_t>(floats) * sizeof(float));
  if (p == nullptr) return false;
#endif
  data_ = static_cast<float*>(p);
  capacity_ = floats;
  return true;
}

float* RowBuffer::take(int64_t floats) {
  if (floats <= 0 || floats > capacity_) {
    reset();
    return nullptr;
  }
  float* p = data_;
#if defined(__linux__)
  // the tail's pages go back; the kept part stays where it is
  const size_t keep = mapped_bytes(floats), had = mapped_bytes(capacity_);
  if (had > keep) munmap(reinterpret_cast<char*>(p) + keep, had - keep);
#else
  void* q = std::realloc(p, static_cast<size_t>(floats) * sizeof(float));
  if (q != nullptr) p = static_cast<float*>(q);
#endif
  data_ = nullptr;
  capacity_ = 0;
  return p;
}

void RowBuffer::release_free(float* p, int64_t floats) {
  if (p == nullptr) return;
#if defined(__linux__)
  munmap(p, mapped_bytes(floats));
#else
  (void)floats;
  std::free(p);
#endif
}

void RowBuffer::reset() {
#if defined(__linux__)
  if (data_ != nullptr) munmap(data_, mapped_bytes(capacity_));
#else
  std::free(data_);
#endif
  data_ = nullptr;
  capacity_ = 0;
}

}  // namespace nntrain::csv
