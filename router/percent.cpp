#include "percent.h"

namespace hotpath {
namespace {

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// Incremental UTF-8 validator (Unicode Table 3-7), fed one byte at a time so
// that the path can be validated while it is being decoded, without a buffer.
struct Utf8Validator {
  uint32_t remaining = 0;  // continuation bytes still expected
  uint8_t low = 0x80;      // allowed range of the next continuation byte
  uint8_t high = 0xBF;

  bool feed(uint8_t b) {
    if (remaining == 0) {
      if (b < 0x80) return true;
      low = 0x80;
      high = 0xBF;
      if (b >= 0xC2 && b <= 0xDF) {
        remaining = 1;
      } else if (b >= 0xE0 && b <= 0xEF) {
        remaining = 2;
        if (b == 0xE0) low = 0xA0;   // overlong
        if (b == 0xED) high = 0x9F;  // surrogates
      } else if (b >= 0xF0 && b <= 0xF4) {
        remaining = 3;
        if (b == 0xF0) low = 0x90;   // overlong
        if (b == 0xF4) high = 0x8F;  // above U+10FFFF
      } else {
        return false;
      }
      return true;
    }
    if (b < low || b > high) return false;
    low = 0x80;
    high = 0xBF;
    --remaining;
    return true;
  }

  bool complete() const { return remaining == 0; }
};

}  // namespace

bool path_is_valid(const char* path, uint32_t length, bool* has_escape) {
  *has_escape = false;
  if (length == 0 || path[0] != '/') return false;
  Utf8Validator utf8;
  for (uint32_t i = 0; i < length; ++i) {
    uint8_t b = static_cast<uint8_t>(path[i]);
    if (b <= 0x20 || b == 0x7F) return false;
    if (b == '%') {
      if (length - i < 3) return false;
      int hi = hex_value(path[i + 1]);
      int lo = hex_value(path[i + 2]);
      if (hi < 0 || lo < 0) return false;
      b = static_cast<uint8_t>(hi * 16 + lo);
      i += 2;
      *has_escape = true;
    }
    if (!utf8.feed(b)) return false;
  }
  return utf8.complete();
}

bool percent_escapes_are_valid(const char* in, uint32_t length) {
  for (uint32_t i = 0; i < length; ++i) {
    if (in[i] != '%') continue;
    if (length - i < 3 || hex_value(in[i + 1]) < 0 || hex_value(in[i + 2]) < 0) return false;
    i += 2;
  }
  return true;
}

uint32_t percent_decode(const char* in, uint32_t length, char* out) {
  uint32_t written = 0;
  for (uint32_t i = 0; i < length; ++i) {
    char c = in[i];
    if (c == '%' && length - i >= 3) {
      c = static_cast<char>(hex_value(in[i + 1]) * 16 + hex_value(in[i + 2]));
      i += 2;
    }
    out[written++] = c;
  }
  return written;
}

bool utf8_is_valid(const char* bytes, uint32_t length) {
  Utf8Validator v;
  for (uint32_t i = 0; i < length; ++i) {
    if (!v.feed(static_cast<uint8_t>(bytes[i]))) return false;
  }
  return v.complete();
}

}  // namespace hotpath
