// What went wrong where: the first bad input of a pass, in file order. Positions are the ones a
// person looks for in an editor: a 1-based physical line (newlines inside quoted fields count) and
// the 0-based field index; the JS side turns the record into a DataError with the file name and
// column name.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace nntrain::csv {

enum class ErrorKind : uint8_t {
  kNone,
  kRagged,             // a record with a different number of fields (`found`)
  kNumber,             // a numeric column holds something that is not a number (`token`)
  kRange,              // a number outside float32's range
  kMissing,            // a missing-value token where the column's policy is 'error'
  kCategory,           // a value not in the column's fixed category list
  kQuote,              // a quote inside an unquoted field
  kClosingQuote,       // something other than a delimiter or line end after a closing quote
  kUnterminated,       // a quoted field still open at the end of the file
  kTooManyCategories,  // a categorical column with more distinct values than allowed
  kRecordTooLarge,     // one record larger than the largest block the reader may allocate
  kIo,                 // the file could not be read (`token` holds the system's message)
  kInternal,           // the reader's own invariant broke (never expected)
};

// Stable names for JS (src/data/csv/errors.ts formats each).
const char* error_kind_name(ErrorKind kind);

struct ParseError {
  ErrorKind kind = ErrorKind::kNone;
  int64_t line = 0;    // 1-based physical line
  int64_t record = 0;  // 0-based data record (header excluded)
  int32_t column = 0;  // 0-based field index
  int32_t found = 0;   // fields found (kRagged)
  std::string token;   // the offending value, at most kMaxToken bytes (cut at a UTF-8 boundary)

  bool failed() const { return kind != ErrorKind::kNone; }
  void set(ErrorKind k, int64_t at_line, int64_t at_record, int32_t at_column,
           std::string_view value = {}, int32_t fields = 0);
};

constexpr size_t kMaxToken = 80;

}  // namespace nntrain::csv
