// A compiled route: what the matcher finds and the renderer turns into bytes.
// Every pointer points into the table's Arena (or, for the built-in error
// routes, into constant data), so a Route is valid as long as its table is.
#pragma once
#include <stdint.h>

#include "bytes.h"
#include "directive.h"

namespace hotpath {

constexpr uint32_t kMaxParams = 32;
constexpr uint32_t kMaxSegments = 256;
// Distinct content types per table; id 0 is always the built-in error type.
constexpr uint32_t kMaxContentTypes = 32767;

// How substituted parameter values are escaped, chosen from the media type.
enum EscapeMode : uint8_t {
  kEscapeRaw = 0,     // text/plain and anything unknown: bytes as decoded
  kEscapeJson = 1,    // application/json, */*+json
  kEscapeMarkup = 2,  // text/html, XML types: & < > " '
};

// A body template is a list of parts: literal bytes, then optionally one
// parameter value. `param` indexes the route's captured parameters.
struct TemplatePart {
  Slice literal;
  int32_t param;   // -1: literal only
  bool quote;      // JSON placeholder outside a string literal: emit "value"
};

// What answers a matched route: its declarative reply (status, content type,
// body template), or a handler the host runs (a PROXY line: JavaScript in
// the Wasm adapters, the fallback process behind hotpath-server).
enum RouteKind : uint8_t { kReplyRoute = 0, kHandlerRoute = 1 };

// Where a handler route's answer comes from on hotpath-server.
enum UpstreamKind : uint8_t {
  kDefaultUpstream = 0,  // PROXY: the server's --fallback
  kUnixUpstream = 1,     // PROXY_UNIX: a Unix domain socket path
  kTcpUpstream = 2,      // PROXY_TCP: host:port
};

struct Route {
  uint32_t line;          // 1-based line of the table, 0 for built-in routes
  uint16_t status;
  uint8_t method_slot;    // RequestMethod value, or kRouteAny
  EscapeMode escape;
  Slice path;             // the pattern as written in the table
  Slice content_type;
  uint32_t content_type_id;  // index in RouteTable::content_types
  Slice body;             // the whole body when it has no placeholder
  const TemplatePart* parts;  // nullptr when the body has no placeholder
  uint32_t part_count;
  uint32_t literal_size;  // sum of literal bytes (the size without values)
  const Slice* param_names;  // one per capture, in path order ("" for bare *)
  uint32_t param_count;
  const Route* next;      // the table's routes in line order
  // Added with directives and handler routes (zero for the built-in routes).
  RouteKind kind;         // kHandlerRoute: status, content type and body are unused
  UpstreamKind upstream_kind;
  Slice upstream;         // PROXY_UNIX path or PROXY_TCP host:port
  uint32_t index;         // 0-based position among the table's routes (ROUTE_MIDDLEWARE's index)
  DirectiveChain directives;  // this route's ROUTE_MIDDLEWARE steps, in table order
};

// The content type of the router's own answers (400, 401, 404, 405, 414,
// 502): id 0.
constexpr Slice error_content_type() { return Slice{"text/plain; charset=utf-8", 25}; }

// A built-in answer (a constant: no global constructor), its body the
// status's reason phrase.
constexpr Route builtin_route(uint16_t status, Slice content_type, Slice body) {
  return Route{0,       status,  kRouteAny, kEscapeRaw, Slice{"", 0}, content_type,   0,
               body,    nullptr, 0,         body.size,  nullptr,      0,              nullptr,
               kReplyRoute, kDefaultUpstream, Slice{"", 0}, 0, DirectiveChain{nullptr, 0}};
}

}  // namespace hotpath
