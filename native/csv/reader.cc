// Reader: the block loop around pass 1 (split.cc) and the piece parsers (chunk.cc). See reader.h.
#include "reader.h"

#include <algorithm>
#include <atomic>
#include <cstring>
#include <exception>

#if defined(__linux__)
#include <sys/mman.h>
#endif

#include "tokenize.h"

namespace nntrain::csv {
namespace {

bool aborted(const int32_t* control) {
  return control != nullptr && std::atomic_ref<int32_t>(*const_cast<int32_t*>(control)).load() != 0;
}

constexpr int kMaxTasks = 256;

bool is_quoting_error(ErrorKind kind) {
  return kind == ErrorKind::kQuote || kind == ErrorKind::kClosingQuote ||
         kind == ErrorKind::kUnterminated;
}

// Maps the pages of [p, p + n floats) in one call (Linux 5.14+): cheaper than taking one page fault
// per 4 KB page while the rows are written. Best effort: any failure leaves the faults to happen.
void prefault(float* p, int64_t n) {
#if defined(__linux__)
  const uintptr_t page = 4096;
  const uintptr_t b = (reinterpret_cast<uintptr_t>(p) + page - 1) & ~(page - 1);
  const uintptr_t e = reinterpret_cast<uintptr_t>(p + n) & ~(page - 1);
  if (e > b) madvise(reinterpret_cast<void*>(b), e - b, 23 /* MADV_POPULATE_WRITE */);
#endif
}

}  // namespace

Reader::Reader(ReaderConfig config, std::vector<Dictionary> dicts)
    : cfg_(std::move(config)), dicts_(std::move(dicts)) {
  dicts_.resize(static_cast<size_t>(cfg_.fields));
  missing_.assign(static_cast<size_t>(cfg_.fields), 0);
}

bool Reader::open(const std::string& path, std::string* error) {
  path_ = path;
  located_ = false;
  started_ = false;
  line_ = 1;
  record_ = 0;
  return file_.open(path, cfg_.block_bytes, error);
}

void Reader::open_fed() {
  path_.clear();
  located_ = false;
  started_ = false;
  searching_ = false;
  line_ = 1;
  record_ = 0;
  file_.open_fed(cfg_.block_bytes);
}

bool Reader::rewind(std::string* error) {
  if (!file_.rewind(error)) return false;
  started_ = false;
  searching_ = false;
  line_ = 1;
  record_ = 0;
  std::fill(missing_.begin(), missing_.end(), 0);
  return true;
}

int Reader::want_threads(const ThreadPool& pool) const {
  return cfg_.threads > 0 ? cfg_.threads : pool.threads();
}

Status Reader::io_error(const std::string& message, ParseError* err) const {
  err->set(ErrorKind::kIo, line_, record_, 0, message);
  return Status::kError;
}

namespace {

// Skips blank lines and the header record of a file just filled from its start; *line is the
// physical line after it. kError with *err set for a quoting error in the header or an I/O error.
Status skip_header(BlockFile& file, int64_t max_block_bytes, char delimiter, int64_t* line,
                   ParseError* err) {
  std::string message;
  for (;;) {
    // blank lines before the header
    while (file.size() > 0) {
      const char* p = file.data();
      if (*p == '\n') {
        file.consume(1);
      } else if (*p == '\r' && file.size() > 1 && p[1] == '\n') {
        file.consume(2);
      } else {
        break;
      }
      (*line)++;
    }
    if (file.size() == 0 || (file.size() == 1 && *file.data() == '\r' && !file.eof())) {
      if (file.eof()) return Status::kOk;  // empty file
      if (file.starved()) return Status::kStarved;
      if (!file.fill(&message)) {
        err->set(ErrorKind::kIo, *line, -1, 0, message);
        return Status::kError;
      }
      continue;
    }
    int64_t lines = 0;
    int32_t fields = 0, bad_field = 0;
    ErrorKind kind = ErrorKind::kNone;
    const char* p = skip_record(file.data(), file.data() + file.size(), delimiter, &lines, &fields,
                                &kind, &bad_field);
    if (p != nullptr) {
      file.consume(p - file.data());
      *line += lines;
      return Status::kOk;
    }
    if (kind == ErrorKind::kUnterminated && !file.eof()) {  // the header is longer than the data
      if (file.starved() && file.size() < file.capacity()) return Status::kStarved;
      if (file.size() == file.capacity() && !file.grow(max_block_bytes)) {
        err->set(ErrorKind::kRecordTooLarge, *line, -1, 0);
        return Status::kError;
      }
      if (!file.fill(&message)) {
        err->set(ErrorKind::kIo, *line, -1, 0, message);
        return Status::kError;
      }
      continue;
    }
    err->set(kind, *line + lines, -1, bad_field);
    return Status::kError;
  }
}

}  // namespace

Status Reader::locate(ParseError* err) {
  std::string message;
  int64_t data_start = 0, line = 1, extra = 0;
  if (cfg_.header) {
    BlockFile head;  // small reads: only the header's bytes (and a little more) are read
    if (!head.open(path_, 4096, &message) || !head.fill(&message)) return io_error(message, err);
    const Status s = skip_header(head, cfg_.max_block_bytes, cfg_.delimiter, &line, err);
    extra += head.bytes_read();
    if (s != Status::kOk) return s;
    data_start = head.offset();
  }
  const int64_t b = file_.line_start_at_or_after(cfg_.range_begin, &extra, &message);
  const int64_t e = b < 0 ? -1 : file_.line_start_at_or_after(cfg_.range_end, &extra, &message);
  if (b < 0 || e < 0) return io_error(message, err);
  range_.begin = std::max(b, data_start);
  range_.end = std::max(e, range_.begin);
  range_.first_line = line;
  range_.extra_bytes = extra;
  located_ = true;
  return Status::kOk;
}

Status Reader::start(ParseError* err) {
  std::string message;
  if (cfg_.ranged) {
    if (!located_) {
      const Status s = locate(err);
      if (s != Status::kOk) return s;
    }
    if (!file_.seek(range_.begin, range_.end, &message) || !file_.fill(&message)) {
      return io_error(message, err);
    }
    line_ = range_.first_line;
    record_ = 0;
    started_ = true;
    return Status::kOk;
  }
  if (!file_.fill(&message)) return io_error(message, err);
  if (cfg_.header) {
    // fed bytes may end inside the header: then kStarved, and the next call starts again here
    const Status s = skip_header(file_, cfg_.max_block_bytes, cfg_.delimiter, &line_, err);
    if (s != Status::kOk) return s;
  }
  started_ = true;
  return Status::kOk;
}

void Reader::plan_range(ThreadPool& pool, int64_t len, BlockPlan* plan) {
  const int64_t tasks64 =
      std::clamp<int64_t>(len / std::max<int64_t>(cfg_.chunk_bytes, 1), 1, kMaxTasks);
  const int tasks = static_cast<int>(tasks64);
  scans_.resize(static_cast<size_t>(tasks));
  const char* data = file_.data();
  pool.parallel_for(want_threads(pool), tasks, [&](int i) {
    const int64_t b = len * i / tasks, e = len * (i + 1) / tasks;
    scan_range(data, data + b, data + e, &scans_[static_cast<size_t>(i)]);
  });
  plan_block(scans_, line_, record_, plan);
}

bool Reader::find_syntax_error(bool at_eof, ParseError* err, Walked* walked) const {
  const char* const b = file_.data();
  const char* p = b;
  const char* const e = p + file_.size();
  int64_t line = line_, record = record_;
  Walked w;
  while (p < e) {
    w = {p - b, line - line_, record - record_};
    if (*p == '\n' || (*p == '\r' && p + 1 < e && p[1] == '\n')) {
      p += *p == '\n' ? 1 : 2;
      line++;
      continue;
    }
    int64_t lines = 0;
    int32_t fields = 0, bad_field = 0;
    ErrorKind kind = ErrorKind::kNone;
    const char* next = skip_record(p, e, cfg_.delimiter, &lines, &fields, &kind, &bad_field);
    if (next == nullptr) {
      if (kind == ErrorKind::kUnterminated && !at_eof) {  // needs more data
        if (walked != nullptr) *walked = w;
        return false;
      }
      err->set(kind, line + lines, record, bad_field);
      return true;
    }
    p = next;
    line += lines;
    record++;
  }
  if (walked != nullptr) *walked = {p - b, line - line_, record - record_};
  return false;
}

Status Reader::first_syntax_error(ParseError* err) {
  const ParseError found = *err;
  std::string message;
  if (!rewind(&message)) return io_error(message, err);
  found_ = found;
  searching_ = true;
  if (file_.fed()) return Status::kRestart;  // the caller feeds from the first byte again
  return search_syntax_error(err);
}

Status Reader::search_syntax_error(ParseError* err) {
  std::string message;
  if (!started_) {
    const Status s = start(err);
    if (s != Status::kOk) {
      if (s != Status::kStarved) searching_ = false;
      return s;
    }
  }
  for (;;) {
    Walked w;
    if (find_syntax_error(file_.eof(), err, &w)) {
      searching_ = false;
      return Status::kError;
    }
    if (file_.eof() && w.bytes == file_.size()) break;  // none after all
    file_.consume(w.bytes);
    line_ += w.lines;
    record_ += w.records;
    if (w.bytes == 0 && file_.size() == file_.capacity() && !file_.grow(cfg_.max_block_bytes)) {
      break;
    }
    if (file_.starved()) return Status::kStarved;
    if (!file_.fill(&message)) {
      searching_ = false;
      return io_error(message, err);
    }
  }
  searching_ = false;
  *err = found_;
  return Status::kError;
}

Status Reader::next_region(ThreadPool& pool, int64_t want, BlockPlan* plan, bool* end,
                           ParseError* err) {
  std::string message;
  bool whole = want < 0 || avg_record_bytes_ <= 0;
  *end = false;
  for (;;) {
    if (!file_.eof() && file_.size() < file_.capacity() / 2) {
      if (!file_.fill(&message)) return io_error(message, err);
    }
    const int64_t size = file_.size();
    if (size == 0) {
      if (file_.starved()) return Status::kStarved;
      *end = true;
      return Status::kOk;
    }
    int64_t len = size;
    if (!whole) {
      const double estimate = static_cast<double>(want) * avg_record_bytes_ * 1.25 + 65536.0;
      if (estimate < static_cast<double>(size)) len = static_cast<int64_t>(estimate);
    }
    plan_range(pool, len, plan);
    if (plan->region_end > 0) return Status::kOk;
    if (len < size) {  // the estimate was short of one record: look at everything
      whole = true;
      continue;
    }
    if (file_.eof()) {
      // Only an open quote at the end of the file leaves data with no complete record (the file
      // always ends with a newline): find the first quoting error in what is left.
      if (!find_syntax_error(true, err)) err->set(ErrorKind::kUnterminated, line_, record_, 0);
      return Status::kError;
    }
    if (size < file_.capacity()) {
      if (file_.starved()) return Status::kStarved;  // a record continues in bytes not fed yet
      if (!file_.fill(&message)) return io_error(message, err);
      continue;
    }
    // A full buffer without a complete record: a stray quote, or truly one huge record.
    if (find_syntax_error(false, err)) return Status::kError;
    if (!file_.grow(cfg_.max_block_bytes)) {
      err->set(ErrorKind::kRecordTooLarge, line_, record_, 0);
      return Status::kError;
    }
    if (!file_.fill(&message)) return io_error(message, err);
  }
}

Status Reader::merge_categories(const BlockPlan& plan, ParseError* err) {
  for (size_t i = 0; i < plan.pieces.size(); i++) {
    PieceCategories& pc = cats_[i];
    const int64_t stop = pc.error.failed() ? pc.error.record : INT64_MAX;
    // the earliest (record, field) where a column passes max_categories, if any
    int64_t worst_record = INT64_MAX;
    int32_t worst_field = 0;
    int32_t worst_id = 0;
    for (int32_t c = 0; c < cfg_.fields; c++) {
      const ColumnSpec& cs = cfg_.columns[static_cast<size_t>(c)];
      if (cs.kind != ColumnKind::kCategorical || cs.fixed) continue;
      const Dictionary& local = pc.dicts[static_cast<size_t>(c)];
      Dictionary& global = dicts_[static_cast<size_t>(c)];
      for (int32_t j = 0; j < local.size(); j++) {
        const int64_t at = pc.first_record[static_cast<size_t>(c)][static_cast<size_t>(j)];
        if (at >= stop) break;
        const int32_t before = global.size();
        if (global.insert(local.at(j)) == before && global.size() > cfg_.max_categories) {
          if (at < worst_record) {
            worst_record = at;
            worst_field = c;
            worst_id = j;
          }
          break;
        }
      }
    }
    if (worst_record != INT64_MAX) {
      const int64_t line =
          pc.first_line[static_cast<size_t>(worst_field)][static_cast<size_t>(worst_id)];
      err->set(ErrorKind::kTooManyCategories, line, worst_record, worst_field,
               pc.dicts[static_cast<size_t>(worst_field)].at(worst_id));
      return Status::kError;
    }
    if (pc.error.failed()) {
      *err = pc.error;
      return Status::kError;
    }
  }
  return Status::kOk;
}

Status Reader::scan(ThreadPool& pool, const int32_t* control, int64_t max_bytes, bool collect,
                    bool* done, ParseError* err) {
  *done = false;
  file_.set_parallel(&pool, want_threads(pool));
  if (searching_) return search_syntax_error(err);
  if (!started_) {
    const Status s = start(err);
    if (s != Status::kOk) return s;
  }
  const int64_t from = file_.offset();
  BlockPlan plan;
  while (file_.offset() - from < max_bytes) {
    if (aborted(control)) return Status::kAborted;
    bool end = false;
    const Status s = next_region(pool, -1, &plan, &end, err);
    if (s == Status::kError && !collect &&
        (is_quoting_error(err->kind) || err->kind == ErrorKind::kRecordTooLarge)) {
      return first_syntax_error(err);  // a collecting scan tokenized every record before
    }
    if (s != Status::kOk) return s;
    if (end) {
      *done = true;
      return Status::kOk;
    }
    if (collect) {
      const size_t n = plan.pieces.size();
      if (cats_.size() < n) cats_.resize(n);
      for (size_t i = 0; i < n; i++) {
        PieceCategories& pc = cats_[i];
        pc.dicts.resize(static_cast<size_t>(cfg_.fields));
        pc.first_line.resize(static_cast<size_t>(cfg_.fields));
        pc.first_record.resize(static_cast<size_t>(cfg_.fields));
        for (int32_t c = 0; c < cfg_.fields; c++) {
          pc.dicts[static_cast<size_t>(c)].clear();
          pc.first_line[static_cast<size_t>(c)].clear();
          pc.first_record[static_cast<size_t>(c)].clear();
        }
        pc.error = ParseError();
      }
      const char* data = file_.data();
      pool.parallel_for(want_threads(pool), static_cast<int>(n), [&](int i) {
        const Piece& piece = plan.pieces[static_cast<size_t>(i)];
        if (aborted(control)) return;
        const PieceInput in{data + piece.begin, data + piece.end, piece.line, piece.record,
                            piece.records};
        try {
          collect_piece(cfg_, in, &cats_[static_cast<size_t>(i)]);
        } catch (const std::exception&) {  // pool tasks must not throw
          cats_[static_cast<size_t>(i)].error.set(ErrorKind::kInternal, piece.line, piece.record, 0,
                                                  "out of memory");
        }
      });
      if (aborted(control)) return Status::kAborted;
      const Status m = merge_categories(plan, err);
      if (m != Status::kOk) return m;
    }
    if (plan.records > 0) {
      avg_record_bytes_ = static_cast<double>(plan.region_end) / static_cast<double>(plan.records);
    }
    file_.consume(plan.region_end);
    line_ += plan.newlines;
    record_ += plan.records;
  }
  return Status::kOk;
}

Status Reader::read(ThreadPool& pool, const int32_t* control, float* x, float* y, int64_t max_rows,
                    ReadResult* out, ParseError* err) {
  *out = ReadResult();
  file_.set_parallel(&pool, want_threads(pool));
  if (!started_) {
    const Status s = start(err);
    if (s != Status::kOk) return s;
  }
  BlockPlan plan;
  const int64_t xc = cfg_.x_cols, yc = cfg_.y_cols;
  while (out->rows < max_rows) {
    if (aborted(control)) return Status::kAborted;
    const int64_t want = max_rows - out->rows;
    bool end = false;
    const Status s = next_region(pool, want, &plan, &end, err);
    if (s != Status::kOk) return s;
    if (end) {
      out->eof = true;
      break;
    }
    int64_t region_end = plan.region_end, region_records = plan.records;
    int64_t region_newlines = plan.newlines;
    if (plan.records > want) {  // stop after `want` records
      size_t k = 0;
      while (plan.pieces[k].record - record_ + plan.pieces[k].records < want) k++;
      Piece& piece = plan.pieces[k];
      const int64_t n = want - (piece.record - record_);
      int64_t newlines = 0;
      piece.end = nth_record_end(file_.data(), piece, n, &newlines);
      piece.records = n;
      plan.pieces.resize(k + 1);
      region_end = piece.end;
      region_records = want;
      region_newlines = piece.line - line_ + newlines;
    }
    const size_t n = plan.pieces.size();
    if (outputs_.size() < n) outputs_.resize(n);
    for (size_t i = 0; i < n; i++) {
      outputs_[i].error = ParseError();
      outputs_[i].missing.assign(static_cast<size_t>(cfg_.fields), 0);
    }
    const char* data = file_.data();
    const int64_t base = out->rows;
    pool.parallel_for(want_threads(pool), static_cast<int>(n), [&](int i) {
      const Piece& piece = plan.pieces[static_cast<size_t>(i)];
      PieceOutput& po = outputs_[static_cast<size_t>(i)];
      po.rows = po.dropped = 0;
      if (aborted(control)) return;
      const int64_t row = base + piece.record - record_;
      const PieceInput in{data + piece.begin, data + piece.end, piece.line, piece.record,
                          piece.records};
      try {
        prefault(x + row * xc, piece.records * xc);
        parse_piece(cfg_, dicts_, in, x + row * xc, y == nullptr ? nullptr : y + row * yc, &po);
      } catch (const std::exception&) {  // pool tasks must not throw
        po.error.set(ErrorKind::kInternal, piece.line, piece.record, 0, "out of memory");
      }
    });
    if (aborted(control)) return Status::kAborted;
    for (size_t i = 0; i < n; i++) {
      if (outputs_[i].error.failed()) {
        *err = outputs_[i].error;
        return Status::kError;
      }
    }
    // Dropped records leave gaps: move each piece's rows down to follow the previous piece's.
    int64_t row = base;
    for (size_t i = 0; i < n; i++) {
      const PieceOutput& po = outputs_[i];
      const int64_t from = base + plan.pieces[i].record - record_;
      // (a row of no floats may come with no buffer: a null pointer, which memmove must not get)
      if (from != row && po.rows > 0) {
        if (xc > 0) std::memmove(x + row * xc, x + from * xc, sizeof(float) * po.rows * xc);
        if (y != nullptr && yc > 0) {
          std::memmove(y + row * yc, y + from * yc, sizeof(float) * po.rows * yc);
        }
      }
      row += po.rows;
      out->dropped += po.dropped;
      for (int32_t c = 0; c < cfg_.fields; c++) {
        missing_[static_cast<size_t>(c)] += po.missing[static_cast<size_t>(c)];
      }
    }
    out->rows = row;
    out->records += region_records;
    if (region_records > 0) {
      avg_record_bytes_ = static_cast<double>(region_end) / static_cast<double>(region_records);
    }
    file_.consume(region_end);
    line_ += region_newlines;
    record_ += region_records;
  }
  if (!out->eof && file_.eof() && file_.size() == 0) out->eof = true;
  return Status::kOk;
}

}  // namespace nntrain::csv
