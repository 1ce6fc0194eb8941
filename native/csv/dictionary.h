// A category dictionary: distinct strings numbered in first-appearance order. Open addressing over
// ids, strings packed in one arena, so inserting a new category allocates only when the arena or
// the table grows, and a lookup allocates nothing. Reads of a dictionary nobody inserts into are
// safe from any number of threads (the parse pass only looks values up).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace nntrain::csv {

class Dictionary {
 public:
  // The id of `s`, or -1.
  int32_t find(std::string_view s) const;
  // The id of `s`, adding it (as the next id) when absent.
  int32_t insert(std::string_view s);
  int32_t size() const { return static_cast<int32_t>(offsets_.size()) - 1; }
  std::string_view at(int32_t id) const {
    return {chars_.data() + offsets_[id], static_cast<size_t>(offsets_[id + 1] - offsets_[id])};
  }
  void clear();

 private:
  static uint64_t hash(std::string_view s);
  void grow();

  std::string chars_;
  std::vector<uint64_t> offsets_{0};  // id i is chars_[offsets_[i], offsets_[i + 1])
  std::vector<uint64_t> hashes_;      // per id
  std::vector<int32_t> slots_;        // -1 empty, else an id; size a power of two, <= half full
};

}  // namespace nntrain::csv
