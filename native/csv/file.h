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

namespace nntrain::csv {

class BlockFile {
 public:
  BlockFile() = default;
  ~BlockFile() { close(); }
  BlockFile(const BlockFile&) = delete;
  BlockFile& operator=(const BlockFile&) = delete;

  // Opens `path` for reading; false with *error set (the system's message) when it cannot.
  bool open(const std::string& path, int64_t block_bytes, std::string* error);
  void close();
  bool is_open() const { return file_ != nullptr; }

  // Back to the start of the file (the buffer is emptied).
  bool rewind(std::string* error);

  // Moves the unconsumed bytes to the front and reads until the buffer is full or the file ends.
  bool fill(std::string* error);
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
  void consume(int64_t n) { begin_ += n; }

 private:
  static constexpr int64_t kPad = 64;
  static constexpr int64_t kFront = 16;
  char* base() { return buf_.data() + kFront; }  // where data begins after fill()
  std::FILE* file_ = nullptr;
  std::vector<char> buf_;
  int64_t begin_ = 0, end_ = 0;
  int64_t file_offset_ = 0;  // bytes read from the file so far (the appended '\n' excluded)
  int64_t file_size_ = -1;
  bool eof_ = false;
  bool appended_ = false;
  bool appended_newline_ = false;
};

}  // namespace nntrain::csv
