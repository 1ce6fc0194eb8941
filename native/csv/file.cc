// BlockFile (see file.h). stdio without its buffer: each fread of a large block is one read(2).
#include "file.h"

#include <algorithm>
#include <cerrno>
#include <cstring>

#if !defined(_WIN32)
#include <unistd.h>
#endif

namespace nntrain::csv {

bool BlockFile::open(const std::string& path, int64_t block_bytes, std::string* error) {
  close();
  errno = 0;
  file_ = std::fopen(path.c_str(), "rb");
  if (file_ == nullptr) {
    *error = std::strerror(errno != 0 ? errno : ENOENT);
    return false;
  }
  std::setvbuf(file_, nullptr, _IONBF, 0);
  if (std::fseek(file_, 0, SEEK_END) == 0) {
#if defined(_WIN32)
    const int64_t size = _ftelli64(file_);
#else
    const int64_t size = ftello(file_);
#endif
    file_size_ = size < 0 ? -1 : size;
  }
  if (std::fseek(file_, 0, SEEK_SET) != 0) {
    *error = std::strerror(errno != 0 ? errno : EIO);
    close();
    return false;
  }
  buf_.assign(static_cast<size_t>(kFront + block_bytes + kPad), '\0');
  begin_ = end_ = file_offset_ = bytes_read_ = 0;
  limit_ = -1;
  eof_ = appended_ = appended_newline_ = false;
  return true;
}

void BlockFile::open_fed(int64_t block_bytes) {
  close();
  fed_ = true;
  fed_end_ = false;
  file_size_ = -1;
  buf_.assign(static_cast<size_t>(kFront + block_bytes + kPad), '\0');
  begin_ = end_ = file_offset_ = bytes_read_ = 0;
  limit_ = -1;
  eof_ = appended_ = appended_newline_ = false;
}

void BlockFile::feed(const char* p, size_t n, bool end) {
  if (pending_begin_ > 0) {  // drop what fill() took
    pending_.erase(pending_.begin(),
                   pending_.begin() + static_cast<std::ptrdiff_t>(pending_begin_));
    pending_begin_ = 0;
  }
  if (n > 0) pending_.insert(pending_.end(), p, p + n);
  fed_end_ = end;
}

void BlockFile::close() {
  if (file_ != nullptr) std::fclose(file_);
  file_ = nullptr;
  fed_ = fed_end_ = false;
  std::vector<char>().swap(pending_);
  pending_begin_ = 0;
  std::vector<char>().swap(buf_);
}

bool BlockFile::read_some(char* dst, int64_t room, size_t* got, bool* end, std::string* error) {
  *end = false;
  if (fed_) {
    const size_t avail = pending_.size() - pending_begin_;
    *got = avail < static_cast<size_t>(room) ? avail : static_cast<size_t>(room);
    if (*got > 0) std::memcpy(dst, pending_.data() + pending_begin_, *got);
    pending_begin_ += *got;
    *end = avail == 0 && fed_end_;
    return true;
  }
  bool ok = true;
  if (read_parallel(dst, room, got, &ok, error)) {
    if (!ok) return false;
    *end = *got == 0;
    return true;
  }
  *got = std::fread(dst, 1, static_cast<size_t>(room), file_);
  if (*got == 0) {
    if (std::ferror(file_)) {
      *error = std::strerror(errno != 0 ? errno : EIO);
      return false;
    }
    *end = true;
  }
  return true;
}

bool BlockFile::read_parallel(char* dst, int64_t room, size_t* got, bool* ok, std::string* error) {
#if defined(_WIN32)
  (void)dst, (void)room, (void)got, (void)ok, (void)error;
  return false;
#else
  constexpr int64_t kMinPart = 1 << 20;  // smaller parts cost more in task overhead than they save
  if (pool_ == nullptr || threads_ < 2 || room < 2 * kMinPart) return false;
  const off_t at = ftello(file_);
  if (at < 0) return false;
  const int parts = static_cast<int>(std::min<int64_t>(threads_, room / kMinPart));
  std::vector<int64_t> done(static_cast<size_t>(parts), 0);
  std::vector<int> failed(static_cast<size_t>(parts), 0);
  const int fd = fileno(file_);
  pool_->parallel_for(threads_, parts, [&](int i) {
    const int64_t b = room * i / parts, e = room * (i + 1) / parts;
    int64_t n = 0;
    while (b + n < e) {
      const ssize_t r = pread(fd, dst + b + n, static_cast<size_t>(e - b - n), at + b + n);
      if (r < 0 && errno == EINTR) continue;
      if (r < 0) {
        failed[static_cast<size_t>(i)] = errno != 0 ? errno : EIO;
        break;
      }
      if (r == 0) break;  // the end of the file
      n += r;
    }
    done[static_cast<size_t>(i)] = n;
  });
  // the bytes read up to the first part that came short (the end of the file, or an error)
  int64_t total = 0;
  for (int i = 0; i < parts; i++) {
    if (failed[static_cast<size_t>(i)] != 0) {
      *error = std::strerror(failed[static_cast<size_t>(i)]);
      *ok = false;
      return true;
    }
    total += done[static_cast<size_t>(i)];
    if (done[static_cast<size_t>(i)] < room * (i + 1) / parts - room * i / parts) break;
  }
  if (fseeko(file_, at + total, SEEK_SET) != 0) {
    *error = std::strerror(errno != 0 ? errno : EIO);
    *ok = false;
    return true;
  }
  *got = static_cast<size_t>(total);
  return true;
#endif
}

bool BlockFile::rewind(std::string* error) {
  if (fed_) {
    std::vector<char>().swap(pending_);
    pending_begin_ = 0;
    fed_end_ = false;
    begin_ = end_ = file_offset_ = 0;
    limit_ = -1;
    eof_ = appended_ = appended_newline_ = false;
    return true;
  }
  if (file_ == nullptr || std::fseek(file_, 0, SEEK_SET) != 0) {
    *error = file_ == nullptr ? "the reader is closed" : std::strerror(errno);
    return false;
  }
  std::clearerr(file_);
  begin_ = end_ = file_offset_ = 0;
  limit_ = -1;
  eof_ = appended_ = appended_newline_ = false;
  return true;
}

bool BlockFile::seek(int64_t begin, int64_t limit, std::string* error) {
  if (fed_) {
    *error = "a reader of fed bytes has no byte ranges";
    return false;
  }
  if (file_ == nullptr || begin < 0 || limit < begin || (file_size_ >= 0 && limit > file_size_)) {
    *error = file_ == nullptr ? "the reader is closed" : "byte range outside the file";
    return false;
  }
#if defined(_WIN32)
  const int rc = _fseeki64(file_, begin, SEEK_SET);
#else
  const int rc = fseeko(file_, static_cast<off_t>(begin), SEEK_SET);
#endif
  if (rc != 0) {
    *error = std::strerror(errno != 0 ? errno : EIO);
    return false;
  }
  std::clearerr(file_);
  begin_ = end_ = 0;
  file_offset_ = begin;
  limit_ = limit;
  eof_ = appended_ = appended_newline_ = false;
  return true;
}

int64_t BlockFile::line_start_at_or_after(int64_t offset, int64_t* probed, std::string* error) {
  if (fed_) {
    *error = "a reader of fed bytes has no byte ranges";
    return -1;
  }
  if (offset <= 0) return 0;
  if (offset >= file_size_) return file_size_;
  char buf[4096];
  for (int64_t at = offset - 1; at < file_size_;) {
#if defined(_WIN32)
    const int rc = _fseeki64(file_, at, SEEK_SET);
#else
    const int rc = fseeko(file_, static_cast<off_t>(at), SEEK_SET);
#endif
    if (rc != 0) {
      *error = std::strerror(errno != 0 ? errno : EIO);
      return -1;
    }
    const size_t got = std::fread(buf, 1, sizeof buf, file_);
    if (got == 0) {
      if (std::ferror(file_)) {
        *error = std::strerror(errno != 0 ? errno : EIO);
        return -1;
      }
      break;  // the file shrank
    }
    *probed += static_cast<int64_t>(got);
    bytes_read_ += static_cast<int64_t>(got);
    const void* nl = std::memchr(buf, '\n', got);
    if (nl != nullptr) return at + (static_cast<const char*>(nl) - buf) + 1;
    at += static_cast<int64_t>(got);
  }
  return file_size_;
}

bool BlockFile::fill(std::string* error) {
  if (begin_ > 0) {
    std::memmove(base(), base() + begin_, static_cast<size_t>(end_ - begin_));
    end_ -= begin_;
    begin_ = 0;
  }
  const int64_t cap = capacity();
  while (!eof_ && end_ < cap) {
    int64_t room = cap - end_;
    if (limit_ >= 0 && limit_ - file_offset_ < room) room = limit_ - file_offset_;
    if (room <= 0) {  // the range's end
      eof_ = true;
      break;
    }
    size_t got = 0;
    bool end = false;
    if (!read_some(base() + end_, room, &got, &end, error)) return false;
    if (end) {
      eof_ = true;
      break;
    }
    if (got == 0) break;  // fed bytes ran out: starved()
    if (file_offset_ == 0 && end_ == 0 && got >= 3 && std::memcmp(base(), "\xEF\xBB\xBF", 3) == 0) {
      begin_ = 3;  // UTF-8 byte order mark
    }
    end_ += static_cast<int64_t>(got);
    file_offset_ += static_cast<int64_t>(got);
    bytes_read_ += static_cast<int64_t>(got);
  }
  if (eof_ && !appended_) {
    appended_ = true;
    if (end_ > begin_ && base()[end_ - 1] != '\n') {
      if (end_ == cap) grow(cap * 2 + 1);  // one byte of room for the newline
      base()[end_++] = '\n';
      appended_newline_ = true;
    }
  }
  std::memset(base() + end_, 0, kPad);
  return true;
}

bool BlockFile::grow(int64_t max_bytes) {
  const int64_t cap = capacity();
  if (cap >= max_bytes) return false;
  const int64_t next = cap * 2 < max_bytes ? cap * 2 : max_bytes;
  buf_.resize(static_cast<size_t>(kFront + next + kPad));
  return true;
}

}  // namespace nntrain::csv
