// Word-at-a-time (SWAR) byte scanning for the matcher's hot loops: eight
// bytes per step without SIMD intrinsics, so the same code runs natively and
// in wasm32. Loads never go past the end of the range (the tail is scanned
// byte by byte), which the guard-page tests check.
#pragma once
#include <stdint.h>

namespace hotpath {
namespace scan {

constexpr uint64_t kOnes = 0x0101010101010101ull;
constexpr uint64_t kHighs = 0x8080808080808080ull;

inline uint64_t load8(const char* p) {
  uint64_t w;
  __builtin_memcpy(&w, p, 8);  // one unaligned load; no call (see bytes.h)
  return w;
}

inline uint32_t load4(const char* p) {
  uint32_t w;
  __builtin_memcpy(&w, p, 4);
  return w;
}

inline uint64_t broadcast(uint8_t b) { return kOnes * b; }

// High bit set in each byte of w that is zero. Exact for the lowest such
// byte (little-endian: the first in memory); bytes above it may be flagged
// falsely, so only the lowest flag is ever used as a position.
inline uint64_t zero_bytes(uint64_t w) { return (w - kOnes) & ~w & kHighs; }

inline uint64_t equal_bytes(uint64_t w, uint8_t b) { return zero_bytes(w ^ broadcast(b)); }

// Non-zero when some byte of w is below n (n <= 128); exact as a yes/no.
inline uint64_t bytes_below(uint64_t w, uint8_t n) { return (w - broadcast(n)) & ~w & kHighs; }

inline uint32_t first_flagged_byte(uint64_t mask) { return static_cast<uint32_t>(__builtin_ctzll(mask)) >> 3; }

// Index of the first '/' in [from, end), or end. `p` must be readable from
// p + end - 8 when end >= 8: a tail shorter than eight bytes is read as the
// eight bytes ending at `end`, shifted so the bytes before `i` drop out.
inline uint32_t find_slash(const char* p, uint32_t from, uint32_t end) {
  uint32_t i = from;
  for (; end - i >= 8; i += 8) {
    uint64_t hit = equal_bytes(load8(p + i), '/');
    if (hit) return i + first_flagged_byte(hit);
  }
  if (i == end) return end;
  if (end >= 8) {
    uint64_t hit = equal_bytes(load8(p + end - 8) >> ((i - (end - 8)) * 8), '/');
    return hit ? i + first_flagged_byte(hit) : end;
  }
  while (i < end && p[i] != '/') ++i;
  return i;
}

// Equality of two n-byte ranges with overlapping word loads: two loads for
// 4..16 bytes, never outside either range.
inline bool equal(const char* a, const char* b, uint32_t n) {
  if (n >= 8) {
    uint32_t i = 0;
    for (; n - i > 8; i += 8) {
      if (load8(a + i) != load8(b + i)) return false;
    }
    return load8(a + n - 8) == load8(b + n - 8);
  }
  if (n >= 4) return load4(a) == load4(b) && load4(a + n - 4) == load4(b + n - 4);
  for (uint32_t i = 0; i < n; ++i) {
    if (a[i] != b[i]) return false;
  }
  return true;
}

// Hash of a segment from its length and its first and last (up to) eight
// bytes: O(1) whatever the length, and strong enough that the static-edge
// tables (which also store the full hash) almost never compare bytes twice.
inline uint32_t segment_hash(const char* s, uint32_t n) {
  uint64_t a;
  uint64_t b;
  if (n >= 8) {
    a = load8(s);
    b = load8(s + n - 8);
  } else if (n >= 4) {
    a = load4(s);
    b = load4(s + n - 4);
  } else {
    a = n ? static_cast<uint8_t>(s[0]) | (static_cast<uint64_t>(static_cast<uint8_t>(s[n >> 1])) << 8) |
                (static_cast<uint64_t>(static_cast<uint8_t>(s[n - 1])) << 16)
          : 0;
    b = 0;
  }
  uint64_t h = (a ^ ((b << 29) | (b >> 35)) ^ (static_cast<uint64_t>(n) << 56)) * 0x9E3779B97F4A7C15ull;
  return static_cast<uint32_t>(h >> 32);
}

}  // namespace scan
}  // namespace hotpath
