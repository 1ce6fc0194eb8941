// CsvWorker plumbing and the scan/read/sample workers (see csv_workers.h).
#include "csv_workers.h"

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
  Napi::Object r = Napi::Object::New(env);
  r.Set("rows", static_cast<double>(result_.rows));
  r.Set("records", static_cast<double>(result_.records));
  r.Set("dropped", static_cast<double>(result_.dropped));
  r.Set("eof", result_.eof);
  return r;
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
