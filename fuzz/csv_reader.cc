// libFuzzer target: the native CSV reader (native/csv/) on any bytes with any options.
//
// Input: kOptionBytes bytes of options (OptionBytes below), then the file's bytes. The file goes to
// a memfd and is opened by path, as the addon opens it; the passes run in the order the JS API runs
// them: sample, scan (collecting categories or not), layout, reads of max_rows rows, a rewind and a
// second read. Besides crashes and sanitizer reports, a differential check: the same file read
// with one thread, one piece per block and one read call must give the same rows, categories and
// error (the reader promises results independent of threads, piece size and batching).
#include <sys/mman.h>
#include <unistd.h>

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

#include "../native/csv/config.h"
#include "../native/csv/dictionary.h"
#include "../native/csv/number.h"
#include "../native/csv/reader.h"
#include "../native/csv/sample.h"
#include "../native/threads/pool.h"

namespace {

using nntrain::ThreadPool;
using namespace nntrain::csv;

constexpr int kMaxFields = 16;
constexpr int kPoolThreads = 4;
const char* const kMissingTokens[] = {"", "NA", "?", "nan", "-", "0", "N/A", "null"};
constexpr size_t kOptionBytes = 40;

// The options, read in order from the first kOptionBytes of the input (zeros past its end), so a
// seed is kOptionBytes of options followed by a CSV file as it is.
class OptionBytes {
 public:
  OptionBytes(const uint8_t* data, size_t size) {
    used_ = size < kOptionBytes ? size : kOptionBytes;
    std::memcpy(bytes_, data, used_);
  }
  size_t used() const { return used_; }
  uint8_t byte() { return at_ < kOptionBytes ? bytes_[at_++] : 0; }
  uint32_t u16() { return byte() | static_cast<uint32_t>(byte()) << 8; }
  uint64_t u64() {
    uint64_t v = 0;
    for (int i = 0; i < 8; i++) v |= static_cast<uint64_t>(byte()) << (8 * i);
    return v;
  }
  // A few common delimiters, else any byte the binding accepts (1..127 but '"', '\n', '\r').
  char delimiter() {
    const uint8_t b = byte();
    if (b < 4) return ",;\t|"[b];
    const char d = static_cast<char>(1 + b % 127);
    return d == '"' || d == '\n' || d == '\r' ? ',' : d;
  }

 private:
  uint8_t bytes_[kOptionBytes] = {};
  size_t used_ = 0;
  size_t at_ = 0;
};

// What one reader run produced: enough to compare two runs.
struct Outcome {
  Status status = Status::kOk;
  ParseError error;
  int64_t records = 0;
  std::vector<float> x, y;
  std::vector<std::vector<std::string>> categories;
  std::vector<int64_t> missing;
};

struct Plan {
  ReaderConfig cfg;
  std::vector<Dictionary> dicts;  // fixed category lists
  bool collect = false;
  uint32_t y_mask = 0, onehot_mask = 0;
  int64_t max_rows = 0;  // per read call
  int64_t scan_bytes = 0;
  bool reread = false;
};

// A memfd holding the data, removed with the object.
class MemFile {
 public:
  MemFile(const uint8_t* data, size_t size) {
    fd_ = memfd_create("nntrain-fuzz-csv", 0);
    if (fd_ < 0 || write(fd_, data, size) != static_cast<ssize_t>(size)) std::abort();
    path_ = "/proc/self/fd/" + std::to_string(fd_);
  }
  ~MemFile() { close(fd_); }
  const std::string& path() const { return path_; }

