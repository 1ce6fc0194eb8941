// decode_csv_config / apply_csv_layout (see csv_config.h).
#include "csv_config.h"

#include <cmath>
#include <string>

#include "../csv/number.h"

namespace nntrain::binding {
namespace {

constexpr int64_t kMaxFields = 1 << 20;
constexpr int64_t kMaxCols = INT64_C(1) << 31;
constexpr int kMaxKind = static_cast<int>(csv::ColumnKind::kCategorical);
constexpr int kMaxMissing = static_cast<int>(csv::Missing::kImpute);

std::string label(const char* name) {
  return std::string("CsvReader: config.") + name;
}

Napi::Value member(Napi::Env env, const Napi::Object& obj, const char* name) {
  if (!obj.Has(name)) throw Napi::TypeError::New(env, label(name) + " is required");
  return obj.Get(name);
}

int64_t integer_member(Napi::Env env, const Napi::Object& obj, const char* name, int64_t min,
                       int64_t max) {
  const Napi::Value v = member(env, obj, name);
  if (!v.IsNumber()) throw Napi::TypeError::New(env, label(name) + " must be a number");
  const double d = v.As<Napi::Number>().DoubleValue();
  if (!(d >= static_cast<double>(min) && d <= static_cast<double>(max)) || d != std::floor(d)) {
    throw Napi::RangeError::New(env, label(name) + " must be an integer in [" +
                                         std::to_string(min) + ", " + std::to_string(max) + "]");
  }
  return static_cast<int64_t>(d);
}

Napi::Array array_member(Napi::Env env, const Napi::Object& obj, const char* name,
                         uint32_t length) {
  const Napi::Value v = member(env, obj, name);
  if (!v.IsArray()) throw Napi::TypeError::New(env, label(name) + " must be an array");
  const Napi::Array a = v.As<Napi::Array>();
  if (length != 0 && a.Length() != length) {
    throw Napi::RangeError::New(env, label(name) + " must have " + std::to_string(length) +
                                         " entries but has " + std::to_string(a.Length()));
  }
  return a;
}

std::vector<std::string> strings(Napi::Env env, const Napi::Value& v, const std::string& what) {
  if (!v.IsArray()) throw Napi::TypeError::New(env, what + " must be an array of strings");
  const Napi::Array a = v.As<Napi::Array>();
  std::vector<std::string> out;
  out.reserve(a.Length());
  for (uint32_t i = 0; i < a.Length(); i++) {
    const Napi::Value s = a.Get(i);
    if (!s.IsString()) throw Napi::TypeError::New(env, what + " must be an array of strings");
    out.push_back(s.As<Napi::String>().Utf8Value());
  }
  return out;
}

int small_code(Napi::Env env, const Napi::Array& a, uint32_t i, const char* name, int max) {
  const Napi::Value v = a.Get(i);
  const double d = v.IsNumber() ? v.As<Napi::Number>().DoubleValue() : -1;
  if (!(d >= 0 && d <= max) || d != std::floor(d)) {
    throw Napi::RangeError::New(env, label(name) + "[" + std::to_string(i) +
                                         "] must be an integer in [0, " + std::to_string(max) +
                                         "]");
  }
  return static_cast<int>(d);
}

}  // namespace

void decode_csv_config(Napi::Env env, const Napi::Value& value, csv::ReaderConfig* cfg,
                       std::vector<csv::Dictionary>* dicts) {
  if (!value.IsObject()) throw Napi::TypeError::New(env, "CsvReader: config must be an object");
  const Napi::Object obj = value.As<Napi::Object>();
  const int64_t delimiter = integer_member(env, obj, "delimiter", 1, 127);
  if (delimiter == '"' || delimiter == '\n' || delimiter == '\r') {
    throw Napi::RangeError::New(env, label("delimiter") + " cannot be a quote or a line break");
  }
  cfg->delimiter = static_cast<char>(delimiter);
  const Napi::Value header = member(env, obj, "header");
  if (!header.IsBoolean()) throw Napi::TypeError::New(env, label("header") + " must be a boolean");
  cfg->header = header.As<Napi::Boolean>().Value();
  cfg->fields = static_cast<int32_t>(integer_member(env, obj, "fields", 1, kMaxFields));
  const uint32_t n = static_cast<uint32_t>(cfg->fields);
  const Napi::Array kinds = array_member(env, obj, "kinds", n);
  const Napi::Array missing = array_member(env, obj, "missing", n);
  const Napi::Array categories = array_member(env, obj, "categories", n);
  cfg->columns.assign(n, csv::ColumnSpec());
  dicts->assign(n, csv::Dictionary());
  for (uint32_t i = 0; i < n; i++) {
    csv::ColumnSpec& cs = cfg->columns[i];
    cs.kind = static_cast<csv::ColumnKind>(small_code(env, kinds, i, "kinds", kMaxKind));
    cs.missing = static_cast<csv::Missing>(small_code(env, missing, i, "missing", kMaxMissing));
    const Napi::Value list = categories.Get(i);
    if (list.IsNull() || list.IsUndefined()) continue;
    if (cs.kind != csv::ColumnKind::kCategorical) {
      throw Napi::RangeError::New(env, label("categories") + "[" + std::to_string(i) +
                                           "] is given for a column that is not categorical");
    }
    cs.fixed = true;
    for (const std::string& s :
         strings(env, list, label("categories") + "[" + std::to_string(i) + "]")) {
      (*dicts)[i].insert(s);
    }
  }
  // optional: per field 1 where a value outside the fixed list is read as no category
  if (obj.Has("unknown") && !obj.Get("unknown").IsNull() && !obj.Get("unknown").IsUndefined()) {
    const Napi::Array unknown = array_member(env, obj, "unknown", n);
    for (uint32_t i = 0; i < n; i++) {
      cfg->columns[i].ignore_unknown = small_code(env, unknown, i, "unknown", 1) == 1;
    }
  }
  cfg->missing_tokens = strings(env, member(env, obj, "missingValues"), label("missingValues"));
  cfg->numeric_missing = false;
  for (const std::string& t : cfg->missing_tokens) {
    float v;
    if (csv::parse_number(t.data(), t.data() + t.size(), &v) != csv::NumberStatus::kInvalid) {
      cfg->numeric_missing = true;
    }
  }
  cfg->threads = static_cast<int>(integer_member(env, obj, "threads", 0, 256));
  cfg->block_bytes = integer_member(env, obj, "blockBytes", 64, INT64_C(1) << 34);
  cfg->max_block_bytes =
      integer_member(env, obj, "maxBlockBytes", cfg->block_bytes, INT64_C(1) << 36);
  cfg->chunk_bytes = integer_member(env, obj, "chunkBytes", 1, INT64_C(1) << 34);
  cfg->max_categories = static_cast<int32_t>(integer_member(env, obj, "maxCategories", 1, 1 << 24));
  // optional: [begin, end) byte offsets (end is checked against the file's size at open)
  cfg->ranged = false;
  if (obj.Has("range") && !obj.Get("range").IsNull() && !obj.Get("range").IsUndefined()) {
    const Napi::Array r = array_member(env, obj, "range", 2);
    const int64_t limit = INT64_C(1) << 52;
    int64_t v[2];
    for (uint32_t i = 0; i < 2; i++) {
      const Napi::Value x = r.Get(i);
      const double d = x.IsNumber() ? x.As<Napi::Number>().DoubleValue() : -1;
      if (!(d >= 0 && d <= static_cast<double>(limit)) || d != std::floor(d)) {
        throw Napi::RangeError::New(env, label("range") + "[" + std::to_string(i) +
                                             "] must be an integer byte offset in [0, 2^52]");
      }
      v[i] = static_cast<int64_t>(d);
    }
    if (v[0] > v[1]) {
      throw Napi::RangeError::New(env, label("range") + " must be [begin, end] with begin <= end");
    }
    cfg->ranged = true;
    cfg->range_begin = v[0];
    cfg->range_end = v[1];
  }
}

void apply_csv_layout(Napi::Env env, const double* layout, int64_t length, int64_t x_cols,
                      int64_t y_cols, const std::vector<csv::Dictionary>& dicts,
                      csv::ReaderConfig* cfg) {
  const char* fn = "CsvReader.setLayout: ";
  if (length < kCsvLayoutWidth * cfg->fields) {
    throw Napi::RangeError::New(env, std::string(fn) + "layout needs " +
                                         std::to_string(kCsvLayoutWidth) + " numbers per field");
  }
  if (x_cols < 0 || x_cols > kMaxCols || y_cols < 0 || y_cols > kMaxCols) {
    throw Napi::RangeError::New(env, std::string(fn) + "xCols/yCols out of range");
  }
  std::vector<uint8_t> used(static_cast<size_t>(x_cols + y_cols), 0);
  std::vector<csv::ColumnSpec> cols = cfg->columns;
  for (int32_t i = 0; i < cfg->fields; i++) {
    csv::ColumnSpec& cs = cols[static_cast<size_t>(i)];
    if (cs.kind == csv::ColumnKind::kSkip) continue;
    const double* f = layout + kCsvLayoutWidth * i;
    const double dest = f[0], offset = f[1], onehot = f[2];
    const std::string field = "field " + std::to_string(i) + ": ";
    if (!(dest == 0 || dest == 1) || !(onehot == 0 || onehot == 1)) {
      throw Napi::RangeError::New(env, std::string(fn) + field + "dest and onehot must be 0 or 1");
    }
    if (onehot == 1 && cs.kind != csv::ColumnKind::kCategorical) {
      throw Napi::RangeError::New(env,
                                  std::string(fn) + field + "only categorical fields are one-hot");
    }
    const int64_t cols_of_dest = dest == 0 ? x_cols : y_cols;
    const int64_t width = onehot == 1 ? dicts[static_cast<size_t>(i)].size() : 1;
    if (!(offset >= 0 && offset == std::floor(offset) && offset + width <= cols_of_dest)) {
      throw Napi::RangeError::New(env, std::string(fn) + field + "offset out of range");
    }
    cs.dest = static_cast<uint8_t>(dest);
    cs.onehot = onehot == 1;
    cs.offset = static_cast<uint32_t>(offset);
    cs.width = static_cast<uint32_t>(width);
    const int64_t base = (dest == 0 ? 0 : x_cols) + static_cast<int64_t>(offset);
    for (int64_t k = 0; k < width; k++) {
      if (used[static_cast<size_t>(base + k)]++ != 0) {
        throw Napi::RangeError::New(env, std::string(fn) + field + "overlaps another field");
      }
    }
  }
  for (size_t k = 0; k < used.size(); k++) {
    if (used[k] == 0) {
      throw Napi::RangeError::New(env, std::string(fn) + "output column " + std::to_string(k) +
                                           " is not written by any field");
    }
  }
  cfg->columns = std::move(cols);
  cfg->x_cols = x_cols;
  cfg->y_cols = y_cols;
  cfg->has_layout = true;
}

}  // namespace nntrain::binding
