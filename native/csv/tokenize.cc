// read_field and friends (see tokenize.h).
#include "tokenize.h"

#include <cstring>

namespace nntrain::csv {
namespace {

void trim(Field* f) {
  while (f->begin < f->end && is_blank_char(*f->begin)) f->begin++;
  while (f->end > f->begin && is_blank_char(f->end[-1])) f->end--;
}

int32_t count_newlines(const char* b, const char* e) {
  int32_t n = 0;
  while ((b = static_cast<const char*>(std::memchr(b, '\n', static_cast<size_t>(e - b)))) !=
         nullptr) {
    n++;
    b++;
  }
  return n;
}

}  // namespace

FieldRead read_field(const char* p, const char* e, char delimiter, Field* field) {
  if (p < e && *p == '"') {
    const char* open = p + 1;
    const char* q = open;
    bool escaped = false;
    for (;;) {
      q = static_cast<const char*>(std::memchr(q, '"', static_cast<size_t>(e - q)));
      // never closed: the error is where the opening quote is, so no newlines are passed
      if (q == nullptr) return {e, FieldEnd::kError, 0, ErrorKind::kUnterminated};
      if (q + 1 < e && q[1] == '"') {  // "" inside a quoted field: a literal quote
        escaped = true;
        q += 2;
        continue;
      }
      break;
    }
    field->begin = open;
    field->end = q;
    field->quoted = true;
    field->escaped = escaped;
    trim(field);
    const int32_t newlines = count_newlines(open, q);
    const char* after = q + 1;
    if (after < e && *after == delimiter) return {after + 1, FieldEnd::kDelimiter, newlines, {}};
    if (after < e && *after == '\n') return {after + 1, FieldEnd::kRecord, newlines, {}};
    if (after + 1 == e && after[0] == '\r') {  // "\r" at the end of the data: the '\n' may follow
      return {after, FieldEnd::kError, newlines, ErrorKind::kUnterminated};
    }
    if (after + 1 < e && after[0] == '\r' && after[1] == '\n') {
      return {after + 2, FieldEnd::kRecord, newlines, {}};
    }
    if (after >= e) return {after, FieldEnd::kError, newlines, ErrorKind::kUnterminated};
    return {after, FieldEnd::kError, newlines, ErrorKind::kClosingQuote};
  }
  const char* q = p;
  while (q < e && *q != delimiter && *q != '\n' && *q != '"') q++;
  if (q >= e) return {q, FieldEnd::kError, 0, ErrorKind::kUnterminated};
  if (*q == '"') return {q, FieldEnd::kError, 0, ErrorKind::kQuote};
  field->begin = p;
  field->end = q;
  field->quoted = false;
  field->escaped = false;
  if (*q == '\n') {
    if (q > p && q[-1] == '\r') field->end = q - 1;  // "\r\n" ends the record
    trim(field);
    return {q + 1, FieldEnd::kRecord, 0, {}};
  }
  trim(field);
  return {q + 1, FieldEnd::kDelimiter, 0, {}};
}

std::string_view field_value(const Field& field, std::string* scratch) {
  if (!field.escaped) return {field.begin, static_cast<size_t>(field.end - field.begin)};
  scratch->clear();
  for (const char* p = field.begin; p < field.end; p++) {
    scratch->push_back(*p);
    if (*p == '"') p++;  // "" -> "
  }
  return *scratch;
}

const char* skip_record(const char* p, const char* e, char delimiter, int64_t* lines,
                        int32_t* fields, ErrorKind* error, int32_t* error_field,
                        int32_t first_field) {
  Field f;
  for (int32_t i = first_field;; i++) {
    const FieldRead r = read_field(p, e, delimiter, &f);
    *lines += r.newlines;
    if (r.end == FieldEnd::kError) {
      *error = r.error;
      *error_field = i;
      return nullptr;
    }
    p = r.next;
    if (r.end == FieldEnd::kRecord) {
      *lines += 1;
      *fields = i + 1;
      return p;
    }
  }
}

}  // namespace nntrain::csv
