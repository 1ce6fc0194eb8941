// sample_csv: read_field over the first blocks of a file (see sample.h).
#include "sample.h"

#include "file.h"
#include "tokenize.h"

namespace nntrain::csv {

namespace {

bool sample_records(BlockFile& file, const std::string& path, char delimiter, int64_t max_records,
                    int64_t max_bytes, int64_t min_records, Sample* out, std::string* io_error) {
  if (!file.open(path, 64 << 10, io_error) || !file.fill(io_error)) return false;
  out->file_size = file.file_size();
  int64_t offset = file.size() > 0 ? file.offset() : 0;  // the BOM counts as bytes
  int64_t line = 1;
  std::string scratch;
  for (;;) {
    const int64_t n = static_cast<int64_t>(out->records.size());
    if (n >= max_records && n >= min_records) return true;
    const char* p = file.data();
    const char* const e = p + file.size();
    if (p < e && (*p == '\n' || (*p == '\r' && p + 1 < e && p[1] == '\n'))) {  // blank line
      const int64_t skip = *p == '\n' ? 1 : 2;
      file.consume(skip);
      offset += skip;
      line++;
      continue;
    }
    // one record, tokenized from p; on running out of data, read more and start it again
    std::vector<std::string> fields;
    int64_t lines = 0;
    const char* q = p;
    ErrorKind kind = ErrorKind::kNone;
    int32_t bad_field = 0;
    bool complete = false;
    if (p < e) {
      for (int32_t i = 0;; i++) {
        Field f;
        const FieldRead r = read_field(q, e, delimiter, &f);
        if (r.end == FieldEnd::kError) {
          kind = r.error;
          bad_field = i;
          lines += r.newlines;
          break;
        }
        fields.push_back(std::string(field_value(f, &scratch)));
        lines += r.newlines;
        q = r.next;
        if (r.end == FieldEnd::kRecord) {
          complete = true;
          break;
        }
      }
    }
    if (!complete) {
      const bool need_more = (kind == ErrorKind::kUnterminated || p == e) && !file.eof();
      if (need_more) {
        if (file.size() == file.capacity() && !file.grow(int64_t{1} << 30)) return true;
        if (!file.fill(io_error)) return false;
        continue;
      }
      if (p == e) return true;  // the end of the file
      if (n == 0) {
        out->error.set(kind, line + lines, -1, bad_field);
      } else {
        out->stopped = n < min_records;
      }
      return true;
    }
    const int64_t end = offset + (q - p);
    if (n >= min_records && end > max_bytes) return true;
    out->records.push_back(std::move(fields));
    file.consume(q - p);
    offset = end;
    line += lines + 1;
  }
}

}  // namespace

bool sample_csv(const std::string& path, char delimiter, int64_t max_records, int64_t max_bytes,
                int64_t min_records, Sample* out, std::string* io_error) {
  BlockFile file;
  const bool ok =
      sample_records(file, path, delimiter, max_records, max_bytes, min_records, out, io_error);
  out->bytes_read = file.bytes_read();
  return ok;
}

}  // namespace nntrain::csv
