// parse_piece: the hot loop (plain numbers are parsed in place, everything else goes through
// read_field), and collect_piece for the scan pass. No allocation per field: values are views into
// the block, or into one reused scratch string when quotes must be unescaped.
#include "chunk.h"

#include <cmath>
#include <cstring>
#include <limits>

#include "fast_record.h"
#include "number.h"
#include "tokenize.h"

namespace nntrain::csv {
namespace {

constexpr float kNaN = std::numeric_limits<float>::quiet_NaN();

// Writes the "missing" value of a column: NaN in each of its output floats.
inline void write_nan(const ColumnSpec& cs, float* dst) {
  for (uint32_t i = 0; i < cs.width; i++) dst[cs.offset + i] = kNaN;
}

// A value outside the fixed categories under ignore_unknown: no category (one-hot zeros, as
// scikit-learn's handle_unknown='ignore'); an index column has no index for it, so NaN.
inline void write_unknown(const ColumnSpec& cs, float* dst) {
  if (cs.onehot) {
    std::memset(dst + cs.offset, 0, sizeof(float) * cs.width);
  } else {
    dst[cs.offset] = kNaN;
  }
}

}  // namespace

// One record at p with every check (quoting, field count, values, missing policies), writing row
// xr/yr. Returns the position after the record, or nullptr with out->error set. *drop is set when a
// missing value under 'drop' means the row is not kept. *line advances past the record.
static const char* parse_record(const ReaderConfig& cfg, const std::vector<Dictionary>& dicts,
                                const char* p, const char* end, int64_t* line_io, int64_t record,
                                float* xr, float* yr, bool* drop, PieceOutput* out) {
  const char delim = cfg.delimiter;
  const int32_t n = cfg.fields;
  int64_t line = *line_io;
  const int64_t record_line = line;
  ParseError& err = out->error;
  for (int32_t c = 0;; c++) {
    const ColumnSpec& cs = cfg.columns[static_cast<size_t>(c)];
    float* dst = cs.dest == 0 ? xr : yr;
    Field f;
    const FieldRead r = read_field(p, end, delim, &f);
    if (r.end == FieldEnd::kError) {
      err.set(r.error, line + r.newlines, record, c);
      return nullptr;
    }
    if (cs.kind != ColumnKind::kSkip) {
      const std::string_view value = field_value(f, &out->scratch);
      if (cfg.is_missing(value)) {
        out->missing[static_cast<size_t>(c)]++;
        if (cs.missing == Missing::kError) {
          err.set(ErrorKind::kMissing, line, record, c, value);
        } else {
          *drop |= cs.missing == Missing::kDrop;
          write_nan(cs, dst);
        }
      } else if (cs.kind == ColumnKind::kNumeric) {
        float v = 0;
        const NumberStatus s = parse_number(value.data(), value.data() + value.size(), &v);
        if (s == NumberStatus::kOk) {
          dst[cs.offset] = v;
        } else {
          err.set(s == NumberStatus::kInvalid ? ErrorKind::kNumber : ErrorKind::kRange, line,
                  record, c, value);
        }
      } else {
        const int32_t id = dicts[static_cast<size_t>(c)].find(value);
        if (id < 0 && cs.ignore_unknown) {
          write_unknown(cs, dst);
        } else if (id < 0) {
          err.set(ErrorKind::kCategory, line, record, c, value);
        } else if (cs.onehot) {
          std::memset(dst + cs.offset, 0, sizeof(float) * cs.width);
          dst[cs.offset + id] = 1.0f;
        } else {
          dst[cs.offset] = static_cast<float>(id);
        }
      }
    }
    line += r.newlines;
    p = r.next;
    const bool last = r.end == FieldEnd::kRecord;
    if (err.failed() || last != (c + 1 == n)) {
      // Something is wrong in this record. Within a record, quoting errors come first, then a
      // wrong field count, then bad values in field order (the JS fallback checks in this order).
      int32_t fields = c + 1;
      if (last) {
        line++;
      } else {
        // the rest of the record: counted and its quoting checked, values ignored
        ErrorKind syntax{};
        int32_t bad_field = 0;
        int64_t lines = line;
        if (skip_record(p, end, delim, &lines, &fields, &syntax, &bad_field, c + 1) == nullptr) {
          err.set(syntax, lines, record, bad_field);
          return nullptr;
        }
      }
      if (fields != n) {
        err.set(ErrorKind::kRagged, record_line, record, fields < n ? fields : n, {}, fields);
      }
      return nullptr;
    }
    if (last) {
      *line_io = line + 1;
      return p;
    }
  }
}

void parse_piece(const ReaderConfig& cfg, const std::vector<Dictionary>& dicts,
                 const PieceInput& in, float* x, float* y, PieceOutput* out) {
  const char* p = in.begin;
  const char* const end = in.end;
  int64_t line = in.line;
  int64_t record = in.record;
  int64_t rows = 0, dropped = 0;
  float* xr = x;
  float* yr = y;
  SeparatorCursor cur(cfg.delimiter);
  cur.reset(p);
  bool all_numeric = !cfg.numeric_missing;
  for (const ColumnSpec& cs : cfg.columns) all_numeric &= cs.kind == ColumnKind::kNumeric;
  std::vector<RowRun> runs;
  // All-numeric records start with short integers (Fashion-MNIST's pixels): a 64-byte window's
  // fields at once where the CPU has AVX-512 VBMI2 or AVX2 (convert.h short_ints64), else field by
  // field from the digit windows; when the first records show few short integers, the values go
  // eight at a time through `convert` where the CPU has AVX-512 or AVX2 (convert.h), else field by
  // field.
  const ConvertFn convert = all_numeric ? short_decimals8() : nullptr;
  ShortIntsFn ints = all_numeric ? short_ints64() : nullptr;
  FieldStarts starts(convert != nullptr ? cfg.fields : 0);
  bool batched = false;
  if (all_numeric) {
    runs = row_runs(cfg);
    cur.set_digits(ints == nullptr);  // the windows of short ints64 need no digit windows
    cur.reset(p);
  }
  int64_t small = 0, fields_seen = 0;
  while (p < end) {
    if (*p == '\n' || (*p == '\r' && p[1] == '\n')) {  // blank line
      p += *p == '\n' ? 1 : 2;
      line++;
      cur.reset(p);
      continue;
    }
    if (record - in.record >= in.records) {
      out->error.set(ErrorKind::kInternal, line, record, 0, "more records than planned");
      break;
    }
    const char* next = nullptr;
    if (batched) {
      next = fast_numeric_batched(cfg, runs, convert, p, &cur, &starts, xr, yr);
    } else if (all_numeric) {
      next = fast_numeric_record(cfg, runs, p, &cur, xr, yr, &small, ints);
      fields_seen += cfg.fields;
      if ((cur.digits() || ints != nullptr) && fields_seen >= 512 && 2 * small < fields_seen) {
        cur.set_digits(false);
        ints = nullptr;
        batched = convert != nullptr;
      }
    } else {
      next = fast_record(cfg, dicts, p, &cur, xr, yr);
    }
    bool drop = false;
    if (next != nullptr) {
      line++;
    } else {
      next = parse_record(cfg, dicts, p, end, &line, record, xr, yr, &drop, out);
      if (next == nullptr) break;
      cur.reset(next);
    }
    p = next;
    record++;
    if (drop) {
      dropped++;
    } else {
      rows++;
      xr += cfg.x_cols;
      if (yr != nullptr) yr += cfg.y_cols;
    }
  }
  if (!out->error.failed() && record - in.record != in.records) {
    out->error.set(ErrorKind::kInternal, line, record, 0, "fewer records than planned");
  }
  out->rows = rows;
  out->dropped = dropped;
}

void collect_piece(const ReaderConfig& cfg, const PieceInput& in, PieceCategories* out) {
  const char* p = in.begin;
  const char* const end = in.end;
  const int32_t n = cfg.fields;
  int64_t line = in.line;
  int64_t record = in.record;
  ParseError& err = out->error;
  while (p < end) {
    if (*p == '\n' || (*p == '\r' && p[1] == '\n')) {
      p += *p == '\n' ? 1 : 2;
      line++;
      continue;
    }
    const int64_t record_line = line;
    for (int32_t c = 0;; c++) {
      Field f;
      const FieldRead r = read_field(p, end, cfg.delimiter, &f);
      if (r.end == FieldEnd::kError) {
        err.set(r.error, line + r.newlines, record, c);
        return;
      }
      if (c < n) {
        const ColumnSpec& cs = cfg.columns[c];
        if (cs.kind == ColumnKind::kCategorical && !cs.fixed) {
          const std::string_view value = field_value(f, &out->scratch);
          if (!cfg.is_missing(value)) {
            Dictionary& d = out->dicts[c];
            const int32_t before = d.size();
            if (d.insert(value) == before) {
              out->first_line[c].push_back(line);
              out->first_record[c].push_back(record);
            }
          }
        }
      }
      line += r.newlines;
      p = r.next;
      if (r.end == FieldEnd::kRecord) {
        line++;
        if (c + 1 != n) {
          err.set(ErrorKind::kRagged, record_line, record, c + 1 < n ? c + 1 : n, {}, c + 1);
          return;
        }
        break;
      }
    }
    record++;
  }
}

}  // namespace nntrain::csv
