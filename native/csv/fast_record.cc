// The fast record paths (see fast_record.h).
#include "fast_record.h"

#include <cstring>
#include <string_view>

#include "number.h"
#include "tokenize.h"

namespace nntrain::csv {
namespace {

// A field that is a number as it stands (no spaces around it, not a missing token that is itself a
// number: callers check cfg.numeric_missing): the decimal fast path, else the general parser on the
// untrimmed bytes, so exponents and long mantissas are parsed once rather than after the trimming
// and missing-token checks.
inline bool plain_number(const char* b, const char* e, float* v) {
  return parse_decimal_field(b, e, v) || parse_number(b, e, v) == NumberStatus::kOk;
}

}  // namespace

bool numeric_value(const ReaderConfig& cfg, const char* b, const char* e, float* v) {
  if (!cfg.numeric_missing && plain_number(b, e, v)) return true;
  while (b < e && is_blank_char(*b)) b++;
  while (e > b && is_blank_char(e[-1])) e--;
  if (cfg.is_missing(std::string_view(b, static_cast<size_t>(e - b)))) return false;
  return parse_number(b, e, v) == NumberStatus::kOk;
}

const char* fast_record(const ReaderConfig& cfg, const std::vector<Dictionary>& dicts,
                        const char* p, SeparatorCursor* cur, float* xr, float* yr) {
  const int32_t n = cfg.fields;
  const ColumnSpec* const cols = cfg.columns.data();
  const char delim = cfg.delimiter;
  for (int32_t c = 0; c < n; c++) {
    const char* sep = cur->next();
    const char* e = sep;
    if (c + 1 < n) {
      if (*sep != delim) return nullptr;
    } else {
      if (*sep != '\n') return nullptr;
      if (sep > p && sep[-1] == '\r') e--;
    }
    const ColumnSpec& cs = cols[c];
    float* dst = (cs.dest == 0 ? xr : yr) + cs.offset;
    if (cs.kind == ColumnKind::kNumeric) {
      if (!numeric_value(cfg, p, e, dst)) return nullptr;
    } else if (cs.kind == ColumnKind::kCategorical) {
      const char* b = p;
      while (b < e && is_blank_char(*b)) b++;
      while (e > b && is_blank_char(e[-1])) e--;
      const std::string_view value(b, static_cast<size_t>(e - b));
      if (cfg.is_missing(value)) return nullptr;
      const int32_t id = dicts[static_cast<size_t>(c)].find(value);
      if (id < 0) return nullptr;
      if (cs.onehot) {
        std::memset(dst, 0, sizeof(float) * cs.width);
        dst[id] = 1.0f;
      } else {
        *dst = static_cast<float>(id);
      }
    }
    p = sep + 1;
  }
  return p;
}

const char* fast_numeric_record(const ReaderConfig& cfg, const std::vector<RowRun>& runs,
                                const char* p, SeparatorCursor* cur, float* xr, float* yr,
                                int64_t* small, ShortIntsFn ints) {
  const char delim = cfg.delimiter;
  const bool digits = cur->digits();
  const auto parse = [&](const char* b, const char* e, float* v) {
    return plain_number(b, e, v) || numeric_value(cfg, b, e, v);
  };
  int64_t hits = 0;
  float* out = nullptr;
  for (size_t r = 0; r < runs.size(); r++) {
    const RowRun& run = runs[r];
    out = (run.dest == 0 ? xr : yr) + run.offset;
    // every field but the record's last ends at a delimiter
    const int32_t count = r + 1 == runs.size() ? run.count - 1 : run.count;
    if (ints != nullptr) {
      p = cur->int_run(p, count, out, ints, &hits, parse);
      if (p == nullptr) return nullptr;
      continue;
    }
    for (int32_t k = 0; k < count; k++) {
      const char* sep = cur->next();
      if (*sep != delim) return nullptr;
      if (digits && cur->small_int(p, sep, out + k)) {
        hits++;
      } else if (!parse(p, sep, out + k)) {
        return nullptr;
      }
      p = sep + 1;
    }
  }
  float* last = out + runs.back().count - 1;
  const char* sep = cur->next();
  if (*sep != '\n') return nullptr;
  const char* e = sep > p && sep[-1] == '\r' ? sep - 1 : sep;
  if (!parse(p, e, last)) return nullptr;
  *small += hits;
  return sep + 1;
}

const char* fast_numeric_batched(const ReaderConfig& cfg, const std::vector<RowRun>& runs,
                                 ConvertFn convert, const char* p, SeparatorCursor* cur,
                                 FieldStarts* fs, float* xr, float* yr) {
  const char** const start = fs->start.data();
  uint64_t* const word = fs->word.data();
  uint8_t* const ninth = fs->ninth.data();
  const char* const next = cur->record_starts(p, cfg.fields, start, word, ninth);
  if (next == nullptr) return nullptr;
  for (const RowRun& run : runs) {
    float* out = (run.dest == 0 ? xr : yr) + run.offset;
    for (int32_t i = 0; i < run.count; i += 8) {
      const int32_t f = run.field + i;
      const int nb = run.count - i < 8 ? run.count - i : 8;
      uint32_t left = ((1u << nb) - 1) & ~convert(word + f, ninth + f, start + f, nb, out + i);
      while (left != 0) {
        const int k = __builtin_ctz(left);
        left &= left - 1;
        const char* b = start[f + k];
        const char* fe = start[f + k + 1] - 1;
        if (!plain_number(b, fe, out + i + k) && !numeric_value(cfg, b, fe, out + i + k)) {
          return nullptr;
        }
      }
    }
  }
  return next;
}

std::vector<RowRun> row_runs(const ReaderConfig& cfg) {
  std::vector<RowRun> runs;
  for (int32_t c = 0; c < cfg.fields; c++) {
    const ColumnSpec& cs = cfg.columns[static_cast<size_t>(c)];
    if (!runs.empty()) {
      RowRun& r = runs.back();
      if (r.dest == cs.dest && r.field + r.count == c && r.offset + r.count == cs.offset) {
        r.count++;
        continue;
      }
    }
    runs.push_back({c, 1, cs.dest, cs.offset});
  }
  return runs;
}

}  // namespace nntrain::csv
