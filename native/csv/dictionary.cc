// Dictionary: FNV-1a hashes, linear probing (see dictionary.h).
#include "dictionary.h"

namespace nntrain::csv {

uint64_t Dictionary::hash(std::string_view s) {
  uint64_t h = 1469598103934665603ull;
  for (const char c : s) {
    h ^= static_cast<unsigned char>(c);
    h *= 1099511628211ull;
  }
  return h;
}

int32_t Dictionary::find(std::string_view s) const {
  if (slots_.empty()) return -1;
  const uint64_t h = hash(s);
  const size_t mask = slots_.size() - 1;
  for (size_t i = h & mask;; i = (i + 1) & mask) {
    const int32_t id = slots_[i];
    if (id < 0) return -1;
    if (hashes_[id] == h && at(id) == s) return id;
  }
}

int32_t Dictionary::insert(std::string_view s) {
  if (2 * (hashes_.size() + 1) > slots_.size()) grow();
  const uint64_t h = hash(s);
  const size_t mask = slots_.size() - 1;
  size_t i = h & mask;
  for (;; i = (i + 1) & mask) {
    const int32_t id = slots_[i];
    if (id < 0) break;
    if (hashes_[id] == h && at(id) == s) return id;
  }
  const int32_t id = size();
  chars_.append(s.data(), s.size());
  offsets_.push_back(chars_.size());
  hashes_.push_back(h);
  slots_[i] = id;
  return id;
}

void Dictionary::grow() {
  const size_t n = slots_.empty() ? 16 : slots_.size() * 2;
  slots_.assign(n, -1);
  const size_t mask = n - 1;
  for (size_t id = 0; id < hashes_.size(); id++) {
    size_t i = hashes_[id] & mask;
    while (slots_[i] >= 0) i = (i + 1) & mask;
    slots_[i] = static_cast<int32_t>(id);
  }
}

void Dictionary::clear() {
  chars_.clear();
  offsets_.assign(1, 0);
  hashes_.clear();
  if (!slots_.empty()) slots_.assign(slots_.size(), -1);
}

}  // namespace nntrain::csv
