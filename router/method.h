// HTTP methods as the router knows them.
//
// Routes name one of GET HEAD POST PUT PATCH DELETE OPTIONS or ANY. Requests
// may carry any token; those outside the list map to kOther, which only ANY
// routes accept.
#pragma once
#include <stdint.h>

#include "bytes.h"

namespace hotpath {

// Request methods. The order is the order of the Allow header.
enum RequestMethod : uint8_t {
  kGet = 0,
  kHead = 1,
  kPost = 2,
  kPut = 3,
  kPatch = 4,
  kDelete = 5,
  kOptions = 6,
  kOther = 7,
};
constexpr uint32_t kRequestMethodCount = 8;

// Route methods: the seven named methods share the values above; ANY takes
// the slot that kOther has for requests.
constexpr uint8_t kRouteAny = 7;
constexpr uint32_t kRouteMethodCount = 8;

// Bit i set means request method i is accepted (used for Allow).
typedef uint8_t MethodMask;

// Exact, case-sensitive (RFC 9110 section 9.1): "get" is kOther.
RequestMethod request_method_from_token(const char* token, uint32_t length);

// Returns kRouteMethodCount when the token names no route method.
uint32_t route_method_from_token(const char* token, uint32_t length);

// The canonical name of a route method slot ("ANY" for kRouteAny).
const char* route_method_name(uint32_t slot);

// Writes "GET, HEAD, POST" for a mask. Returns the length it needs; writes only
// when capacity is enough. 64 bytes always suffice.
uint32_t format_allow(MethodMask mask, char* out, uint32_t capacity);
constexpr uint32_t kMaxAllowLength = 64;

}  // namespace hotpath
