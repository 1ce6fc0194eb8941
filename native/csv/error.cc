// ParseError helpers.
#include "error.h"

namespace nntrain::csv {

const char* error_kind_name(ErrorKind kind) {
  switch (kind) {
    case ErrorKind::kNone:
      return "none";
    case ErrorKind::kRagged:
      return "ragged";
    case ErrorKind::kNumber:
      return "number";
    case ErrorKind::kRange:
      return "range";
    case ErrorKind::kMissing:
      return "missing";
    case ErrorKind::kCategory:
      return "category";
    case ErrorKind::kQuote:
      return "quote";
    case ErrorKind::kClosingQuote:
      return "closingQuote";
    case ErrorKind::kUnterminated:
      return "unterminated";
    case ErrorKind::kTooManyCategories:
      return "tooManyCategories";
    case ErrorKind::kRecordTooLarge:
      return "recordTooLarge";
    case ErrorKind::kIo:
      return "io";
    case ErrorKind::kInternal:
      return "internal";
  }
  return "internal";
}

void ParseError::set(ErrorKind k, int64_t at_line, int64_t at_record, int32_t at_column,
                     std::string_view value, int32_t fields) {
  kind = k;
  line = at_line;
  record = at_record;
  column = at_column;
  found = fields;
  if (value.size() > kMaxToken) {
    size_t cut = kMaxToken;
    while (cut > 0 && (static_cast<unsigned char>(value[cut]) & 0xc0) == 0x80) cut--;
    value = value.substr(0, cut);
  }
  token.assign(value.data(), value.size());
}

}  // namespace nntrain::csv
