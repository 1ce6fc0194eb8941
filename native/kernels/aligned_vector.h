// Storage that starts on a 64-byte boundary (one cache line, one AVX-512 register): an allocator,
// and a std::vector over it (a plan's scratch), also used by the GEMM pack buffers. malloc gives 16
// bytes: rows would then start mid-line, and every 32-byte load or store that crosses a line costs
// two.
#pragma once

#include <cstddef>
#include <cstdlib>
#include <new>
#include <vector>

namespace nntrain {

template <typename T>
struct CacheLineAllocator {
  using value_type = T;
  static constexpr size_t kAlign = 64;

  CacheLineAllocator() = default;
  template <typename U>
  explicit CacheLineAllocator(const CacheLineAllocator<U>&) {}

  T* allocate(size_t n) {
    const size_t bytes = (n * sizeof(T) + kAlign - 1) / kAlign * kAlign;
    void* p = std::aligned_alloc(kAlign, bytes == 0 ? kAlign : bytes);
    if (p == nullptr) throw std::bad_alloc();
    return static_cast<T*>(p);
  }
  void deallocate(T* p, size_t) { std::free(p); }

  template <typename U>
  bool operator==(const CacheLineAllocator<U>&) const {
    return true;
  }
  template <typename U>
  bool operator!=(const CacheLineAllocator<U>&) const {
    return false;
  }
};

template <typename T>
using AlignedVector = std::vector<T, CacheLineAllocator<T>>;

}  // namespace nntrain
