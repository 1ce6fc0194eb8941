// The first records of a file as strings (values as the reader sees them), for the header and for
// inferring column kinds: the same tokenizer as the reader, so the sample and the parse can never
// disagree about where fields and records are. The JS fallback samples with csv-parse by the same
// rule (src/data/csv/sample.ts).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "error.h"

namespace nntrain::csv {

struct Sample {
  std::vector<std::vector<std::string>> records;  // in file order (the header first, if any)
  bool stopped = false;  // a quoting error came after the first record but before min_records
  ParseError error;      // a quoting error before the first record (kind, line, column)
  int64_t file_size = 0;
  int64_t bytes_read = 0;  // read from the file (whole blocks)
};

// Reads records from the start of `path` (a byte order mark and blank lines skipped) while fewer
// than max_records were read and each one ends within the first max_bytes bytes of the file (a '\n'
// appended to a last line without one counts as a byte) — but always the first min_records records
// the file has. False with *io_error set when the file cannot be read.
bool sample_csv(const std::string& path, char delimiter, int64_t max_records, int64_t max_bytes,
                int64_t min_records, Sample* out, std::string* io_error);

}  // namespace nntrain::csv
