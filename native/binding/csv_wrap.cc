// CsvReader methods: argument and length checks on the JS thread, then a worker (scan/read) or a
// synchronous call. Buffers are the caller's typed arrays: the worker keeps them alive.
#include "csv_wrap.h"

#include <cstring>
#include <string>
#include <utility>

#include "args.h"
#include "csv_config.h"
#include "csv_workers.h"

namespace nntrain::binding {
namespace {

// rows x columns (each at most 2^31) must not overflow int64 in the length checks
constexpr int64_t kMaxRows = INT64_C(1) << 31;
constexpr int64_t kMaxBytes = INT64_C(1) << 50;

}  // namespace

Napi::Function CsvReaderWrap::Define(Napi::Env env) {
  return DefineClass(env, "CsvReader",
                     {
                         InstanceMethod("scan", &CsvReaderWrap::Scan),
                         InstanceMethod("read", &CsvReaderWrap::Read),
                         InstanceMethod("readAppend", &CsvReaderWrap::ReadAppend),
                         InstanceMethod("takeRows", &CsvReaderWrap::TakeRows),
                         InstanceMethod("setLayout", &CsvReaderWrap::SetLayout),
                         InstanceMethod("categories", &CsvReaderWrap::Categories),
                         InstanceMethod("missing", &CsvReaderWrap::Missing),
                         InstanceMethod("rewind", &CsvReaderWrap::Rewind),
                         InstanceMethod("feed", &CsvReaderWrap::Feed),
                         InstanceMethod("range", &CsvReaderWrap::Range),
                         InstanceMethod("close", &CsvReaderWrap::Close),
                         StaticMethod("sample", &CsvReaderWrap::Sample),
                     });
}

// CsvReader.sample(path, delimiter (byte), maxRecords, maxBytes, minRecords) -> Promise
Napi::Value CsvReaderWrap::Sample(const Napi::CallbackInfo& info) {
  const char* fn = "CsvReader.sample";
  const Napi::Env env = info.Env();
  expect_args(info, 5, fn);
  if (!info[0].IsString())
    throw Napi::TypeError::New(env, std::string(fn) + ": path must be a string");
  const int64_t delimiter = integer_arg(info, 1, fn, "delimiter", 1, 127);
  if (delimiter == '"' || delimiter == '\n' || delimiter == '\r') {
    throw Napi::RangeError::New(env,
                                std::string(fn) + ": delimiter cannot be a quote or a line break");
  }
  const int64_t max_records = integer_arg(info, 2, fn, "maxRecords", 1, INT64_C(1) << 30);
  const int64_t max_bytes = integer_arg(info, 3, fn, "maxBytes", 1, kMaxBytes);
  const int64_t min_records = integer_arg(info, 4, fn, "minRecords", 0, 16);
  auto* worker =
      new CsvSampleWorker(env, info[0].As<Napi::String>().Utf8Value(), static_cast<char>(delimiter),
                          max_records, max_bytes, min_records);
  return worker->Start();
}

// new CsvReader(path, config); path null: the bytes come from feed() (no byte range)
CsvReaderWrap::CsvReaderWrap(const Napi::CallbackInfo& info)
    : Napi::ObjectWrap<CsvReaderWrap>(info) {
  const Napi::Env env = info.Env();
  if (!info.IsConstructCall()) throw Napi::TypeError::New(env, "CsvReader: use new CsvReader(...)");
  expect_args(info, 2, "CsvReader");
  const bool fed = info[0].IsNull();
  if (!fed && !info[0].IsString()) {
    throw Napi::TypeError::New(env, "CsvReader: path must be a string (or null to feed the bytes)");
  }
  const std::string path = fed ? std::string() : info[0].As<Napi::String>().Utf8Value();
  csv::ReaderConfig cfg;
  std::vector<csv::Dictionary> dicts;
  decode_csv_config(env, info[1], &cfg, &dicts);
  if (fed && cfg.ranged) throw Napi::TypeError::New(env, "CsvReader: config.range needs a path");
  std::string error;
  try {
    reader_ = std::make_unique<csv::Reader>(std::move(cfg), std::move(dicts));
    if (fed) {
      reader_->open_fed();
    } else if (!reader_->open(path, &error)) {
      throw Napi::Error::New(env, error);
    }
  } catch (const std::bad_alloc&) {
    throw Napi::RangeError::New(env, "CsvReader: cannot allocate the read buffer");
  }
  const csv::ReaderConfig& c = reader_->config();
  if (c.ranged && c.range_end > reader_->file_size()) {
    reader_->close();
    throw Napi::RangeError::New(env, "CsvReader: config.range end " + std::to_string(c.range_end) +
                                         " is past the end of " + path + " (" +
                                         std::to_string(reader_->file_size()) + " bytes)");
  }
}

csv::Reader& CsvReaderWrap::ready(Napi::Env env, const char* fn) {
  if (!reader_ || !reader_->is_open()) {
    throw Napi::Error::New(env, std::string("CsvReader.") + fn + ": the reader is closed");
  }
  if (busy_) {
    throw Napi::Error::New(
        env, std::string("CsvReader.") + fn + ": the reader is busy (one scan/read at a time)");
  }
  return *reader_;
}

// scan(control: Int32Array, maxBytes, collect) -> Promise
Napi::Value CsvReaderWrap::Scan(const Napi::CallbackInfo& info) {
  const char* fn = "scan";
  const Napi::Env env = info.Env();
  csv::Reader& reader = ready(env, fn);
  expect_args(info, 3, fn);
  const int32_t* control = int32_arg(info, 0, fn, "control", 1);
  const int64_t max_bytes = integer_arg(info, 1, fn, "maxBytes", 1, kMaxBytes);
  const bool collect = boolean_arg(info, 2, fn, "collect");
  if (collect) reader.config().has_layout = false;  // categories may grow: the layout is stale
  auto* worker =
      new CsvScanWorker(env, this, info.This().As<Napi::Object>(), control, max_bytes, collect);
  worker->Keep(info[0]);
  return worker->Start();
}

// read(x: Float32Array, y: Float32Array | null, maxRows, control: Int32Array) -> Promise
Napi::Value CsvReaderWrap::Read(const Napi::CallbackInfo& info) {
  const char* fn = "read";
  const Napi::Env env = info.Env();
  csv::Reader& reader = ready(env, fn);
  expect_args(info, 4, fn);
  const csv::ReaderConfig& cfg = reader.config();
  if (!cfg.has_layout) throw Napi::Error::New(env, "CsvReader.read: setLayout() first");
  const int64_t max_rows = integer_arg(info, 2, fn, "maxRows", 0, kMaxRows);
  float* x = float32_arg(info, 0, fn, "x", max_rows * cfg.x_cols);
  float* y = nullptr;
  if (cfg.y_cols > 0) {
    y = float32_arg(info, 1, fn, "y", max_rows * cfg.y_cols);
  }
  const int32_t* control = int32_arg(info, 3, fn, "control", 1);
  auto* worker =
      new CsvReadWorker(env, this, info.This().As<Napi::Object>(), x, y, max_rows, control);
  worker->Keep(info[0]);
  if (y != nullptr) worker->Keep(info[1]);
  worker->Keep(info[3]);
  return worker->Start();
}

// readAppend(maxRows, control: Int32Array) -> Promise: a single-pass read of the whole file into
// the reader's own rows (takeRows), as read reports them (a fed reader may say 'starved').
Napi::Value CsvReaderWrap::ReadAppend(const Napi::CallbackInfo& info) {
  const char* fn = "readAppend";
  const Napi::Env env = info.Env();
  csv::Reader& reader = ready(env, fn);
  expect_args(info, 2, fn);
  if (!reader.config().has_layout) {
    throw Napi::Error::New(env, "CsvReader.readAppend: setLayout() first");
  }
  if (reader.config().ranged) {
    throw Napi::Error::New(env, "CsvReader.readAppend: not for a byte range");
  }
  const int64_t max_rows = integer_arg(info, 0, fn, "maxRows", 0, kMaxRows);
  const int32_t* control = int32_arg(info, 1, fn, "control", 1);
  auto* worker = new CsvAppendWorker(env, this, info.This().As<Napi::Object>(), max_rows, control);
  worker->Keep(info[1]);
  return worker->Start();
}

namespace {

// `floats` floats taken from a RowBuffer as a Float32Array that owns them (freed when it is
// collected); copied into a fresh array where external memory is not allowed.
Napi::Float32Array owned_floats(Napi::Env env, float* p, int64_t floats) {
  if (p == nullptr) return Napi::Float32Array::New(env, 0);
  const size_t bytes = static_cast<size_t>(floats) * sizeof(float);
  napi_value buffer = nullptr;
  const napi_status s = napi_create_external_arraybuffer(
      env, p, bytes,
      [](napi_env, void* data, void* hint) {
        csv::RowBuffer::release_free(static_cast<float*>(data),
                                     static_cast<int64_t>(reinterpret_cast<intptr_t>(hint)));
      },
      reinterpret_cast<void*>(static_cast<intptr_t>(floats)), &buffer);
  if (s != napi_ok) {
    Napi::ArrayBuffer copy = Napi::ArrayBuffer::New(env, bytes);
    std::memcpy(copy.Data(), p, bytes);
    csv::RowBuffer::release_free(p, floats);
    return Napi::Float32Array::New(env, static_cast<size_t>(floats), copy, 0);
  }
  return Napi::Float32Array::New(env, static_cast<size_t>(floats), Napi::ArrayBuffer(env, buffer),
                                 0);
}

}  // namespace

// takeRows() -> { x: Float32Array, y: Float32Array | null, rows }: the rows readAppend collected,
// at their exact size, without a copy; the reader starts a new collection.
Napi::Value CsvReaderWrap::TakeRows(const Napi::CallbackInfo& info) {
  const char* fn = "takeRows";
  const Napi::Env env = info.Env();
  csv::Reader& reader = ready(env, fn);
  expect_args(info, 0, fn);
  const csv::ReaderConfig& cfg = reader.config();
  const int64_t rows = appended_.rows;
  Napi::Object out = Napi::Object::New(env);
  const int64_t xn = rows * cfg.x_cols, yn = rows * cfg.y_cols;
  out.Set("x", owned_floats(env, appended_.x.take(xn), xn));
  if (cfg.y_cols > 0) {
    out.Set("y", owned_floats(env, appended_.y.take(yn), yn));
  } else {
    out.Set("y", env.Null());
  }
  out.Set("rows", static_cast<double>(rows));
  appended_.clear();
  return out;
}

// setLayout(layout: Float64Array (3 per field), xCols, yCols)
Napi::Value CsvReaderWrap::SetLayout(const Napi::CallbackInfo& info) {
  const char* fn = "setLayout";
  const Napi::Env env = info.Env();
  csv::Reader& reader = ready(env, fn);
  expect_args(info, 3, fn);
  int64_t length = 0;
  const double* layout = float64_arg(info, 0, fn, "layout", 0, &length);
  const int64_t x_cols = integer_arg(info, 1, fn, "xCols", 0, kMaxDim);
  const int64_t y_cols = integer_arg(info, 2, fn, "yCols", 0, kMaxDim);
  apply_csv_layout(env, layout, length, x_cols, y_cols, reader.dictionaries(), &reader.config());
  return env.Undefined();
}

// categories(field) -> string[] (first-appearance order, or the fixed list)
Napi::Value CsvReaderWrap::Categories(const Napi::CallbackInfo& info) {
  const char* fn = "categories";
  const Napi::Env env = info.Env();
  csv::Reader& reader = ready(env, fn);
  expect_args(info, 1, fn);
  const int64_t field = integer_arg(info, 0, fn, "field", 0, reader.config().fields - 1);
  const csv::Dictionary& d = reader.dictionary(static_cast<int32_t>(field));
  Napi::Array out = Napi::Array::New(env, static_cast<size_t>(d.size()));
  for (int32_t i = 0; i < d.size(); i++) {
    const std::string_view s = d.at(i);
    out.Set(static_cast<uint32_t>(i), Napi::String::New(env, s.data(), s.size()));
  }
  return out;
}

// missing() -> Float64Array: missing values seen per field since the last rewind
Napi::Value CsvReaderWrap::Missing(const Napi::CallbackInfo& info) {
  const Napi::Env env = info.Env();
  csv::Reader& reader = ready(env, "missing");
  const std::vector<int64_t>& m = reader.missing();
  Napi::Float64Array out = Napi::Float64Array::New(env, m.size());
  for (size_t i = 0; i < m.size(); i++) out[i] = static_cast<double>(m[i]);
  return out;
}

// range() -> { begin, end, firstLine, extraBytes } of a ranged reader once a pass started, else
// null
Napi::Value CsvReaderWrap::Range(const Napi::CallbackInfo& info) {
  const Napi::Env env = info.Env();
  csv::Reader& reader = ready(env, "range");
  expect_args(info, 0, "range");
  const csv::RangeInfo* r = reader.range();
  if (r == nullptr) return env.Null();
  Napi::Object out = Napi::Object::New(env);
  out.Set("begin", static_cast<double>(r->begin));
  out.Set("end", static_cast<double>(r->end));
  out.Set("firstLine", static_cast<double>(r->first_line));
  out.Set("extraBytes", static_cast<double>(r->extra_bytes));
  return out;
}

// rewind(): back to the first data record
Napi::Value CsvReaderWrap::Rewind(const Napi::CallbackInfo& info) {
  const Napi::Env env = info.Env();
  csv::Reader& reader = ready(env, "rewind");
  std::string error;
  if (!reader.rewind(&error)) throw Napi::Error::New(env, "CsvReader.rewind: " + error);
  appended_.clear();  // a read from the start begins a new collection
  return env.Undefined();
}

// feed(bytes: Uint8Array | null): appends bytes for a reader made with a null path; null: no more
// will come. Copied, so the caller may reuse its buffer. Not while a pass runs.
Napi::Value CsvReaderWrap::Feed(const Napi::CallbackInfo& info) {
  const char* fn = "feed";
  const Napi::Env env = info.Env();
  csv::Reader& reader = ready(env, fn);
  expect_args(info, 1, fn);
  if (!reader.fed()) throw Napi::Error::New(env, "CsvReader.feed: the reader reads a file");
  if (info[0].IsNull()) {
    reader.feed(nullptr, 0, true);
    return env.Undefined();
  }
  if (!info[0].IsTypedArray() ||
      info[0].As<Napi::TypedArray>().TypedArrayType() != napi_uint8_array) {
    throw Napi::TypeError::New(env, "CsvReader.feed: bytes must be a Uint8Array or null");
  }
  const Napi::Uint8Array bytes = info[0].As<Napi::Uint8Array>();
  try {
    reader.feed(reinterpret_cast<const char*>(bytes.Data()), bytes.ElementLength(), false);
  } catch (const std::bad_alloc&) {
    throw Napi::RangeError::New(env, "CsvReader.feed: cannot allocate the pending bytes");
  }
  return env.Undefined();
}

// close(): releases the file and the buffer (idempotent; not while a pass runs)
Napi::Value CsvReaderWrap::Close(const Napi::CallbackInfo& info) {
  const Napi::Env env = info.Env();
  if (busy_) throw Napi::Error::New(env, "CsvReader.close: the reader is busy");
  if (reader_) reader_->close();
  appended_.clear();
  return env.Undefined();
}

}  // namespace nntrain::binding
