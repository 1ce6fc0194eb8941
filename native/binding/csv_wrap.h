// The CsvReader class seen from JS: one open CSV file (csv::Reader) whose passes run in
// AsyncWorkers (binding/csv_workers.h), one at a time. Bad input in the file is not an exception
// here: a pass resolves with { error: { kind, line, record, column, found, token } } and
// src/data/csv/ turns that into a DataError naming the file and column; exceptions are for bad
// arguments only.
#pragma once

#include <napi.h>

#include <memory>

#include "../csv/reader.h"
#include "../csv/row_buffer.h"

namespace nntrain::binding {

class CsvReaderWrap : public Napi::ObjectWrap<CsvReaderWrap> {
 public:
  // new CsvReader(path: string, config: object) (config: see csv_config.h); throws Error with the
  // system's message when the file cannot be opened. Static: CsvReader.sample (csv_workers.h).
  static Napi::Function Define(Napi::Env env);
  explicit CsvReaderWrap(const Napi::CallbackInfo& info);

  void set_busy(bool busy) { busy_ = busy; }
  csv::Reader& reader() { return *reader_; }

  // The rows readAppend collects (in the reader's own memory until takeRows hands them over).
  struct Appended {
    csv::RowBuffer x, y;
    int64_t rows = 0;      // rows written
    int64_t capacity = 0;  // rows x and y have room for
    // Frees what was collected and not taken: a new collection starts.
    void clear() {
      x.reset();
      y.reset();
      rows = capacity = 0;
    }
  };
  Appended& appended() { return appended_; }

 private:
  Napi::Value Scan(const Napi::CallbackInfo& info);
  Napi::Value Read(const Napi::CallbackInfo& info);
  Napi::Value ReadAppend(const Napi::CallbackInfo& info);
  Napi::Value TakeRows(const Napi::CallbackInfo& info);
  Napi::Value SetLayout(const Napi::CallbackInfo& info);
  Napi::Value Categories(const Napi::CallbackInfo& info);
  Napi::Value Missing(const Napi::CallbackInfo& info);
  Napi::Value Rewind(const Napi::CallbackInfo& info);
  Napi::Value Feed(const Napi::CallbackInfo& info);
  Napi::Value Range(const Napi::CallbackInfo& info);
  Napi::Value Close(const Napi::CallbackInfo& info);
  static Napi::Value Sample(const Napi::CallbackInfo& info);

  // The reader, after checking it is open and not running a pass.
  csv::Reader& ready(Napi::Env env, const char* fn);

  std::unique_ptr<csv::Reader> reader_;
  Appended appended_;
  bool busy_ = false;
};

}  // namespace nntrain::binding
