// CsvWorker plumbing and the scan/read/sample workers (see csv_workers.h).
#include "csv_workers.h"

#include <algorithm>
#include <string>

#include "addon.h"

namespace nntrain::binding {
namespace {

const char* status_name(csv::Status s) {
  switch (s) {
    case csv::Status::kOk:
      return "ok";
    case csv::Status::kAborted:
      return "aborted";
    case csv::Status::kError:
      return "error";
    case csv::Status::kStarved:
      return "starved";
    case csv::Status::kRestart:
      return "restart";
  }
  return "error";
}

// { kind, line, record, column, found, token } or undefined
Napi::Value error_value(Napi::Env env, const csv::ParseError& error) {
  if (!error.failed()) return env.Undefined();
  Napi::Object e = Napi::Object::New(env);
  e.Set("kind", csv::error_kind_name(error.kind));
  e.Set("line", static_cast<double>(error.line));
  e.Set("record", static_cast<double>(error.record));
  e.Set("column", error.column);
  e.Set("found", error.found);
  e.Set("token", Napi::String::New(env, error.token));
  return e;
}

// { rows, records, dropped, eof } of a read or readAppend
Napi::Object read_result(Napi::Env env, const csv::ReadResult& result) {
  Napi::Object r = Napi::Object::New(env);
  r.Set("rows", static_cast<double>(result.rows));
  r.Set("records", static_cast<double>(result.records));
  r.Set("dropped", static_cast<double>(result.dropped));
  r.Set("eof", result.eof);
  return r;
}

}  // namespace

CsvWorker::CsvWorker(Napi::Env env, CsvReaderWrap* wrap, const Napi::Object& self, const char* name)
    : Napi::AsyncWorker(env, name),
      wrap_(wrap),
      pool_(NntrainAddon::of(env).pool()),
      deferred_(Napi::Promise::Deferred::New(env)) {
  Keep(self);  // the reader object outlives the pass
}

Napi::Promise CsvWorker::Start() {
  wrap_->set_busy(true);
  Queue();
  return deferred_.Promise();
}

Napi::Value CsvWorker::ErrorValue(Napi::Env env) const {
  return error_value(env, error_);
}

void CsvWorker::OnOK() {
  wrap_->set_busy(false);
  Napi::Object result = Result(Env());
  result.Set("status", status_name(status_));
  result.Set("bytes", static_cast<double>(wrap_->reader().bytes()));
  result.Set("totalBytes", static_cast<double>(wrap_->reader().file_size()));
  result.Set("error", ErrorValue(Env()));
  deferred_.Resolve(result);
}

void CsvWorker::OnError(const Napi::Error& error) {
  wrap_->set_busy(false);
  deferred_.Reject(Napi::Error::New(Env(), error.Message()).Value());
}

void CsvScanWorker::Execute() {
  try {
    status_ = wrap_->reader().scan(*pool_, control_, max_bytes_, collect_, &done_, &error_);
  } catch (const std::exception& e) {
    SetError(std::string("CsvReader.scan: ") + e.what());
  }
}

Napi::Object CsvScanWorker::Result(Napi::Env env) {
  Napi::Object r = Napi::Object::New(env);
  r.Set("done", done_);
  r.Set("records", static_cast<double>(wrap_->reader().records()));
  r.Set("line", static_cast<double>(wrap_->reader().line()));
  return r;
}

void CsvReadWorker::Execute() {
  try {
    status_ = wrap_->reader().read(*pool_, control_, x_, y_, max_rows_, &result_, &error_);
  } catch (const std::exception& e) {
    SetError(std::string("CsvReader.read: ") + e.what());
  }
}

Napi::Object CsvReadWorker::Result(Napi::Env env) {
  return read_result(env, result_);
}

bool CsvAppendWorker::make_room(int64_t rows) {
  CsvReaderWrap::Appended& a = wrap_->appended();
  if (rows <= a.capacity) return true;
  // the rows so far scaled by the bytes left, so a second growth is rare
  csv::Reader& reader = wrap_->reader();
  int64_t target = std::max(rows, a.capacity + a.capacity / 2);
  if (a.rows > 0 && reader.bytes() > 0 && reader.file_size() > reader.bytes()) {
    const double whole = static_cast<double>(a.rows) * static_cast<double>(reader.file_size()) /
                         static_cast<double>(reader.bytes());
    target = std::max(target, static_cast<int64_t>(whole * 1.02) + max_rows_);
  }
  const csv::ReaderConfig& cfg = reader.config();
  if (!a.x.reserve(target * cfg.x_cols) || !a.y.reserve(target * cfg.y_cols)) return false;
  a.capacity = target;
  return true;
}

void CsvAppendWorker::Execute() {
  try {
    CsvReaderWrap::Appended& a = wrap_->appended();
    const csv::ReaderConfig& cfg = wrap_->reader().config();
    if (!make_room(a.rows + max_rows_)) {
      SetError("CsvReader.readAppend: cannot allocate memory for " +
               std::to_string(a.rows + max_rows_) + " rows of " +
               std::to_string(cfg.x_cols + cfg.y_cols) + " floats");
      return;
    }
    float* x = a.x.data() == nullptr ? nullptr : a.x.data() + a.rows * cfg.x_cols;
    float* y = cfg.y_cols == 0 ? nullptr : a.y.data() + a.rows * cfg.y_cols;
    status_ = wrap_->reader().read(*pool_, control_, x, y, max_rows_, &result_, &error_);
    a.rows += result_.rows;
  } catch (const std::exception& e) {
    SetError(std::string("CsvReader.readAppend: ") + e.what());
  }
}

Napi::Object CsvAppendWorker::Result(Napi::Env env) {
  return read_result(env, result_);
}

void CsvSampleWorker::Execute() {
  std::string io_error;
  try {
    if (!csv::sample_csv(path_, delimiter_, max_records_, max_bytes_, min_records_, &sample_,
                         &io_error)) {
      SetError(io_error);
    }
  } catch (const std::exception& e) {
    SetError(std::string("CsvReader.sample: ") + e.what());
  }
}

void CsvSampleWorker::OnOK() {
  const Napi::Env env = Env();
  Napi::Array records = Napi::Array::New(env, sample_.records.size());
  for (size_t r = 0; r < sample_.records.size(); r++) {
    const std::vector<std::string>& fields = sample_.records[r];
    Napi::Array row = Napi::Array::New(env, fields.size());
    for (size_t c = 0; c < fields.size(); c++) {
      row.Set(static_cast<uint32_t>(c), Napi::String::New(env, fields[c]));
    }
    records.Set(static_cast<uint32_t>(r), row);
  }
  Napi::Object result = Napi::Object::New(env);
  result.Set("records", records);
  result.Set("stopped", sample_.stopped);
  result.Set("error", error_value(env, sample_.error));
  result.Set("bytes", static_cast<double>(sample_.file_size));
  result.Set("bytesRead", static_cast<double>(sample_.bytes_read));
  deferred_.Resolve(result);
}

}  // namespace nntrain::binding
