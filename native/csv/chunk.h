// The work of one parallel task: the records of one piece (split.h) parsed into float rows, or, in
// the scan pass, tokenized to collect category values. A piece is independent of every other: it
// starts at a record boundary, knows its first line and record, and writes only its own rows.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "config.h"
#include "dictionary.h"
#include "error.h"

namespace nntrain::csv {

struct PieceInput {
  const char* begin;
  const char* end;  // just after a record-ending '\n'
  int64_t line;     // physical line at begin
  int64_t record;   // data record index at begin
  int64_t records;  // records the plan expects in [begin, end)
};

struct PieceOutput {
  int64_t rows = 0;              // rows written (records minus dropped ones)
  int64_t dropped = 0;           // records dropped by a 'drop' missing policy
  ParseError error;              // the first error; rows before it are written
  std::vector<int64_t> missing;  // missing values seen, per field (sized by the caller)
  std::string scratch;           // unescaped values ("" -> ")
};

// Parses `in` into rows x[0..], y[0..] (x_cols / y_cols floats apart; y may be null when no column
// goes there). dicts[c] is the frozen dictionary of categorical field c.
void parse_piece(const ReaderConfig& cfg, const std::vector<Dictionary>& dicts,
                 const PieceInput& in, float* x, float* y, PieceOutput* out);

// What the scan pass keeps of a piece: per categorical field being collected, the values in their
// order of first appearance in the piece and the line/record where each first appeared.
struct PieceCategories {
  std::vector<Dictionary> dicts;                 // per field (empty for other fields)
  std::vector<std::vector<int64_t>> first_line;  // per field, per local id
  std::vector<std::vector<int64_t>> first_record;
  ParseError error;
  std::string scratch;
};

// Tokenizes `in`, checks quoting and field counts, and collects the values of categorical fields
// whose categories are not fixed (missing tokens excluded).
void collect_piece(const ReaderConfig& cfg, const PieceInput& in, PieceCategories* out);

}  // namespace nntrain::csv
