// Route-table directives: the MIDDLEWARE and ROUTE_MIDDLEWARE lines (HEADER,
// CORS, REQUIRE_HEADER), and their evaluation for one request.
//
// The rules are stated in tests/vectors/README.md ("Directives"). In short,
// a request runs a chain: the table's MIDDLEWARE lines in table order, then,
// when a route matched, that route's ROUTE_MIDDLEWARE lines in table order.
// Each step either adds header operations to the eventual answer (HEADER, and
// CORS outside a preflight) or answers itself and ends the chain (CORS on a
// preflight: 204; REQUIRE_HEADER when the header is missing or wrong: 401).
// The answer then gets the header operations of the steps before the end.
//
// Nothing is decoded or allocated per request: the outcome is a small
// number (`header_set`) that names which fields the answer carries, so a host
// renders or decodes each distinct set once (header_set_fields).
#pragma once
#include <stdint.h>

#include "bytes.h"
#include "method.h"

namespace hotpath {

struct RouteTable;
struct Route;

// A request header field as the host received it (name in any case).
struct HeaderField {
  Slice name;
  Slice value;
};

struct CorsPolicy {
  const Slice* origins;     // allowed origins; origin_count 0 means "*"
  uint32_t origin_count;    // 1: that origin is always sent; 2+: the request's Origin when listed
  Slice methods;            // Access-Control-Allow-Methods of preflights, ", "-joined
  Slice allow_headers;      // Access-Control-Allow-Headers; size 0: echo the request's
  bool credentials;         // Access-Control-Allow-Credentials: true
  bool has_max_age;
  Slice max_age;            // decimal seconds
  // Indexes in RouteTable::needed_headers of Origin,
  // Access-Control-Request-Method and Access-Control-Request-Headers.
  uint32_t origin_field;
  uint32_t method_field;
  uint32_t headers_field;
};

enum DirectiveKind : uint8_t { kHeaderDirective, kCorsDirective, kRequireHeaderDirective };

struct Directive {
  DirectiveKind kind;
  uint32_t line;
  Slice name;                 // HEADER / REQUIRE_HEADER: the field name as written
  Slice value;                // HEADER: the value; REQUIRE_HEADER: the expected value
  Slice challenge;            // REQUIRE_HEADER of Authorization: the WWW-Authenticate scheme
  const CorsPolicy* cors;     // CORS only
  uint32_t needed;            // REQUIRE_HEADER: index of `name` in RouteTable::needed_headers
};

// A directive chain: steps in order.
struct DirectiveChain {
  const Directive* const* steps;
  uint32_t count;
};

// The most request header fields a host hands to evaluate_directives (the
// native server's limit on fields per request).
constexpr uint32_t kMaxHeaderFields = 128;

// Limits, checked when the table loads (each error names its line).
constexpr uint32_t kMaxChainSteps = 64;     // MIDDLEWARE lines; ROUTE_MIDDLEWARE lines per route
constexpr uint32_t kMaxCorsOrigins = 32;
constexpr uint32_t kMaxMiddlewareRoute = 65534;  // ROUTE_MIDDLEWARE route indexes below this (0xFFFE)

// What the directives decided for one request.
struct DirectiveOutcome {
  uint16_t status;     // 0: the route (or the router's error) answers; 204: CORS preflight; 401
  uint32_t header_set; // the extra fields of the answer; 0: none
  // A preflight that echoes the requested headers: the answer also carries
  // Access-Control-Allow-Headers with the request's
  // Access-Control-Request-Headers value (joined_field_value), which is not
  // part of the set because it is the client's text.
  bool echo;
};

// Runs the chain for a request. `route` is the matched route, or nullptr for
// the router's own answers (400, 404, 405, 414), which get the MIDDLEWARE
// chain only. `fields` are the request's header fields (any order, names in
// any case; several fields of one name count as one value joined by ", ",
// RFC 9110 section 5.3). Only the names in RouteTable::needed_headers are
// read, so a host may pass just those.
void evaluate_directives(const RouteTable& table, const Route* route, RequestMethod method,
                         const HeaderField* fields, uint32_t field_count, DirectiveOutcome* out);

// The fields of a header set, in order, each name once (values of appended
// fields are joined with ", "). Writes up to `capacity` fields and returns
// how many the set has; kMaxSetFields always suffice.
constexpr uint32_t kMaxSetFields = kMaxChainSteps * 2 + 8;
uint32_t header_set_fields(const RouteTable& table, uint32_t header_set, HeaderField* out, uint32_t capacity);

// The value of the request's fields named `lower_name`, joined by ", ".
// Returns its length; writes it only when capacity is enough.
uint32_t joined_field_value(const HeaderField* fields, uint32_t count, Slice lower_name, char* out,
                            uint32_t capacity);

// Whether a HEADER directive may set this field: not the ones the router or
// the HTTP layer own (Content-Type, Content-Length, Allow, framing and
// connection fields, Date, Server).
bool header_is_settable(Slice name);

}  // namespace hotpath
