// Builds load-error messages without libc: plain appends into a fixed buffer,
// cut (at a UTF-8 character boundary) when full.
#pragma once
#include <stdint.h>

#include "bytes.h"

namespace hotpath {

class MessageWriter {
 public:
  MessageWriter(char* buffer, uint32_t capacity) : buffer_(buffer), capacity_(capacity) {}

  MessageWriter& text(const char* s) {
    while (*s) byte(*s++);
    return *this;
  }

  MessageWriter& number(uint32_t value) {
    char digits[10];
    uint32_t n = 0;
    do {
      digits[n++] = static_cast<char>('0' + value % 10);
      value /= 10;
    } while (value);
    while (n) byte(digits[--n]);
    return *this;
  }

  // Quotes user input, at most `limit` bytes of it, control bytes as '?'.
  MessageWriter& excerpt(Slice s, uint32_t limit = 48) {
    uint32_t n = s.size;
    if (n > limit) {
      n = limit;
      // Never cut inside a UTF-8 sequence.
      while (n > 0 && (static_cast<uint8_t>(s.data[n]) & 0xC0) == 0x80) --n;
    }
    byte('\'');
    for (uint32_t i = 0; i < n; ++i) {
      uint8_t c = static_cast<uint8_t>(s.data[i]);
      byte((c < 0x20 || c == 0x7F) ? '?' : static_cast<char>(c));
    }
    if (n < s.size) text("...");
    byte('\'');
    return *this;
  }

  uint32_t length() const { return length_; }

 private:
  void byte(char c) {
    if (length_ < capacity_) buffer_[length_++] = c;
  }

  char* buffer_;
  uint32_t capacity_;
  uint32_t length_ = 0;
};

}  // namespace hotpath