 private:
  int fd_ = -1;
  std::string path_;
};

Plan make_plan(OptionBytes& opt, char delimiter, const Sample& sample) {
  Plan p;
  ReaderConfig& cfg = p.cfg;
  cfg.delimiter = delimiter;
  const uint8_t flags = opt.byte();
  cfg.header = (flags & 1) != 0;
  p.collect = (flags & 2) != 0;
  p.reread = (flags & 4) != 0;
  int fields = opt.byte() % (kMaxFields + 1);
  if (fields == 0) {  // as the JS side does: the first record's field count
    fields = sample.records.empty() ? 1 : static_cast<int>(sample.records[0].size());
    if (fields > kMaxFields) fields = kMaxFields;
  }
  cfg.fields = fields;
  cfg.columns.assign(static_cast<size_t>(fields), ColumnSpec());
  p.dicts.assign(static_cast<size_t>(fields), Dictionary());
  const uint64_t kinds = opt.u64();  // 4 bits per field: kind, missing policy
  const uint32_t fixed_mask = opt.u16();
  for (int c = 0; c < fields; c++) {
    ColumnSpec& cs = cfg.columns[static_cast<size_t>(c)];
    const unsigned bits = static_cast<unsigned>(kinds >> (4 * c)) & 15u;
    cs.kind = static_cast<ColumnKind>((bits & 3) == 3 ? 1 : bits & 3);
    cs.missing = static_cast<Missing>(((bits >> 2) & 3) == 3 ? 0 : (bits >> 2) & 3);
    if (cs.kind == ColumnKind::kCategorical && (fixed_mask >> c & 1) != 0) {
      // a fixed list as a user would give it: values of this field from the sample
      cs.fixed = true;
      for (size_t r = cfg.header ? 1 : 0; r < sample.records.size(); r++) {
        const std::vector<std::string>& rec = sample.records[r];
        if (static_cast<size_t>(c) < rec.size() && (r * 7 + c) % 3 != 0) {
          p.dicts[static_cast<size_t>(c)].insert(rec[static_cast<size_t>(c)]);
        }
      }
    }
  }
  const uint8_t tokens = opt.byte();
  for (int i = 0; i < 8; i++) {
    if ((tokens >> i & 1) != 0) cfg.missing_tokens.push_back(kMissingTokens[i]);
  }
  for (const std::string& t : cfg.missing_tokens) {  // as binding/csv_config.cc decides it
    float v;
    if (parse_number(t.data(), t.data() + t.size(), &v) != NumberStatus::kInvalid) {
      cfg.numeric_missing = true;
    }
  }
  cfg.threads = opt.byte() % (kPoolThreads + 1);
  cfg.block_bytes = 64 + opt.u16() % 4096;
  cfg.max_block_bytes = cfg.block_bytes + opt.u16() % 16384;
  cfg.chunk_bytes = 1 + opt.u16() % 4096;
  cfg.max_categories = 1 + opt.byte() % 64;
  p.y_mask = opt.u16();
  p.onehot_mask = opt.u16();
  p.max_rows = opt.u16();  // 0: all rows in one call
  p.scan_bytes = 1 + opt.u16();
  return p;
}

// The layout the JS side would set: fields in order, y fields to y, one-hot categoricals as wide as
// their dictionaries. Every output column is written by exactly one field.
void set_layout(const Plan& p, const Reader& reader, ReaderConfig* cfg) {
  int64_t cols[2] = {0, 0};
  for (int c = 0; c < cfg->fields; c++) {
    ColumnSpec& cs = cfg->columns[static_cast<size_t>(c)];
    if (cs.kind == ColumnKind::kSkip) continue;
    cs.dest = (p.y_mask >> c & 1) != 0 ? 1 : 0;
    cs.onehot = cs.kind == ColumnKind::kCategorical && (p.onehot_mask >> c & 1) != 0;
    cs.width = cs.onehot ? static_cast<uint32_t>(reader.dictionary(c).size()) : 1;
    cs.offset = static_cast<uint32_t>(cols[cs.dest]);
    cols[cs.dest] += cs.width;
  }
  cfg->x_cols = cols[0];
  cfg->y_cols = cols[1];
  cfg->has_layout = true;
}

// Reads every row: max_rows at a time (0: all `total` in one call), into buffers of exactly that
// size.
Status read_all(Reader& reader, ThreadPool& pool, int64_t max_rows, int64_t total, Outcome* out) {
  const ReaderConfig& cfg = reader.config();
  const int64_t batch = max_rows > 0 ? max_rows : total + 1;
  for (;;) {
    std::vector<float> x(static_cast<size_t>(batch * cfg.x_cols));
    std::vector<float> y(static_cast<size_t>(batch * cfg.y_cols));
    ReadResult r;
    const Status s = reader.read(pool, nullptr, x.data(), cfg.y_cols > 0 ? y.data() : nullptr,
                                 batch, &r, &out->error);
    if (s != Status::kOk) return s;
    if (r.rows > batch || r.records < r.rows) std::abort();
    out->x.insert(out->x.end(), x.begin(), x.begin() + r.rows * cfg.x_cols);
    out->y.insert(out->y.end(), y.begin(), y.begin() + r.rows * cfg.y_cols);
    out->records += r.records;
    if (r.eof) return Status::kOk;
    if (r.rows < batch) std::abort();  // fewer rows only at the end of the file
  }
}

bool same_bits(const std::vector<float>& a, const std::vector<float>& b) {
  return a.size() == b.size() &&
         (a.empty() || std::memcmp(a.data(), b.data(), a.size() * sizeof(float)) == 0);
}

Outcome run(const Plan& p, const std::string& path, ThreadPool& pool, int64_t max_rows,
            int64_t scan_bytes) {
  Outcome out;
  Reader reader(p.cfg, p.dicts);
  std::string io;
  if (!reader.open(path, &io)) std::abort();
  bool done = false;
  while (!done) {
    out.status = reader.scan(pool, nullptr, scan_bytes, p.collect, &done, &out.error);
    if (out.status != Status::kOk) return out;
  }
  const int64_t scanned = reader.records();  // records() counts from the rewind on
  if (!reader.rewind(&io)) std::abort();
  set_layout(p, reader, &reader.config());
  out.status = read_all(reader, pool, max_rows, scanned, &out);
  if (out.status == Status::kOk && out.records != reader.records()) std::abort();
  for (int c = 0; c < p.cfg.fields; c++) {
    const Dictionary& d = reader.dictionary(c);
    out.categories.emplace_back();
    for (int32_t i = 0; i < d.size(); i++) out.categories.back().emplace_back(d.at(i));
  }
  out.missing = reader.missing();
  if (out.status == Status::kOk && p.reread) {  // a second epoch reads the same rows
    if (!reader.rewind(&io)) std::abort();
    Outcome again;
    again.status = read_all(reader, pool, max_rows, scanned, &again);
    if (again.status != Status::kOk || !same_bits(again.x, out.x) || !same_bits(again.y, out.y)) {
      std::fprintf(stderr, "second read after rewind differs\n");
      std::abort();
    }
  }
  return out;
}

bool is_quoting(ErrorKind kind) {
  return kind == ErrorKind::kQuote || kind == ErrorKind::kClosingQuote ||
         kind == ErrorKind::kUnterminated;
}

bool same_error(const ParseError& a, const ParseError& b) {
  if (a.kind == b.kind && a.line == b.line && a.record == b.record && a.column == b.column &&
      a.found == b.found && a.token == b.token) {
    return true;
  }
  // The parity-only scan stops at the first quoting error when its block fills without a record
  // end, before a read pass could see an earlier error of another kind; with a larger block the
  // read pass reports that earlier one. Both are errors the file has.
  if (is_quoting(a.kind) != is_quoting(b.kind)) {
    return is_quoting(a.kind) ? b.line <= a.line : a.line <= b.line;
  }
  return false;
}

void compare(const Outcome& a, const Outcome& b) {
  const char* what = nullptr;
  if (a.status != b.status) {
    what = "status";
  } else if (!same_error(a.error, b.error)) {
    what = "error";
  } else if (a.status == Status::kOk &&
             (!same_bits(a.x, b.x) || !same_bits(a.y, b.y) || a.records != b.records)) {
    what = "rows";
  } else if (a.status == Status::kOk && (a.categories != b.categories || a.missing != b.missing)) {
    what = "categories or missing counts";
  }
  if (what == nullptr) return;
  std::fprintf(stderr,
               "differential check: %s differ (status %d/%d, error %s line %lld record %lld / %s "
               "line %lld record %lld)\n",
               what, static_cast<int>(a.status), static_cast<int>(b.status),
               error_kind_name(a.error.kind), static_cast<long long>(a.error.line),
               static_cast<long long>(a.error.record), error_kind_name(b.error.kind),
               static_cast<long long>(b.error.line), static_cast<long long>(b.error.record));
  std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static ThreadPool pool(kPoolThreads);
  OptionBytes opt(data, size);
  const uint8_t* file = data + opt.used();
  const size_t file_size = size - opt.used();
  MemFile mem(file, file_size);

  const char delimiter = opt.delimiter();
  const uint8_t sampling = opt.byte();
  Sample sample;
  std::string io;
  if (!sample_csv(mem.path(), delimiter, 1 + sampling % 16, 1 + opt.u16(), sampling >> 4, &sample,
                  &io)) {
    std::abort();  // a memfd is always readable
  }
  const Plan plan = make_plan(opt, delimiter, sample);

  const Outcome fuzzed = run(plan, mem.path(), pool, plan.max_rows, plan.scan_bytes);
  // the reference: one thread, one piece per block, the largest block from the start, one read
  Plan ref = plan;
  ref.cfg.threads = 1;
  ref.cfg.chunk_bytes = int64_t{1} << 30;
  ref.cfg.block_bytes = ref.cfg.max_block_bytes;
  ref.reread = false;
  compare(fuzzed, run(ref, mem.path(), pool, 0, int64_t{1} << 40));
  return 0;
}
