// A compiled route: what the matcher finds and the renderer turns into bytes.
// Every pointer points into the table's Arena (or, for the built-in error
// routes, into constant data), so a Route is valid as long as its table is.
#pragma once
#include <stdint.h>

#include "bytes.h"

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
};

// The content type of the router's own answers (400, 404, 405, 414): id 0.
constexpr Slice error_content_type() { return Slice{"text/plain; charset=utf-8", 25}; }

}  // namespace hotpath
