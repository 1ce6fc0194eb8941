// Rows of floats whose count is known only at the end of the file: one growable allocation that a
// single-pass read appends to, handed to JS at its exact size (no copy). On Linux it is an
// anonymous mapping grown and shrunk with mremap, so growing never copies and untouched capacity
// costs no memory; elsewhere realloc.
#pragma once

#include <cstddef>
#include <cstdint>

namespace nntrain::csv {

class RowBuffer {
 public:
  RowBuffer() = default;
  ~RowBuffer() { reset(); }
  RowBuffer(const RowBuffer&) = delete;
  RowBuffer& operator=(const RowBuffer&) = delete;

  // Room for at least `floats` floats, the ones written so far kept; false when the memory cannot
  // be had (the buffer is unchanged).
  bool reserve(int64_t floats);
  float* data() const { return data_; }
  int64_t capacity() const { return capacity_; }

  // Gives up the first `floats` floats (trimmed to that size) to the caller, who frees them with
  // release_free(ptr, floats); the buffer is empty afterwards. Null when floats is 0.
  float* take(int64_t floats);
  static void release_free(float* p, int64_t floats);

  void reset();

 private:
  float* data_ = nullptr;
  int64_t capacity_ = 0;  // floats
};

}  // namespace nntrain::csv
