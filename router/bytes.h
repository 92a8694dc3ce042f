// Byte helpers for the freestanding core: no libc, so the few primitives the
// router needs are written here once. Loops are kept simple on purpose; the
// compiler must not turn them into calls to memcmp/memcpy, which do not exist
// in the zero-import wasm build (see the wasm32 link test).
#pragma once
#include <stddef.h>
#include <stdint.h>

namespace hotpath {

// A view of bytes owned by someone else (the route table arena, the request).
struct Slice {
  const char* data;
  uint32_t size;
};

inline bool bytes_equal(const char* a, const char* b, uint32_t n) {
  for (uint32_t i = 0; i < n; ++i) {
    if (a[i] != b[i]) return false;
  }
  return true;
}

inline bool slice_equals(Slice s, const char* text) {
  uint32_t i = 0;
  for (; text[i] != '\0'; ++i) {
    if (i >= s.size || s.data[i] != text[i]) return false;
  }
  return i == s.size;
}

inline void copy_bytes(char* dst, const char* src, uint32_t n) {
  for (uint32_t i = 0; i < n; ++i) dst[i] = src[i];
}

// OWS (RFC 9110 5.6.3): a space or a tab, never another byte (0xA0 is not
// one). The rule for every trim of a field value, a list element or a media
// type, C++ and TypeScript (adapters/routing/field-syntax.ts).
inline bool is_ows(char c) { return c == ' ' || c == '\t'; }

inline Slice trim_ows(Slice s) {
  while (s.size && is_ows(s.data[0])) {
    ++s.data;
    --s.size;
  }
  while (s.size && is_ows(s.data[s.size - 1])) --s.size;
  return s;
}

inline char ascii_lower(char c) {
  return (c >= 'A' && c <= 'Z') ? static_cast<char>(c + ('a' - 'A')) : c;
}

// Case-insensitive comparison of ASCII text, for media types.
inline bool slice_equals_nocase(Slice s, const char* lower_text) {
  uint32_t i = 0;
  for (; lower_text[i] != '\0'; ++i) {
    if (i >= s.size || ascii_lower(s.data[i]) != lower_text[i]) return false;
  }
  return i == s.size;
}

inline bool slice_ends_with_nocase(Slice s, const char* lower_suffix) {
  uint32_t n = 0;
  while (lower_suffix[n] != '\0') ++n;
  if (n > s.size) return false;
  Slice tail{s.data + (s.size - n), n};
  return slice_equals_nocase(tail, lower_suffix);
}

// RFC 9110 section 5.6.2 tchar ("!#$%&'*+-.^_`|~", digits, letters), as a
// bitmap of ASCII 0-127 in two words.
inline bool is_tchar(unsigned char c) {
  constexpr uint64_t kLow = 0x03FF6CFA00000000ull;   // 0x00-0x3F
  constexpr uint64_t kHigh = 0x57FFFFFFC7FFFFFEull;  // 0x40-0x7F
  if (c >= 128) return false;
  return ((c < 64 ? kLow : kHigh) >> (c & 63)) & 1;
}

inline bool is_name_start(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
}

inline bool is_name_char(char c) {
  return is_name_start(c) || (c >= '0' && c <= '9');
}

}  // namespace hotpath
