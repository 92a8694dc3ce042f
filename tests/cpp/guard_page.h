// picohttpparser-style over-read guard: copies input so that its last byte
// sits right before a PROT_NONE page. Any read past the end faults at once
// instead of silently reading neighbouring memory.
#pragma once
#include <sys/mman.h>
#include <unistd.h>

#include <cstring>
#include <stdexcept>
#include <string>

namespace hotpath::testing {

class GuardedBytes {
 public:
  explicit GuardedBytes(const std::string& bytes) {
    size_t page = static_cast<size_t>(sysconf(_SC_PAGESIZE));
    size_t data_pages = (bytes.size() + page - 1) / page + 1;
    length_ = (data_pages + 1) * page;
    void* p = mmap(nullptr, length_, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (p == MAP_FAILED) throw std::runtime_error("mmap");
    base_ = static_cast<char*>(p);
    char* guard = base_ + data_pages * page;
    if (mprotect(guard, page, PROT_NONE) != 0) throw std::runtime_error("mprotect");
    data_ = guard - bytes.size();
    if (!bytes.empty()) std::memcpy(data_, bytes.data(), bytes.size());
  }
  ~GuardedBytes() { munmap(base_, length_); }
  GuardedBytes(const GuardedBytes&) = delete;
  GuardedBytes& operator=(const GuardedBytes&) = delete;

  const char* data() const { return data_; }
  char* mutable_data() { return data_; }

 private:
  char* base_ = nullptr;
  char* data_ = nullptr;
  size_t length_ = 0;
};

}  // namespace hotpath::testing
