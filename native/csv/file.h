// The file in blocks: one buffer of block_bytes (grown only when one record is larger), filled with
// unbuffered reads, so memory stays bounded by the block whatever the file size. The unparsed tail
// of a block (a record cut by the block end) moves to the front before the next read. At the end of
// the file a '\n' is appended when the last line has none, so every record ends with a newline; a
// UTF-8 byte order mark at the very start is skipped. The buffer keeps 64 spare bytes after the
// data (zeroed) so scans may read whole 64-byte windows and 16-byte numbers near the end, and 16
// zero bytes before it for the digit windows that look 3 bytes back.

#pragma once

#include <cstdint>
#include <cstdio>
#include <string>
#include <vector>

#include "../threads/pool.h"

namespace nntrain::csv {

class BlockFile {
 public:
  BlockFile() = default;
  ~BlockFile() { close(); }
  BlockFile(const BlockFile&) = delete;
  BlockFile& operator=(const BlockFile&) = delete;

  // Opens `path` for reading; false with *error set (the system's message) when it cannot.
  bool open(const std::string& path, int64_t block_bytes, std::string* error);
  // Reads the bytes handed over by feed() instead of a file (a stream the caller decompresses):
  // fill() takes what was fed, and starved() says that going on needs more. No size, byte ranges or
  // probes; rewind() empties it, and the caller feeds again from the first byte.
  void open_fed(int64_t block_bytes);
  // Appends bytes for fill() to take; `end`: no more will come.
  void feed(const char* p, size_t n, bool end);
  bool fed() const { return fed_; }
  // Fed, not at the end, and every fed byte taken: fill() can add nothing until the next feed().
  bool starved() const { return fed_ && !eof_ && !fed_end_ && pending_begin_ >= pending_.size(); }
  void close();
  bool is_open() const { return file_ != nullptr || fed_; }

  // Back to the start of the file (the buffer is emptied; no end limit).
  bool rewind(std::string* error);
  // Reads from `begin` on and treats `limit` as the end of the file (a byte range of it; the buffer
  // is emptied). begin <= limit <= file_size().
  bool seek(int64_t begin, int64_t limit, std::string* error);
  // The first record start at or after `offset` when records end at every '\n' (offset itself when
  // it is 0, the file size or just after a '\n'; else just after the next '\n', or the file size).
  // Reads with small reads of its own (counted in *probed) and leaves the position undefined: seek
  // after it. -1 with *error set when the file cannot be read.
  int64_t line_start_at_or_after(int64_t offset, int64_t* probed, std::string* error);

  // Moves the unconsumed bytes to the front and reads until the buffer is full or the file ends.
  // With set_parallel, a large read of a file is split into positioned reads run on the pool (the
  // copy out of the page cache is otherwise the one serial step of a block).
  bool fill(std::string* error);
  void set_parallel(ThreadPool* pool, int threads) {
    pool_ = pool;
    threads_ = threads;
  }
  // Doubles the buffer (up to max_bytes); false when it is already that large.
  bool grow(int64_t max_bytes);

  const char* data() const { return buf_.data() + kFront + begin_; }
  int64_t size() const { return end_ - begin_; }
  int64_t capacity() const { return static_cast<int64_t>(buf_.size()) - kPad - kFront; }
  bool eof() const { return eof_; }
  // Bytes of the file before data() (the BOM included).
  int64_t offset() const {
    const int64_t at = file_offset_ + (appended_newline_ ? 1 : 0) - (end_ - begin_);
    return at < file_offset_ ? at : file_offset_;
  }
  int64_t file_size() const { return file_size_; }
  // Bytes read from the file since open (every pass, seek and rewind).
  int64_t bytes_read() const { return bytes_read_; }
  void consume(int64_t n) { begin_ += n; }

 private:
  static constexpr int64_t kPad = 64;
  static constexpr int64_t kFront = 16;
  char* base() { return buf_.data() + kFront; }  // where data begins after fill()
  std::FILE* file_ = nullptr;
  ThreadPool* pool_ = nullptr;
  int threads_ = 1;
  std::vector<char> buf_;
  int64_t begin_ = 0, end_ = 0;
  int64_t file_offset_ = 0;  // bytes read from the file so far (the appended '\n' excluded)
  int64_t file_size_ = -1;
  int64_t limit_ = -1;  // the range's end (-1: the file's)
  int64_t bytes_read_ = 0;
  bool eof_ = false;
  bool appended_ = false;
  bool appended_newline_ = false;
  // fed mode: bytes not yet taken by fill() are pending_[pending_begin_..]
  bool fed_ = false;
  bool fed_end_ = false;
  std::vector<char> pending_;
  size_t pending_begin_ = 0;
  // Up to `room` bytes into dst; 0 at the end (*end), or when fed bytes ran out (starved).
  bool read_some(char* dst, int64_t room, size_t* got, bool* end, std::string* error);
  // read_some of a file by pread(2) in parts on the pool; false when it does not apply (small, one
  // thread, no pool, or no positioned reads on this platform).
  bool read_parallel(char* dst, int64_t room, size_t* got, bool* ok, std::string* error);
};

}  // namespace nntrain::csv
