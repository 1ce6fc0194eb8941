// What a reader reads: the format, what each field becomes, and where it goes in the output rows.
// Built once on the JS thread (native/binding/csv_config.cc checks every value) and read-only while
// a pass runs on the pool.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace nntrain::csv {

// KIND_CODE and MISSING_CODE in src/backend/codes.ts (checked at load: binding/codes.cc).
enum class ColumnKind : uint8_t { kSkip = 0, kNumeric = 1, kCategorical = 2 };
enum class Missing : uint8_t { kError = 0, kDrop = 1, kImpute = 2 };

struct ColumnSpec {
  ColumnKind kind = ColumnKind::kSkip;
  Missing missing = Missing::kError;
  bool fixed = false;  // categorical with a given category list: values outside it are errors
  // ...unless ignore_unknown: then such a value is no category (one-hot zeros, an index NaN)
  bool ignore_unknown = false;
  // Layout (set by Reader::set_layout): output 0 = x, 1 = y; one-hot columns take `width` floats.
  uint8_t dest = 0;
  bool onehot = false;
  uint32_t offset = 0;
  uint32_t width = 1;
};

struct ReaderConfig {
  char delimiter = ',';
  bool header = false;
  int32_t fields = 0;
  std::vector<ColumnSpec> columns;          // one per field
  std::vector<std::string> missing_tokens;  // compared with trimmed, unquoted values
  bool numeric_missing = false;             // a missing token is itself a number (no fast path)
  int threads = 0;                          // 0: the pool's size
  int64_t block_bytes = 8 << 20;            // the read buffer (grown only for a longer record)
  int64_t max_block_bytes = int64_t{1} << 30;
  int64_t chunk_bytes = 1 << 20;  // bytes per parallel task
  int32_t max_categories = 1000;
  // A byte range [range_begin, range_end) of the file (one process's share): the reader reads the
  // header, then only the records that start in the range (see reader.h). Off: the whole file.
  bool ranged = false;
  int64_t range_begin = 0;
  int64_t range_end = 0;
  // Layout totals (floats per output row).
  int64_t x_cols = 0;
  int64_t y_cols = 0;
  bool has_layout = false;

  bool is_missing(std::string_view value) const {
    for (const std::string& t : missing_tokens) {
      if (t.size() == value.size() && value == t) return true;
    }
    return false;
  }
};

}  // namespace nntrain::csv
