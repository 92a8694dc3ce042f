// The request target's form (RFC 9112 3.2) and the path the router is given.
#pragma once
#include <cstdint>

namespace hotpath::native {

struct RequestTarget {
  enum Form : uint8_t {
    kOrigin,    // "/path?query": routed as sent
    kAbsolute,  // "http://host/path?query" (3.2.2): its path is routed ("/" when it has none)
    kAsterisk,  // "*" (3.2.4): only OPTIONS may use it
    kInvalid,   // authority-form, anything else, or a fragment: 400
  };
  Form form;
  const char* path;  // kOrigin, kAbsolute: what to route (points into the target or at "/")
  uint32_t path_length;
};

// Classifies `target` (a non-empty token of visible ASCII, as the parser
// returns it). A "#" fragment is never part of a target (3.2.1): kInvalid,
// except in a target over the router's limit, which answers 414 first.
RequestTarget parse_request_target(const char* target, uint32_t length);

}  // namespace hotpath::native
