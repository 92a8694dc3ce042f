// The matcher: request method and target in, a Match out (the route that answers and its decoded parameters).
#pragma once
#include <stdint.h>

#include "method.h"
#include "node.h"
#include "route.h"

namespace hotpath {

// A request target longer than this answers 414 (before any other check).
constexpr uint32_t kMaxTargetLength = 8192;

struct Match {
  const Route* route;    // never null: built-in routes carry 400/404/405/414
  uint16_t status;
  MethodMask allow;      // for 405: the methods the path accepts
  bool head;             // a HEAD request: send the headers, omit the body
  uint32_t param_count;
  Slice params[kMaxParams];  // decoded values; may point into scratch
};

// Routes a request. `target` is the raw request target (query and fragment
// allowed, they are ignored); `scratch` must hold at least
// min(target_length, kMaxTargetLength) bytes and outlive the Match, because
// decoded parameter values are written there.
void match_request(const Node* root, RequestMethod method, const char* target,
                   uint32_t target_length, char* scratch, Match* match);

// The built-in answers (text/plain; charset=utf-8).
const Route& bad_request_route();
const Route& not_found_route();
const Route& method_not_allowed_route();
const Route& uri_too_long_route();

}  // namespace hotpath
