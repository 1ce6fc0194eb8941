// A CSV file read block by block: the passes the JS API runs over it.
// - scan: counts the data records (row-boundary pass only) and, when asked, collects the categories
// of
//   categorical fields (a tokenizing pass), in bounded steps so JS can report progress in between;
// - read: parses the next records straight into caller-owned float32 rows (x and y), at most
// max_rows. Each block is split at record boundaries (split.h) into pieces parsed in parallel on
// the addon's pool; the pieces' results do not depend on how many there are, so neither does the
// output (the category order is the order of first appearance in the file, merged piece by piece).
// With a byte range [b, e) (ReaderConfig::ranged), the header is read on its own (small reads) and
// the passes cover only the records whose first byte lies in the range, with records taken to end
// at every '\n': the range starts at the first line start at or after b and ends at the first at or
// after e (so consecutive ranges share no record and miss none), never before the header's end.
// Lines and records are then counted from the header's end as if the range followed it; the caller
// adds the lines and records of the ranges before (RangeInfo). A quoted field holding a line break
// that crosses a range end leaves the range with an open quote: the 'unterminated' error.
// Memory: the block buffer (block_bytes, larger only for a longer record), the dictionaries, and a
// few numbers per piece; rows go to the caller's buffers. Not thread-safe: one pass at a time.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "../threads/pool.h"
#include "chunk.h"
#include "config.h"
#include "dictionary.h"
#include "error.h"
#include "file.h"
#include "split.h"

namespace nntrain::csv {

// kStarved: a reader of fed bytes needs more (feed, then call again: nothing was lost); kRestart:
// it needs every byte again from the first (rewound: feed from the start, then call again).
enum class Status : uint8_t { kOk, kAborted, kError, kStarved, kRestart };

struct ReadResult {
  int64_t rows = 0;     // rows written
  int64_t records = 0;  // records consumed (rows + dropped)
  int64_t dropped = 0;
  bool eof = false;  // no record is left
};

// Where a ranged reader's records are (after its first pass started).
struct RangeInfo {
  int64_t begin = 0, end = 0;  // the data records' bytes
  int64_t first_line = 1;      // the line number at begin (counted as if it followed the header)
  int64_t extra_bytes = 0;     // bytes read besides the range: the header and the line-start probes
};

class Reader {
 public:
  // dicts: one per field; fixed category lists already inserted.
  Reader(ReaderConfig config, std::vector<Dictionary> dicts);

  bool open(const std::string& path, std::string* error);
  // Reads bytes handed over by feed() (see BlockFile::open_fed); passes may then end kStarved or
  // kRestart.
  void open_fed();
  void feed(const char* p, size_t n, bool end) { file_.feed(p, n, end); }
  bool fed() const { return file_.fed(); }
  void close() { file_.close(); }
  bool is_open() const { return file_.is_open(); }
  // Back to the first data record (categories collected so far are kept).
  bool rewind(std::string* error);

  ReaderConfig& config() { return cfg_; }
  const Dictionary& dictionary(int32_t field) const { return dicts_[field]; }
  const std::vector<Dictionary>& dictionaries() const { return dicts_; }
  const std::vector<int64_t>& missing() const { return missing_; }  // per field, since rewind
  int64_t bytes() const { return file_.offset(); }
  int64_t file_size() const { return file_.file_size(); }
  int64_t records() const { return record_; }  // data records passed since rewind
  int64_t line() const { return line_; }       // physical line at the next unread byte
  // Null before the first pass of a ranged reader (and for a reader of the whole file).
  const RangeInfo* range() const { return cfg_.ranged && located_ ? &range_ : nullptr; }

  // Passes at least max_bytes of the file (whole regions); *done when the file is exhausted.
  Status scan(ThreadPool& pool, const int32_t* control, int64_t max_bytes, bool collect, bool* done,
              ParseError* err);

  // Up to max_rows rows into x (max_rows * x_cols floats) and y (max_rows * y_cols; null when
  // y_cols == 0). Fewer only at the end of the file.
  Status read(ThreadPool& pool, const int32_t* control, float* x, float* y, int64_t max_rows,
              ReadResult* out, ParseError* err);

 private:
  Status start(ParseError* err);
  // A ranged reader's first start: reads the header and finds the range's line starts.
  Status locate(ParseError* err);
  // The next run of complete records (at most about `want` of them; want < 0: all the buffer
  // holds). *end when no record is left.
  Status next_region(ThreadPool& pool, int64_t want, BlockPlan* plan, bool* end, ParseError* err);
  void plan_range(ThreadPool& pool, int64_t len, BlockPlan* plan);
  // The first quoting error in the buffer, read record by record (at_eof: an open quote at the end
  // is an error too). False when there is none; *walked (if given) then holds the bytes, lines and
  // records of the complete records before where it stopped.
  struct Walked {
    int64_t bytes = 0, lines = 0, records = 0;
  };
  bool find_syntax_error(bool at_eof, ParseError* err, Walked* walked = nullptr) const;
  // After the parity-only scan found a quoting error or a record too large: the regions before it
  // were cut by quote parity alone, so a stray quote there moved record ends, or a record with a
  // quoting error passed, without an error. Reads the file again from the first data record, record
  // by record, for the first quoting error (the one a read pass reports); *err when there is none.
  Status first_syntax_error(ParseError* err);
  // first_syntax_error's search, resumable for fed bytes (searching_ until it ends).
  Status search_syntax_error(ParseError* err);
  Status merge_categories(const BlockPlan& plan, ParseError* err);
  Status io_error(const std::string& message, ParseError* err) const;
  int want_threads(const ThreadPool& pool) const;

  ReaderConfig cfg_;
  std::vector<Dictionary> dicts_;
  BlockFile file_;
  std::string path_;
  bool located_ = false;
  RangeInfo range_;
  bool searching_ = false;  // first_syntax_error's search is under way (fed bytes: across calls)
  ParseError found_;        // what the parity scan found, reported when the search finds nothing
  bool started_ = false;
  int64_t line_ = 1;    // physical line at file_.data()
  int64_t record_ = 0;  // data records before file_.data()
  double avg_record_bytes_ = 0;
  std::vector<int64_t> missing_;
  // per task, reused across blocks
  std::vector<RangeScan> scans_;
  std::vector<PieceOutput> outputs_;
  std::vector<PieceCategories> cats_;
};

}  // namespace nntrain::csv
