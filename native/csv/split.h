// Splitting a block of CSV into pieces that parse in parallel, each starting at a record boundary
// with quotes respected, and knowing beforehand its first line number, its first record index and
// how many records it holds (so every piece writes its rows straight to their final place).
//
// Pass 1 (parallel over raw byte ranges): count quotes and newlines. A range's quote state at its
// start is not known yet, so the scan keeps both answers: newlines seen after an even number of
// quotes (record ends if the range starts outside quotes) and after an odd number (if it starts
// inside). Then a serial step over the ranges (a handful) fixes every range's real start state from
// the parity of the ranges before it, and turns raw ranges into pieces that begin right after a
// record end. Blank lines ("" or "\r" between two newlines) end no record. A stray quote makes the
// plan wrong only after it; the parse of the piece holding it reports it, and that error is the
// earliest.
#pragma once

#include <cstdint>
#include <vector>

namespace nntrain::csv {

// Pass 1 over one raw range [begin, end) of a block starting at block_begin (a record start).
struct RangeScan {
  int64_t newlines = 0;  // all '\n'
  bool odd = false;      // odd number of quotes
  // Indexed by the quote parity at the newline (0 = even, 1 = odd): record-ending newlines (blank
  // lines excluded), the first and last such newline (-1: none, else offset from the block begin),
  // whether the first one ends a blank line, and the newlines up to and including the first one.
  int64_t records[2] = {0, 0};
  int64_t blank[2] = {0, 0};
  int64_t first[2] = {-1, -1};
  int64_t last[2] = {-1, -1};
  bool first_blank[2] = {false, false};
  int64_t newlines_to_first[2] = {0, 0};
  int64_t newlines_to_last[2] = {0, 0};
};

void scan_range(const char* block_begin, const char* begin, const char* end, RangeScan* out);

// A run of whole records: [begin, end) offsets from the block begin.
struct Piece {
  int64_t begin = 0;
  int64_t end = 0;
  int64_t line = 0;     // physical line at begin (absolute, 1-based)
  int64_t record = 0;   // data record index at begin (absolute, 0-based)
  int64_t records = 0;  // records in the piece (blank lines excluded)
};

struct BlockPlan {
  std::vector<Piece> pieces;  // non-empty, in file order
  int64_t region_end = 0;     // offset after the last complete record (0: none)
  int64_t records = 0;        // records in [0, region_end)
  int64_t newlines = 0;       // '\n' in [0, region_end)
  bool odd_at_end = false;  // quote parity over the whole scanned range (true at EOF: unterminated)
};

// The serial step over the scans of consecutive ranges, the first starting at offset 0 (a record
// start at physical line `line`, data record `record`).
void plan_block(const std::vector<RangeScan>& scans, int64_t line, int64_t record, BlockPlan* plan);

// Offset just past the n-th record end (n >= 1) of a piece that holds at least n records, found by
// a serial scan from its begin (outside quotes there); fills the newlines and blank lines passed.
int64_t nth_record_end(const char* block_begin, const Piece& piece, int64_t n, int64_t* newlines);

}  // namespace nntrain::csv
