// The fast paths of parse_piece: records read with separator bit masks (64 bytes at a time), values
// parsed straight from their known bounds. Any record they cannot take as it is (quotes, missing
// values, a wrong field count, a bad value) is handed back, and chunk.cc's parse_record reads it
// again with every check, so errors are found and worded in one place.
#pragma once

#include <cstdint>
#include <cstring>
#include <vector>

#include "config.h"
#include "convert.h"
#include "dictionary.h"
#include "find.h"

namespace nntrain::csv {

// Field boundaries 64 bytes at a time (delimiters, newlines and quotes as a bit mask), so finding
// the next field never waits for the previous value to be parsed: values parse independently and
// the CPU overlaps them. With `digits`, each window also gets the values of the short integers
// ending at each byte (find.h DigitWindow), so a field of 1..4 digits costs a few table reads.
class SeparatorCursor {
 public:
  explicit SeparatorCursor(char delimiter) : delimiter_(delimiter) {}
  void reset(const char* p) {
    base_ = p;
    load();
  }
  const char* next() {
    while (mask_ == 0) {
      base_ += 64;
      load();
    }
    const char* at = base_ + __builtin_ctzll(mask_);
    mask_ &= mask_ - 1;
    return at;
  }
  // The starts, first 8 bytes and ninth bytes of the fields of one record at p (`fields` of them:
  // start[fields] is one past the last value, before its '\r\n' or '\n'); the position after the
  // record, or nullptr when a field ends at something other than what its place needs (a newline or
  // quote before the last field, or the last not at a newline). The cursor's state is kept in
  // locals here: the stores to word[] might otherwise alias it.
  const char* record_starts(const char* p, int32_t fields, const char** start, uint64_t* word,
                            uint8_t* ninth) {
    const char* base = base_;
    uint64_t mask = mask_;
    const char* sep = nullptr;
    for (int32_t f = 0; f < fields; f++) {
      while (mask == 0) {
        base += 64;
        mask = separator_mask(base, delimiter_);
      }
      sep = base + __builtin_ctzll(mask);
      mask &= mask - 1;
      if (*sep != (f + 1 < fields ? delimiter_ : '\n')) {
        sep = nullptr;
        break;
      }
      start[f] = p;
      std::memcpy(&word[f], p, 8);
      ninth[f] = static_cast<uint8_t>(p[8]);
      p = sep + 1;
    }
    base_ = base;
    mask_ = mask;
    if (sep == nullptr) return nullptr;
    start[fields] = sep > start[fields - 1] && sep[-1] == '\r' ? sep : sep + 1;
    return sep + 1;
  }

  // `count` fields from p, each ending at the delimiter, into out[0..count): each window's fields
  // at once through `ints` when they are all short integers, else one by one through
  // parse(b, e, out) -> bool. The position after the last delimiter, or nullptr when a field ends
  // at something else or parse fails; *hits += the fields `ints` took. The cursor's state is kept
  // in locals (stores to out[] might otherwise alias it).
  template <typename Parse>
  const char* int_run(const char* p, int32_t count, float* out, ShortIntsFn ints, int64_t* hits,
                      Parse&& parse) {
    const char* base = base_;
    uint64_t mask = mask_;
    const char delimiter = delimiter_;
    while (count > 0) {
      while (mask == 0) {
        base += 64;
        mask = separator_mask(base, delimiter);
      }
      uint64_t take = mask;
      int n = __builtin_popcountll(take);
      if (n > count) {  // a run's end: its first `count` separators only
        uint64_t t = mask;
        for (int i = 1; i < count; i++) t &= t - 1;
        take = mask & ((t & (0 - t)) * 2 - 1);
        n = count;
      }
      mask &= ~take;
      if (ints(base, take, p, delimiter, out)) {
        *hits += n;
        out += n;
        p = base + (63 - __builtin_clzll(take)) + 1;
      } else {
        for (; take != 0; take &= take - 1) {
          const char* sep = base + __builtin_ctzll(take);
          if (*sep != delimiter || !parse(p, sep, out)) {
            p = nullptr;
            break;
          }
          out++;
          p = sep + 1;
        }
        if (p == nullptr) break;
      }
      count -= n;
    }
    base_ = base;
    mask_ = mask;
    return p;
  }

  // The field [b, sep) as a short integer from the window, when it is one (sep from next()).
  bool small_int(const char* b, const char* sep, float* out) const {
    const int64_t len = sep - b;
    const int64_t i = sep - 1 - base_;
    if (static_cast<uint64_t>(len - 1) >= 4 || i < 0 || w_.run[i] != len) return false;
    *out = static_cast<float>(w_.lo[i] + 100 * w_.hi[i]);
    return true;
  }
  void set_digits(bool on) { digits_ = on; }
  bool digits() const { return digits_; }

 private:
  void load() {
    mask_ = digits_ ? separator_digits(base_, delimiter_, &w_) : separator_mask(base_, delimiter_);
  }

  char delimiter_;
  bool digits_ = false;
  const char* base_ = nullptr;
  uint64_t mask_ = 0;
  DigitWindow w_;
};

// The value of a numeric field with known bounds, when it is an ordinary number (not missing, not
// quoted, no error): the exact fast path, else the general parser on the trimmed value.
bool numeric_value(const ReaderConfig& cfg, const char* b, const char* e, float* v);

// One record without quotes, missing values or errors, parsed with the cursor into row xr/yr;
// nullptr when the record is anything else (the caller parses it again with every check).
const char* fast_record(const ReaderConfig& cfg, const std::vector<Dictionary>& dicts,
                        const char* p, SeparatorCursor* cur, float* xr, float* yr);

// Where a record's values (in field order) go: runs of consecutive fields that land on consecutive
// floats of x or y (Fashion-MNIST: two runs), so the all-numeric path writes without looking up
// each field's column.
struct RowRun {
  int32_t field;
  int32_t count;
  uint8_t dest;
  uint32_t offset;
};

// fast_record for files whose every field is numeric and no missing token looks like a number (the
// common case of ML data): fields are written run by run (`runs` from row_runs, covering every
// field in order). *small counts the fields that were short integers read from the digit window or
// by `ints` (convert.h; when not null, a window's fields at once, and the cursor's digit windows
// are off), to leave those paths for data that has few.
const char* fast_numeric_record(const ReaderConfig& cfg, const std::vector<RowRun>& runs,
                                const char* p, SeparatorCursor* cur, float* xr, float* yr,
                                int64_t* small, ShortIntsFn ints);

std::vector<RowRun> row_runs(const ReaderConfig& cfg);

// Per-piece scratch of fast_numeric_batched: each field's start, first 8 bytes and ninth byte (one
// record).
struct FieldStarts {
  std::vector<const char*> start;  // fields + 1 (the last: one past the record's last value)
  std::vector<uint64_t> word;      // fields
  std::vector<uint8_t> ninth;      // fields (+ 8: read 8 at a time)
  explicit FieldStarts(int32_t fields)
      : start(static_cast<size_t>(fields) + 1),
        word(static_cast<size_t>(fields)),
        ninth(static_cast<size_t>(fields) + 8) {}
};

// fast_numeric_record with the values converted eight at a time by `convert` (convert.h): the
// record's field bounds are found first, then each run is converted in groups of eight, and the
// fields `convert` leaves go through the scalar path.
const char* fast_numeric_batched(const ReaderConfig& cfg, const std::vector<RowRun>& runs,
                                 ConvertFn convert, const char* p, SeparatorCursor* cur,
                                 FieldStarts* fs, float* xr, float* yr);

}  // namespace nntrain::csv
