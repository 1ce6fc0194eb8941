// Pass 1 and the block plan (see split.h).
#include "split.h"

#include <cstddef>

#include "find.h"

namespace nntrain::csv {
namespace {

// Whether the '\n' at p ends a blank line: the line is "" or "\r" (block_begin is a record start).
inline bool ends_blank_line(const char* block_begin, const char* p) {
  if (p == block_begin || p[-1] == '\n') return true;
  return p[-1] == '\r' && (p - 1 == block_begin || p[-2] == '\n');
}

}  // namespace

void scan_range(const char* block_begin, const char* begin, const char* end, RangeScan* out) {
  RangeScan s;
  int q = 0;
  for (const char* p = find_quote_or_newline(begin, end); p < end;
       p = find_quote_or_newline(p + 1, end)) {
    if (*p == '"') {
      q ^= 1;
      continue;
    }
    s.newlines++;
    const bool blank = ends_blank_line(block_begin, p);
    const int64_t at = p - block_begin;
    if (s.first[q] < 0) {
      s.first[q] = at;
      s.first_blank[q] = blank;
      s.newlines_to_first[q] = s.newlines;
    }
    s.last[q] = at;
    s.newlines_to_last[q] = s.newlines;
    if (blank) {
      s.blank[q]++;
    } else {
      s.records[q]++;
    }
  }
  s.odd = q != 0;
  *out = s;
}

void plan_block(const std::vector<RangeScan>& scans, int64_t line, int64_t record,
                BlockPlan* plan) {
  plan->pieces.clear();
  Piece cur;
  cur.begin = 0;
  cur.line = line;
  cur.record = record;
  int64_t newlines_before = 0;  // '\n' in ranges before k
  int64_t last_end = -1;        // the last record-ending newline so far
  int64_t region_newlines = 0;  // '\n' up to and including last_end
  int state = 0;
  for (size_t k = 0; k < scans.size(); k++) {
    const RangeScan& s = scans[k];
    const int st = state;
    if (s.first[st] >= 0) {
      int64_t owned = s.records[st];
      if (k > 0) {
        // The first newline of this range (in its real state) ends the record running in from the
        // previous ranges: it closes the current piece, and a new piece starts after it.
        cur.records += s.first_blank[st] ? 0 : 1;
        owned -= s.first_blank[st] ? 0 : 1;
        cur.end = s.first[st] + 1;
        if (cur.end > cur.begin) plan->pieces.push_back(cur);
        cur.record += cur.records;
        cur.records = 0;
        cur.begin = cur.end;
        cur.line = line + newlines_before + s.newlines_to_first[st];
      }
      cur.records += owned;
      last_end = s.last[st];
      region_newlines = newlines_before + s.newlines_to_last[st];
    }
    newlines_before += s.newlines;
    state ^= s.odd ? 1 : 0;
  }
  plan->odd_at_end = state != 0;
  if (last_end < 0) {
    plan->region_end = 0;
    plan->records = 0;
    plan->newlines = 0;
    return;
  }
  cur.end = last_end + 1;
  if (cur.end > cur.begin) plan->pieces.push_back(cur);
  plan->region_end = last_end + 1;
  plan->records = cur.record + cur.records - record;
  plan->newlines = region_newlines;
}

int64_t nth_record_end(const char* block_begin, const Piece& piece, int64_t n, int64_t* newlines) {
  const char* end = block_begin + piece.end;
  int q = 0;
  int64_t seen = 0, nl = 0;
  for (const char* p = find_quote_or_newline(block_begin + piece.begin, end); p < end;
       p = find_quote_or_newline(p + 1, end)) {
    if (*p == '"') {
      q ^= 1;
      continue;
    }
    nl++;
    if (q == 0 && !ends_blank_line(block_begin, p) && ++seen == n) {
      *newlines = nl;
      return p + 1 - block_begin;
    }
  }
  *newlines = nl;
  return piece.end;  // fewer than n records (only after a stray quote): the whole piece
}

}  // namespace nntrain::csv
