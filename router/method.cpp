#include "method.h"

namespace hotpath {
namespace {

// Indexed by slot; the last entry is ANY.
const char* const kNames[kRouteMethodCount] = {"GET",   "HEAD",   "POST",    "PUT",
                                               "PATCH", "DELETE", "OPTIONS", "ANY"};

uint32_t name_length(const char* s) {
  uint32_t n = 0;
  while (s[n] != '\0') ++n;
  return n;
}

}  // namespace

uint32_t route_method_from_token(const char* token, uint32_t length) {
  for (uint32_t slot = 0; slot < kRouteMethodCount; ++slot) {
    if (slice_equals(Slice{token, length}, kNames[slot])) return slot;
  }
  return kRouteMethodCount;
}

RequestMethod request_method_from_token(const char* token, uint32_t length) {
  // GET is by far the most common; check it without the loop.
  if (length == 3 && token[0] == 'G' && token[1] == 'E' && token[2] == 'T') return kGet;
  uint32_t slot = route_method_from_token(token, length);
  if (slot >= kRouteAny) return kOther;  // "ANY" on the wire is just a token
  return static_cast<RequestMethod>(slot);
}

const char* route_method_name(uint32_t slot) {
  return slot < kRouteMethodCount ? kNames[slot] : "?";
}

uint32_t format_allow(MethodMask mask, char* out, uint32_t capacity) {
  uint32_t needed = 0;
  for (uint32_t slot = 0; slot < kRouteAny; ++slot) {
    if (!(mask & (1u << slot))) continue;
    needed += (needed ? 2 : 0) + name_length(kNames[slot]);
  }
  if (needed > capacity) return needed;
  uint32_t at = 0;
  for (uint32_t slot = 0; slot < kRouteAny; ++slot) {
    if (!(mask & (1u << slot))) continue;
    if (at) {
      out[at++] = ',';
      out[at++] = ' ';
    }
    uint32_t n = name_length(kNames[slot]);
    copy_bytes(out + at, kNames[slot], n);
    at += n;
  }
  return needed;
}

}  // namespace hotpath
