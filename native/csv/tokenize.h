// One field of RFC 4180 CSV, the way every pass reads it (the hot numeric path in chunk.cc only
// short-cuts plain unquoted numbers). Rules, shared with the JS fallback (src/data/csv/js-*.ts):
// - a record ends at '\n' or "\r\n" outside quotes; a lone '\r' is data;
// - a field starting with '"' is quoted: it ends at a '"' not followed by another '"' ("" is a
// literal
//   quote), and must be followed by the delimiter or the record end; delimiters, '\r' and '\n'
//   inside are data;
// - a '"' anywhere else in a field is an error (kQuote);
// - the value is the field's content with leading and trailing spaces and tabs removed.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "error.h"

namespace nntrain::csv {

// A field's value in the buffer: [begin, end), quotes removed and trimmed; when `escaped`, it still
// holds doubled quotes (unescape() gives the value).
struct Field {
  const char* begin = nullptr;
  const char* end = nullptr;
  bool quoted = false;
  bool escaped = false;
};

enum class FieldEnd : uint8_t { kDelimiter, kRecord, kError };

struct FieldRead {
  const char* next;  // the first byte after the field's terminator (or where the error is)
  FieldEnd end;
  int32_t newlines;  // '\n' inside the quoted field (for line numbers)
  ErrorKind error;   // kQuote, kClosingQuote or kUnterminated when end == kError
};

// Reads the field starting at p; [p, e) holds at least the rest of the record when the input is
// well formed (e is a hard bound: nothing at or after e is read).
FieldRead read_field(const char* p, const char* e, char delimiter, Field* field);

// The value of a field: a view into the buffer, or into `scratch` when quotes must be unescaped.
std::string_view field_value(const Field& field, std::string* scratch);

inline bool is_blank_char(char c) {
  return c == ' ' || c == '\t';
}

// Skips a record, or its rest from field `first_field` on (p just after a delimiter), counting its
// fields and checking their quoting: returns the first byte after its terminator and adds the
// newlines it spans to *lines; on error fills *error and *error_field (the failing field's index,
// *lines then includes that field's newlines) and returns nullptr. *fields receives the field
// count.
const char* skip_record(const char* p, const char* e, char delimiter, int64_t* lines,
                        int32_t* fields, ErrorKind* error, int32_t* error_field,
                        int32_t first_field = 0);

}  // namespace nntrain::csv
