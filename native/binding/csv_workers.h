// AsyncWorkers for CsvReader.scan/read (sharp-style batons, like plan_workers.h): the constructor
// runs on the JS thread and takes raw pointers and references to every array it writes; Execute()
// runs csv::Reader on a libuv thread (which takes part in the addon's pool) and never touches JS;
// OnOK resolves with counts and, for bad input, the error record.
#pragma once

#include <napi.h>

#include <string>
#include <vector>

#include "../csv/reader.h"
#include "../csv/sample.h"
#include "csv_wrap.h"

namespace nntrain::binding {

class CsvWorker : public Napi::AsyncWorker {
 public:
  Napi::Promise Start();
  void Keep(const Napi::Value& value) { refs_.push_back(Napi::Persistent(value)); }

 protected:
  CsvWorker(Napi::Env env, CsvReaderWrap* wrap, const Napi::Object& self, const char* name);
  // The promise's value (JS thread).
  virtual Napi::Object Result(Napi::Env env) = 0;
  // { kind, line, record, column, found, token } or undefined.
  Napi::Value ErrorValue(Napi::Env env) const;

  CsvReaderWrap* wrap_;
  ThreadPool* pool_;
  csv::Status status_ = csv::Status::kOk;
  csv::ParseError error_;

 private:
  void OnOK() override;
  void OnError(const Napi::Error& error) override;

  Napi::Promise::Deferred deferred_;
  std::vector<Napi::Reference<Napi::Value>> refs_;
};

// scan(control, maxBytes, collect) -> { status, done, records, bytes, totalBytes, error? }
class CsvScanWorker : public CsvWorker {
 public:
  CsvScanWorker(Napi::Env env, CsvReaderWrap* wrap, const Napi::Object& self,
                const int32_t* control, int64_t max_bytes, bool collect)
      : CsvWorker(env, wrap, self, "nntrain.csvScan"),
        control_(control),
        max_bytes_(max_bytes),
        collect_(collect) {}

 private:
  void Execute() override;
  Napi::Object Result(Napi::Env env) override;

  const int32_t* control_;
  int64_t max_bytes_;
  bool collect_;
  bool done_ = false;
};

// read(x, y, maxRows, control) -> { status, rows, records, dropped, eof, bytes, totalBytes, error?
// }
class CsvReadWorker : public CsvWorker {
 public:
  CsvReadWorker(Napi::Env env, CsvReaderWrap* wrap, const Napi::Object& self, float* x, float* y,
                int64_t max_rows, const int32_t* control)
      : CsvWorker(env, wrap, self, "nntrain.csvRead"),
        x_(x),
        y_(y),
        max_rows_(max_rows),
        control_(control) {}

 private:
  void Execute() override;
  Napi::Object Result(Napi::Env env) override;

  float* x_;
  float* y_;
  int64_t max_rows_;
  const int32_t* control_;
  csv::ReadResult result_;
};

// readAppend(maxRows, control) -> as read: up to maxRows more rows appended to the reader's own
// growable x and y (takeRows hands them over), room made first on the worker thread.
class CsvAppendWorker : public CsvWorker {
 public:
  CsvAppendWorker(Napi::Env env, CsvReaderWrap* wrap, const Napi::Object& self, int64_t max_rows,
                  const int32_t* control)
      : CsvWorker(env, wrap, self, "nntrain.csvReadAppend"),
        max_rows_(max_rows),
        control_(control) {}

 private:
  void Execute() override;
  Napi::Object Result(Napi::Env env) override;
  // Room for `rows` rows, grown toward the rows the whole file will give; false when the memory
  // cannot be had.
  bool make_room(int64_t rows);

  int64_t max_rows_;
  const int32_t* control_;
  csv::ReadResult result_;
};

// CsvReader.sample(path, delimiter, maxRecords, maxBytes, minRecords)
//   -> { records: string[][], stopped, error?, bytes }
class CsvSampleWorker : public Napi::AsyncWorker {
 public:
  CsvSampleWorker(Napi::Env env, std::string path, char delimiter, int64_t max_records,
                  int64_t max_bytes, int64_t min_records)
      : Napi::AsyncWorker(env, "nntrain.csvSample"),
        deferred_(Napi::Promise::Deferred::New(env)),
        path_(std::move(path)),
        delimiter_(delimiter),
        max_records_(max_records),
        max_bytes_(max_bytes),
        min_records_(min_records) {}

  Napi::Promise Start() {
    Queue();
    return deferred_.Promise();
  }

 private:
  void Execute() override;
  void OnOK() override;
  void OnError(const Napi::Error& error) override { deferred_.Reject(error.Value()); }

  Napi::Promise::Deferred deferred_;
  std::string path_;
  char delimiter_;
  int64_t max_records_, max_bytes_, min_records_;
  csv::Sample sample_;
};

}  // namespace nntrain::binding
